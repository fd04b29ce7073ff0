"""Reminders (issue 10, point 2): experts two working days before the call's deadline of the
expert review, which the department sets on the review settings page; leaders when a
selection, an objection review or a notice to sign still waits some working days after it
was handed over, and officers when a signed notice is not issued. Each is sent once per
key, however often `flask tick` runs. (Filing, recommendation and correction reminders:
test_tick.py.)"""
import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.factories import clock_at
from tests.scoring_world import panel, submit, submit_all
from workflow.calls.models import Call
from workflow.calls.operations import review_settings
from workflow.core import clock
from workflow.core.clock import LOCAL
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Action, AppState, Role
from workflow.experts.models import Exclusion
from workflow.inbox.models import Notification, OutboxMail
from workflow.inbox.notifications import staff
from workflow.intake.operations import intake
from workflow.lifecycle.transitions import transition
from workflow.notices.operations import drafts as notices
from workflow.review.operations import assignment, results

MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=LOCAL)


def tick(app) -> dict:
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["tick", "--json"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return json.loads(result.output)


def reminders(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == "reminder")))


def mails_to(user) -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMail).where(
        OutboxMail.to_address == user.email))


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=LOCAL)


# The experts' deadline


@pytest.fixture
def reviewing():
    """A panel of three at work since Monday, whose review ends on Friday 2026-03-06; the
    first expert has submitted."""
    clock.freeze(MONDAY)
    p = panel(3)
    review_settings.set_review_deadline(p.app.call, date(2026, 3, 6), actor=p.officer)
    submit(p, 0, 80)
    for user in p.experts:
        user.locale = "en"
    return p


def test_experts_with_sheets_to_submit_are_reminded_two_working_days_before(app, reviewing):
    p = reviewing
    clock.freeze(at(3))  # Tuesday: three working days left
    assert tick(app)["reminders"] == 0
    clock.freeze(at(4))  # Wednesday: Thursday and Friday left
    mails = mails_to(p.experts[1])

    assert tick(app)["reminders"] == 2
    assert tick(app)["reminders"] == 0

    for user in p.experts[1:]:
        (note,) = reminders(user)
        assert note.link == "/expert" and "2026-03-06 23:59" in note.body
        assert p.app.call.title in note.body and p.app.title not in note.subject + note.body
        assert note.body.splitlines()[-1].endswith("/expert")
    assert mails_to(p.experts[1]) == mails + 1
    assert reminders(p.experts[0]) == []


def test_no_expert_is_reminded_once_every_sheet_is_in(app, reviewing):
    submit(reviewing, 1, 82)
    submit(reviewing, 2, 84)
    clock.freeze(at(5))

    assert tick(app)["reminders"] == 0


def test_a_new_deadline_is_reminded_again(app, reviewing):
    clock.freeze(at(4))
    tick(app)
    review_settings.set_review_deadline(reviewing.app.call, date(2026, 3, 10),
                                        actor=reviewing.officer)
    clock.freeze(at(6))  # Friday: Monday and Tuesday left

    assert tick(app)["reminders"] == 2
    assert all(len(reminders(user)) == 2 for user in reviewing.experts[1:])


def test_the_deadline_is_set_with_an_audit_row_and_refused_when_past():
    clock.freeze(MONDAY)
    officer = factories.officer()
    call = factories.call(actor=officer)

    assert review_settings.set_review_deadline(call, date(2026, 3, 20), actor=officer)
    assert not review_settings.set_review_deadline(call, date(2026, 3, 20), actor=officer)
    assert call.review_deadline == datetime(2026, 3, 20, 23, 59, 59, tzinfo=LOCAL)
    (row,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "review_deadline"))
    assert (row.call_id, row.comment, row.actor_id) == (call.id, "- → 2026-03-20", officer.id)
    for day in (date(2026, 3, 1), date(2027, 3, 20)):
        with pytest.raises(ServiceError):
            review_settings.set_review_deadline(call, day, actor=officer)
    with pytest.raises(PermissionDenied):
        review_settings.set_review_deadline(call, None, actor=factories.leader())
    assert review_settings.set_review_deadline(call, None, actor=officer)
    assert call.review_deadline is None


def test_the_review_settings_page_sets_the_deadline(login_as):
    clock.freeze(MONDAY)
    officer = factories.officer()
    call = factories.call(actor=officer)
    db.session.commit()
    client = login_as(officer)

    page = client.get(f"/officer/calls/{call.id}/review-settings").get_data(as_text=True)
    response = client.post(f"/officer/calls/{call.id}/review-deadline",
                           data={"deadline": "2026-03-20"})

    db.session.expire_all()
    assert 'id="deadline"' in page
    assert response.status_code == 302 and response.location.endswith("#deadline")
    assert db.session.get(Call, call.id).review_deadline == datetime(
        2026, 3, 20, 23, 59, 59, tzinfo=LOCAL)
    assert 'value="2026-03-20"' in client.get(
        f"/officer/calls/{call.id}/review-settings").get_data(as_text=True)


@pytest.mark.parametrize("typed", ["2026-02-30", "2026-03-01", "2030-01-01", "next week",
                                   "2026-03-20<script>", "9" * 300])
def test_a_bad_deadline_changes_nothing_and_keeps_what_was_typed(login_as, typed):
    clock.freeze(MONDAY)
    officer = factories.officer()
    call = factories.call(actor=officer)
    db.session.commit()

    response = login_as(officer).post(f"/officer/calls/{call.id}/review-deadline",
                                      data={"deadline": typed})

    html = response.get_data(as_text=True)
    db.session.expire_all()
    assert response.status_code == 422
    assert db.session.get(Call, call.id).review_deadline is None
    assert "is-invalid" in html and "<script>" not in html.split('id="deadline"')[1][:3000]
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "review_deadline")) == 0


def test_an_empty_deadline_removes_it(login_as):
    clock.freeze(MONDAY)
    officer = factories.officer()
    call = factories.call(actor=officer)
    review_settings.set_review_deadline(call, date(2026, 3, 20), actor=officer)
    db.session.commit()

    response = login_as(officer).post(f"/officer/calls/{call.id}/review-deadline",
                                      data={"deadline": ""})

    db.session.expire_all()
    assert response.status_code == 302 and db.session.get(Call, call.id).review_deadline is None


# Work waiting for the leadership


def test_a_waiting_selection_is_recalled_to_the_leaders_once(app):
    clock.freeze(MONDAY)
    p = panel(3)
    leaders = [factories.leader(), factories.leader()]
    submit_all(p, [80, 82, 84])
    results.confirm_panel(p.app, actor=p.chair)  # Monday: the review is complete

    clock.freeze(at(4))  # Tuesday and Wednesday have passed
    assert tick(app)["reminders"] == 0
    clock.freeze(at(5))
    assert tick(app)["reminders"] == 2
    assert tick(app)["reminders"] == 0

    for user in leaders:
        (note,) = reminders(user)
        assert note.link == f"/leader/calls/{p.app.call_id}/selection"
        assert "2026-03-02 10:00" in note.body


def test_a_decided_selection_is_not_recalled(app):
    clock.freeze(MONDAY)
    p = panel(3)
    leader = factories.leader()
    submit_all(p, [80, 82, 84])
    results.confirm_panel(p.app, actor=p.chair)
    transition(p.app, Action.SHORTLIST, actor=leader)

    clock.freeze(at(10))
    assert tick(app)["reminders"] == 0 and reminders(leader) == []


def test_a_notice_waiting_for_its_signature_then_for_its_issue(app):
    clock.freeze(MONDAY)
    officer = factories.officer()
    call = factories.call(actor=officer)
    factories.approval_pending_batch(call, 1, officer)  # the period ended on 03-07 00:00
    leader = factories.leader()
    leaders, officers = len(staff(Role.LEADER)), len(staff(Role.OFFICER))

    clock.freeze(at(10))
    assert tick(app)["reminders"] == 0
    clock.freeze(at(11))
    assert tick(app)["reminders"] == leaders
    (note,) = reminders(leader)
    assert note.link == f"/officer/calls/{call.id}/notice"
    assert reminders(officer) == []

    notices.sign_notice(db.session.get(Call, call.id), actor=leader)  # on Wednesday
    clock.freeze(at(13))
    assert tick(app)["reminders"] == 0
    clock.freeze(at(16))
    assert tick(app)["reminders"] == officers
    (recalled,) = reminders(officer)
    assert recalled.link == f"/officer/calls/{call.id}/notice" and call.title in recalled.body
    assert tick(app)["reminders"] == 0


def test_an_objection_review_waiting_is_recalled(app):
    clock.freeze(MONDAY)
    leader = factories.leader()
    application = factories.application(state=AppState.OBJECTION_REVIEW)
    raised = db.session.scalar(select(AuditEntry.at).where(
        AuditEntry.action == Action.RAISE_OBJECTION_REVIEW))

    with clock_at(raised + timedelta(days=3)):
        assert tick(app)["reminders"] == 0
    with clock_at(raised + timedelta(days=4)):
        assert tick(app)["reminders"] == len(staff(Role.LEADER))
    (note,) = reminders(leader)
    assert note.link.endswith("/objections") and application.call.title in note.body


# Co-builders, panel invitations and units waiting (issue 10 point 2: every party whose
# turn it is, not only the deadlines' owners)


def test_a_cobuilder_yet_to_confirm_is_reminded_before_the_call_closes(app):
    clock.freeze(MONDAY)
    call = factories.call(closes_at=at(6, 17))  # Friday 17:00
    lead = factories.applicant()
    draft = factories.application(call, lead)
    partner = factories.user(Role.APPLICANT, organization=factories.org(name="测试共建大学",
                                                                         kind="university"))
    intake.add_cobuilder(draft, credit_code=partner.organization.credit_code, name="测试共建大学",
                         division="联合研发", actor=lead)
    confirmed = factories.application(call, cobuilder=True)  # confirmed: nothing to remind
    partner.locale = "en"

    assert tick(app)["reminders"] == 0  # Monday: four working days left
    clock.freeze(at(4))
    assert tick(app)["reminders"] == 3  # the partner; the two lead units, for their drafts
    assert tick(app)["reminders"] == 0
    (note,) = reminders(partner)
    assert note.link == f"/applications/{draft.id}" and draft.title in note.body
    assert "names your unit as a co-builder" in note.body and "2026-03-06 17:00" in note.body
    assert confirmed.cobuilders[0].confirmed_at is not None


def test_an_unanswered_invitation_is_recalled_to_the_expert_naming_only_the_call(app):
    clock.freeze(MONDAY)
    officer = factories.officer()
    call = factories.call(actor=officer)
    forming = factories.application(call, state=AppState.FORMAL_PASSED)
    forming.title = "山东省保密技术创新中心"
    answering, silent, excluded = (factories.expert(call.fields[0].name) for _ in range(3))
    seats = [assignment.add_seat(forming, e, actor=officer)
             for e in (answering, silent, excluded)]
    assignment.respond(seats[0], accept=True, actor=answering.user)
    db.session.add(Exclusion(expert_id=excluded.id, application_id=forming.id, rule="R2",
                             detail="新任职"))

    clock.freeze(at(4))
    assert tick(app)["reminders"] == 0
    clock.freeze(at(5))
    assert tick(app)["reminders"] == 1
    assert tick(app)["reminders"] == 0
    (note,) = reminders(silent.user)
    assert note.link == "/expert" and call.title in note.body
    assert forming.title not in note.body and note.application_id is None
    assert reminders(answering.user) == [] and reminders(excluded.user) == []


def test_a_unit_waiting_for_its_verification_is_recalled_to_its_verifiers(app):
    clock.freeze(MONDAY)
    waiting = factories.org(factories.QINGDAO, name="青岛待核验有限公司", status="unverified")
    officer = factories.officer()
    qingdao = factories.user(Role.RECOMMENDER, organization=factories.org(
        factories.QINGDAO, "青岛市科学技术局", "government"))
    jinan = factories.recommender()

    clock.freeze(at(4))
    assert tick(app)["reminders"] == 0
    clock.freeze(at(5))
    assert tick(app)["reminders"] == len(staff(Role.OFFICER)) + 1
    assert tick(app)["reminders"] == 0
    for user in (officer, qingdao):
        (note,) = reminders(user)
        assert note.link == f"/verification/{waiting.id}" and "青岛待核验有限公司" in note.body
    assert reminders(jinan) == []
