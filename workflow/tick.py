"""Time-based work that `flask tick` applies: expiries, ends of announcement periods and
reminders: of deadlines two working days ahead (filing, recommending, corrections, score
sheets, co-builders' confirmations), and of work still waiting some working days after it
was handed over (selections, objection reviews and notices for the leadership, a signed
notice for the officers, panel invitations for the experts, units to verify for the
recommenders and officers).

Each due item is applied on its own and committed one by one (`run`); an item that another
tick (or a person) changed meanwhile is skipped, so ticks may run twice or at the same time
without harm. `run` is what `flask tick` does, and the job `flask worker --queue-tick` queues.
"""
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from workflow.acceptance.operations import outcomes as acceptance_due
from workflow.calendar import queries as calendar
from workflow.calls.chains import Chain
from workflow.calls.models import Call
from workflow.core.clock import now
from workflow.core.errors import ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import (
    BEFORE_REVIEWED_STATES,
    COBUILDING_CONFIRMABLE_STATES,
    IN_PUBLICITY_STATES,
    PANEL_FORMING_STATES,
    Action,
    AppState,
    CallState,
    Role,
)
from workflow.evaluation import operations as rectifications
from workflow.evaluation.operations import results as evaluation_results
from workflow.experts.models import Expert
from workflow.formal_review.models import CorrectionRequest
from workflow.formal_review.queries import lead_deadline, open_correction
from workflow.inbox import digest, outbox
from workflow.inbox.notifications import (
    lead_users,
    region_recommenders,
    staff,
    unit_recommenders,
)
from workflow.intake.models import Application, CoBuilder
from workflow.lifecycle import alerts
from workflow.lifecycle.permissions import SYSTEM, can, notice_of
from workflow.lifecycle.transitions import transition
from workflow.organizations.models import Organization, OrgStatus
from workflow.organizations.operations.organizations import unit_users
from workflow.publicity.operations import publicity
from workflow.publicity.queries import publicity_of
from workflow.reports.operations import rounds as report_rounds
from workflow.review.models import PanelSeat, ScoreSheet, SeatStatus
from workflow.review.operations import results

REMIND_WORKING_DAYS = 2


def run() -> dict:
    """Apply what time has made due: expiries, closed reviews, ends of announcement periods,
    reminders, digests, waiting mails. Side effects: each item committed on its own.
    Returns how many of each were done."""
    done = {"expire": 0, "expire_correction": 0, "end_publicity": 0,
            "raise_objection_review": 0, "close_review": 0, "skipped": 0}
    for app_id, action in due_expiries():
        try:
            apply_expiry(app_id, action)
            db.session.commit()
            done[str(action)] += 1
        except ServiceError:  # someone (or another tick) acted first: nothing is due any more
            db.session.rollback()
            done["skipped"] += 1
    for app_id in results.ready_reviews():
        try:
            results.close_review(app_id)
            db.session.commit()
            done["close_review"] += 1
        except ServiceError:  # not ready after all, or closed meanwhile
            db.session.rollback()
            done["skipped"] += 1
    done["publicities_ended"] = publicity.close_ended_periods()
    db.session.commit()
    done["reminders"] = send_reminders()
    db.session.commit()
    done["rectifications"] = rectifications.remind_and_flag_late()
    db.session.commit()
    done["evaluation_announcements"] = evaluation_results.end_periods()
    db.session.commit()
    done["report_reminders"] = report_rounds.remind_due_reports()
    done["reports_late"] = report_rounds.flag_late_reports()
    db.session.commit()
    done["digests"] = digest.queue_digests()
    done["mails_sent"] = outbox.send_outbox()
    return done


def due_expiries() -> list[tuple[int, Action]]:
    at = now()
    drafts = db.session.scalars(
        select(Application.id).join(Call, Application.call_id == Call.id)
        .where(Application.state == AppState.DRAFT, Call.closes_at <= at)
    )
    corrections = db.session.scalars(
        select(Application.id).join(CorrectionRequest)
        .where(Application.state == AppState.CORRECTION_REQUESTED,
               CorrectionRequest.answered_at.is_(None), CorrectionRequest.deadline_at < at)
    )
    return ([(i, Action.EXPIRE) for i in drafts]
            + [(i, Action.EXPIRE_CORRECTION) for i in corrections]
            + publicity.due_period_ends())


def apply_expiry(app_id: int, action: Action) -> None:
    """Raises ServiceError when the application is no longer due (someone acted first)."""
    transition(db.session.get(Application, app_id), action, actor=SYSTEM)


def _soon(deadline) -> bool:
    at = now()
    return at < deadline and calendar.working_days_left(at, deadline) <= REMIND_WORKING_DAYS


def send_reminders() -> int:
    """Queue the reminders of deadlines two working days away, and of work still waiting
    some working days after its hand-off; each is sent once."""
    return (_filing() + _recommending() + _corrections() + _scoring() + _cobuilding()
            + _waiting_selections() + _waiting_objection_reviews() + _waiting_notices()
            + _waiting_answers() + _waiting_verifications() + acceptance_due.remind_ending())


def _filing() -> int:
    sent = 0
    for call in db.session.scalars(select(Call).where(Call.state == CallState.OPEN)):
        if not _soon(call.closes_at):
            continue
        for app in db.session.scalars(select(Application).where(
                Application.call_id == call.id, Application.state == AppState.DRAFT)):
            sent += alerts.remind(lead_users(app), task="filing", app=app,
                                  key=f"filing:{app.id}:{call.closes_at:%Y%m%d}",
                                  deadline=call.closes_at, what=app.title,
                                  path=f"/applications/{app.id}")
    return sent


def _recommending() -> int:
    """Each level of a call's chain is reminded before its own deadline of what waits for it:
    a county bureau of what its county's units filed, a city of what was filed in it or
    passed up to it, a provincial department of what the units under it filed."""
    sent = 0
    for call in db.session.scalars(select(Call).where(Call.state != CallState.DECIDED)):
        chain = Chain(call.recommendation_chain)
        if chain == Chain.COUNTY_CITY and call.county_deadline and _soon(call.county_deadline):
            sent += _remind_level(call, "county", call.county_deadline, select(
                Application.county_code).where(
                Application.call_id == call.id, Application.state == AppState.SUBMITTED,
                Application.county_code != Application.region_code), region_recommenders)
        if call.recommend_deadline is None or not _soon(call.recommend_deadline):
            continue
        if chain == Chain.DEPARTMENT:
            waiting = select(Organization.supervising_org_id).join(
                Application, Application.lead_org_id == Organization.id).where(
                Application.call_id == call.id, Application.state == AppState.SUBMITTED,
                Organization.supervising_org_id.is_not(None))
            sent += _remind_level(call, "department", call.recommend_deadline, waiting,
                                  unit_recommenders)
            continue
        city_queue = Application.state == AppState.SUBMITTED
        if chain == Chain.COUNTY_CITY:
            city_queue = (Application.state == AppState.COUNTY_PASSED) | (
                city_queue & (Application.county_code == Application.region_code))
        sent += _remind_level(call, "city", call.recommend_deadline, select(
            Application.region_code).where(Application.call_id == call.id, city_queue),
            region_recommenders)
    return sent


def _remind_level(call, level: str, deadline, holders, recommenders) -> int:
    """Remind the recommenders of each holder (a region code or a unit id) that `holders`
    selects, once per deadline."""
    sent = 0
    for holder in sorted(set(db.session.scalars(holders))):
        sent += alerts.remind(recommenders(holder), task="recommend", app=None,
                              key=f"recommend:{call.id}:{level}:{holder}:{deadline:%Y%m%d}",
                              deadline=deadline, what=call.title,
                              path=f"/recommender/calls/{call.id}")
    return sent


def _corrections() -> int:
    sent = 0
    for correction in db.session.scalars(select(CorrectionRequest).where(
            CorrectionRequest.answered_at.is_(None))):
        app = db.session.get(Application, correction.application_id)
        if app.state == AppState.CORRECTION_REQUESTED and _soon(correction.deadline_at):
            sent += alerts.remind(lead_users(app), task="correction", app=app,
                                  key=f"correction:{correction.id}",
                                  deadline=correction.deadline_at, what=app.title,
                                  path=f"/applications/{app.id}")
    return sent


def _scoring() -> int:
    """Each expert with sheets of the call still to submit, once per call and deadline;
    naming the call, never an application."""
    sent = 0
    for call in db.session.scalars(select(Call).where(Call.review_deadline.is_not(None))):
        if not _soon(call.review_deadline):
            continue
        seats = db.session.scalars(
            select(PanelSeat).join(Application, PanelSeat.application_id == Application.id)
            .outerjoin(ScoreSheet, ScoreSheet.seat_id == PanelSeat.id)
            .where(Application.call_id == call.id, Application.state == AppState.EXPERT_REVIEW,
                   PanelSeat.status == "accepted", ScoreSheet.submitted_at.is_(None))
            .order_by(PanelSeat.id))
        experts = {seat.expert.user for seat in seats if seat.expert.user is not None
                   and can(seat.expert.user, "sheet.edit", seat)}
        sent += alerts.remind(sorted(experts, key=lambda u: u.id), task="score", app=None,
                              key=f"score:{call.id}:{call.review_deadline:%Y%m%d}",
                              deadline=call.review_deadline, what=call.title, path="/expert")
    return sent


def _cobuilding() -> int:
    """The applicants of each co-builder unit yet to confirm, two working days before the
    application's own deadline (the call's close for a draft, the recommenders' deadline for
    a returned one, the corrections' for a correction), once per co-builder and deadline."""
    rows = db.session.execute(
        select(CoBuilder, lead_deadline().label("deadline"))
        .join(Application, CoBuilder.application_id == Application.id)
        .join(Call, Application.call_id == Call.id)
        .outerjoin(CorrectionRequest, open_correction())
        .where(CoBuilder.confirmed_at.is_(None), CoBuilder.organization_id.is_not(None),
               Application.state.in_(COBUILDING_CONFIRMABLE_STATES))
        .order_by(CoBuilder.id)).all()
    sent = 0
    for cobuilder, due in rows:
        if due is None or not _soon(due):
            continue
        app = cobuilder.application
        sent += alerts.remind(unit_users(cobuilder.organization, role=Role.APPLICANT),
                              task="cobuild", app=app, deadline=due, what=app.title,
                              key=f"cobuild:{cobuilder.id}:{due:%Y%m%d%H%M}",
                              path=f"/applications/{app.id}")
    return sent


# Work that waits for the leadership: recalled once, WAITING_REMINDER_WORKDAYS after the
# step that handed it over, when nobody has acted since. So are panel invitations nobody
# answered and units nobody verified.


def _handed_over(call_id: int, *actions: Action):
    """When the last of `actions` happened to an application of the call."""
    return db.session.scalar(select(func.max(AuditEntry.at)).where(
        AuditEntry.call_id == call_id, AuditEntry.action.in_([str(a) for a in actions])))


def _waited_long(since) -> bool:
    return since is not None and calendar.working_days_left(since, now()) >= (
        current_app.config["WAITING_REMINDER_WORKDAYS"])


def _calls_with(state: AppState) -> list[Call]:
    return list(db.session.scalars(select(Call).where(Call.id.in_(
        select(Application.call_id).where(Application.state == state))).order_by(Call.id)))


def _states_of(call: Call) -> set[str]:
    return set(db.session.scalars(select(Application.state).where(
        Application.call_id == call.id).distinct()))


def _waiting_selections() -> int:
    sent = 0
    for call in _calls_with(AppState.REVIEWED):
        since = _handed_over(call.id, Action.CLOSE_REVIEW)
        if _states_of(call) & BEFORE_REVIEWED_STATES or not _waited_long(since):
            continue
        sent += alerts.recall(staff(Role.LEADER), task="select", since=since,
                              key=f"waiting:select:{call.id}:{since:%Y%m%d%H%M%S}",
                              what=call.title, path=f"/leader/calls/{call.id}/selection")
    return sent


def _waiting_objection_reviews() -> int:
    sent = 0
    for call in _calls_with(AppState.OBJECTION_REVIEW):
        since = _handed_over(call.id, Action.RAISE_OBJECTION_REVIEW)
        announcement = publicity_of(call)
        if announcement is None or not _waited_long(since):
            continue
        sent += alerts.recall(staff(Role.LEADER), task="objections", since=since,
                              key=f"waiting:objections:{call.id}:{since:%Y%m%d%H%M%S}",
                              what=call.title,
                              path=f"/officer/publicity/{announcement.id}/objections")
    return sent


def _waiting_notices() -> int:
    """Leaders who have not signed the notice; officers who have not issued a signed one."""
    sent = 0
    for call in _calls_with(AppState.APPROVAL_PENDING):
        notice, path = notice_of(call), f"/officer/calls/{call.id}/notice"
        if notice is None:
            since = _handed_over(call.id, Action.END_PUBLICITY, Action.DISMISS_OBJECTION,
                                 Action.UPHOLD_OBJECTION)
            if _states_of(call) & IN_PUBLICITY_STATES or not _waited_long(since):
                continue
            sent += alerts.recall(staff(Role.LEADER), task="sign", since=since, path=path,
                                  key=f"waiting:sign:{call.id}:{since:%Y%m%d%H%M%S}",
                                  what=call.title)
        elif notice.state == "signed" and _waited_long(notice.signed_at):
            sent += alerts.recall(staff(Role.OFFICER), task="issue", since=notice.signed_at,
                                  key=f"waiting:issue:{call.id}:{notice.signed_at:%Y%m%d%H%M%S}",
                                  what=call.title, path=path)
    return sent


def _waiting_answers() -> int:
    """Each expert with invitations of a call still unanswered, once per call and oldest
    invitation; naming the call, never an application, and only invitations the expert may
    still answer (not one a conflict rule has excluded them from since)."""
    seats = db.session.scalars(
        select(PanelSeat).join(Application, PanelSeat.application_id == Application.id)
        .where(PanelSeat.status == SeatStatus.INVITED,
               Application.state.in_(PANEL_FORMING_STATES))
        .options(joinedload(PanelSeat.expert).joinedload(Expert.user),
                 joinedload(PanelSeat.application))
        .order_by(PanelSeat.assigned_at, PanelSeat.id))
    oldest: dict[tuple, tuple] = {}
    for seat in seats:
        user = seat.expert.user
        if user is None or not can(user, "panel.respond", seat):
            continue
        oldest.setdefault((seat.application.call_id, user.id),
                          (user, seat.application.call, seat.assigned_at))
    sent = 0
    for user, call, since in oldest.values():
        if _waited_long(since):
            sent += alerts.recall([user], task="answer", since=since, what=call.title,
                                  key=f"waiting:answer:{call.id}:{user.id}:{since:%Y%m%d%H%M%S}",
                                  path="/expert")
    return sent


def _waiting_verifications() -> int:
    """Units whose registration waits for its verification: the recommenders of its city and
    the officers (those who verify it: handoffs.to_verifiers), once per registration."""
    sent, officers, recommenders = 0, staff(Role.OFFICER), {}
    for org in db.session.scalars(select(Organization).where(
            Organization.status == OrgStatus.UNVERIFIED).order_by(Organization.id)):
        if not _waited_long(org.created_at):
            continue
        if org.region_code not in recommenders:
            recommenders[org.region_code] = region_recommenders(org.region_code)
        users = recommenders[org.region_code] + officers
        sent += alerts.recall(users, task="verify", since=org.created_at, what=org.name,
                              key=f"waiting:verify:{org.id}:{org.created_at:%Y%m%d%H%M%S}",
                              path=f"/verification/{org.id}")
    return sent
