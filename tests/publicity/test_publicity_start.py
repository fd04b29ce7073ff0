"""When an announcement's period starts (issue 10, what the walk found: a one-working-day
announcement published at 23:12 lasted 48 minutes). Published on a working day before
PUBLICITY_LATEST_START_HOUR (17:00 Beijing time), the period starts that day; later, or on a
day off, on the next working day. The PDF, the public page, the audit rows and the objection
window all say and use the same dates; the document keeps the day it was published."""
import re
from datetime import date, datetime, timedelta

import pytest
from pypdf import PdfReader

from tests import factories
from tests.factories import clock_at
from tests.publicity_world import world
from workflow.calendar import operations as calendar
from workflow.calls.operations import calls
from workflow.core.clock import LOCAL
from workflow.core.errors import ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Action, AppState, CallState
from workflow.inbox.models import Notification
from workflow.publicity import queries as publicity_queries
from workflow.publicity.models import Publicity
from workflow.publicity.operations import objections, publicity


def beijing(*parts) -> datetime:
    return datetime(*parts, tzinfo=LOCAL)


@pytest.mark.parametrize(("published", "start"), [
    (beijing(2022, 11, 3, 10, 0), date(2022, 11, 3)),     # Thursday morning
    (beijing(2022, 11, 3, 16, 59), date(2022, 11, 3)),
    (beijing(2022, 11, 3, 17, 0), date(2022, 11, 4)),     # from 17:00: the next working day
    (beijing(2022, 11, 4, 23, 12), date(2022, 11, 7)),    # Friday night: Monday
    (beijing(2022, 11, 5, 10, 0), date(2022, 11, 7)),     # Saturday
    (beijing(2022, 9, 30, 18, 0), date(2022, 10, 8)),     # before National Day: make-up Saturday
    (beijing(2022, 10, 3, 9, 0), date(2022, 10, 8)),      # during the holiday
    (beijing(2022, 11, 3, 16, 0) - timedelta(hours=8), date(2022, 11, 3)),  # UTC given
])
def test_a_period_starts_on_the_first_working_day_published_in_time(published, start):
    assert publicity_queries.period_start(published) == start


def test_the_latest_hour_is_a_setting(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLICITY_LATEST_START_HOUR", 20)
    assert publicity_queries.period_start(beijing(2022, 11, 3, 19, 30)) == date(2022, 11, 3)
    assert publicity_queries.period_start(beijing(2022, 11, 3, 20, 0)) == date(2022, 11, 4)


def test_the_officers_calendar_decides_the_next_working_day():
    calendar.set_day(date(2022, 11, 7), is_workday=False, note="临时休息",
                     actor=factories.officer())
    assert publicity_queries.period_start(beijing(2022, 11, 4, 23, 12)) == date(2022, 11, 8)


def published_at(moment: datetime, workdays: int = 1):
    """One proposed application, its announcement of `workdays` working days published at
    `moment` (not through factories.announce, which avoids late hours)."""
    with clock_at(moment - timedelta(hours=1)):
        w = world("半导体激光")
        w.shortlist(w.apps[0])
        w.call.publicity_workdays = workdays
        for state in (CallState.CLOSED, CallState.REVIEWING):
            calls.advance_call(w.call, state, actor=w.officer)
    with clock_at(moment):
        announcement = publicity.publish_announcement(w.call, actor=w.officer)
    db.session.commit()
    return w, announcement


def pdf_text(announcement: Publicity) -> str:
    reader = PdfReader(publicity.document_path(announcement))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def test_a_one_day_announcement_published_at_23_12_lasts_the_next_working_day(client):
    w, announcement = published_at(beijing(2022, 11, 4, 23, 12))

    assert (announcement.start_date, announcement.end_date) == (date(2022, 11, 7),
                                                                date(2022, 11, 7))
    period_length = (publicity_queries.ends_at(announcement)
                     - publicity_queries.starts_at(announcement))
    assert period_length == timedelta(days=1)
    period = "公示期：2022年11月7日至2022年11月7日"
    text = pdf_text(announcement)
    assert period in text and "2022年11月4日" in text and "2022年11月4日至" not in text
    page = client.get(f"/publicity/{announcement.id}").get_data(as_text=True)
    assert period in page and "2022年11月4日" in page
    rows = db.session.query(AuditEntry).filter_by(action=Action.PUBLISH_PUBLICITY).all()
    assert [r.comment for r in rows] == [period]
    (told,) = db.session.query(Notification).filter_by(kind="publicity").all()
    assert period in told.body and told.user_id == w.leads[0].id


@pytest.mark.parametrize(("moment", "accepted"), [
    (beijing(2022, 11, 4, 23, 30), False),
    (beijing(2022, 11, 6, 12, 0), False),
    (beijing(2022, 11, 7, 0, 0), True),
    (beijing(2022, 11, 7, 23, 59), True),
    (beijing(2022, 11, 8, 0, 0), False),
])
def test_objections_are_taken_on_the_periods_own_days_only(moment, accepted):
    _w, announcement = published_at(beijing(2022, 11, 4, 23, 12))
    entry = announcement.entries[0]
    filing = factories.objection_filing(entry, kind="person", person_name="王五",
                                        phone="13800000000", letter=None)

    with clock_at(moment):
        if accepted:
            assert objections.file_objection(announcement, filing, actor=None).id
        else:
            with pytest.raises(ServiceError):
                objections.file_objection(announcement, filing, actor=None)


def test_the_tick_ends_the_period_after_its_only_day(app):
    w, _announcement = published_at(beijing(2022, 11, 4, 23, 12))

    with clock_at(beijing(2022, 11, 7, 23, 50)):
        assert publicity.due_period_ends() == []
    with clock_at(beijing(2022, 11, 8, 0, 10)):
        assert publicity.due_period_ends() == [(w.apps[0].id, Action.END_PUBLICITY)]


def test_published_in_the_afternoon_it_starts_the_same_day():
    w, announcement = published_at(beijing(2022, 11, 4, 16, 30), workdays=5)

    assert (announcement.start_date, announcement.end_date) == (date(2022, 11, 4),
                                                                date(2022, 11, 10))
    assert db.session.get(type(w.apps[0]), w.apps[0].id).state == AppState.PUBLICITY
