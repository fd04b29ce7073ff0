"""Decision documents (issue 13, item 6): acceptance results, evaluation results and
revocations are numbered from the registry the approval notice uses, rendered and stored
once with their SHA-256, verifiable by their code without a login, and downloadable by
officers, leaders and the lead unit of a center they decide on, by nobody else."""
import hashlib
import io
from datetime import UTC, datetime

import pdfplumber
import pytest
from sqlalchemy import func, select

from tests import factories
from workflow.centers.operations import open_center
from workflow.core import storage
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState
from workflow.notices.models import DecisionDocument, DocumentNumber, OfficialDocument
from workflow.notices.operations import decisions, numbers

PARAGRAPHS = ["根据《山东省技术创新中心管理办法》，省科技厅组织专家对有关技术创新中心进行了验收。",
              "一、验收结论。经专家评审，同意通过验收。"]
TABLE = {"title": "验收结果", "columns": ["序号", "中心名称", "验收结论"],
         "rows": [["1", "山东省测试技术创新中心", "通过"]]}


@pytest.fixture(autouse=True)
def own_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://kjt.example.gov.cn/")


@pytest.fixture
def center():
    """An approved application (its notice issued) with its lead unit's user."""
    lead = factories.applicant()
    app = factories.application(lead=lead, state=AppState.APPROVED)
    db.session.commit()
    return app, lead


def issue(kind, apps, actor, **extra):
    options = dict(title="山东省科学技术厅关于2025年度技术创新中心验收结果的通知",
                   addressee="各有关单位", paragraphs=PARAGRAPHS, applications=apps)
    options.update(extra)
    return decisions.issue_decision(kind, actor=actor, **options)


def test_decisions_take_the_next_numbers_of_the_notices_office_and_year(center):
    app, _lead = center
    notice_number = db.session.scalar(select(DocumentNumber).order_by(DocumentNumber.id))
    leader, officer = factories.leader(), factories.officer()
    first = issue("acceptance_result", [app], officer, table=TABLE)
    second = issue("revocation", [app], leader, title="关于撤销山东省测试技术创新中心的决定")
    db.session.commit()
    assert first.number.office == "鲁科字" == notice_number.office
    assert (first.number.year, first.number.sequence) == (notice_number.year,
                                                          notice_number.sequence + 1)
    assert second.number.sequence == notice_number.sequence + 2
    assert second.number.text == f"鲁科字〔{notice_number.year}〕{notice_number.sequence + 2}号"
    assert first.number.decision == first and first.number.title == first.title


def test_a_refused_decision_gives_its_number_back(center):
    app, _lead = center
    officer = factories.officer()
    db.session.commit()
    last = numbers.last_number("鲁科字", factories.clock.local(factories.clock.now()).year)
    with pytest.raises(ServiceError):
        issue("evaluation_result", [app], officer, table={"title": "评估结果", "columns": ["a"],
                                                          "rows": [["1", "2"]]})
    db.session.rollback()
    doc = issue("evaluation_result", [app], officer)
    assert doc.number.sequence == last.sequence + 1


def test_the_pdf_is_stored_once_with_its_sha256_and_prints_its_number_and_code(center):
    app, _lead = center
    doc = issue("acceptance_result", [app], factories.officer(), table=TABLE,
                note="（此件公开发布）")
    db.session.commit()
    data = decisions.decision_bytes(doc)
    assert hashlib.sha256(data).hexdigest() == doc.sha256 and len(data) == doc.size_bytes
    path = storage.documents_dir() / doc.stored_name
    assert not path.stat().st_mode & 0o222  # read-only
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = "".join(page.extract_text() for page in pdf.pages)
    assert doc.number.text in text and doc.code_groups in text
    assert f"https://kjt.example.gov.cn/verify/{doc.verification_code}" in text
    assert "山东省科学技术厅文件" in text and "附件：验收结果" in text and "通过" in text
    rows = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "issue_acceptance_result")).all()
    assert [(r.application_id, r.comment) for r in rows] == [
        (app.id, f"{doc.number.text} {doc.title}")]


def test_bad_input_is_refused_and_nothing_is_numbered(center):
    app, _lead = center
    officer = factories.officer()
    before = db.session.scalar(select(func.count()).select_from(DocumentNumber))
    for kind, extra in [("award", {}), ("revocation", {"title": ""}),
                        ("revocation", {"paragraphs": ["", " "]}),
                        ("revocation", {"title": "长" * 201}),
                        ("revocation", {"applications": []})]:
        with pytest.raises(ServiceError):
            issue(kind, **{"apps": [app], "actor": officer, **extra})
    assert db.session.scalar(select(func.count()).select_from(DocumentNumber)) == before
    with pytest.raises(PermissionDenied):
        issue("revocation", [app], factories.applicant())


def test_a_decision_is_verified_without_a_login_and_names_its_center(center, client):
    app, _lead = center
    doc = issue("acceptance_result", [app], factories.officer(), table=TABLE)
    db.session.commit()
    page = client.get(f"/verify/{doc.code_groups.lower()}")
    assert page.status_code == 302
    body = client.get(f"/verify/{doc.verification_code}").get_data(as_text=True)
    assert doc.number.text in body and doc.title in body and doc.sha256 in body
    assert app.title in body and app.lead_org.name in body
    same = client.post(f"/verify/{doc.verification_code}",
                       data={"file": (io.BytesIO(decisions.decision_bytes(doc)), "a.pdf")})
    assert 'id="match"' in same.get_data(as_text=True)


def test_download_lead_unit_officer_leader_yes_others_no(center, client, login_as):
    app, lead = center
    doc = issue("revocation", [app], factories.leader(), title="关于撤销的决定")
    other_lead = factories.applicant()
    city = factories.recommender(app.region_code)
    db.session.commit()
    url = f"/decisions/{doc.id}"
    assert client.get(url).status_code == 302  # to the login page
    for user, status in [(lead, 200), (factories.officer(), 200), (factories.leader(), 200),
                         (other_lead, 403), (city, 403)]:
        db.session.commit()
        response = login_as(user).get(url)
        assert response.status_code == status, user.email
        if status == 200:
            assert response.data == decisions.decision_bytes(doc)
    assert login_as(lead).get("/decisions/999999").status_code == 404


def test_a_decision_number_cannot_be_voided(center):
    app, _lead = center
    officer = factories.officer()
    doc = issue("revocation", [app], officer)
    with pytest.raises(ServiceError):
        numbers.void_number(doc.number, reason="误发", actor=officer)


def test_decisions_about_lists_a_centers_documents_newest_first(center):
    app, _lead = center
    officer = factories.officer()
    other = factories.application(state=AppState.APPROVED)
    first = issue("acceptance_result", [app, other], officer)
    second = issue("revocation", [app], officer)
    assert decisions.decisions_about(app) == [second, first]
    assert decisions.decisions_about(other) == [first]
    assert db.session.get(DecisionDocument, first.id).applications == sorted(
        [app, other], key=lambda a: a.id)


def test_flask_notices_export_writes_the_decisions_with_the_notice(center, app, tmp_path):
    application, _lead = center
    doc = issue("revocation", [application], factories.leader(), title="关于撤销的决定")
    db.session.commit()
    out = tmp_path / "export"
    result = app.test_cli_runner().invoke(args=["notices", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert f"{doc.number.text}.pdf" in names and len(names) == 3  # notice, letter, decision
    assert (out / f"{doc.number.text}.pdf").read_bytes() == decisions.decision_bytes(doc)


def test_verification_pages_say_when_the_center_was_revoked(center, client):
    application, _lead = center
    center_row = open_center(application, actor=factories.officer())
    doc = issue("revocation", [application], factories.leader(), title="关于撤销的决定")
    letter = db.session.scalar(select(OfficialDocument).where(
        OfficialDocument.application_id == application.id))
    codes = [letter.verification_code, letter.notice.documents[0].verification_code,
             doc.verification_code]
    db.session.commit()
    for code in codes:
        assert "revoked-center" not in client.get(f"/verify/{code}").get_data(as_text=True)
    center_row.revoked_at = datetime(2025, 12, 30, 2, 0, tzinfo=UTC)
    db.session.commit()
    for code in codes:
        body = client.get(f"/verify/{code}").get_data(as_text=True)
        assert "revoked-center" in body and "2025-12-30" in body, code
        assert center_row.display_name in body or application.title in body
