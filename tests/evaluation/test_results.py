"""The officer's rounds on their pages and the results made public and final, as DOMAIN.md
sections 7, 8 and 11 tell it: a round opens only with settings that hold and when it is due;
a bad expert review is refused with nothing lost; the closed round's results are announced
for working days with the approval announcement's objection rules; the officer decides each
objection with reasons (upholding regrades the center, with its audit row); the period over
with no open objection, the results are final, and only then the numbered 运行评估结果
document is issued, which starts the rectification of the centers graded 不合格."""
import io
from datetime import timedelta

import pytest
from flask_babel import force_locale
from markupsafe import escape
from sqlalchemy import func, select

from tests import factories
from tests.notices import measure
from tests.notices.test_notice_layout import (
    LEFT,
    LINE,
    RIGHT,
    VERIFY,
    assert_verification_inside_the_type_area,
    find,
    is_red,
    near,
    open_pdf,
)
from tests.web.test_queries import counted_statements
from workflow import tick
from workflow.calls.models import PlatformType
from workflow.centers.operations import open_center
from workflow.core.errors import ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState
from workflow.evaluation import operations as evaluation
from workflow.evaluation import rules
from workflow.evaluation.models import (
    Evaluation,
    EvaluationAnnouncement,
    EvaluationObjection,
    EvaluationRound,
    Grade,
)
from workflow.evaluation.operations import results
from workflow.evaluation.settings import EvaluationSettings
from workflow.inbox.notifications import lead_users
from workflow.notices.documents.decision import decision_data, render_decision
from workflow.notices.documents.official import chinese_date
from workflow.notices.models import DecisionDocument, DocumentNumber
from workflow.notices.operations import decisions
from workflow.notices.operations.issue import verify_url
from workflow.publicity import queries as publicity_queries
from workflow.publicity.operations.objections import Filing


@pytest.fixture(autouse=True)
def own_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://kjt.example.gov.cn/")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _settings(**changed) -> dict:
    values = {"every_years": 3, "excellent_from": 90, "good_from": 80, "qualified_from": 60,
              "rectification_years": 1, "plan_days": 30}
    return {**values, **changed}


def _person(evaluation, **changed) -> Filing:
    values = dict(kind="person", entry_id=evaluation.id, person_name="王建国",
                  phone="13906418827", content="评估等级与实际运行情况不符")
    return Filing(**{**values, **changed})


def _closed_round(*grades):
    """A closed round of one operating center per grade in `grades`, in that order."""
    officer = factories.officer()
    apps = [factories.application(state=AppState.OPERATING) for _ in grades]
    row = factories.evaluation_round(officer, grades={a.id: g for a, g in zip(apps, grades,
                                                                              strict=True)},
                                     close=False)
    evaluation.close_round(row, actor=officer)
    return row, apps, officer


def test_open_page_refuses_bad_settings_and_keeps_what_was_typed(app, login_as):
    factories.application(state=AppState.OPERATING)
    officer = factories.officer()
    db.session.commit()
    client = login_as(officer)
    platform = db.session.scalar(select(PlatformType.id).where(
        PlatformType.code == "tech_innovation_center"))
    refused = client.post("/officer/evaluations", data={
        "platform_type_id": platform, "year": 2025,
        **_settings(excellent_from=70, rectification_years=9)})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and _count(EvaluationRound) == 0
    with app.test_request_context(), force_locale("zh_CN"):  # in the page's language
        problems = EvaluationSettings(excellent_from=70, rectification_years=9).problems()
    assert len(problems) == 2 and all(str(escape(p)) in page for p in problems)
    assert 'value="70"' in page and 'value="9"' in page  # nothing typed is lost
    opened = client.post("/officer/evaluations", data={
        "platform_type_id": platform, "year": 2025, **_settings(every_years=2)})
    assert opened.status_code == 302 and _count(EvaluationRound) == 1
    again = client.post("/officer/evaluations", data={
        "platform_type_id": platform, "year": 2026, **_settings(every_years=2)})
    assert again.status_code == 422 and "2027" in again.get_data(as_text=True)
    assert _count(EvaluationRound) == 1


def test_rate_page_refuses_a_bad_score_or_file_and_keeps_the_review(login_as):
    app = factories.application(state=AppState.OPERATING)
    officer = factories.officer()
    row = factories.evaluation_round(officer, close=False)
    item = row.evaluations[0]
    item.grade = item.score = item.report_name = None
    db.session.commit()
    client = login_as(officer)
    url = f"/officer/evaluations/{row.id}/centers/{item.id}"
    for score, upload in (("101", factories.PDF), ("85", b"not a pdf"), ("abc", None)):
        data = {"score": score, "reviewer": "山东省科技评估中心", "opinion": "运行规范，成效明显"}
        if upload is not None:
            data["report"] = (io.BytesIO(upload), "评估报告.pdf")
        refused = client.post(url, data=data)
        page = refused.get_data(as_text=True)
        assert refused.status_code == 422
        assert "运行规范，成效明显" in page and "山东省科技评估中心" in page
        db.session.expire_all()
        assert item.grade is None and item.report_name is None
    recorded = client.post(url, data={"score": "86.5", "reviewer": "山东省科技评估中心",
                                      "opinion": "运行良好",
                                      "report": (io.BytesIO(factories.PDF), "评估报告.pdf")})
    assert recorded.status_code == 302
    db.session.expire_all()
    assert item.grade == Grade.GOOD and item.application_id == app.id
    assert client.get(f"{url}/report.pdf").data == factories.PDF
    assert "rate_center" in db.session.scalars(select(AuditEntry.action)).all()


def test_close_announce_object_decide_then_final_and_issued(client, login_as):
    row, (failing, contested), officer = _closed_round(Grade.UNQUALIFIED, Grade.QUALIFIED)
    db.session.commit()
    login_as(officer)
    published = client.post(f"/officer/evaluations/{row.id}/publish", data={
        "workdays": 5, **results.default_texts(row)})
    assert published.status_code == 302
    announcement = db.session.scalar(select(EvaluationAnnouncement))
    assert announcement.end_date == publicity_queries.period_end(announcement.start_date, 5)
    assert failing.state == AppState.OPERATING  # not before the results are final
    client.post("/logout")
    public = client.get(f"/evaluation-results/{announcement.id}").get_data(as_text=True)
    for e in row.evaluations:
        assert e.center_name in public and e.lead_unit in public
    assert "不合格" in public and "合格" in public
    contested_row = row.evaluations[1]
    with factories.clock_at(publicity_queries.starts_at(announcement) + timedelta(hours=10)):
        anonymous = client.post(f"/evaluation-results/{announcement.id}/objections", data={
            "entry_id": contested_row.id, "filer_kind": "person", "phone": "13906418827",
            "content": "等级偏低"})
        assert anonymous.status_code == 422 and "等级偏低" in anonymous.get_data(as_text=True)
        assert _count(EvaluationObjection) == 0
        filed = client.post(f"/evaluation-results/{announcement.id}/objections", data={
            "entry_id": contested_row.id, "filer_kind": "person", "person_name": "王建国",
            "phone": "13906418827", "content": "等级偏低"})
        assert filed.status_code == 302
    objection = db.session.scalar(select(EvaluationObjection))
    assert objection.receipt_no.startswith("PG") and objection.status == "open"
    # The period ends with the objection open: the officer's objection review.
    with factories.clock_at(publicity_queries.ends_at(announcement)):
        assert tick.run()["evaluation_announcements"] == 1
    db.session.expire_all()
    assert announcement.status == "objection_review"
    assert rules.issue_problems(row)
    login_as(officer)
    page = f"/officer/evaluations/{row.id}/objections"
    assert "等级偏低" in client.get(page).get_data(as_text=True)
    decide = f"/officer/evaluation-objections/{objection.id}/decide"
    refused = client.post(decide, data={"outcome": "upheld", "reason": "复核后认定良好"})
    assert refused.status_code == 422 and "复核后认定良好" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert objection.status == "open" and contested_row.grade == Grade.QUALIFIED
    upheld = client.post(decide, data={"outcome": "upheld", "grade": "good",
                                       "reason": "复核后认定良好"})
    assert upheld.status_code == 302
    db.session.expire_all()
    assert objection.status == "upheld" and objection.old_grade == Grade.QUALIFIED
    assert contested_row.grade == Grade.GOOD and announcement.status == "final"
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.application_id == contested.id)).all()
    assert {"uphold_evaluation_objection", "regrade_center"} <= set(actions)
    # Final: the numbered document, with which the rectification starts.
    issued = client.post(f"/officer/evaluations/{row.id}/issue")
    assert issued.status_code == 302
    db.session.expire_all()
    document = db.session.get(DecisionDocument, row.results_document_id)
    assert document.kind == "evaluation_result"
    assert {a.id for a in document.applications} == {failing.id, contested.id}
    assert failing.state == AppState.RECTIFICATION and contested.state == AppState.OPERATING
    assert rules.open_rectification(failing).starts_on == document.issued_on
    round_page = client.get(f"/officer/evaluations/{row.id}").get_data(as_text=True)
    assert document.number.text in round_page and f"/decisions/{document.id}" in round_page
    assert client.get(f"/decisions/{document.id}").data == decisions.decision_bytes(document)
    client.post("/logout")
    verified = client.get(f"/verify/{document.verification_code}").get_data(as_text=True)
    assert document.number.text in verified and contested_row.center_name in verified
    again = client.post(f"/evaluation-results/{announcement.id}/objections", data={
        "entry_id": contested_row.id, "filer_kind": "person", "person_name": "王建国",
        "phone": "13906418827", "content": "再次异议"})
    assert again.status_code == 422 and _count(EvaluationObjection) == 1


def test_no_objection_makes_the_results_final_when_the_period_ends():
    row, (app,), officer = _closed_round(Grade.UNQUALIFIED)
    with pytest.raises(ServiceError):  # not final
        results.issue_results(row, actor=officer)
    announcement = results.publish_results(row, workdays=3, texts=results.default_texts(row),
                                           actor=officer)
    with pytest.raises(ServiceError):  # announced
        results.publish_results(row, workdays=3, texts=results.default_texts(row),
                                actor=officer)
    with factories.clock_at(publicity_queries.ends_at(announcement) - timedelta(seconds=1)):
        assert results.end_periods() == 0
        with pytest.raises(ServiceError):  # anonymous
            results.file_objection(announcement, _person(row.evaluations[0], person_name=""),
                                   actor=None)
    with factories.clock_at(publicity_queries.ends_at(announcement)):
        with pytest.raises(ServiceError):  # late
            results.file_objection(announcement, _person(row.evaluations[0]), actor=None)
        assert _count(EvaluationObjection) == 0
        assert results.end_periods() == 1
    assert announcement.status == "final" and app.state == AppState.OPERATING
    before = _count(DocumentNumber)
    document = results.issue_results(row, actor=officer)
    assert _count(DocumentNumber) == before + 1 and app.state == AppState.RECTIFICATION
    with pytest.raises(ServiceError):  # issued
        results.issue_results(row, actor=officer)
    assert document.number.text.startswith("鲁科字〔")


def test_the_results_document_is_laid_out_as_gb_t_9704_with_its_table():
    row, apps, officer = _closed_round(Grade.EXCELLENT, Grade.GOOD, Grade.QUALIFIED,
                                       Grade.UNQUALIFIED)
    factories.results_final(row, officer)
    document = results.issue_results(row, actor=officer)
    data = decisions.decision_bytes(document)
    pdf, pages = open_pdf(data)
    with pdf:
        mark = find(pages[0], "山东省科学技术厅文件")
        assert is_red(mark["color"]) and near((mark["x0"] + mark["x1"]) / 2, (LEFT + RIGHT) / 2)
        assert measure.red_ink_top_mm(measure.raster(data, 1)) == pytest.approx(72, abs=0.3)
        number = find(pages[0], document.number.text)
        assert near(number["top"], mark["bottom"] + 2 * LINE + (LINE - 16) / 2)
        title = "".join(line["text"] for line in pages[0]
                        if line["size"] == pytest.approx(22, abs=0.05))
        assert title == f"关于{row.title}结果的通知"
        text = "".join(line["text"] for page in pages for line in page)
        assert "优秀1家，良好1家，合格1家，不合格1家" in text and "为期1年的整改" in text
        rows = [[(cell or "").replace("\n", "") for cell in r] for page in pdf.pages
                for table in page.extract_tables() for r in table]
        assert rows[0] == ["序号", "中心名称", "牵头单位", "所在市", "评估结果"]
        assert [r[4] for r in rows[1:]] == ["优秀", "良好", "合格", "不合格"]
        assert [r[1] for r in rows[1:]] == [e.center_name for e in row.evaluations]
        assert find(pages[-1], "核验码")["text"].endswith(document.code_groups)
        assert find(pages[-1], verify_url(document.verification_code))
    # The same content with the layout tests' code: the code and QR inside the type area.
    specimen = render_decision(decision_data(document.content, number=document.number.text,
                                             date=chinese_date(document.issued_on),
                                             seal_uri=None, verification=VERIFY))
    pdf, pages = open_pdf(specimen)
    with pdf:
        assert_verification_inside_the_type_area(pdf, pages, specimen)


def test_round_page_reads_in_the_same_statements_for_more_centers(login_as):
    counts = []
    officer = factories.officer()
    for extra in (1, 3):
        for _ in range(extra):
            factories.application(state=AppState.OPERATING)
        row = factories.evaluation_round(officer, close=False)
        db.session.commit()
        client = login_as(officer)
        with counted_statements() as statements:
            page = client.get(f"/officer/evaluations/{row.id}")
        assert page.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_leader_reads_the_rounds_without_their_forms(login_as):
    row, _apps, _officer = _closed_round(Grade.GOOD)
    db.session.commit()
    client = login_as(factories.leader())
    page = client.get(f"/officer/evaluations/{row.id}").get_data(as_text=True)
    assert row.title in page and "/publish" not in page
    listing = client.get("/officer/evaluations").get_data(as_text=True)
    assert row.title in listing and 'id="open-round"' not in listing


def test_officer_desk_lists_rounds_to_rate_objections_and_results_to_issue(login_as):
    officer = factories.officer()
    app = factories.application(state=AppState.OPERATING)
    rating = factories.evaluation_round(officer, close=False)
    rating.evaluations[0].grade = rating.evaluations[0].score = None
    db.session.commit()
    client = login_as(officer)
    assert f"/officer/evaluations/{rating.id}" in client.get("/desk").get_data(as_text=True)
    evaluation.rate_center(rating.evaluations[0], score="85", opinion="良好", reviewer="机构",
                        report_filename="r.pdf", report=io.BytesIO(factories.PDF),
                        actor=officer)
    evaluation.close_round(rating, actor=officer)
    announcement = results.publish_results(rating, workdays=5,
                                           texts=results.default_texts(rating), actor=officer)
    with factories.clock_at(publicity_queries.starts_at(announcement)):
        results.file_objection(announcement, _person(rating.evaluations[0]), actor=None)
    db.session.commit()
    desk = client.get("/desk").get_data(as_text=True)
    assert f"/officer/evaluations/{rating.id}/objections" in desk
    assert 'data-group="evaluation_rounds"' not in desk
    objection = db.session.scalar(select(EvaluationObjection))
    results.decide_objection(objection, outcome="dismissed", reason="理由不成立", actor=officer)
    with factories.clock_at(publicity_queries.ends_at(announcement)):
        results.end_periods()
    db.session.commit()
    desk = client.get("/desk").get_data(as_text=True)
    assert 'data-group="evaluation_results_to_issue"' in desk
    assert 'data-group="evaluation_objections"' not in desk
    assert app.id == rating.evaluations[0].application_id
    assert _count(Evaluation) == 1


def test_the_center_page_shows_its_announced_grade_to_its_lead_unit(login_as):
    row, (app,), officer = _closed_round(Grade.EXCELLENT)
    center = open_center(app, actor=officer)
    db.session.commit()
    lead = lead_users(app)[0]
    page = f"/centers/{center.id}"
    assert 'class="mb-1 evaluation-grade"' not in login_as(lead).get(page).get_data(as_text=True)
    announcement = results.publish_results(row, workdays=5, texts=results.default_texts(row),
                                           actor=officer)
    db.session.commit()
    shown = login_as(lead).get(page).get_data(as_text=True)
    assert f"/evaluation-results/{announcement.id}" in shown and row.title in shown
