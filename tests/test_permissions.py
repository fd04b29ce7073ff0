"""The permission table: every (role and relation, state, action) -> allowed or not.

The rules, as the expected values below state them:
- Anonymous visitors may do nothing with an application.
- Seeing (application.view, attachment.download, version.view): the lead unit and the
  co-builders always; officers always; the recommender of the application's region and
  leaders once it is filed, never in draft or expired; other applicants, recommenders of
  other regions and experts (until review assignment exists) never.
- Only the lead unit edits, and only in draft or returned; while corrections are requested
  it changes only the parts the request lists (here section 1 with the basics, as the
  factories fail the basic-information item).
- Co-builders confirm their participation while the lead unit can still edit.
- Only officers do the formal review, and only of recommended applications.
- Queues and tools go by role: recommenders have a queue and a summary sheet of calls they
  can see; officers the formal-review queue, rules, calendar and outbox; everyone logged in
  has notifications.
- A state change is asked for by the role the transition table names for that action, in
  its relation (the lead unit, the region's recommender), and never by someone who cannot
  see the application. Whether the state allows it now is the table's business, not can()'s:
  available_actions() joins the two.
"""
from types import SimpleNamespace

import pytest
from flask_login import AnonymousUserMixin

from tests import factories
from tests.conftest import emptied_afterwards
from workflow.accounts.models.users import User
from workflow.core.extensions import db
from workflow.core.states import TRANSITIONS, Action, AppState, CallState, Role, actions_from
from workflow.lifecycle.permissions import Part, available_actions, can

S = AppState
WHO = ["lead", "cobuilder", "other_org", "recommender_same_region",
       "recommender_other_region", "officer", "leader", "expert", "anonymous"]
SEEING = ["application.view", "attachment.download", "version.view"]
ACTIONS = (SEEING + ["application.edit", "application.confirm_cobuilding",
                     "application.formal_review"] + list(Action))
PARTS = ["basics", "section:basic", "section:risks", "attachment:licence", "cobuilders"]
LISTED_FOR_CORRECTION = {"basics", "section:basic"}
RECOMMENDERS = {"recommender_same_region", "recommender_other_region"}
ROLE_ACTIONS = {
    "recommender.queue": RECOMMENDERS,
    "call.formal_review_queue": {"officer"},
    "call.edit_rules": {"officer"},
    "calendar.manage": {"officer"},
    "outbox.view": {"officer"},
    "outbox.retry": {"officer"},
    "stats.view": {"officer", "leader"},
    "notifications.view": set(WHO) - {"anonymous"},
}
UNFILED = {S.DRAFT, S.EXPIRED}
EDITABLE = {S.DRAFT, S.RETURNED}
# States whose call has its announcement published (every one comes through publication).
PUBLISHED = {S.PUBLICITY, S.OBJECTION_REVIEW, S.APPROVAL_PENDING, S.REJECTED_AFTER_PUBLICITY,
             S.APPROVED}
ROLE_OF = {t.action: t.role for t in TRANSITIONS}
ACTS_AS = {Role.APPLICANT: "lead", Role.RECOMMENDER: "recommender_same_region",
           Role.OFFICER: "officer", Role.LEADER: "leader"}


def sees(who: str, state: AppState) -> bool:
    if who in ("lead", "cobuilder", "officer"):
        return True
    if who in ("recommender_same_region", "leader"):
        return state not in UNFILED
    return False


def expected(who: str, state: AppState, action: str) -> bool:
    if action in SEEING:
        return sees(who, state)
    if action == "application.edit":
        return who == "lead" and state in EDITABLE
    if action == "application.confirm_cobuilding":
        return who == "cobuilder" and state in EDITABLE
    if action == "application.formal_review":
        return who == "officer" and state == S.RECOMMENDED
    if action == Action.RECONSIDER_SELECTION:  # only until the call's announcement is out
        return who == "leader" and sees(who, state) and state not in PUBLISHED
    return ACTS_AS.get(ROLE_OF[Action(action)]) == who and sees(who, state)


@pytest.fixture(scope="module")
def world(app):
    """One application per state: lead unit in Qingdao, a confirmed co-builder in Jinan."""
    with emptied_afterwards(app):
        apps, leads, cobuilders = {}, {}, {}
        for state in AppState:
            lead = factories.applicant(factories.QINGDAO)
            apps[state] = factories.application(lead=lead, state=state, cobuilder=True)
            leads[state] = lead
            cobuilders[state] = db.session.get(User, apps[state].cobuilders[0].confirmed_by_id)
        shared = {
            "other_org": factories.applicant(factories.QINGDAO),
            "recommender_same_region": factories.recommender(factories.QINGDAO),
            "recommender_other_region": factories.recommender(factories.JINAN),
            "officer": factories.officer(),
            "leader": factories.leader(),
            "expert": factories.user(Role.EXPERT),
        }
        calls = {"open": apps[S.SUBMITTED].call, "planned": factories.call(CallState.PLANNED)}
        db.session.commit()
        yield SimpleNamespace(apps=apps, leads=leads, cobuilders=cobuilders, shared=shared,
                              calls=calls)


@pytest.fixture(autouse=True)
def _context(world):
    """Replaces conftest's: the tests here only read the shared `world`, so its rows stay
    loaded from test to test (a rollback would expire and reload them each time)."""
    yield


def user_for(world, who: str, state: AppState):
    if who == "lead":
        return world.leads[state]
    if who == "cobuilder":
        return world.cobuilders[state]
    if who == "anonymous":
        return AnonymousUserMixin()
    return world.shared[who]


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", list(AppState))
@pytest.mark.parametrize("who", WHO)
def test_can(world, who, state, action):
    app = world.apps[state]
    assert can(user_for(world, who, state), action, app) is expected(who, state, action)


@pytest.mark.parametrize("state", list(AppState))
@pytest.mark.parametrize("who", WHO)
def test_available_actions_are_the_allowed_rows_of_the_table(world, who, state):
    allowed = {t.action for t in actions_from(state) if expected(who, state, t.action)}
    assert set(available_actions(world.apps[state], user_for(world, who, state))) == allowed


@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize("state", list(AppState))
@pytest.mark.parametrize("who", WHO)
def test_edit_part(world, who, state, part):
    allowed = who == "lead" and (
        state in EDITABLE or (state == S.CORRECTION_REQUESTED and part in LISTED_FOR_CORRECTION))
    app = world.apps[state]
    assert can(user_for(world, who, state), "application.edit_part", Part(app, part)) is allowed


@pytest.mark.parametrize("action", list(ROLE_ACTIONS))
@pytest.mark.parametrize("who", WHO)
def test_role_permission(world, who, action):
    assert can(user_for(world, who, S.SUBMITTED), action) is (who in ROLE_ACTIONS[action])


@pytest.mark.parametrize("call", ["open", "planned"])
@pytest.mark.parametrize("who", WHO)
def test_recommendation_sheet_of_a_call_the_recommender_can_see(world, who, call):
    allowed = who in RECOMMENDERS and call == "open"
    assert can(user_for(world, who, S.SUBMITTED), "call.recommendation_sheet",
               world.calls[call]) is allowed


def test_attachment_permissions_follow_its_application(world):
    app = world.apps[S.SUBMITTED]
    (attachment,) = app.current_attachments()
    for who in WHO:
        user = user_for(world, who, S.SUBMITTED)
        assert can(user, "attachment.download", attachment) is sees(who, S.SUBMITTED), who


def test_the_world_has_the_relations_it_claims(world):
    app = world.apps[S.SUBMITTED]
    assert world.leads[S.SUBMITTED].organization_id == app.lead_org_id
    assert world.cobuilders[S.SUBMITTED].organization_id == app.cobuilders[0].organization_id
    assert world.shared["other_org"].organization_id not in (
        app.lead_org_id, app.cobuilders[0].organization_id)
    assert world.shared["recommender_same_region"].organization.region_code == app.region_code
    assert world.shared["recommender_other_region"].organization.region_code != app.region_code


def test_unknown_permission_is_refused(world):
    assert not can(world.shared["officer"], "application.delete", world.apps[S.DRAFT])
