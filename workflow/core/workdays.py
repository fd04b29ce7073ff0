"""Working days of the official Chinese calendar, with make-up workdays (调休).

The package chinesecalendar knows the State Council's announced years; officers add or
correct days (next year's calendar is announced late in the year) and their entries win.
For a year neither knows, Monday to Friday are working days and `is_confirmed` says so.
"""
from collections.abc import Mapping
from datetime import date, timedelta

import chinese_calendar


def _package_workday(day: date) -> bool | None:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def is_confirmed(day: date, overrides: Mapping[date, bool]) -> bool:
    """Whether the day's status comes from an announced calendar rather than the weekday rule."""
    return day in overrides or _package_workday(day) is not None


def is_workday(day: date, overrides: Mapping[date, bool]) -> bool:
    if day in overrides:
        return overrides[day]
    known = _package_workday(day)
    return known if known is not None else day.weekday() < 5


def add_workdays(start: date, count: int, overrides: Mapping[date, bool]) -> date:
    """The date `count` working days after `start` (start itself not counted): a period of
    N working days starting on day S ends at the end of add_workdays(S - 1 day, N)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    while count:
        day += timedelta(days=1)
        if is_workday(day, overrides):
            count -= 1
    return day


def workdays_between(start: date, end: date, overrides: Mapping[date, bool]) -> int:
    """Working days after `start` up to and including `end`."""
    n, day = 0, start
    while day < end:
        day += timedelta(days=1)
        n += is_workday(day, overrides)
    return n
