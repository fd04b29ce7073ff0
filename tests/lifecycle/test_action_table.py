"""tests/tables/application_actions.md against the action registry: one test per action.

The table is written by hand from DOMAIN.md; each test checks the action's states, who may
ask for it in each relation (and that nobody else is offered its button), its audit role,
whether it needs reasons and whether it has a page of its own. The scenarios of each
action (guards, effects, audit rows) are in the features' own test modules.
"""
import pytest

from tests.conftest import emptied_afterwards
from tests.relations import WHO, build_world, names, read_table, user_for
from workflow.core.extensions import db
from workflow.core.states import Action, AppState, find_transition
from workflow.lifecycle import registry
from workflow.lifecycle.permissions import SYSTEM, available_actions, can

TABLE = {row["action"]: row for row in read_table("application_actions.md")}


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


def test_the_table_lists_every_registered_action_once():
    assert sorted(TABLE) == sorted(str(s.action) for s in registry.specs()) == sorted(Action)


@pytest.mark.parametrize("action", list(TABLE))
def test_action_matches_the_table(world, login_as, action):
    row, spec = TABLE[action], registry.spec_of(action)
    sources = [AppState(s) for s in names(row["from"])]
    assert set(spec.sources) == set(sources)
    assert spec.target == AppState(row["to"])
    assert spec.role == row["role"]
    assert spec.needs_comment is (row["reasons"] == "yes")
    assert spec.own_form == (row["own form"] or None)
    assert spec.in_bulk is (row["bulk"] == "yes")
    allowed = set(names(row["who"]))
    for source in sources:
        assert find_transition(source, action).target == spec.target
        app = world.apps[source]
        for who in WHO:
            user = user_for(world, who, source)
            may = who in allowed
            assert can(user, action, app) is may, (who, source)
            assert (action in available_actions(app, user)) is may, (who, source)
        assert can(SYSTEM, action, app) is ("system" in allowed), source
        _check_buttons(world, login_as, app, action, allowed, generic=not spec.own_form)


def _check_buttons(world, login_as, app, action, allowed, *, generic: bool):
    """On the application page, the one who may gets the button and someone who may read
    the page but not act does not. An action with a page of its own has no generic button:
    the page may link to its form, for those who may."""
    state = AppState(app.state)
    readers = [w for w in ("lead", "officer", "leader", "recommender_same_region")
               if can(user_for(world, w, state), "application.view", app)]
    for who in [*sorted(allowed & set(readers))[:1],
                *[w for w in readers if w not in allowed][:1]]:
        page = login_as(user_for(world, who, state)).get(f"/applications/{app.id}")
        assert page.status_code == 200, who
        offered = f'data-action="{action}"' in page.get_data(as_text=True)
        if generic or who not in allowed:
            assert offered is (who in allowed), (who, state)
