"""The officers' own entries in the working-day calendar; calendar/queries.py reads it."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from workflow.calendar.models import CalendarDay
from workflow.core import audit
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.lifecycle.permissions import can


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
