"""Uploaded PDFs are parsed (core/pdf_check.py): hostile files (active content,
encryption, polyglots, bombs, 200,000 pages, not a PDF, truncated) are refused with a message
and leave nothing behind (no file, row, audit row or mail), wherever a user uploads a PDF;
the public compare upload only hashes and never fails on them."""
import functools
import hashlib
import io
from datetime import datetime
from pathlib import Path

import pytest
from flask_babel import force_locale, refresh
from markupsafe import escape
from sqlalchemy import func, select

from tests import factories
from tests import hostile_pdfs as hostile
from tests.factories import clock_at
from tests.publicity_world import world
from workflow.accounts.models.users import User
from workflow.core.clock import LOCAL
from workflow.core.errors import ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.pdf_check import check_pdf, read_upload
from workflow.demo.steps import tiny_pdf
from workflow.inbox.models import Notification, OutboxMail
from workflow.intake.models import Attachment
from workflow.notices.operations import issue as notice_issue
from workflow.publicity.models import Objection

ACTIVE = "contains active content"
OTHER_CONTENT = "carries other content"
TOO_MANY_PAGES = "has more than 300 pages"
TOO_MANY_OBJECTS = "more than 100000 objects"
BUILDERS = {
    "javascript in the open action": (hostile.javascript_open_action, ACTIVE),
    "javascript in an annotation": (hostile.javascript_annotation, ACTIVE),
    "launch action": (hostile.launch_action, ACTIVE),
    "embedded file": (hostile.embedded_file, ACTIVE),
    "encrypted with a user password": (lambda: hostile.encrypted("secret"),
                                       "protected by a password"),
    "encrypted with an empty user password": (lambda: hostile.encrypted(""), "is encrypted"),
    **{f"polyglot: {name}": (lambda data=data: data, OTHER_CONTENT)
       for name, data in hostile.polyglots().items()},
    "flate bomb": (hostile.flate_bomb, "expands to more than 300 MB"),
    "flate bomb behind two filters": (lambda: hostile.flate_bomb(400, 2),
                                      "expands to more than 300 MB"),
    "object stream bomb": (hostile.object_stream_bomb, "expands to more than 300 MB"),
    "cross-reference stream bomb": (hostile.xref_stream_bomb, "cannot be read"),
    "200,000 pages declared": (lambda: hostile.declared_pages(200_000), TOO_MANY_PAGES),
    "200,000 pages in a real page tree": (
        lambda: hostile.page_tree(200_000, compressed=False), TOO_MANY_PAGES),
    "200,000 pages counted as 1": (
        lambda: hostile.page_tree(200_000, declared=1, compressed=False), TOO_MANY_PAGES),
    "200,000 pages in an object stream": (lambda: hostile.page_tree(200_000),
                                          TOO_MANY_OBJECTS),
    "one page listed 200,000 times, counted as 1": (lambda: hostile.repeated_page(200_000),
                                                    TOO_MANY_PAGES),
    "not a pdf": (lambda: hostile.NOT_A_PDF, "not a PDF"),
    "truncated": (hostile.truncated, "is incomplete"),
}
NOV_4 = datetime(2022, 11, 4, 9, 30, tzinfo=LOCAL)
DURING = datetime(2022, 11, 8, 15, tzinfo=LOCAL)


@functools.cache
def hostile_file(name: str) -> bytes:
    return BUILDERS[name][0]()


def message(name: str) -> str:
    return BUILDERS[name][1]


@pytest.fixture
def large_uploads(app, monkeypatch):
    """The production limit of 20 MB (the tests' 1 MB would refuse the page tree first)."""
    monkeypatch.setitem(app.config, "MAX_ATTACHMENT_MB", 20)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 21 * 1024 * 1024)


def left_behind(app) -> tuple:
    """Everything an upload could leave: files, rows, audit rows, mails."""
    folder = Path(app.config["UPLOAD_DIR"])
    files = sorted(str(p) for p in folder.rglob("*")) if folder.exists() else []
    return (files, *(db.session.scalar(select(func.count()).select_from(model))
                     for model in (Attachment, Objection, AuditEntry, Notification, OutboxMail)))


@pytest.mark.parametrize("name", list(BUILDERS))
def test_a_hostile_pdf_is_refused_with_its_reason(app, large_uploads, name):
    with force_locale("en"), pytest.raises(ServiceError) as refusal:
        read_upload(io.BytesIO(hostile_file(name)))
    assert len(refusal.value.problems) == 1
    assert message(name) in refusal.value.problems[0]


@pytest.mark.parametrize(("data", "pages"), [
    (factories.PDF, 1), (tiny_pdf("Centerflow demo"), 1), (hostile.one_page(), 1),
    (hostile.incremental_update(), 1), (hostile.page_tree(300), 300),
], ids=["factories", "demo", "one page", "incremental update", "300 pages"])
def test_real_pdfs_pass_with_their_pages_and_hash(data, pages):
    checked = check_pdf(data)
    assert checked.data == data and checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.pages == pages


def test_a_page_slipped_in_between_a_pdf_and_its_update_is_refused():
    with force_locale("en"), pytest.raises(ServiceError, match=OTHER_CONTENT):
        check_pdf(hostile.incremental_update(between=hostile.HTML))


def test_the_page_limit_and_the_expansion_limit_follow_the_configuration(app, monkeypatch):
    monkeypatch.setitem(app.config, "PDF_MAX_PAGES", 299)
    with force_locale("en"), pytest.raises(ServiceError, match="more than 299 pages"):
        check_pdf(hostile.page_tree(300))
    monkeypatch.setitem(app.config, "PDF_MAX_DECOMPRESSED_MB", 5)
    with force_locale("en"), pytest.raises(ServiceError, match="more than 5 MB"):
        check_pdf(hostile.flate_bomb(6))
    assert check_pdf(hostile.flate_bomb(4)).pages == 1


def upload(client, app_id: int, content: bytes, name: str = "营业执照.pdf"):
    refresh()  # the tests' requests share one app context, where Flask-Babel keeps the locale
    return client.post(f"/applications/{app_id}/attachments",
                       data={"kind": "licence", "file": (io.BytesIO(content), name)})


@pytest.fixture
def applicant_client(app, login_as, make):
    application = make.application(complete=False)
    lead = db.session.get(User, application.created_by_id)
    lead.locale = "en"
    db.session.commit()
    return application, login_as(lead)


@pytest.mark.parametrize("name", list(BUILDERS))
def test_a_hostile_attachment_is_refused_and_nothing_is_stored(app, large_uploads,
                                                               applicant_client, name):
    application, client = applicant_client
    before = left_behind(app)

    response = upload(client, application.id, hostile_file(name))

    assert response.status_code == 422
    assert str(escape(message(name))) in response.get_data(as_text=True)
    assert left_behind(app) == before


@pytest.fixture
def announced(app, kept):
    """An announcement of 2022-11-04 to 11-10 listing one center. Committed; kept for the
    next test while nothing an upload could leave has changed (conftest's `kept`)."""
    def build():
        with clock_at(NOV_4):
            w = world("半导体激光")
            w.shortlist(w.apps[0])
            announcement = w.publish()
        db.session.commit()
        return type(announcement), announcement.id, left_behind(app)

    model, id_, _ = kept("pdf_uploads.announced", build,
                         lambda value: left_behind(app) == value[2])
    return db.session.get(model, id_)


def sealed_objection(client, announcement, letter: bytes, name: str = "异议函.pdf"):
    refresh()
    with clock_at(DURING):
        return client.post(f"/publicity/{announcement.id}/objections", data={
            "filer_kind": "organization", "entry_id": announcement.entries[0].id,
            "organization_name": "测试异议单位", "contact_person": "李四",
            "phone": "0531-88880000", "content": "核心专利权属存在争议",
            "letter": (io.BytesIO(letter), name)})


@pytest.mark.parametrize("name", list(BUILDERS))
def test_a_hostile_objection_letter_is_refused_and_nothing_is_stored(app, large_uploads,
                                                                     client, announced, name):
    client.post("/language/en", data={"next": "/"})
    before = left_behind(app)

    response = sealed_objection(client, announced, hostile_file(name))

    assert response.status_code == 422
    assert str(escape(message(name))) in response.get_data(as_text=True)
    assert left_behind(app) == before


def test_a_real_letter_is_filed_and_kept(app, client, announced):
    response = sealed_objection(client, announced, factories.PDF)
    assert response.status_code == 302
    (row,) = db.session.scalars(select(Objection)).all()
    assert row.letter_sha256 == hashlib.sha256(factories.PDF).hexdigest()
    assert (Path(app.config["UPLOAD_DIR"]) / row.letter_name).read_bytes() == factories.PDF


@pytest.fixture
def issued_document(app, tmp_path, monkeypatch):
    """An issued notice with stand-in files (their content does not matter here)."""
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setattr(notice_issue, "render_document", lambda doc: factories.PDF)
    officer = factories.officer()
    call = factories.call(actor=officer)
    factories.approval_pending_batch(call, 1, officer)
    notice = factories.issue_notice(call, officer)
    db.session.commit()
    return notice.documents[0]


@pytest.mark.parametrize("name", ["flate bomb", "200,000 pages declared", "not a pdf",
                                  "polyglot: zip after %%EOF", "encrypted with a user password"])
def test_the_public_compare_only_hashes_a_hostile_file(client, issued_document, name):
    data = hostile_file(name)
    response = client.post(f"/verify/{issued_document.verification_code}",
                           data={"file": (io.BytesIO(data), "x.pdf")})
    assert response.status_code == 200
    assert 'id="mismatch"' in response.get_data(as_text=True)
    assert hashlib.sha256(data).hexdigest() in response.get_data(as_text=True)
