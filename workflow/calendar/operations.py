"""The working-day calendar: the package's announced years plus the officers' own entries."""
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from workflow.calendar.models import CalendarDay
from workflow.core import audit, workdays
from workflow.core.clock import LOCAL, local
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.lifecycle.permissions import can


def overrides() -> dict[date, bool]:
    return dict(db.session.execute(select(CalendarDay.day, CalendarDay.is_workday)).all())


def set_day(day: date, *, is_workday: bool, note: str, actor) -> CalendarDay:
    """Add or correct one day; writes an audit row."""
    if not can(actor, "calendar.manage"):
        raise PermissionDenied("calendar.manage")
    if not 2000 <= day.year <= 2100:
        raise ServiceError(_("Choose a date between 2000 and 2100."))
    row = db.session.scalar(select(CalendarDay).where(CalendarDay.day == day))
    if row is None:
        row = CalendarDay(day=day)
        db.session.add(row)
    row.is_workday, row.note, row.updated_by_id = is_workday, note.strip(), actor.id
    audit.record(actor=actor, action="calendar_set_day",
                 comment=f"{day.isoformat()} {'workday' if is_workday else 'holiday'} {note}")
    db.session.flush()
    return row


def remove_day(day: date, *, actor) -> None:
    if not can(actor, "calendar.manage"):
        raise PermissionDenied("calendar.manage")
    row = db.session.scalar(select(CalendarDay).where(CalendarDay.day == day))
    if row is None:
        raise ServiceError(_("There is no entry for this day."))
    db.session.delete(row)
    audit.record(actor=actor, action="calendar_remove_day", comment=day.isoformat())
    db.session.flush()


def deadline_after(start: datetime, working_days: int) -> datetime:
    """The end (23:59:59 Beijing time) of the `working_days`-th working day after `start`."""
    last = workdays.add_workdays(local(start).date(), working_days, overrides())
    return datetime.combine(last, time(23, 59, 59), tzinfo=LOCAL)


def working_days_left(start: datetime, deadline: datetime) -> int:
    return workdays.workdays_between(local(start).date(), local(deadline).date(), overrides())


def month(year: int, month_no: int) -> list[tuple[date, bool, bool, str]]:
    """Each day of a month: (day, is working day, is confirmed, officer's note)."""
    entries = {r.day: r for r in db.session.scalars(select(CalendarDay))}
    marks = {d: r.is_workday for d, r in entries.items()}
    first = date(year, month_no, 1)
    days = []
    day = first
    while day.month == month_no:
        note = entries[day].note if day in entries else ""
        days.append((day, workdays.is_workday(day, marks), workdays.is_confirmed(day, marks),
                     note))
        day += timedelta(days=1)
    return days
