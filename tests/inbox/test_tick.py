"""`flask tick`: the time-based transitions (expired drafts, missed correction deadlines) and
the reminders two working days ahead, applied once however often and however concurrently
the command runs."""
import json
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from workflow.cli import tick_command
from workflow.core import clock
from workflow.core.clock import LOCAL
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Action, AppState, Role
from workflow.formal_review.operations import checklist
from workflow.inbox.models import Notification, OutboxMail
from workflow.intake.models import Application

ZERO = {"expire": 0, "expire_correction": 0, "end_publicity": 0, "raise_objection_review": 0,
        "close_review": 0, "skipped": 0, "publicities_ended": 0, "reminders": 0, "digests": 0,
        "mails_sent": 0, "rectifications": 0, "report_reminders": 0, "reports_late": 0,
        "evaluation_announcements": 0}


def tick(app) -> dict:
    """Run `flask tick --json` as cron would; it works in an app context of its own."""
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["tick", "--json"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return json.loads(result.output)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def state(application) -> str:
    return db.session.scalar(select(Application.state).where(Application.id == application.id))


def expiry_rows(application) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.application_id == application.id,
        AuditEntry.action.in_([Action.EXPIRE, Action.EXPIRE_CORRECTION]))))


def in_correction():
    lead = factories.applicant()
    application = factories.application(lead=lead, state=AppState.CORRECTION_REQUESTED)
    return application, lead, checklist.open_correction(application)


# Expiries


def test_draft_of_a_call_whose_window_closed_expires(app):
    closing = factories.call()
    draft = factories.application(closing, complete=False)
    still_open = factories.application(factories.call(closes_at=closing.closes_at
                                                      + timedelta(days=20)))
    clock.freeze(closing.closes_at + timedelta(minutes=1))

    assert tick(app) == {**ZERO, "expire": 1}

    assert (state(draft), state(still_open)) == (AppState.EXPIRED, AppState.DRAFT)
    (entry,) = expiry_rows(draft)
    assert (entry.actor_id, entry.role, entry.from_state, entry.to_state, entry.at) == (
        None, "system", AppState.DRAFT, AppState.EXPIRED, clock.now())


def test_draft_is_kept_while_the_window_is_open(app):
    call = factories.call()
    draft = factories.application(call)
    clock.freeze(call.closes_at - timedelta(seconds=1))

    assert tick(app) == {**ZERO, "reminders": 1}  # its lead unit is reminded instead
    assert state(draft) == AppState.DRAFT


def test_missed_correction_deadline_ends_in_formal_rejected(app):
    application, lead, correction = in_correction()
    clock.freeze(correction.deadline_at + timedelta(seconds=1))

    assert tick(app) == {**ZERO, "expire_correction": 1}

    assert state(application) == AppState.FORMAL_REJECTED
    (entry,) = expiry_rows(application)
    assert (entry.role, entry.from_state) == ("system", AppState.CORRECTION_REQUESTED)
    assert count(Notification, Notification.user_id == lead.id,
                 Notification.kind == Action.EXPIRE_CORRECTION) == 1


def test_correction_is_not_expired_at_its_deadline(app):
    application, _lead, correction = in_correction()
    clock.freeze(correction.deadline_at)

    assert tick(app) == ZERO
    assert state(application) == AppState.CORRECTION_REQUESTED


def test_second_tick_changes_nothing(app):
    call = factories.call()
    draft = factories.application(call)
    application, _lead, correction = in_correction()
    clock.freeze(max(call.closes_at, correction.deadline_at) + timedelta(hours=1))
    first = tick(app)
    counts = (count(AuditEntry), count(Notification), count(OutboxMail))

    second = tick(app)

    assert first == {**ZERO, "expire": 1, "expire_correction": 1}
    assert second == ZERO
    assert (count(AuditEntry), count(Notification), count(OutboxMail)) == counts
    assert (state(draft), state(application)) == (AppState.EXPIRED, AppState.FORMAL_REJECTED)


def _tick_in_own_context(flask_app, barrier, errors):
    with flask_app.app_context():
        try:
            barrier.wait(timeout=10)
            tick_command.callback(as_json=True)
        except Exception as unexpected:  # noqa: BLE001 - reported by the test below
            errors.append(unexpected)
        finally:
            db.session.remove()


@pytest.mark.parametrize("attempt", range(3))
def test_two_concurrent_ticks_expire_each_item_exactly_once(app, attempt):
    call = factories.call()
    drafts = [factories.application(call, complete=False) for _ in range(4)]
    corrections = [in_correction() for _ in range(2)]
    db.session.commit()
    clock.freeze(max([call.closes_at] + [c.deadline_at for _a, _l, c in corrections])
                 + timedelta(minutes=5))
    barrier, errors = threading.Barrier(2), []

    threads = [threading.Thread(target=_tick_in_own_context, args=(app, barrier, errors))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    db.session.expire_all()
    assert errors == []
    for draft in drafts:
        assert state(draft) == AppState.EXPIRED and len(expiry_rows(draft)) == 1
    for application, lead, _correction in corrections:
        assert state(application) == AppState.FORMAL_REJECTED
        assert len(expiry_rows(application)) == 1
        assert count(Notification, Notification.user_id == lead.id,
                     Notification.kind == Action.EXPIRE_CORRECTION) == 1


# Reminders two working days ahead


def reminders(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == "reminder")))


def mails_to(user) -> int:
    return count(OutboxMail, OutboxMail.to_address == user.email)


def test_correction_reminder_two_working_days_ahead_is_queued_once(app):
    clock.freeze(datetime(2026, 3, 2, 10, 0, tzinfo=LOCAL))  # Monday; 5 days: 03-09
    application, lead, correction = in_correction()
    colleague = factories.user(Role.APPLICANT, organization=lead.organization)
    outsider = factories.applicant()
    assert correction.deadline_at == datetime(2026, 3, 9, 23, 59, 59, tzinfo=LOCAL)
    clock.freeze(datetime(2026, 3, 5, 8, 0, tzinfo=LOCAL))  # Thursday: 03-06 and 03-09 left
    db.session.commit()
    mails = {user.id: mails_to(user) for user in (lead, colleague)}

    assert tick(app)["reminders"] == 2
    assert tick(app)["reminders"] == 0

    for user in (lead, colleague):
        (note,) = reminders(user)
        assert note.application_id == application.id
        assert "2026-03-09 23:59" in note.body
        assert mails_to(user) == mails[user.id] + 1
    assert reminders(outsider) == [] and mails_to(outsider) == 0


def test_no_correction_reminder_three_working_days_ahead(app):
    clock.freeze(datetime(2026, 3, 2, 10, 0, tzinfo=LOCAL))
    _application, lead, _correction = in_correction()
    clock.freeze(datetime(2026, 3, 4, 18, 0, tzinfo=LOCAL))  # Wednesday: 3 working days left

    assert tick(app)["reminders"] == 0
    assert reminders(lead) == []


@pytest.mark.parametrize(("today", "reminded"), [((3, 10), True), ((3, 9), False)])
def test_filing_reminder_for_drafts_before_the_window_closes(app, today, reminded):
    clock.freeze(datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL))
    call = factories.call(closes_at=datetime(2026, 3, 12, 17, 0, tzinfo=LOCAL))  # Thursday
    lead = factories.applicant()
    factories.application(call, lead, complete=False)
    submitted_lead = factories.applicant()
    factories.application(call, submitted_lead, state=AppState.SUBMITTED)
    clock.freeze(datetime(2026, *today, 9, 0, tzinfo=LOCAL))

    assert tick(app)["reminders"] == int(reminded)
    assert tick(app)["reminders"] == 0

    assert len(reminders(lead)) == int(reminded)
    assert reminders(submitted_lead) == []


def test_in_a_county_chain_each_level_is_reminded_before_its_own_deadline(app):
    clock.freeze(datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL))
    call = factories.call(closes_at=datetime(2026, 3, 5, 17, 0, tzinfo=LOCAL),
                          recommend_deadline=datetime(2026, 3, 20, 17, 0, tzinfo=LOCAL))
    factories.county_chain(call, county_deadline=datetime(2026, 3, 12, 17, 0, tzinfo=LOCAL))
    licheng = "370112"
    factories.application(call, factories.county_applicant(licheng), state=AppState.SUBMITTED)
    county = factories.recommender(licheng)
    city = factories.recommender(factories.JINAN)
    clock.freeze(datetime(2026, 3, 10, 9, 0, tzinfo=LOCAL))  # the county's deadline nears

    assert tick(app)["reminders"] == 1
    assert len(reminders(county)) == 1 and reminders(city) == []
    clock.freeze(datetime(2026, 3, 18, 9, 0, tzinfo=LOCAL))  # the city's: nothing passed up
    assert tick(app)["reminders"] == 0
    assert reminders(city) == []


def test_recommendation_reminder_goes_to_the_recommenders_of_cities_with_a_queue(app):
    clock.freeze(datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL))
    call = factories.call(closes_at=datetime(2026, 3, 5, 17, 0, tzinfo=LOCAL),
                          recommend_deadline=datetime(2026, 3, 12, 17, 0, tzinfo=LOCAL))
    factories.application(call, factories.applicant(factories.JINAN), state=AppState.SUBMITTED)
    bureau = factories.org(factories.JINAN, "济南市科学技术局", "government")
    jinan = [factories.user(Role.RECOMMENDER, organization=bureau) for _ in range(2)]
    qingdao = factories.recommender(factories.QINGDAO)
    clock.freeze(datetime(2026, 3, 10, 9, 0, tzinfo=LOCAL))

    assert tick(app)["reminders"] == 2
    assert tick(app)["reminders"] == 0

    for user in jinan:
        (note,) = reminders(user)
        assert call.title in note.subject + note.body and mails_to(user) == 1
    assert reminders(qingdao) == []
