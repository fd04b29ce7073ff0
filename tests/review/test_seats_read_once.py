"""The expert's home page reads the seats and the conflict rules once for all its rows
(permissions.seats_of, seats_read_once): the batched answer is the per-application rule's
(permissions.seat_of) for seats of every status, exclusions of every rule, an exclusion
without a seat and an application without either, and every `can` that reads a seat answers
the same inside the block as outside it."""
import pytest

from tests import factories
from tests.scoring_world import expert_user, panel, user_expert_id
from tests.web.test_queries import counted_statements
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.experts.models import EXCLUSION_RULES, Exclusion
from workflow.lifecycle.permissions import can, seat_of, seats_of, seats_read_once
from workflow.review.models import PanelSeat

APPLICATION_ACTIONS = ("application.view", "application.declare_conflict", "panel.confirm",
                       "panel.read_totals", "panel.resolve_alarm")
SEAT_ACTIONS = ("panel.respond", "sheet.edit", "sheet.view", "sheet.reopen")


def seat_for(user, app, status: str) -> PanelSeat:
    seat = PanelSeat(application_id=app.id, expert_id=user_expert_id(user), method="manual",
                     status=status, assigned_by_id=factories.officer().id,
                     decline_reason="出差" if status == "declined" else "")
    db.session.add(seat)
    db.session.flush()
    return seat


def exclude(user, app, rule: str) -> None:
    db.session.add(Exclusion(expert_id=user_expert_id(user), application_id=app.id, rule=rule,
                             detail="测试"))
    db.session.flush()


@pytest.fixture
def world():
    """The chair of a panel at work and a member of it, with seats on many applications of
    the call: invited, accepted, declined, each excluded by one rule, and none."""
    chaired = panel(3)
    chair, member = chaired.experts[0], chaired.experts[1]
    call = chaired.app.call
    apps, seats = [chaired.app], list(chaired.seats)

    def application(state=AppState.EXPERT_REVIEW):
        app = factories.application(call, state=state)
        apps.append(app)
        return app

    for status, state in (("invited", AppState.FORMAL_PASSED),
                          ("accepted", AppState.FORMAL_PASSED),
                          ("declined", AppState.EXPERT_REVIEW)):
        seats.append(seat_for(chair, application(state), status))
    for rule in EXCLUSION_RULES:
        app = application()
        seats.append(seat_for(chair, app, "accepted"))
        seats.append(seat_for(member, app, "accepted"))
        exclude(chair, app, rule)
    exclude(chair, application(), "R3")  # excluded, never seated
    application()                         # neither
    db.session.commit()
    return chair, member, expert_user("不在评审组的专家"), apps, seats


def test_the_batched_seats_are_the_per_application_rule(world):
    chair, member, outsider, apps, _seats = world
    for user in (chair, member, outsider):
        assert seats_of(user, apps) == {app.id: seat_of(user, app) for app in apps}
    batched = seats_of(chair, apps)
    # The world has what the rule tells apart: every rule hides a seat the chair holds.
    assert sum(seat is None for seat in batched.values()) == len(EXCLUSION_RULES) + 3
    assert sum(seat is not None for seat in batched.values()) == 3
    assert sum(seat is not None for seat in seats_of(member, apps).values()) == 1 + len(
        EXCLUSION_RULES)


def test_every_seat_permission_answers_the_same_inside_the_block_without_reading_seats(world):
    chair, member, outsider, apps, seats = world
    users = (chair, member, outsider)

    def answers():
        return ({(u.id, action, a.id): can(u, action, a)
                 for u in users for a in apps for action in APPLICATION_ACTIONS},
                {(u.id, action, s.id): can(u, action, s)
                 for u in users for s in seats for action in SEAT_ACTIONS})

    outside = answers()
    with seats_read_once(chair, apps), seats_read_once(member, apps[:4]):
        inside = answers()
    assert inside == outside
    assert any(outside[0].values()) and any(outside[1].values())
    assert not all(outside[0].values()) and not all(outside[1].values())
    with seats_read_once(chair, apps), counted_statements() as statements:
        for seat in seats:
            can(chair, "panel.respond", seat)
            can(chair, "application.declare_conflict", seat.application)
    assert not [s for s in statements if "panel_seats" in s or "exclusions" in s]
