"""Closing filing early: the window ends when filing really closed (closes_at becomes that
moment, the planned end stays in the audit row), the drafts expire at once and their units
are told, and the public call page shows the real state and dates."""
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.confirming import confirmed
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow import tick
from workflow.accounts.models.users import User
from workflow.calls.operations import calls
from workflow.core import clock
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState, CallState
from workflow.inbox.models import Notification, OutboxMail
from workflow.intake.models import Application

NOW = datetime(2027, 4, 3, 9, 30, tzinfo=clock.LOCAL)
PLANNED_END = datetime(2027, 4, 30, 17, 0, tzinfo=clock.LOCAL)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def world():
    with factories.clock_at(NOW):
        officer = factories.officer()
        call = factories.call(actor=officer, closes_at=PLANNED_END)
        drafts = [factories.application(call, complete=False) for _ in range(2)]
        filed = factories.application(call, state=AppState.SUBMITTED)
        db.session.commit()
        yield officer, call, drafts, filed


def test_the_window_ends_when_filing_closed(world):
    officer, call, drafts, filed = world
    assert calls.advance_call(call, CallState.CLOSED, actor=officer) == 2
    db.session.commit()
    assert call.closes_at == NOW and not call.accepts_filings(clock.now())
    row = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "call_closed"))
    assert "closed early; planned end 2027-04-30 17:00" in row.comment
    assert row.call_id == call.id and row.actor_id == officer.id


def test_drafts_expire_at_once_and_their_units_are_told(world):
    officer, call, drafts, filed = world
    calls.advance_call(call, CallState.CLOSED, actor=officer)
    db.session.commit()
    for draft in drafts:
        assert draft.state == AppState.EXPIRED
        audit = db.session.scalar(select(AuditEntry).where(
            AuditEntry.application_id == draft.id, AuditEntry.action == "expire"))
        assert audit.role == "system" and audit.to_state == AppState.EXPIRED
        assert count(Notification, Notification.application_id == draft.id,
                     Notification.kind == "expire") == 1
    assert filed.state == AppState.SUBMITTED
    assert count(Notification, Notification.application_id == filed.id,
                 Notification.kind == "expire") == 0
    assert count(OutboxMail) >= 2
    assert tick.due_expiries() == []  # nothing is left for the next tick


def test_a_call_closed_before_its_window_opened_still_ends_after_it_opens(world):
    officer, *_ = world
    with factories.clock_at(NOW):
        early = factories.call(actor=officer, opens_at=NOW + timedelta(days=2),
                               closes_at=PLANNED_END)
        calls.advance_call(early, CallState.CLOSED, actor=officer)
        db.session.commit()
    assert early.closes_at == early.opens_at + timedelta(seconds=1)


def test_closing_on_time_expires_the_drafts_too(world):
    officer, call, drafts, _filed = world
    with factories.clock_at(PLANNED_END + timedelta(minutes=5)):
        assert calls.advance_call(call, CallState.CLOSED, actor=officer) == 2
    assert call.closes_at == PLANNED_END  # the planned end was the real one


def test_the_public_pages_show_the_real_state_and_dates(world, client, login):
    officer, call, _drafts, _filed = world
    with factories.clock_at(NOW + timedelta(hours=1)):
        before = client.get(f"/calls/{call.id}").get_data(as_text=True)
        confirmed(login(officer), f"/officer/calls/{call.id}/advance/closed")
        client.post("/language/en", data={"next": "/"})
        detail = client.get(f"/calls/{call.id}").get_data(as_text=True)
        listing = client.get("/").get_data(as_text=True)
    assert "2027-04-30 17:00" in before
    assert re.search(r"Filing closed</dt><dd[^>]*>2027-04-03 10:30", detail)
    assert "2027-04-30" not in detail and "days" not in detail
    assert "2027-04-03 10:30" in listing and "2027-04-30" not in listing
    assert "Start an application" not in detail


def test_submitting_an_expired_draft_says_why(world, login):
    officer, call, drafts, _filed = world
    calls.advance_call(call, CallState.CLOSED, actor=officer)
    db.session.commit()
    lead = db.session.get(User, drafts[0].created_by_id)
    response = login(lead).post(f"/applications/{drafts[0].id}/actions/submit",
                                follow_redirects=True)
    assert "This application is now “Expired”" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Application, drafts[0].id).state == AppState.EXPIRED
