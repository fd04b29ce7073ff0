"""The notice's draft and its screens: texts with placeholders, the seal, hostile text
printed as text, the leader's signature, issuing from the page with its progress steps,
downloads for the units listed and no one else, revocation."""
import io
from dataclasses import dataclass

import flask_babel
import pdfplumber
import pytest
from markupsafe import escape
from PIL import Image, ImageDraw
from sqlalchemy import func, select

from tests import factories
from tests.confirming import confirmed
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.accounts.models.users import User
from workflow.calls.models import Call
from workflow.core import pdf
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState
from workflow.notices import queries as notice_queries
from workflow.notices.models import DocumentNumber, OfficialDocument
from workflow.notices.operations import drafts as notices
from workflow.notices.operations import issue as notice_issue
from workflow.notices.settings import notice_settings_of

HOSTILE = ('<script>alert(1)</script><img src=file:///etc/passwd></style>'
           '<link rel=stylesheet href=http://127.0.0.1:9/x.css>{{ 7*7 }}')


def png(size=(240, 240), kind="PNG") -> bytes:
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    ImageDraw.Draw(image).ellipse((8, 8, size[0] - 8, size[1] - 8), outline=(230, 0, 18, 255),
                                  width=12)
    out = io.BytesIO()
    image.convert("RGB" if kind == "JPEG" else "RGBA").save(out, kind)
    return out.getvalue()


@dataclass
class World:
    call: Call
    apps: list
    officer: object
    leader: object
    leads: list
    partner: object


@pytest.fixture(autouse=True)
def own_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))


@pytest.fixture
def fast_render(monkeypatch):
    """A stand-in PDF per document where its content does not matter (speed)."""
    monkeypatch.setattr(notice_issue, "render_document",
                        lambda doc: b"%PDF-1.4 " + doc.verification_code.encode() + b" %%EOF")


@pytest.fixture
def world() -> World:
    """Two applications of one call waiting for approval; the first has a co-builder."""
    officer, leader = factories.officer(), factories.leader()
    call = factories.call(actor=officer)
    apps = factories.approval_pending_batch(call, 2, officer, cobuilder=True)
    partner = db.session.scalar(select(User).where(
        User.organization_id == apps[0].cobuilders[0].organization_id))
    leads = [db.session.scalar(select(User).where(User.organization_id == a.lead_org_id))
             for a in apps]
    db.session.commit()
    return World(call, apps, officer, leader, leads, partner)


def issued(world: World):
    notice = factories.issue_notice(world.call, world.officer)
    db.session.commit()
    return notice


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def text_of(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as document:
        return "\n".join(page.extract_text() or "" for page in document.pages)


# The texts


def test_defaults_fill_the_placeholders_from_the_call(world):
    content = notice_queries.draft_content(world.call)
    year = world.call.year
    assert content["header"] == "山东省科学技术厅文件" and content["office_code"] == "鲁科字"
    assert content["title"] == f"山东省科学技术厅关于认定{year}年度山东省技术创新中心的通知"
    assert content["addressees"].endswith("：")
    assert "决定认定2家单位" in content["paragraphs"][0]
    assert [u["application_id"] for u in content["units"]] == sorted(a.id for a in world.apps)


@pytest.mark.parametrize(("field", "value", "says"), [
    ("title", "关于{foo}的通知", "placeholder"),
    ("title", "关于{year!r}的通知", "placeholder"),
    ("body", "第一段{0}", "placeholder"),
    ("letter_title", "关于{unit.name}的函", "placeholder"),
    ("agency", "{agency}", "placeholder"),
    ("office_code", "LKZ", "office code"),
    ("title", "长" * 201, "longer than 200"),
    ("printer", "   ", "Fill in"),
])
def test_bad_texts_are_refused_and_nothing_changes(field, value, says):
    officer = factories.officer()
    call = factories.call(actor=officer)
    before = dict(call.notice_settings)
    data = {**notice_settings_of(call).texts(), field: value}
    with flask_babel.force_locale("en"), pytest.raises(ServiceError) as refused:
        notices.save_settings(call, data, actor=officer)
    assert says in str(refused.value)
    assert call.notice_settings == before


def test_saved_texts_change_the_draft_and_leave_an_audit_row(world):
    data = {**notice_settings_of(world.call).texts(), "office_code": "鲁科发", "note": "",
            "body": "一、总体要求。认定{count}家。\n（一）工作安排。按计划推进。"}
    notices.save_settings(world.call, data, actor=world.officer)
    content = notice_queries.draft_content(world.call)
    assert content["office_code"] == "鲁科发" and content["note"] == ""
    assert content["paragraphs"] == ["一、总体要求。认定2家。", "（一）工作安排。按计划推进。"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "notice_settings"))
    assert "office_code" in entry.comment and "body" in entry.comment


def test_only_officers_edit_and_only_until_the_notice_is_issued(world, fast_render):
    with pytest.raises(PermissionDenied):
        notices.save_settings(world.call, notice_settings_of(world.call).texts(),
                              actor=world.leader)
    issued(world)
    with pytest.raises(PermissionDenied):
        notices.save_settings(world.call, notice_settings_of(world.call).texts(),
                              actor=world.officer)
    with pytest.raises(PermissionDenied):
        notices.store_seal(world.call, stream=io.BytesIO(png()), actor=world.officer)


# The seal


def test_a_png_seal_is_stored_once_and_printed_in_the_issued_notice(world):
    seal = notices.store_seal(world.call, stream=io.BytesIO(png()), actor=world.officer)
    assert world.call.notice_settings["seal"] == seal
    notice = issued(world)
    with pdfplumber.open(io.BytesIO(notice_issue.document_bytes(notice.documents[1]))) as doc:
        images = doc.pages[0].images
    assert len(images) == 2  # the QR code and the seal
    seal_box = max(images, key=lambda i: i["width"])
    assert abs(seal_box["width"] - 42 / 25.4 * 72) < 1


@pytest.mark.parametrize("data", [
    png(kind="JPEG"), factories.PDF, b"\x89PNG\r\n\x1a\nbroken", png(size=(40, 40)), b"",
])
def test_a_seal_that_is_no_sensible_png_is_refused(data):
    officer = factories.officer()
    call = factories.call(actor=officer)
    with pytest.raises(ServiceError):
        notices.store_seal(call, stream=io.BytesIO(data), actor=officer)
    assert "seal" not in call.notice_settings


# Hostile text is printed as text; nothing is fetched


def test_hostile_texts_and_unit_names_are_printed_as_text(world, monkeypatch):
    world.apps[0].lead_org.name = "<b>恶意</b>有限公司" + HOSTILE
    data = {**notice_settings_of(world.call).texts(), "title": "通知" + HOSTILE,
            "body": "第一段" + HOSTILE + "\n一、" + HOSTILE, "cc": HOSTILE}
    notices.save_settings(world.call, data, actor=world.officer)
    asked = []
    real_fetch = pdf.StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url if url.startswith("static:") else url[:22])
        return real_fetch(self, url, headers)
    monkeypatch.setattr(pdf.StaticOnlyFetcher, "fetch", spy)

    notice = issued(world)

    assert set(asked) == {"static:css/official.css", "data:image/png;base64,"}
    notice_text = text_of(notice_issue.document_bytes(notice.documents[0])).replace("\n", "")
    assert "<script>alert(1)</script>" in notice_text and "{ 7*7 }" in notice_text
    assert "</style>" in notice_text and "<b>恶意</b>有限公司" in notice_text
    letter = next(d for d in notice.documents if d.application_id == world.apps[0].id)
    assert "<b>恶意</b>有限公司" in text_of(notice_issue.document_bytes(letter))


def test_hostile_texts_are_escaped_on_the_pages(world, login):
    data = {**notice_settings_of(world.call).texts(), "title": "通知" + HOSTILE}
    notices.save_settings(world.call, data, actor=world.officer)
    db.session.commit()
    page = login(world.officer).get(f"/officer/calls/{world.call.id}/notice")
    body = page.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert str(escape("<script>alert(1)</script>")) in body


# Signing and issuing from the pages


def test_leader_signs_and_officer_issues_step_by_step_from_the_page(world, fast_render, login):
    url = f"/officer/calls/{world.call.id}/notice"
    leader = login(world.leader)
    page = leader.get(url).get_data(as_text=True)
    assert 'data-action="sign"' in page and 'data-action="issue"' not in page
    assert leader.post(url + "/sign").status_code == 302

    officer = login(world.officer)
    page = officer.get(url).get_data(as_text=True)
    issue_button = page.split('data-action="issue"')[1][:40]
    assert "disabled" not in issue_button
    assert confirmed(officer, url + "/issue").status_code == 302
    notice = notices.notice_of(world.call)
    assert notice.state == "issuing" and notice.number.text in officer.get(url).get_data(
        as_text=True)

    step = officer.post(f"/officer/notices/{notice.id}/step",
                        headers={"Accept": "application/json"})
    assert step.json == {"stored": 3, "total": 3, "done": True}
    db.session.expire_all()
    assert all(a.state == AppState.APPROVED for a in world.apps)
    page = officer.get(url).get_data(as_text=True)
    assert "Issued" in page and page.count('href="/documents/') == 3


def test_without_javascript_the_continue_button_stores_a_few_per_request(world, login,
                                                                           fast_render,
                                                                           monkeypatch):
    from workflow.notices.views import notices as notice_views

    monkeypatch.setattr(notice_views, "STEP", 2)
    notices.sign_notice(world.call, actor=world.leader)
    notice = notice_issue.issue_notice(world.call, actor=world.officer)
    db.session.commit()
    client = login(world.officer)
    first = client.post(f"/officer/notices/{notice.id}/step")
    assert first.status_code == 302 and first.location.endswith("/notice#progress")
    assert notice_issue.progress(notice) == (2, 3) and notice.state == "issuing"
    client.post(f"/officer/notices/{notice.id}/step")
    db.session.expire_all()
    assert notice.state == "issued"


def test_the_page_shows_why_signing_is_not_possible(login):
    other = factories.call()
    leader = factories.leader()
    db.session.commit()
    page = login(leader).get(f"/officer/calls/{other.id}/notice").get_data(as_text=True)
    assert "No application of this call is waiting for approval." in page
    assert 'data-action="sign" disabled' in page


# Downloads and revocation


def test_units_download_their_letter_and_the_notice_and_no_other_letter(world, fast_render, login):
    notice = issued(world)
    letters = {d.application_id: d for d in notice.documents[1:]}
    mine, theirs = letters[world.apps[0].id], letters[world.apps[1].id]
    lead = login(world.leads[0])
    response = lead.get(f"/documents/{mine.id}")
    assert response.status_code == 200 and response.data == notice_issue.document_bytes(mine)
    assert lead.get(f"/documents/{notice.documents[0].id}").status_code == 200
    assert lead.get(f"/documents/{theirs.id}").status_code == 403
    assert login(world.partner).get(f"/documents/{mine.id}").status_code == 200
    stranger = login(factories.applicant())
    for doc in notice.documents:
        refused = stranger.get(f"/documents/{doc.id}")
        assert refused.status_code == 403 and b"%PDF" not in refused.data
    assert lead.get("/documents/999999").status_code == 404


def test_the_application_page_offers_the_documents_to_its_units_only(world, fast_render, login):
    notice = issued(world)
    url = f"/applications/{world.apps[0].id}"
    page = login(world.leads[0]).get(url).get_data(as_text=True)
    assert 'id="approval-documents"' in page and notice.number.text in page
    other = login(world.leads[1]).get(url)
    assert other.status_code == 403 and notice.documents[1].verification_code not in other.text


def test_an_officer_revokes_a_letter_with_a_reason(world, fast_render):
    notice = issued(world)
    letter = notice.documents[1]
    notice_issue.revoke_document(letter, reason="  依托单位主动放弃建设  ", actor=world.officer)
    assert letter.revoked_at is not None and letter.revoke_reason == "依托单位主动放弃建设"
    assert notice.documents[0].revoked_at is None and notice.documents[2].revoked_at is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "revoke_document"))
    assert entry.application_id == letter.application_id and "放弃" in entry.comment
    with pytest.raises(ServiceError):
        notice_issue.revoke_document(letter, reason="再次", actor=world.officer)


def test_revoking_the_notice_revokes_its_letters_and_keeps_the_number(world, fast_render):
    notice = issued(world)
    revoked = notice_issue.revoke_document(notice.documents[0], reason="发现重大问题",
                                           actor=world.officer)
    assert len(revoked) == 3 and all(d.revoked_at for d in notice.documents)
    assert db.session.scalar(select(DocumentNumber.status)) == "issued"


@pytest.mark.parametrize("who", ["leader", "lead", "stranger"])
def test_only_officers_revoke(world, fast_render, who):
    notice = issued(world)
    actor = {"leader": world.leader, "lead": world.leads[0],
             "stranger": factories.applicant()}[who]
    with pytest.raises(PermissionDenied):
        notice_issue.revoke_document(notice.documents[1], reason="越权", actor=actor)
    assert count(OfficialDocument, OfficialDocument.revoked_at.is_not(None)) == 0


def test_an_officer_revokes_from_the_page(world, fast_render, login):
    notice = issued(world)
    letter = notice.documents[1]
    response = confirmed(login(world.officer), f"/officer/documents/{letter.id}/revoke",
                         data={"reason": "依托单位放弃建设"})
    assert response.status_code == 302
    db.session.expire_all()
    assert letter.revoked_at is not None and letter.revoke_reason == "依托单位放弃建设"


def test_revoking_needs_a_reason(world, fast_render, login):
    notice = issued(world)
    client = login(world.officer)
    response = client.post(f"/officer/documents/{notice.documents[1].id}/revoke",
                           data={"reason": ""}, follow_redirects=True)
    assert "This field is required." in response.get_data(as_text=True)
    assert count(OfficialDocument, OfficialDocument.revoked_at.is_not(None)) == 0


def test_nothing_is_revoked_while_the_notice_is_still_being_issued(world, fast_render):
    notices.sign_notice(world.call, actor=world.leader)
    notice = notice_issue.issue_notice(world.call, actor=world.officer)
    notice_issue.store_next_document(notice, actor=world.officer)
    with pytest.raises(ServiceError):
        notice_issue.revoke_document(notice.documents[0], reason="过早", actor=world.officer)
    assert notice.documents[0].revoked_at is None
