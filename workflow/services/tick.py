"""Time-based work that `flask tick` applies: expiries, ends of announcement periods and
reminders.

Each due item is applied on its own by `apply`, which the command commits one by one; an
item that another tick (or a person) changed meanwhile is skipped, so ticks may run twice
or at the same time without harm.
"""
from sqlalchemy import select

from workflow.clock import now
from workflow.extensions import db
from workflow.models import Application, Call, CorrectionRequest
from workflow.permissions import SYSTEM
from workflow.services import alerts, calendar, publicity
from workflow.services.notifications import lead_users, region_recommenders
from workflow.services.transitions import transition
from workflow.states import Action, AppState, CallState

REMIND_WORKING_DAYS = 2


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
    """Queue the reminders of deadlines two working days away; each is sent once."""
    sent = 0
    open_calls = db.session.scalars(select(Call).where(Call.state == CallState.OPEN))
    for call in open_calls:
        if not _soon(call.closes_at):
            continue
        for app in db.session.scalars(select(Application).where(
                Application.call_id == call.id, Application.state == AppState.DRAFT)):
            sent += alerts.remind(lead_users(app), task="filing", app=app,
                                  key=f"filing:{app.id}:{call.closes_at:%Y%m%d}",
                                  deadline=call.closes_at, what=app.title,
                                  path=f"/applications/{app.id}")
    for call in db.session.scalars(select(Call).where(Call.recommend_deadline.is_not(None))):
        if not _soon(call.recommend_deadline):
            continue
        regions = set(db.session.scalars(select(Application.region_code).where(
            Application.call_id == call.id, Application.state == AppState.SUBMITTED)))
        for region in sorted(regions):
            sent += alerts.remind(region_recommenders(region), task="recommend", app=None,
                                  key=f"recommend:{call.id}:{region}:{call.recommend_deadline:%Y%m%d}",
                                  deadline=call.recommend_deadline, what=call.title,
                                  path=f"/recommender/calls/{call.id}")
    for correction in db.session.scalars(select(CorrectionRequest).where(
            CorrectionRequest.answered_at.is_(None))):
        app = db.session.get(Application, correction.application_id)
        if app.state == AppState.CORRECTION_REQUESTED and _soon(correction.deadline_at):
            sent += alerts.remind(lead_users(app), task="correction", app=app,
                                  key=f"correction:{correction.id}",
                                  deadline=correction.deadline_at, what=app.title,
                                  path=f"/applications/{app.id}")
    return sent
