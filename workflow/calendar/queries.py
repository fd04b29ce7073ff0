"""The working-day calendar as the deadlines read it: the officers' entries over the
package's announced years."""
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from workflow.calendar.models import CalendarDay
from workflow.core import workdays
from workflow.core.clock import LOCAL, local
from workflow.core.extensions import db


def overrides() -> dict[date, bool]:
    return dict(db.session.execute(select(CalendarDay.day, CalendarDay.is_workday)).all())


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
