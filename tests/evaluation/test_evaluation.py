"""Periodic evaluation and rectification, as DOMAIN.md section 11 tells it: the officer opens
a round for the operating centers of a platform type, records each center's expert review
(the grade follows the score by the round's thresholds) and closes it; a center graded
不合格 rectifies with a plan and a report the officer may return, and its re-evaluation
either lets it operate again or puts its revocation before the leadership."""
import io
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.web.test_queries import counted_statements
from workflow import tick
from workflow.centers.operations import open_center
from workflow.core.clock import LOCAL
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import TRANSITIONS, Action, AppState, Role
from workflow.evaluation import operations as evaluation
from workflow.evaluation import rules
from workflow.evaluation.models import Evaluation, Grade, Rectification
from workflow.evaluation.operations import results as evaluation_results
from workflow.evaluation.settings import EvaluationSettings
from workflow.inbox.models import Notification
from workflow.inbox.notifications import lead_users
from workflow.lifecycle.transitions import transition


def _actions(app) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.application_id == app.id).order_by(AuditEntry.id)))


def _told(user, kind: str) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind)))


@pytest.fixture
def operating(restored):
    return restored("operating", lambda: factories.application(state=AppState.OPERATING))


def test_grade_follows_the_score_by_the_thresholds():
    settings = EvaluationSettings()
    assert [settings.grade_of(s) for s in (100, 90, 89.9, 80, 60, 59.9, 0)] == [
        "excellent", "excellent", "good", "good", "qualified", "unqualified", "unqualified"]
    assert EvaluationSettings(qualified_from=80, good_from=70).problems()


def test_round_lists_the_operating_centers_and_tells_their_lead_units(operating):
    building = factories.application(state=AppState.UNDER_CONSTRUCTION)
    officer = factories.officer()
    platform = operating.call.platform_type
    row = evaluation.open_round(platform, 2025, actor=officer)
    assert [e.application_id for e in row.evaluations] == [operating.id]
    assert row.evaluations[0].lead_unit == operating.lead_org.name
    assert row.title == f"2025年度{platform.name}运行评估"
    assert "open_evaluation" in _actions(operating)
    assert "open_evaluation" not in _actions(building)
    assert _told(lead_users(operating)[0], "evaluation_opened")


def test_the_next_round_waits_the_settings_years(operating):
    officer = factories.officer()
    platform = operating.call.platform_type
    evaluation.open_round(platform, 2025, actor=officer)
    with pytest.raises(ServiceError, match="2028"):
        evaluation.open_round(platform, 2027, actor=officer)
    assert evaluation.open_round(platform, 2028, actor=officer).year == 2028


def test_only_an_officer_opens_a_round(operating):
    with pytest.raises(PermissionDenied):
        evaluation.open_round(operating.call.platform_type, 2025, actor=factories.leader())


def test_bad_review_is_refused_and_changes_nothing(operating):
    officer = factories.officer()
    row = evaluation.open_round(operating.call.platform_type, 2025, actor=officer)
    item = row.evaluations[0]
    for score in ("abc", "101", "-1", "80.25", "nan"):
        with pytest.raises(ServiceError):
            evaluation.rate_center(item, score=score, opinion="意见", reviewer="机构",
                                   report_filename="r.pdf", report=io.BytesIO(factories.PDF),
                                   actor=officer)
    with pytest.raises(ServiceError) as refused:
        evaluation.rate_center(item, score="80", opinion=" ", reviewer="",
                               report_filename="r.pdf", report=None, actor=officer)
    assert len(refused.value.problems) == 2
    with pytest.raises(ServiceError):
        evaluation.rate_center(item, score="80", opinion="意见", reviewer="机构",
                               report_filename="r.pdf", report=io.BytesIO(b"not a pdf"),
                               actor=officer)
    db.session.refresh(item)
    assert item.grade is None and item.score is None and item.report_name is None


def test_closing_needs_every_grade_and_rectification_waits_for_final_results(operating):
    good = factories.application(state=AppState.OPERATING)
    officer = factories.officer()
    row = factories.evaluation_round(officer, grades={operating.id: Grade.UNQUALIFIED},
                                     close=False)
    first = row.evaluations[0]
    first.grade = None
    first.score = None
    db.session.flush()
    with pytest.raises(ServiceError, match=first.center_name):  # not graded yet
        evaluation.close_round(row, actor=officer)
    evaluation.rate_center(first, score="59.9", opinion="未达标", reviewer="第三方",
                           report_filename="r.pdf", report=io.BytesIO(factories.PDF),
                           actor=officer)
    by_app = {e.application_id: e for e in row.evaluations}
    assert by_app[operating.id].grade == Grade.UNQUALIFIED
    assert by_app[good.id].grade == Grade.GOOD
    evaluation.close_round(row, actor=officer)
    assert operating.state == AppState.OPERATING  # the results are announced first
    assert _told(lead_users(operating)[0], "evaluation_graded")
    with pytest.raises(ServiceError):  # not before the results are final
        transition(operating, Action.START_RECTIFICATION, actor=officer, comment="整改")
    factories.results_final(row, officer)
    evaluation_results.issue_results(row, actor=officer)
    assert operating.state == AppState.RECTIFICATION and good.state == AppState.OPERATING
    rect = rules.open_rectification(operating)
    assert rect.status == "plan_due" and rect.evaluation_id == by_app[operating.id].id
    assert (rect.ends_on - rect.starts_on).days in (365, 366)
    assert (rect.plan_due_on - rect.starts_on).days == 30
    assert _actions(operating)[-1] == Action.START_RECTIFICATION


def test_rectification_is_not_ordered_without_an_unqualified_grade(operating):
    with pytest.raises(ServiceError):
        transition(operating, Action.START_RECTIFICATION, actor=factories.officer(),
                   comment="整改")
    assert operating.state == AppState.OPERATING
    assert db.session.scalar(select(Rectification.id)) is None


def test_plan_and_report_returned_then_passed_reevaluation(operating):
    officer = factories.officer()
    factories.graded_unqualified(operating, officer)
    lead = lead_users(operating)[0]
    rect = rules.open_rectification(operating)
    with pytest.raises(ServiceError):
        evaluation.file_plan(rect, text="", filename="p.pdf", stream=None, actor=lead)
    evaluation.file_plan(rect, text="方案", filename="p.pdf",
                         stream=io.BytesIO(factories.PDF), actor=lead)
    assert _told(officer, "rectification_plan")
    with pytest.raises(ServiceError):
        evaluation.return_document(rect, reason=" ", actor=officer)
    evaluation.return_document(rect, reason="措施不具体", actor=officer)
    assert rect.status == "plan_due" and rect.returned_reason == "措施不具体"
    assert _told(lead, "rectification_returned")
    evaluation.file_plan(rect, text="方案二", filename="p.pdf",
                         stream=io.BytesIO(factories.PDF), actor=lead)
    evaluation.accept_plan(rect, actor=officer)
    with pytest.raises(ServiceError):  # the report follows the filed report only
        evaluation.reevaluate(operating, score="80", opinion="好", actor=officer)
    evaluation.file_report(rect, text="报告", filename="r.pdf",
                           stream=io.BytesIO(factories.PDF), actor=lead)
    evaluation.return_document(rect, reason="缺少数据", actor=officer)
    assert rect.status == "rectifying"
    evaluation.file_report(rect, text="报告二", filename="r.pdf",
                           stream=io.BytesIO(factories.PDF), actor=lead)
    evaluation.reevaluate(operating, score="72", opinion="整改到位", actor=officer)
    assert operating.state == AppState.OPERATING
    assert rect.status == "passed" and rect.regrade == Grade.QUALIFIED
    actions = _actions(operating)
    assert actions[-2:] == ["pass_reevaluation", Action.END_RECTIFICATION]
    for step in ("file_rectification_plan", "return_rectification_plan",
                 "accept_rectification_plan", "return_rectification_report"):
        assert step in actions


def test_failed_reevaluation_goes_to_the_leadership(operating):
    officer, leader = factories.officer(), factories.leader()
    factories.graded_unqualified(operating, officer)
    rect = factories.rectification_filed(operating)
    evaluation.reevaluate(operating, score="50", opinion="仍未达标", actor=officer)
    assert rect.status == "failed" and operating.state == AppState.RECTIFICATION
    assert _told(leader, "rectification_failed")
    assert Action.REVOKE in [t.action for t in TRANSITIONS if t.source == rect.application.state]


def test_another_unit_files_nothing(operating):
    factories.graded_unqualified(operating)
    rect = rules.open_rectification(operating)
    stranger = factories.applicant()
    with pytest.raises(PermissionDenied):
        evaluation.file_plan(rect, text="方案", filename="p.pdf",
                             stream=io.BytesIO(factories.PDF), actor=stranger)
    with pytest.raises(PermissionDenied):
        evaluation.accept_plan(rect, actor=factories.user(
            Role.APPLICANT, organization=operating.lead_org))
    assert rect.status == "plan_due" and rect.plan_name is None
    assert db.session.scalar(select(Evaluation.grade)) == Grade.UNQUALIFIED


def test_tick_reminds_then_flags_the_late_plan_and_report(operating):
    officer = factories.officer()
    factories.graded_unqualified(operating, officer)
    rect = rules.open_rectification(operating)
    lead = lead_users(operating)[0]
    before = datetime.combine(rect.plan_due_on - timedelta(days=3), time(9), LOCAL)
    with factories.clock_at(before):
        tick.run()
        tick.run()  # reminded once
    assert len(_told(lead, "reminder")) == 1 and rect.plan_late_at is None
    with factories.clock_at(before + timedelta(days=4)):
        tick.run()
        tick.run()  # flagged once
    assert rect.plan_late_at is not None
    assert len(_told(lead, "rectification_late")) == 1
    assert len(_told(officer, "rectification_late")) == 1
    assert "rectification_plan_late" in _actions(operating)
    factories.rectification_filed(operating, report=False)
    with factories.clock_at(datetime.combine(rect.ends_on + timedelta(days=1), time(9), LOCAL)):
        tick.run()
    assert rect.report_late_at is not None
    assert "rectification_report_late" in _actions(operating)


def test_leader_desk_offers_the_revocation_of_a_failed_rectification(operating, login_as):
    officer, leader = factories.officer(), factories.leader()
    second = factories.application(state=AppState.OPERATING)
    factories.evaluation_round(officer, grades={operating.id: Grade.UNQUALIFIED,
                                                second.id: Grade.UNQUALIFIED})
    centers = {}
    for app in (operating, second):
        factories.rectification_filed(app)
        centers[app.id] = open_center(app, actor=officer)
    evaluation.reevaluate(operating, score="40", opinion="整改无效", actor=officer)
    db.session.commit()
    client = login_as(leader)
    with counted_statements() as one:
        page = client.get("/desk").get_data(as_text=True)
    assert f"/centers/{centers[operating.id].id}/revoke" in page and "整改无效" in page
    assert f"/centers/{centers[second.id].id}/revoke" not in page
    evaluation.reevaluate(second, score="30", opinion="仍未整改", actor=officer)
    db.session.commit()
    with counted_statements() as two:
        page = client.get("/desk").get_data(as_text=True)
    assert f"/centers/{centers[second.id].id}/revoke" in page
    assert len(one) == len(two)


def test_lead_files_the_plan_on_its_page_and_the_officer_returns_it(operating, login_as):
    officer = factories.officer()
    factories.graded_unqualified(operating, officer)
    rect = rules.open_rectification(operating)
    lead = lead_users(operating)[0]
    db.session.commit()
    client = login_as(lead)
    page = client.get(f"/rectifications/{rect.id}")
    assert page.status_code == 200 and "45.5" in page.get_data(as_text=True)
    refused = client.post(f"/rectifications/{rect.id}/file", data={"text": "我的整改方案"})
    assert refused.status_code == 422
    assert "我的整改方案" in refused.get_data(as_text=True)  # nothing typed is lost
    db.session.expire_all()
    assert rect.status == "plan_due"
    filed = client.post(f"/rectifications/{rect.id}/file", data={
        "text": "我的整改方案", "document": (io.BytesIO(factories.PDF), "方案.pdf")})
    assert filed.status_code == 302
    assert client.get(f"/rectifications/{rect.id}/plan.pdf").data == factories.PDF
    client = login_as(officer)
    returned = client.post(f"/rectifications/{rect.id}/return", data={"reason": "措施不具体"})
    assert returned.status_code == 302
    page = login_as(lead).get(f"/rectifications/{rect.id}").get_data(as_text=True)
    assert "措施不具体" in page and 'id="returned"' in page
    db.session.expire_all()
    assert rect.status == "plan_due"


def test_desks_show_what_the_rectification_waits_for(operating, login_as):
    officer = factories.officer()
    factories.graded_unqualified(operating, officer)
    rect = rules.open_rectification(operating)
    lead = lead_users(operating)[0]
    db.session.commit()
    link = f"/rectifications/{rect.id}"
    assert link in login_as(lead).get("/desk").get_data(as_text=True)
    assert link not in login_as(officer).get("/desk").get_data(as_text=True)
    assert link not in login_as(factories.applicant()).get("/desk").get_data(as_text=True)
    evaluation.file_plan(rect, text="方案", filename="p.pdf", stream=io.BytesIO(factories.PDF),
                         actor=lead)
    db.session.commit()
    assert link in login_as(officer).get("/desk").get_data(as_text=True)
    assert link not in login_as(lead).get("/desk").get_data(as_text=True)
