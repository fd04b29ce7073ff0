"""One timestamp, taken when a request arrives, decides whether a submission is in time and is
what the record and its audit row carry (workflow/core/clock.py). The real clock is replaced by
one that passes the deadline between the request's arrival and its writes: 64 ms, as in
the issue."""
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from workflow.accounts.models.users import User
from workflow.core import clock
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Action, AppState
from workflow.intake.models import ApplicationVersion
from workflow.lifecycle import registry
from workflow.recommendation.models import Recommendation

MS = timedelta(milliseconds=1)


class PassingClock:
    """The wall clock: `arrival` for the first read (the request's arrival), the deadline
    plus 64 ms for every read after it."""

    def __init__(self, deadline):
        self.arrival, self.later = deadline - 64 * MS, deadline + 64 * MS
        self.reads = 0

    def __call__(self):
        self.reads += 1
        return self.arrival if self.reads == 1 else self.later


@pytest.fixture
def passing_guard(monkeypatch):
    """Wrap the guard of `action` so that the test sees the wall clock it ran under."""
    seen = {}

    def wrap(action, wall):
        spec = registry.spec_of(action)

        def guard(app, actor, **kwargs):
            seen["wall"] = wall()
            return spec.guard(app, actor, **kwargs)
        monkeypatch.setitem(registry._SPECS, action, replace(spec, guard=guard))
        return seen
    return wrap


def audit_rows(action: str, app_id: int) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == action, AuditEntry.application_id == app_id)
        .order_by(AuditEntry.id)))


@pytest.fixture
def draft(login_as):
    """A complete draft of a call that closes an hour from now, its lead unit logged in."""
    app = factories.application()
    app.call.closes_at = clock.now().replace(microsecond=0) + timedelta(hours=1)
    db.session.commit()
    return app, login_as(db.session.get(User, app.created_by_id))


def test_a_submission_arriving_in_time_is_judged_and_stamped_with_its_arrival(
        draft, monkeypatch, passing_guard):
    app, client = draft
    deadline = app.call.closes_at
    wall = PassingClock(deadline)
    monkeypatch.setattr(clock, "_wall", wall)
    seen = passing_guard(Action.SUBMIT, wall)

    response = client.post(f"/applications/{app.id}/actions/submit")

    assert response.status_code == 302
    assert seen["wall"] > deadline  # the real clock had passed the deadline at the check
    db.session.expire_all()
    (version,) = db.session.scalars(select(ApplicationVersion)).all()
    (entry,) = audit_rows("submit", app.id)
    assert app.state == AppState.SUBMITTED
    assert app.submitted_at == version.submitted_at == entry.at == wall.arrival < deadline


def test_a_submission_arriving_after_the_deadline_is_refused_and_leaves_nothing(
        draft, monkeypatch):
    app, client = draft
    late = app.call.closes_at + MS
    monkeypatch.setattr(clock, "_wall", lambda: late)

    response = client.post(f"/applications/{app.id}/actions/submit", follow_redirects=True)

    assert response.status_code == 200
    db.session.expire_all()
    assert app.state == AppState.DRAFT and app.submitted_at is None
    assert db.session.scalars(select(ApplicationVersion)).all() == []
    assert audit_rows("submit", app.id) == []


def test_a_recommendation_arriving_before_the_deadline_carries_its_arrival(
        login_as, monkeypatch, passing_guard):
    app = factories.application(state=AppState.SUBMITTED)
    deadline = clock.now().replace(microsecond=0) + timedelta(hours=1)
    app.call.recommend_deadline = deadline
    recommender = factories.recommender(app.region_code)
    db.session.commit()
    client = login_as(recommender)
    wall = PassingClock(deadline)
    monkeypatch.setattr(clock, "_wall", wall)
    seen = passing_guard(Action.RECOMMEND, wall)

    response = client.post(f"/recommender/applications/{app.id}/recommend",
                           data={"rank": 1, "opinion": "同意推荐"})

    assert response.status_code == 302 and seen["wall"] > deadline
    db.session.expire_all()
    row = db.session.scalar(select(Recommendation))
    (entry,) = audit_rows("recommend", app.id)
    assert app.state == AppState.RECOMMENDED
    assert row.recommended_at == entry.at == wall.arrival < deadline


def test_each_request_has_its_own_arrival_and_outside_requests_the_clock_runs(
        draft, monkeypatch):
    app, client = draft
    first, second = app.call.closes_at - 10 * MS, app.call.closes_at - 5 * MS
    reads = iter([first, second])
    monkeypatch.setattr(clock, "_wall", lambda: next(reads))

    client.post(f"/applications/{app.id}/sections/basic",
                data={"project_head": "张三", "contact_name": "李四",
                      "contact_phone": "0531-88888888", "contact_email": "a@example.com",
                      "summary": "第一次保存"})
    client.post(f"/applications/{app.id}/sections/basic",
                data={"project_head": "张三", "contact_name": "李四",
                      "contact_phone": "0531-88888888", "contact_email": "a@example.com",
                      "summary": "第二次保存"})

    assert [e.at for e in audit_rows("edit_section", app.id)][-2:] == [first, second]
    monkeypatch.setattr(clock, "_wall", lambda: first + timedelta(days=1))
    assert clock.now() == first + timedelta(days=1)  # no arrival left behind in the context


def test_a_frozen_clock_still_wins_inside_a_request(draft):
    app, client = draft
    frozen = app.call.closes_at - timedelta(minutes=5)
    with factories.clock_at(frozen):
        assert client.post(f"/applications/{app.id}/actions/submit").status_code == 302
    db.session.expire_all()
    (entry,) = audit_rows("submit", app.id)
    assert app.submitted_at == entry.at == frozen
