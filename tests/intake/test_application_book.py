"""The application book (申报书) of each submitted version: what it prints, hostile text in
it, the same bytes on every download, a changed stored file refused, who may download and
verify it (by ID), the statements of the verification page, and the migration that gave
existing versions their codes and hashes."""
import hashlib
import io
import json
import os
import re
import stat

import pdfplumber
import pypdfium2 as pdfium
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import event, text

from tests import factories
from tests.platform.test_config import other_app
from tests.platform.test_migrations import separate_database
from workflow.core import clock, storage
from workflow.core.extensions import db
from workflow.core.regions import city_name
from workflow.core.states import AppState, Role
from workflow.core.verification_codes import CODE_ALPHABET
from workflow.intake.documents.book import chinese_number
from workflow.intake.models import ApplicationVersion
from workflow.intake.operations import books, intake
from workflow.review.queries import panel_seats

HOSTILE = {
    "html": '<script>alert("x")</script><img src="file:///etc/passwd">',
    "long": "超" * 10 + "W" * 2500,
    "rtl": "\u202eevil.pdf\u202c مرحبا بالعالم",
    "emoji": "火箭🚀🧪实验室",
}


@pytest.fixture(autouse=True)
def own_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://kjt.example.gov.cn/")


FIELD_KEYS = [f.key for s in factories.SECTIONS for f in s.fields]
LEAD_NAME = "山东华光光电子股份有限公司"


def marker(section_key: str, field) -> str:
    """A value of its own for every field: numbers stay numbers."""
    if field.kind in ("number", "money"):
        return str(1000 + FIELD_KEYS.index(field.key))
    return {"email": f"{field.key}@example.com", "phone": "0531-86100000",
            "industry": "高端装备"}.get(field.kind, f"内容{section_key}{field.key}止")


def submitted(*, values=None, cobuilder=True, region=factories.JINAN):
    """A submitted application of a unit of `region`, each field holding `values` or its
    marker, with a confirmed co-builder; committed."""
    lead = factories.user(Role.APPLICANT, organization=factories.org(region, LEAD_NAME))
    app = factories.application(lead=lead, cobuilder=cobuilder)
    for section in factories.SECTIONS:
        intake.save_section(app, section.key, {
            f.key: (values or {}).get(f.key, marker(section.key, f)) for f in section.fields},
            actor=lead)
    factories.drive(app, AppState.SUBMITTED, lead=lead)
    db.session.commit()
    return app, lead


def pdf_text(data: bytes) -> str:
    """The text of every page without white space. pdfium, not pdfminer: pdfminer drops
    the text of a font whose page also holds a glyph no installed font has (an emoji)."""
    pdf = pdfium.PdfDocument(data)
    return "".join("".join(page.get_textpage().get_text_range().split()) for page in pdf)


def book_url(app, number=1) -> str:
    return f"/applications/{app.id}/versions/{number}/book.pdf"


def download(client, app, number=1):
    return client.get(book_url(app, number))


def test_the_book_prints_the_cover_every_section_and_the_attachment_hashes(login_as):
    app, lead = submitted()
    version = app.versions[0]
    response = download(login_as(lead), app)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    printed = pdf_text(response.data)
    submitted_at = clock.local(version.submitted_at)
    for expected in (app.call.title, "申报书", LEAD_NAME, app.lead_org.credit_code,
                     app.title, app.field.name, city_name(app.region_code),
                     f"{submitted_at.year}年{submitted_at.month}月{submitted_at.day}日"
                     f"{submitted_at:%H:%M}（北京时间）", "第1版", "申报单位（盖章）",
                     app.call.platform_type.issuing_department, version.code_groups,
                     f"https://kjt.example.gov.cn/applications/verify/{version.verification_code}",
                     "测试大学", app.cobuilders[0].credit_code, version.snapshot_sha256):
        assert expected in printed, expected
    for section in factories.SECTIONS:
        assert f"{chinese_number(section.number)}、" in printed
        for field in section.fields:
            if field.kind not in ("industry", "phone"):
                assert marker(section.key, field) in printed, field.key
    for attachment in version.snapshot["attachments"]:
        assert attachment["sha256"] in printed and attachment["name"] in printed
    assert "SHA-256" in printed


def test_the_book_is_rendered_from_the_version_not_from_the_live_application(login_as):
    app, lead = submitted()
    app.title = "后来改过的名称"
    app.sections[0].data = {**app.sections[0].data, "summary": "提交后改动的简介"}
    db.session.commit()
    printed = pdf_text(download(login_as(lead), app).data)
    assert "后来改过的名称" not in printed and "提交后改动的简介" not in printed
    assert "山东省测试技术创新中心" in printed


def test_hostile_text_is_printed_as_text_and_stays_on_the_page(login_as):
    values = {"summary": HOSTILE["html"], "positioning": HOSTILE["long"],
              "project_head": HOSTILE["rtl"], "team": HOSTILE["emoji"],
              "risks": "第一段\n\n<b>第二段</b>\x0b\x00"}
    app, lead = submitted(values=values)
    data = download(login_as(lead), app).data
    printed = pdf_text(data)
    assert '<script>alert("x")</script><imgsrc="file:///etc/passwd">' in printed
    assert "<b>第二段</b>" in printed and "W" * 200 in printed
    assert "مرحبا" in printed or "ابحرم" in printed
    assert "火箭" in printed and "实验室" in printed
    assert b"/JavaScript" not in data and b"/Launch" not in data
    for page in pdfium.PdfDocument(data):
        width, textpage = page.get_width(), page.get_textpage()
        boxes = [textpage.get_charbox(i) for i in range(textpage.count_chars())]
        assert boxes and all(0 <= left and right <= width for left, _b, right, _t in boxes)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert not [a for page in pdf.pages for a in page.annots
                    if "file:" in str(a.get("uri", ""))]


def test_every_download_gives_the_bytes_stored_the_first_time(login_as, make):
    app, lead = submitted()
    first = download(login_as(lead), app).data
    version = db.session.get(ApplicationVersion, app.versions[0].id)
    db.session.refresh(version)
    stored = storage.documents_dir() / version.pdf_name
    assert version.pdf_sha256 == hashlib.sha256(first).hexdigest() == storage.sha256_of(
        stored.read_bytes())
    assert version.pdf_size == len(first) and stat.S_IMODE(stored.stat().st_mode) == 0o444
    again = download(login_as(make.officer()), app).data
    assert again == first
    assert len(list(storage.documents_dir().glob("book-*"))) == 1


def test_a_changed_stored_book_is_not_served(login_as):
    app, lead = submitted()
    client = login_as(lead)
    download(client, app)
    version = db.session.get(ApplicationVersion, app.versions[0].id)
    db.session.refresh(version)
    stored = storage.documents_dir() / version.pdf_name
    os.chmod(stored, 0o644)
    stored.write_bytes(stored.read_bytes().replace(b"%%EOF", b"%%EOF\n% changed"))
    response = download(client, app)
    assert response.status_code == 500 and b"%PDF" not in response.data
    stored.unlink()
    assert download(client, app).status_code == 500


@pytest.fixture
def people(make):
    """Everyone who asks about a Jinan application, by role."""
    app, lead = submitted()
    partner = next(c for c in app.cobuilders).organization
    world = {
        "app": app, "lead": lead,
        "cobuilder": make.user(Role.APPLICANT, organization=partner),
        "other_unit": make.applicant(factories.JINAN),
        "recommender_same_city": make.recommender(factories.JINAN),
        "recommender_other_city": make.recommender(factories.QINGDAO),
        "officer": make.officer(),
    }
    db.session.commit()
    return world


ALLOWED = ("lead", "cobuilder", "recommender_same_city", "officer")
REFUSED = ("other_unit", "recommender_other_city")


@pytest.mark.parametrize("role", ALLOWED)
def test_those_who_see_the_application_download_and_verify_its_book(people, login_as, role):
    app = people["app"]
    client = login_as(people[role])
    assert download(client, app).status_code == 200
    code = app.versions[0].verification_code
    page = client.get(f"/applications/verify/{code}")
    assert page.status_code == 200 and app.versions[0].snapshot_sha256 in page.text


@pytest.mark.parametrize("role", REFUSED)
def test_others_are_refused_by_id_and_told_nothing(people, login_as, role):
    app = people["app"]
    client = login_as(people[role])
    assert download(client, app).status_code == 403
    version = app.versions[0]
    hidden = client.get(f"/applications/verify/{version.verification_code}")
    unknown = client.get("/applications/verify/AAAAAAAAAAAAAAAA")
    assert hidden.status_code == unknown.status_code == 404
    # The same page but for the address asked, which it links back to (the language switch).
    assert hidden.text.replace(version.verification_code, "X") == unknown.text.replace(
        "AAAAAAAAAAAAAAAA", "X")
    for secret in (app.title, app.lead_org.name, version.snapshot_sha256, app.call.title):
        assert secret not in hidden.text
    assert client.post(f"/applications/verify/{version.verification_code}", data={
        "file": (io.BytesIO(b"%PDF-1.4"), "book.pdf")}).status_code == 404
    assert db.session.get(ApplicationVersion, version.id).pdf_stored_at is None


def test_anonymous_visitors_are_sent_to_log_in_and_told_nothing(people, client):
    app, version = people["app"], people["app"].versions[0]
    response = download(client, app)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    hidden = client.get(f"/applications/verify/{version.verification_code}")
    unknown = client.get("/applications/verify/" + "B" * 16)
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.text.replace(version.verification_code, "X") == unknown.text.replace(
        "B" * 16, "X")
    assert app.title not in hidden.text and version.snapshot_sha256 not in hidden.text


def test_an_expert_on_the_panel_may_verify_and_one_elsewhere_may_not(login_as, make):
    officer = make.officer()
    app = make.application(state=AppState.FORMAL_PASSED)
    factories.seat_panel(app, officer)
    seated = panel_seats.accepted_seats(app)[0].expert.user
    outsider = make.expert(app.field.name).user
    db.session.commit()
    code = app.versions[0].verification_code
    assert login_as(seated).get(f"/applications/verify/{code}").status_code == 200
    assert login_as(outsider).get(f"/applications/verify/{code}").status_code == 404
    assert download(login_as(outsider), app).status_code == 403


def test_the_verification_page_confirms_the_version_and_compares_a_file(login_as):
    app, lead = submitted()
    client = login_as(lead)
    version = app.versions[0]
    before = client.get(f"/applications/verify/{version.verification_code}")
    assert 'id="pdf-sha256"' in before.text and 'id="compare"' not in before.text
    book = download(client, app).data
    typed = "-".join(re.findall("....", version.verification_code.lower()))
    assert client.get(f"/applications/verify/{typed}").status_code == 302
    page = client.get(f"/applications/verify/{version.verification_code}")
    for expected in (app.call.title, app.lead_org.name, version.snapshot_sha256,
                     hashlib.sha256(book).hexdigest(), version.code_groups):
        assert expected in page.text
    same = client.post(f"/applications/verify/{version.verification_code}",
                       data={"file": (io.BytesIO(book), "book.pdf")})
    assert 'id="match"' in same.text
    other = client.post(f"/applications/verify/{version.verification_code}",
                        data={"file": (io.BytesIO(book + b"\n"), "book.pdf")})
    assert 'id="mismatch"' in other.text and hashlib.sha256(book + b"\n").hexdigest() in other.text


def test_a_version_whose_stored_content_changed_is_flagged(login_as):
    app, lead = submitted()
    version = app.versions[0]
    changed = {**version.snapshot, "title": "改过的名称"}
    db.session.execute(text("UPDATE application_versions SET snapshot = :s WHERE id = :id"),
                       {"s": json.dumps(changed), "id": version.id})
    db.session.commit()
    page = login_as(lead).get(f"/applications/verify/{version.verification_code}")
    assert 'id="altered"' in page.text and 'id="valid"' not in page.text


def test_the_application_page_and_its_versions_link_the_book(people, login_as):
    app = people["app"]
    client = login_as(people["recommender_same_city"])
    assert book_url(app) in client.get(f"/applications/{app.id}").text
    version_page = client.get(f"/applications/{app.id}/versions/1").text
    assert book_url(app) in version_page and app.versions[0].code_groups in version_page


def test_submitting_again_gives_a_new_code_and_hash(make):
    app, lead = submitted()
    first = app.versions[0]
    assert len(first.verification_code) == 16 and set(first.verification_code) <= CODE_ALPHABET
    assert first.snapshot_sha256 == books.snapshot_sha256(first.snapshot)
    factories.step_through(app, "return", make.recommender(app.region_code))
    intake.save_section(app, "risks", {"risks": "第二版的风险"}, actor=lead)
    factories.step_through(app, "resubmit", lead)
    db.session.commit()
    second = app.versions[1]
    assert second.verification_code != first.verification_code
    assert second.snapshot_sha256 != first.snapshot_sha256


@pytest.fixture
def counted():
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    yield statements
    event.remove(db.engine, "before_cursor_execute", count)


def test_the_verification_page_issues_a_fixed_number_of_statements(login_as, make, counted):
    small, _ = submitted(cobuilder=False)
    large, lead = submitted()
    factories.step_through(large, "return", make.recommender(large.region_code))
    factories.step_through(large, "resubmit", lead)
    db.session.commit()
    client = login_as(make.officer())
    sizes = []
    for version in (small.versions[0], large.versions[1]):
        db.session.expire_all()
        counted.clear()
        assert client.get(f"/applications/verify/{version.verification_code}").status_code == 200
        sizes.append(len(counted))
    assert sizes[0] == sizes[1] <= 12, sizes


def test_the_verification_page_is_rate_limited_per_client(app):
    limited = other_app(app, RATE_LIMITS=True, BOOK_VERIFY_RATE_LIMIT="3 per minute")
    client = limited.test_client()
    codes = [c * 16 for c in "CDEF"]
    answers = [client.get(f"/applications/verify/{code}",
                          environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code
               for code in codes]
    assert answers == [404, 404, 404, 429]
    assert client.get("/applications/verify/" + "G" * 16,
                      environ_base={"REMOTE_ADDR": "203.0.113.10"}).status_code == 404


def test_the_migration_gives_existing_versions_a_code_and_their_hash(app, tmp_path):
    with separate_database(app, tmp_path) as engine:
        upgrade()
        application = factories.application(state=AppState.SUBMITTED)
        db.session.commit()
        app_id = application.id
        db.session.remove()
        downgrade(revision="d13e1e1e1e09")
        with engine.connect() as conn:
            columns = conn.execute(text("SELECT * FROM application_versions")).keys()
        assert "verification_code" not in columns
        upgrade()
        version = db.session.scalars(db.select(ApplicationVersion).where(
            ApplicationVersion.application_id == app_id)).one()
        assert len(version.verification_code) == 16
        assert set(version.verification_code) <= CODE_ALPHABET
        assert version.snapshot_sha256 == books.snapshot_sha256(version.snapshot)
        assert version.pdf_name is None and version.pdf_stored_at is None
        db.session.remove()
