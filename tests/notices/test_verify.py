"""The public verification page: no login; the number, date, title, units and SHA-256 of an
issued document, whether it was revoked; an uploaded file compared; unknown codes 404."""
import hashlib
import io

import pdfplumber
import pytest
from flask_babel import refresh
from sqlalchemy import func, select

from tests import factories
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.notices.models import Notice, OfficialDocument
from workflow.notices.operations import issue as notice_issue


@pytest.fixture(autouse=True)
def own_folder(app, tmp_path_factory, monkeypatch):
    """A folder of this module's own, the same for all its tests: `notice` may be kept."""
    folder = tmp_path_factory.getbasetemp() / "verify-uploads"
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(folder))
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://kjt.example.gov.cn/")


def _as_issued() -> tuple:
    return (db.session.scalar(select(func.count()).select_from(AuditEntry)),
            db.session.execute(select(OfficialDocument.id, OfficialDocument.revoked_at,
                                      OfficialDocument.sha256, OfficialDocument.stored_at)
                               .order_by(OfficialDocument.id)).all())


@pytest.fixture
def notice(kept):
    """An issued notice of two units, its documents rendered and stored. Kept for the next
    test while no document or audit row changed (conftest's `kept`): issuing renders every
    document."""
    def build():
        officer = factories.officer()
        call = factories.call(actor=officer)
        factories.approval_pending_batch(call, 2, officer)
        row = factories.issue_notice(call, officer)
        db.session.commit()
        return row.id, _as_issued()

    id_, _ = kept("verify.notice", build, lambda value: _as_issued() == value[1])
    return db.session.get(Notice, id_)


@pytest.fixture
def public(client):
    """An anonymous visitor reading in English."""
    client.post("/language/en", data={"next": "/"})
    plain_open = client.open

    def open_fresh(*args, **kwargs):
        refresh()
        return plain_open(*args, **kwargs)
    client.open = open_fresh
    return client


def test_the_printed_code_and_url_lead_to_the_public_page(notice):
    letter = notice.documents[1]
    with pdfplumber.open(io.BytesIO(notice_issue.document_bytes(letter))) as document:
        text = document.pages[0].extract_text()
        images = document.pages[0].images
    assert letter.code_groups in text
    assert f"https://kjt.example.gov.cn/verify/{letter.verification_code}" in text
    assert images, "no QR code"


def test_an_issued_notice_is_verified_without_a_login(notice, public):
    doc = notice.documents[0]
    page = public.get(f"/verify/{doc.verification_code}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="valid"' in body
    assert notice.number.text in body and notice.content["title"] in body
    assert doc.sha256 in body and f"{notice.issued_on.year}年" in body
    for unit in notice.content["units"]:
        assert unit["center"] in body and unit["lead_unit"] in body


def test_a_letter_shows_its_own_unit_only(notice, public):
    letter, other = notice.documents[1], notice.documents[2]
    body = public.get(f"/verify/{letter.verification_code}").get_data(as_text=True)
    assert letter.application.lead_org.name in body and letter.application.title in body
    assert other.application.lead_org.name not in body
    assert "函" in body and notice.number.text in body


def test_a_revoked_document_says_so_with_reason_and_date(notice, public):
    notice_issue.revoke_document(notice.documents[1], reason="依托单位撤回申请",
                                 actor=factories.officer())
    db.session.commit()
    body = public.get(f"/verify/{notice.documents[1].verification_code}").get_data(as_text=True)
    assert 'id="revoked"' in body and "依托单位撤回申请" in body and 'id="valid"' not in body


@pytest.mark.parametrize("code", ["AAAAAAAAAAAAAAAA", "short", "ABCD-EFGH", "%00", "x" * 300])
def test_unknown_codes_are_404(notice, public, code):
    assert public.get(f"/verify/{code}").status_code == 404


def test_a_pending_document_cannot_be_verified_yet(public):
    officer, leader = factories.officer(), factories.leader()
    call = factories.call(actor=officer)
    factories.approval_pending_batch(call, 1, officer)
    from workflow.notices.operations import drafts as notices

    notices.sign_notice(call, actor=leader)
    pending = notice_issue.issue_notice(call, actor=officer)
    db.session.commit()
    refused = public.get(f"/verify/{pending.documents[0].verification_code}")
    assert refused.status_code == 404
    assert pending.number.text not in refused.get_data(as_text=True)


def test_a_code_typed_with_dashes_and_lower_case_is_found(notice, public):
    doc = notice.documents[0]
    typed = doc.code_groups.lower()
    found = public.get("/verify", query_string={"code": typed})
    assert found.status_code == 302 and found.location.endswith(f"/verify/{doc.verification_code}")
    assert public.get(f"/verify/{typed}").location.endswith(doc.verification_code)
    bad = public.get("/verify", query_string={"code": "not a code"})
    assert bad.status_code == 422 and "16 letters" in bad.get_data(as_text=True)


def test_an_uploaded_file_is_compared_with_the_issued_one(notice, public):
    doc = notice.documents[0]
    issued = notice_issue.document_bytes(doc)
    url = f"/verify/{doc.verification_code}"
    same = public.post(url, data={"file": (io.BytesIO(issued), "通知.pdf")})
    assert 'id="match"' in same.get_data(as_text=True)
    forged = issued.replace(b"%%EOF", b"%%EOF\n%forged")
    other = public.post(url, data={"file": (io.BytesIO(forged), "通知.pdf")}).get_data(
        as_text=True)
    assert 'id="mismatch"' in other and hashlib.sha256(forged).hexdigest() in other
