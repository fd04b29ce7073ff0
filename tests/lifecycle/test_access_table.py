"""tests/tables/access.md against can(): who sees and changes an application in which
states, and which role has which queue or tool. One test per permission."""
from collections import defaultdict

import pytest

from tests import factories
from tests.conftest import emptied_afterwards
from tests.relations import WHO, build_world, names, read_table, user_for
from workflow.core.extensions import db
from workflow.core.states import UNFILED_STATES, AppState, CallState
from workflow.lifecycle.permissions import Part, can


def _states(cell: str) -> set[AppState] | None:
    if cell == "—":
        return None
    if cell == "all":
        return set(AppState)
    if cell == "filed":
        return set(AppState) - UNFILED_STATES
    return {AppState(s) for s in names(cell)}


# permission -> {who: states in which they may (None: not about an application)}
TABLE: dict[str, dict[str, set | None]] = defaultdict(dict)
for row in read_table("access.md"):
    for who in names(row["who may"]):
        TABLE[row["permission"]][who] = _states(row["in which states"])


@pytest.fixture(scope="module")
def world(app):
    with emptied_afterwards(app):
        built = build_world()
        db.session.commit()
        yield built


@pytest.fixture(autouse=True)
def _context(world):
    """Replaces conftest's: the tests here only read the shared `world`."""
    yield


def _ask(user, permission: str, app):
    if permission.startswith("application.edit_part:"):
        return can(user, "application.edit_part", Part(app, permission.split(":", 1)[1]))
    if permission == "attachment.download":
        (attachment,) = app.current_attachments()
        return can(user, permission, attachment)
    return can(user, permission, app)


@pytest.mark.parametrize("permission", list(TABLE))
def test_permission_matches_the_table(world, permission):
    allowed = TABLE[permission]
    if all(states is None for states in allowed.values()):
        for who in WHO:
            user = user_for(world, who, AppState.SUBMITTED)
            assert can(user, permission) is (who in allowed), who
        return
    for state in AppState:
        app = world.apps[state]
        for who in WHO:
            may = state in (allowed.get(who) or ())
            assert _ask(user_for(world, who, state), permission, app) is may, (who, state)


def test_unknown_permission_is_refused(world):
    assert not can(world.shared["officer"], "application.delete", world.apps[AppState.DRAFT])


def test_the_world_has_the_relations_the_tables_name(world):
    app = world.apps[AppState.SUBMITTED]
    assert world.leads[AppState.SUBMITTED].organization_id == app.lead_org_id
    assert world.cobuilders[AppState.SUBMITTED].organization_id == (
        app.cobuilders[0].organization_id)
    assert world.shared["other_org"].organization_id not in (
        app.lead_org_id, app.cobuilders[0].organization_id)
    assert world.shared["recommender_same_region"].organization.region_code == app.region_code
    assert world.shared["recommender_other_region"].organization.region_code != app.region_code


def test_recommendation_sheet_only_of_a_call_the_recommender_can_see(world):
    """A planned call is the department's alone: no recommender has its sheet."""
    planned = factories.call(CallState.PLANNED)
    opened = world.apps[AppState.SUBMITTED].call
    for who in WHO:
        user = user_for(world, who, AppState.SUBMITTED)
        recommender = who.startswith("recommender")
        assert can(user, "call.recommendation_sheet", opened) is recommender, who
        assert can(user, "call.recommendation_sheet", planned) is False, who
    db.session.rollback()
