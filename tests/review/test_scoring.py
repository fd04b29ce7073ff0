"""Score sheets: range checks, partial saving, submission and its lock, the chair's reopening,
and who sees which scores."""
import pytest
from sqlalchemy import func, select

from tests import factories
from tests.scoring_world import panel, scores_totalling, submit, submit_all
from workflow.accounts.models.users import User
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.inbox.models import Notification
from workflow.review.models import ScoreSheet
from workflow.review.operations import results, scoring


def audit_actions(app) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.application_id == app.id).order_by(AuditEntry.id)))


def test_partial_sheet_is_saved_without_a_total():
    p = panel()
    sheet = scoring.save_sheet(p.seats[1], {"industry_standing": 7.5}, {"industry_standing": "好"},
                               [], "初评", actor=p.experts[1])
    assert sheet.scores == {"industry_standing": 7.5}
    assert sheet.comments == {"industry_standing": "好"}
    assert sheet.total is None and sheet.submitted_at is None


@pytest.mark.parametrize("value", [9, -1, "abc", float("nan"), float("inf"), True])
def test_out_of_range_score_is_refused_with_the_item_named_and_nothing_changed(value):
    p = panel()
    scoring.save_sheet(p.seats[1], {"industry_standing": 5}, {}, [], "", actor=p.experts[1])
    with pytest.raises(ServiceError) as refused:
        scoring.save_sheet(p.seats[1], {"industry_standing": value, "team_leader": 3}, {}, [],
                           "", actor=p.experts[1])
    assert "行业地位" in str(refused.value)
    db.session.expire_all()
    assert db.session.scalar(select(ScoreSheet.scores)) == {"industry_standing": 5}


def test_unknown_item_and_veto_are_refused():
    p = panel()
    with pytest.raises(ServiceError):
        scoring.save_sheet(p.seats[1], {"nosuch": 1}, {}, [], "", actor=p.experts[1])
    with pytest.raises(ServiceError):
        scoring.save_sheet(p.seats[1], {}, {}, ["nosuch"], "", actor=p.experts[1])


def test_another_expert_cannot_save_my_sheet():
    p = panel()
    with pytest.raises(PermissionDenied):
        scoring.save_sheet(p.seats[1], {}, {}, [], "", actor=p.experts[2])


def test_incomplete_sheet_cannot_be_submitted():
    p = panel()
    scoring.save_sheet(p.seats[1], {"industry_standing": 5}, {}, [], "", actor=p.experts[1])
    with pytest.raises(ServiceError) as refused:
        scoring.submit_sheet(p.seats[1], actor=p.experts[1])
    assert "研发投入强度" in str(refused.value)
    assert p.seats[1].sheet.submitted_at is None


def test_submitting_locks_the_sheet_with_its_total_and_an_audit_row():
    p = panel()
    sheet = submit(p, 1, 80, vetoes=["false_material"])
    assert sheet.total == 80 and sheet.submitted_at is not None
    assert sheet.vetoes == ["false_material"]
    assert audit_actions(p.app)[-1] == "submit_sheet"
    with pytest.raises(PermissionDenied):
        scoring.save_sheet(p.seats[1], scores_totalling(90), {}, [], "", actor=p.experts[1])
    assert results.result_of(p.app) is None  # the other four have not submitted


def test_last_sheet_computes_the_panel_result():
    p = panel()
    submit_all(p, [70, 80, 85, 90, 95])
    row = results.result_of(p.app)
    assert (row.review_score, row.sheets, row.grade, row.vetoed) == (85.0, 5, "优秀", False)


def test_chair_reopens_a_sheet_with_a_reason_and_the_expert_is_told():
    p = panel()
    submit_all(p, [70, 80, 85, 90, 95])
    with pytest.raises(ServiceError):
        scoring.reopen_sheet(p.seats[2], reason="  ", actor=p.chair)
    sheet = scoring.reopen_sheet(p.seats[2], reason="请复核创新能力得分", actor=p.chair)
    assert sheet.submitted_at is None and sheet.reopen_reason == "请复核创新能力得分"
    assert sheet.reopened_by_id == p.chair.id and sheet.reopened_at is not None
    assert audit_actions(p.app)[-1] == "reopen_sheet"
    note = db.session.scalar(select(Notification).where(
        Notification.user_id == p.experts[2].id, Notification.kind == "sheet_reopened"))
    assert "请复核创新能力得分" in note.body
    scoring.save_sheet(p.seats[2], scores_totalling(88), {}, [], "", actor=p.experts[2])
    scoring.submit_sheet(p.seats[2], actor=p.experts[2])
    assert results.result_of(p.app).review_score == round((80 + 88 + 90) / 3, 2)


def test_non_chair_cannot_reopen():
    p = panel()
    submit_all(p, [70, 80, 85, 90, 95])
    for who in (p.experts[1], p.officer, factories.leader()):
        with pytest.raises(PermissionDenied):
            scoring.reopen_sheet(p.seats[2], reason="复核", actor=who)
    assert p.seats[2].sheet.submitted_at is not None


def test_expert_sees_only_their_own_sheet_before_and_after_submitting():
    p = panel()
    submit(p, 1, 80)
    scoring.save_sheet(p.seats[2], {"industry_standing": 3}, {}, [], "", actor=p.experts[2])
    assert scoring.visible_sheets(p.app, p.experts[2]) == [p.seats[2].sheet]
    assert scoring.visible_sheets(p.app, p.experts[1]) == [p.seats[1].sheet]
    assert scoring.visible_sheets(p.app, p.chair) == []
    assert len(scoring.visible_sheets(p.app, p.officer)) == 2
    lead = factories.applicant()
    assert scoring.visible_sheets(p.app, lead) == []


def test_chair_sees_the_totals_only_once_every_sheet_is_in():
    p = panel()
    submit_all(p, [70, 80, 85, 90])
    assert scoring.panel_totals(p.app, p.chair) == []
    submit(p, 4, 95)
    assert [s.total for _seat, s in scoring.panel_totals(p.app, p.chair)] == [70, 80, 85, 90, 95]
    assert scoring.panel_totals(p.app, p.experts[1]) == []


def test_reminders_go_to_experts_who_have_not_submitted_once_a_day():
    p = panel()
    submit_all(p, [70, 80])
    assert [r.missing for r in results.progress(p.app.call).items] == [p.seats[2:]]
    assert results.remind_missing(p.app.call, actor=p.officer) == 3
    assert results.remind_missing(p.app.call, actor=p.officer) == 0
    told = set(db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "reminder")))
    assert told == {u.id for u in p.experts[2:]}
    with pytest.raises(PermissionDenied):
        results.remind_missing(p.app.call, actor=p.chair)
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.kind == "reminder")) == 3


def test_a_sheet_not_yet_submitted_cannot_be_reopened():
    p = panel()
    scoring.save_sheet(p.seats[1], {"industry_standing": 5}, {}, [], "", actor=p.experts[1])
    with pytest.raises(PermissionDenied):
        scoring.reopen_sheet(p.seats[1], reason="复核", actor=p.chair)
    assert p.seats[1].sheet.reopened_at is None


def test_reopening_frees_only_that_sheet_and_the_others_stay_locked():
    p = panel()
    submit_all(p, [70, 80, 85, 90, 95])
    scoring.reopen_sheet(p.seats[2], reason="复核", actor=p.chair)
    scoring.save_sheet(p.seats[2], scores_totalling(86), {}, [], "", actor=p.experts[2])
    for index in (0, 1, 3, 4):
        with pytest.raises(PermissionDenied):
            scoring.save_sheet(p.seats[index], scores_totalling(50), {}, [], "",
                               actor=p.experts[index])
    assert [s.sheet.total for s in p.seats] == [70, 80, None, 90, 95]
    assert results.result_of(p.app).chair_confirmed_at is None


def test_once_the_review_is_closed_no_sheet_can_be_reopened_or_changed():
    p = panel(3)
    submit_all(p, [80, 82, 84])
    results.confirm_panel(p.app, actor=p.chair)
    with pytest.raises(PermissionDenied):
        scoring.reopen_sheet(p.seats[1], reason="复核", actor=p.chair)
    with pytest.raises(PermissionDenied):
        scoring.save_sheet(p.seats[1], scores_totalling(50), {}, [], "", actor=p.experts[1])
    assert p.seats[1].sheet.total == 82 and p.seats[1].sheet.reopened_at is None


def test_the_reopened_expert_is_told_without_the_application_being_named():
    p = panel()
    submit_all(p, [70, 80, 85, 90, 95])
    scoring.reopen_sheet(p.seats[2], reason="请复核", actor=p.chair)
    note = db.session.scalar(select(Notification).where(
        Notification.user_id == p.experts[2].id, Notification.kind == "sheet_reopened"))
    assert p.app.title not in note.subject + note.body and note.application_id is None
    assert f"/expert/seats/{p.seats[2].id}/sheet" in note.body


def test_applicants_recommenders_and_leaders_see_no_sheet_no_total_and_no_expert():
    p = panel(3, names=["张评审", "李评审", "王评审"])
    submit_all(p, [80, 82, 84])
    results.confirm_panel(p.app, actor=p.chair)
    lead = db.session.get(User, p.app.created_by_id)
    outsiders = (lead, factories.recommender(p.app.region_code), factories.leader())
    for person in outsiders:
        assert scoring.visible_sheets(p.app, person) == []
        assert scoring.panel_totals(p.app, person) == []
        entries = scoring.timeline_for(p.app, person)
        assert all(e.role != "expert" for e in entries)
        assert not any(name in (e.comment or "") for e in entries
                       for name in ("张评审", "李评审", "王评审"))
    assert len(scoring.visible_sheets(p.app, p.officer)) == 3
