"""The announcement (公示) as it is read before and after publication: whether a call has
one, its period in working days, its proposed list and what stops its publication."""
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from workflow.calendar import queries as calendar
from workflow.calls.models import Call
from workflow.core import regions, workdays
from workflow.core.clock import LOCAL, local
from workflow.core.extensions import db
from workflow.core.states import AWAITING_DECISION_STATES, AppState, CallState
from workflow.intake.models import Application
from workflow.publicity.models import Publicity
from workflow.web.formatting import STATE_LABELS


def publicity_of(call: Call) -> Publicity | None:
    return db.session.scalar(select(Publicity).where(Publicity.call_id == call.id))


def period_end(start: date, count: int) -> date:
    """The last day of a period of `count` working days from `start` (its first day when it
    is a working day), by the official calendar with the officers' corrections."""
    return workdays.add_workdays(start - timedelta(days=1), count, calendar.overrides())


def period_start(published: datetime) -> date:
    """The first day of a period published at `published`: that day when it is a working
    day and the hour (Beijing time) is before PUBLICITY_LATEST_START_HOUR (17:00), else the
    next working day, so that a period never begins late in the evening or on a day off."""
    moment, overrides = local(published), calendar.overrides()
    day = moment.date()
    if (moment.hour >= current_app.config["PUBLICITY_LATEST_START_HOUR"]
            or not workdays.is_workday(day, overrides)):
        day = workdays.add_workdays(day, 1, overrides)
    return day


def starts_at(publicity: Publicity) -> datetime:
    return datetime.combine(publicity.start_date, time.min, LOCAL)


def ends_at(publicity: Publicity) -> datetime:
    """The moment the period is over: midnight after its last day, Beijing time."""
    return datetime.combine(publicity.end_date + timedelta(days=1), time.min, LOCAL)


def publication_problems(call: Call) -> list[str]:
    """What stops the publication of the call's announcement."""
    if publicity_of(call) is not None:
        return [_("The announcement of this call is published.")]
    problems = []
    if call.state != CallState.REVIEWING:
        problems.append(_("The call is %(state)s; the announcement follows the review.",
                          state=STATE_LABELS.get(call.state, call.state)))
    waiting = db.session.scalars(select(Application.title).where(
        Application.call_id == call.id, Application.state.in_(AWAITING_DECISION_STATES))).all()
    if waiting:
        problems.append(_("Not decided yet: %(titles)s.", titles="、".join(waiting)))
    if not proposed(call):
        problems.append(_("No application is proposed: the leader selects first."))
    return problems


def proposed(call: Call) -> list[Application]:
    """The proposed applications in the order of the list: by city, then by filing."""
    apps = db.session.scalars(select(Application).where(
        Application.call_id == call.id, Application.state == AppState.PROPOSED)).all()
    return sorted(apps, key=lambda a: (regions.city_of(a.region_code) or a.region_code,
                                       a.submitted_at, a.id))
