"""The working-day calendar: a month as the deadlines see it, and the officers' own entries
for days the package does not know yet (next year's holidays, announced late in the year)."""
from calendar import Calendar
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.calendar import CalendarDayForm
from workflow.calendar import operations as workday_calendar
from workflow.calendar import queries as calendar_queries
from workflow.core import clock
from workflow.web.queries import lists as queries
from workflow.web.views.helpers import require
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("calendar", __name__, url_prefix="/officer/calendar")


def _shown_month() -> tuple[int, int]:
    """The month asked for in ?year=&month=, or this month when absent or out of range."""
    today = clock.local(clock.now()).date()
    year = request.args.get("year", today.year, type=int)
    month = request.args.get("month", today.month, type=int)
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return today.year, today.month
    return year, month


def _page(year: int, month: int, *, form=None, status=200):
    days = {d[0]: d for d in calendar_queries.month(year, month)}
    weeks = [[days.get(day) for day in week]
             for week in Calendar().monthdatescalendar(year, month)]
    return render_template(
        "calendar/calendar.html", year=year, month=month, weeks=weeks,
        unconfirmed=[d for d in days.values() if not d[2]],
        entries=queries.calendar_entries(year, month),
        previous=(year - (month == 1), (month - 2) % 12 + 1),
        following=(year + (month == 12), month % 12 + 1),
        form=form or CalendarDayForm(formdata=None),
    ), status


@bp.get("")
@login_required
def month_view():
    require("calendar.manage")
    return _page(*_shown_month())


@bp.post("/days")
@login_required
def set_day():
    require("calendar.manage")
    form = CalendarDayForm()
    if form.validate_on_submit():
        day = form.day.data
        with unit_of_work(flash_errors=False) as work:
            workday_calendar.set_day(day, is_workday=form.kind.data == "workday",
                                     note=form.note.data or "", actor=current_user)
        if work.failed:
            form.day.errors = list(work.error.problems)
        else:
            flash(_("Saved: %(day)s.", day=day.isoformat()), "success")
            return redirect(url_for(".month_view", year=day.year, month=day.month))
    return _page(*_shown_month(), form=form, status=422)


@bp.post("/days/<day>/remove")
@login_required
def remove_day(day: str):
    require("calendar.manage")
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        abort(404)
    with unit_of_work() as work:
        workday_calendar.remove_day(parsed, actor=current_user)
    if not work.failed:
        flash(_("Entry removed: %(day)s.", day=parsed.isoformat()), "success")
    return redirect(url_for(".month_view", year=parsed.year, month=parsed.month))
