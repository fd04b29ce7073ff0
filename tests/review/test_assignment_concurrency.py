"""Two officers working on one call's panels at the same moment, with real threads, each in
its own app context, session and connection: the work is serialized per call (the call's row
locked on PostgreSQL, the database's write lock on SQLite); whoever must give way gets a
clean refusal, nothing of it is written, and no slot is filled twice."""
import threading
import time
from collections import Counter

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select, text

from tests import factories
from tests.review.test_assignment_service import expert
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.accounts.models.users import User
from workflow.calls.models import Call
from workflow.core.errors import ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState
from workflow.experts.models import Expert
from workflow.inbox.models import Notification
from workflow.intake.models import Application
from workflow.review.models import AssignmentRun, PanelSeat
from workflow.review.operations import assignment
from workflow.review.operations.locks import panels_locked

K, LOAD = 3, 2


@pytest.fixture
def world():
    """A call (k = 3, at most 2 panels per expert) with three applications waiting for their
    panels and eight experts of their field; committed, as the threads read it."""
    officer, other = factories.officer(), factories.officer()
    call = factories.call(actor=officer)
    call.review_settings = {"k": K, "max_load": LOAD}
    apps = [factories.application(call, state=AppState.FORMAL_PASSED) for _ in range(3)]
    experts = [expert() for _ in range(8)]
    db.session.commit()
    return {"call": call, "officers": (officer, other), "apps": apps, "experts": experts}


def _in_own_context(flask_app, barrier, outcomes, key, work):
    """One officer's request: its own app context, session and connection."""
    with flask_app.app_context(), force_locale("en"):
        try:
            barrier.wait(timeout=10)
            try:
                work()
                db.session.commit()
                outcomes[key] = "done"
            except ServiceError as refusal:
                db.session.rollback()
                outcomes[key] = refusal
        except Exception as unexpected:  # noqa: BLE001 - reported by the tests below
            outcomes[key] = unexpected
        finally:
            db.session.remove()


def race(flask_app, works: dict) -> dict:
    """Run the works at once behind a barrier; the outcome of each: "done" or its error."""
    barrier, outcomes = threading.Barrier(len(works)), {}
    threads = [threading.Thread(target=_in_own_context,
                                args=(flask_app, barrier, outcomes, key, work))
               for key, work in works.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    return outcomes


def run(method: str, call_id: int, officer_id: int):
    def work():
        call, officer = db.session.get(Call, call_id), db.session.get(User, officer_id)
        if method == "optimal":
            assignment.assign_optimal(call, actor=officer)
        else:
            assignment.assign_by_draw(call, seed=officer_id, actor=officer)
    return work


def seat(app_id: int, expert_id: int, officer_id: int):
    def work():
        assignment.add_seat(db.session.get(Application, app_id),
                            db.session.get(Expert, expert_id),
                            actor=db.session.get(User, officer_id))
    return work


def all_seats() -> list[PanelSeat]:
    return list(db.session.scalars(select(PanelSeat).order_by(PanelSeat.id)))


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def refusals(outcomes: dict) -> list:
    unexpected = [o for o in outcomes.values() if o != "done" and type(o) is not ServiceError]
    assert unexpected == [], unexpected
    return [o for o in outcomes.values() if o != "done"]


@pytest.mark.parametrize("attempt", range(3))
@pytest.mark.parametrize("methods", [("optimal", "optimal"), ("optimal", "draw"),
                                     ("draw", "draw")])
def test_two_runs_at_once_fill_every_slot_exactly_once(app, world, methods, attempt):
    officers = world["officers"]
    outcomes = race(app, {i: run(m, world["call"].id, officers[i].id)
                          for i, m in enumerate(methods)})

    refused = refusals(outcomes)
    done = [key for key, outcome in outcomes.items() if outcome == "done"]
    assert done, outcomes
    assert all("Another assignment run for this call" in str(r) for r in refused)
    seats = all_seats()
    assert sorted(Counter(s.application_id for s in seats).values()) == [K, K, K]
    assert max(Counter(s.expert_id for s in seats).values()) <= LOAD
    assert Counter(s.application_id for s in seats if s.is_chair) == {
        a.id: 1 for a in world["apps"]}
    # Every run recorded is one that finished; a refused one left no run, audit row or mail.
    runs = db.session.scalars(select(AssignmentRun).order_by(AssignmentRun.id)).all()
    assert len(runs) == len(done)
    assert sum(r.seats_created for r in runs) == 3 * K
    assert count(AuditEntry, AuditEntry.action.like("assign_%")) == len(done)
    assert count(Notification, Notification.kind == "panel_invitation") == 3 * K


@pytest.mark.parametrize("attempt", range(3))
def test_two_officers_seating_the_same_expert_at_once_seat_them_once(app, world, attempt):
    target, person = world["apps"][0], world["experts"][0]
    outcomes = race(app, {i: seat(target.id, person.id, o.id)
                          for i, o in enumerate(world["officers"])})

    (refused,) = refusals(outcomes)
    assert "already has a seat on this panel" in str(refused)
    (only,) = all_seats()
    assert (only.application_id, only.expert_id, only.is_chair) == (target.id, person.id, True)
    assert count(AuditEntry, AuditEntry.action == "add_seat") == 1
    assert count(Notification, Notification.user_id == person.user_id) == 1


@pytest.mark.parametrize("attempt", range(3))
def test_two_officers_seating_two_experts_at_once_leave_one_chair(app, world, attempt):
    target = world["apps"][0]
    outcomes = race(app, {i: seat(target.id, world["experts"][i].id, o.id)
                          for i, o in enumerate(world["officers"])})

    assert refusals(outcomes) == []
    seats = all_seats()
    assert len(seats) == 2 and sum(s.is_chair for s in seats) == 1


@pytest.mark.parametrize("attempt", range(3))
def test_a_run_and_a_manual_seat_at_once_keep_the_panels_whole(app, world, attempt):
    officer, other = world["officers"]
    target, person = world["apps"][0], world["experts"][0]
    outcomes = race(app, {"run": run("optimal", world["call"].id, officer.id),
                          "seat": seat(target.id, person.id, other.id)})

    refusals(outcomes)
    seats = all_seats()
    assert len({(s.application_id, s.expert_id) for s in seats}) == len(seats)
    assert max(Counter(s.application_id for s in seats).values()) <= K + 1
    assert all(n == 1 for n in Counter(s.application_id for s in seats if s.is_chair).values())


def _hold_the_lock(flask_app, call_id, locked, release):
    with flask_app.app_context():
        try:
            with panels_locked(db.session.get(Call, call_id)):
                locked.set()
                release.wait(timeout=30)
        finally:
            db.session.rollback()
            db.session.remove()


def _give_up_waiting_soon(is_postgres: bool) -> None:
    if is_postgres:
        db.session.execute(text("SET LOCAL lock_timeout = '200ms'"))
    else:
        db.session.execute(text("PRAGMA busy_timeout=200"))


def test_a_lock_not_obtained_in_time_is_a_clean_refusal(app, world, is_postgres):
    locked, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_the_lock,
                              args=(app, world["call"].id, locked, release))
    holder.start()
    try:
        assert locked.wait(timeout=10)
        _give_up_waiting_soon(is_postgres)
        with force_locale("en"), pytest.raises(ServiceError, match="in progress"):
            assignment.assign_optimal(world["call"], actor=world["officers"][0])
        if not is_postgres:  # the same connection, before it goes back to the pool
            db.session.execute(text("PRAGMA busy_timeout=10000"))
        db.session.rollback()
    finally:
        release.set()
        holder.join(timeout=30)
    assert (count(AssignmentRun), count(PanelSeat)) == (0, 0)


def _run_slowly(flask_app, call_id, officer_id, outcomes):
    with flask_app.app_context():
        try:
            run("optimal", call_id, officer_id)()
            db.session.commit()
            outcomes["first"] = "done"
        except Exception as unexpected:  # noqa: BLE001 - reported by the test below
            outcomes["first"] = unexpected
        finally:
            db.session.remove()


def test_the_page_shows_the_refusal_of_a_run_that_waited_for_another(app, world, login,
                                                                    monkeypatch):
    """The first officer's run holds the call while the second officer's request arrives;
    the second waits, then is told to reload instead of filling panels it has not seen."""
    officer, other = world["officers"]
    client = login(other)
    solving, solve = threading.Event(), assignment._solve

    def solve_slowly(*args):
        solving.set()
        time.sleep(1)
        return solve(*args)

    monkeypatch.setattr(assignment, "_solve", solve_slowly)
    outcomes = {}
    first = threading.Thread(target=_run_slowly,
                             args=(app, world["call"].id, officer.id, outcomes))
    first.start()
    assert solving.wait(timeout=10)
    response = client.post(f"/officer/calls/{world['call'].id}/panels/optimal",
                           follow_redirects=True)
    first.join(timeout=30)

    assert outcomes == {"first": "done"}
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Another assignment run for this call has just finished" in html
    db.session.expire_all()
    assert count(AssignmentRun) == 1 and len(all_seats()) == 3 * K
    assert db.session.scalar(select(AssignmentRun.created_by_id)) == officer.id
