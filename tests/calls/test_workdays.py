"""Working days of the official Chinese calendar: holidays and make-up workdays (调休) from
the package, officers' entries that win over it, and years the package does not know."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from workflow.calendar import operations as calendar
from workflow.calendar import queries as calendar_queries
from workflow.calendar.models import CalendarDay
from workflow.core import workdays
from workflow.core.clock import LOCAL
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry

NONE: dict = {}


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(n) for n in range((end - start).days + 1)]


# Spring Festival 2026: 2026-02-15 to 02-23 off, Saturday 02-14 worked.


def test_spring_festival_2026_holidays_and_make_up_saturday():
    assert workdays.is_workday(date(2026, 2, 14), NONE)  # a Saturday
    assert not any(workdays.is_workday(d, NONE) for d in days(date(2026, 2, 15),
                                                               date(2026, 2, 23)))
    assert workdays.is_workday(date(2026, 2, 24), NONE)


@pytest.mark.parametrize(("start", "count", "end"), [
    (date(2026, 2, 12), 5, date(2026, 2, 26)),
    (date(2026, 2, 13), 1, date(2026, 2, 14)),
    (date(2026, 2, 14), 1, date(2026, 2, 24)),
    (date(2026, 2, 16), 1, date(2026, 2, 24)),  # from inside the holiday
    (date(2026, 2, 12), 2, date(2026, 2, 14)),
])
def test_add_workdays_across_the_spring_festival(start, count, end):
    assert workdays.add_workdays(start, count, NONE) == end


def test_workdays_between_across_the_spring_festival():
    assert workdays.workdays_between(date(2026, 2, 12), date(2026, 2, 26), NONE) == 5
    assert workdays.workdays_between(date(2026, 2, 14), date(2026, 2, 23), NONE) == 0


# Mid-Autumn and National Day 2026: 09-25 and 10-01 to 10-07 off, Saturday 10-10 worked.


@pytest.mark.parametrize(("start", "count", "end"), [
    (date(2026, 9, 30), 1, date(2026, 10, 8)),
    (date(2026, 10, 8), 2, date(2026, 10, 10)),
    (date(2026, 10, 9), 2, date(2026, 10, 12)),
    (date(2026, 9, 24), 1, date(2026, 9, 28)),
])
def test_add_workdays_across_national_day(start, count, end):
    assert workdays.add_workdays(start, count, NONE) == end


def test_workdays_between_across_national_day():
    assert workdays.workdays_between(date(2026, 9, 30), date(2026, 10, 12), NONE) == 4


def test_plain_weekend():
    friday, monday = date(2026, 3, 6), date(2026, 3, 9)
    assert workdays.add_workdays(friday, 1, NONE) == monday
    assert workdays.workdays_between(friday, monday, NONE) == 1
    assert workdays.workdays_between(friday, date(2026, 3, 8), NONE) == 0


# Officers' entries


def test_an_officer_entry_wins_over_the_package():
    holiday = {date(2026, 3, 2): False}
    assert workdays.is_workday(date(2026, 3, 2), NONE)
    assert not workdays.is_workday(date(2026, 3, 2), holiday)
    assert workdays.add_workdays(date(2026, 2, 28), 1, holiday) == date(2026, 3, 3)
    assert not workdays.is_workday(date(2026, 2, 14), {date(2026, 2, 14): False})


def test_set_day_changes_the_deadlines_of_the_service():
    start = datetime(2026, 2, 28, 10, 0, tzinfo=LOCAL)  # the second make-up Saturday
    assert calendar_queries.deadline_after(start, 1) == datetime(2026, 3, 2, 23, 59, 59,
                                                                 tzinfo=LOCAL)

    calendar.set_day(date(2026, 3, 2), is_workday=False, note="临时调整", actor=factories.officer())

    assert calendar_queries.overrides() == {date(2026, 3, 2): False}
    assert calendar_queries.deadline_after(start, 1) == datetime(2026, 3, 3, 23, 59, 59,
                                                                 tzinfo=LOCAL)


def test_a_year_the_package_does_not_know_uses_monday_to_friday_unconfirmed():
    monday, saturday = date(2027, 3, 1), date(2027, 3, 6)
    assert workdays.is_workday(monday, NONE) and not workdays.is_workday(saturday, NONE)
    assert not workdays.is_confirmed(monday, NONE)
    assert workdays.is_confirmed(date(2026, 3, 2), NONE)
    assert workdays.add_workdays(date(2027, 3, 5), 1, NONE) == date(2027, 3, 8)


def test_officer_entries_for_2027_are_honoured_and_confirmed():
    officer = factories.officer()
    calendar.set_day(date(2027, 2, 20), is_workday=True, note="春节调休上班", actor=officer)
    calendar.set_day(date(2027, 2, 11), is_workday=False, note="春节", actor=officer)
    marks = calendar_queries.overrides()

    assert workdays.is_workday(date(2027, 2, 20), marks)  # a Saturday
    assert not workdays.is_workday(date(2027, 2, 11), marks)  # a Thursday
    assert workdays.add_workdays(date(2027, 2, 10), 2, marks) == date(2027, 2, 15)
    assert workdays.add_workdays(date(2027, 2, 19), 1, marks) == date(2027, 2, 20)
    month = {day: (work, confirmed, note) for day, work, confirmed, note
             in calendar_queries.month(2027, 2)}
    assert len(month) == 28
    assert month[date(2027, 2, 20)] == (True, True, "春节调休上班")
    assert month[date(2027, 2, 11)] == (False, True, "春节")
    assert month[date(2027, 2, 12)] == (True, False, "")


def test_set_day_corrects_an_entry_with_an_audit_row_each_time():
    officer = factories.officer()
    calendar.set_day(date(2027, 1, 1), is_workday=True, note="误录", actor=officer)
    calendar.set_day(date(2027, 1, 1), is_workday=False, note=" 元旦 ", actor=officer)

    (row,) = db.session.scalars(select(CalendarDay)).all()
    assert (row.is_workday, row.note, row.updated_by_id) == (False, "元旦", officer.id)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "calendar_set_day")) == 2


def test_remove_day_goes_back_to_the_package_or_the_weekday_rule():
    officer = factories.officer()
    calendar.set_day(date(2027, 1, 1), is_workday=False, note="元旦", actor=officer)

    calendar.remove_day(date(2027, 1, 1), actor=officer)

    assert calendar_queries.overrides() == {}
    with pytest.raises(ServiceError):
        calendar.remove_day(date(2027, 1, 1), actor=officer)


@pytest.mark.parametrize("who", ["recommender", "applicant", "leader"])
def test_only_an_officer_edits_the_calendar(who):
    actor = {"recommender": factories.recommender, "applicant": factories.applicant,
             "leader": factories.leader}[who]()
    with pytest.raises(PermissionDenied):
        calendar.set_day(date(2027, 1, 1), is_workday=False, note="元旦", actor=actor)
    assert calendar_queries.overrides() == {}


def test_set_day_refuses_a_far_year():
    with pytest.raises(ServiceError):
        calendar.set_day(date(1999, 1, 1), is_workday=False, note="", actor=factories.officer())


# Edge cases


def test_zero_working_days_is_the_start_itself_even_on_a_holiday():
    assert workdays.add_workdays(date(2026, 2, 16), 0, NONE) == date(2026, 2, 16)
    assert workdays.workdays_between(date(2026, 2, 16), date(2026, 2, 16), NONE) == 0


def test_negative_working_days_are_refused():
    with pytest.raises(ValueError):
        workdays.add_workdays(date(2026, 3, 2), -1, NONE)


def test_workdays_between_an_earlier_end_is_zero():
    assert workdays.workdays_between(date(2026, 3, 9), date(2026, 3, 2), NONE) == 0


def test_deadlines_count_from_the_beijing_date():
    late_evening_utc = datetime(2026, 2, 12, 17, 0, tzinfo=UTC)  # 01:00 on the 13th in Beijing
    assert calendar_queries.deadline_after(late_evening_utc, 1) == datetime(
        2026, 2, 14, 23, 59, 59, tzinfo=LOCAL)
    assert calendar_queries.working_days_left(late_evening_utc, datetime(
        2026, 2, 24, 9, 0, tzinfo=LOCAL)) == 2
