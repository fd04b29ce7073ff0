"""transition() as it applies the hand-written table tests/tables/application_actions.md:
each move with its audit row, reasons, the clock's deadlines, the guards of submission and
versions. The table itself is compared with the registry in test_action_table.py."""
import copy
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import emptied_afterwards
from tests.relations import names, read_table
from workflow.accounts.models.users import User
from workflow.core import clock
from workflow.core.errors import ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Action, AppState, Role
from workflow.formal_review.operations import checklist
from workflow.intake.models import Application, ApplicationVersion
from workflow.intake.operations import intake
from workflow.intake.rules import eligibility
from workflow.lifecycle.permissions import SYSTEM
from workflow.lifecycle.transitions import transition
from workflow.recommendation.models import Recommendation
from workflow.review.operations import results
from workflow.web.formatting import STATE_LABELS

COMMENT = "经审核，依据第三条办理"
ROWS = {row["action"]: row for row in read_table("application_actions.md")}
# A county bureau passes up only in a county, city chain; the calls here are city only
# (tests/recommendation/test_multilevel.py takes it through every level).
COUNTY_CHAIN_ONLY = {Action.PASS_UP}
MOVES = [(AppState(s), Action(a)) for a, row in ROWS.items() for s in names(row["from"])
         if Action(a) not in COUNTY_CHAIN_ONLY]


def target_of(action) -> AppState:
    return AppState(ROWS[action]["to"])


def role_of(action) -> Role:
    return Role(ROWS[action]["role"])


def _pair_id(pair) -> str:
    return f"{pair[0]}-{pair[1]}"


class World:
    """One committed application per state (lead unit in Qingdao) and one user per role.
    Each application has a technical field of its own, so that the approved one does not
    make the field taken (one center per field) for the draft that is submitted."""

    def __init__(self):
        self.apps = {s: factories.application(factories.call(fields=[f"测试领域-{s}"]),
                                              lead=factories.applicant(factories.QINGDAO),
                                              state=s) for s in AppState}
        self.users = {
            Role.RECOMMENDER: factories.recommender(factories.QINGDAO),
            Role.OFFICER: factories.officer(),
            Role.LEADER: factories.leader(),
            Role.EXPERT: factories.user(Role.EXPERT),
        }

    def actor(self, role: Role, app: Application):
        """A user holding only `role`, in the relation the role acts in."""
        if role == Role.APPLICANT:
            return db.session.get(User, app.created_by_id)
        if role == Role.SYSTEM:
            return SYSTEM
        return self.users[role]


@pytest.fixture(scope="module")
def world(app):
    with emptied_afterwards(app):
        built = World()
        db.session.commit()
        yield built


@pytest.fixture(autouse=True)
def _context(world):
    """Replaces conftest's: the tests here share `world` and roll back what they write."""
    yield
    db.session.rollback()
    clock.freeze(None)


def audit_rows(app) -> list[AuditEntry]:
    return list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.application_id == app.id).order_by(AuditEntry.id)))


def audit_count(app) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.application_id == app.id))


def stored_state(app) -> str:
    return db.session.scalar(select(Application.state).where(Application.id == app.id))


def version_count(app) -> int:
    return db.session.scalar(select(func.count()).select_from(ApplicationVersion)
                             .where(ApplicationVersion.application_id == app.id))


# Actions whose guard needs what a service writes first (the Recommendation row, the
# checklist findings, the correction request, the published announcement and its objection,
# the stored notice and letter, and after the notice the records below): they are taken
# through that service (factories.step_through), with the comment it composes.
# After the notice each action is the outcome of its feature's work: the task book signed
# by both sides, the panel's acceptance result, the evaluation's grade, the rectification's
# re-evaluation, the leadership's revocation with its decision document.
THROUGH_SERVICE = {Action.RECOMMEND, Action.PASS_FORMAL_REVIEW, Action.REQUEST_CORRECTION,
                   Action.PUBLISH_PUBLICITY, Action.END_PUBLICITY,
                   Action.RAISE_OBJECTION_REVIEW, Action.ISSUE_NOTICE,
                   Action.SIGN_TASK_BOOK, Action.PASS_ACCEPTANCE, Action.FAIL_ACCEPTANCE,
                   Action.START_RECTIFICATION, Action.END_RECTIFICATION, Action.REVOKE,
                   Action.RECOGNISE_ONE}
# The clock's actions are due once their deadline has passed.
DUE_AT = {
    Action.EXPIRE: lambda app: app.call.closes_at,
    Action.EXPIRE_CORRECTION: lambda app: checklist.open_correction(app).deadline_at,
}


def _confirmed_panel(app) -> None:
    """Every sheet in and the chair's confirmation recorded, the review not yet closed (the
    state `flask tick` closes)."""
    factories.submit_sheets(app)
    results.result_of(app).chair_confirmed_at = clock.now()


# Actions whose guard needs the experts' work first, done before the move is observed.
PREPARED = {Action.OPEN_REVIEW: lambda app: factories.seat_panel(app, factories.officer()),
            Action.CLOSE_REVIEW: _confirmed_panel}
DIRECT_MOVES = [m for m in MOVES if m[1] not in THROUGH_SERVICE]
SERVICE_MOVES = [m for m in MOVES if m[1] in THROUGH_SERVICE]


@pytest.mark.parametrize(("source", "action"), DIRECT_MOVES, ids=map(_pair_id, DIRECT_MOVES))
def test_transition_moves_to_target_with_one_audit_row(world, source, action):
    target, role = target_of(action), role_of(action)
    app = world.apps[source]
    actor = world.actor(role, app)
    if action in PREPARED:
        PREPARED[action](app)
    before = audit_rows(app)
    if action in DUE_AT:
        clock.freeze(DUE_AT[action](app) + timedelta(seconds=1))

    entry = transition(app, action, actor=actor, comment=COMMENT)

    assert app.state == stored_state(app) == target
    new = audit_rows(app)[len(before):]
    assert new == [entry]
    assert (entry.actor_id, entry.role, entry.action, entry.from_state, entry.to_state,
            entry.comment) == (actor.id, role, action, source, target, COMMENT)


@pytest.mark.parametrize(("source", "action"), SERVICE_MOVES, ids=map(_pair_id, SERVICE_MOVES))
def test_service_move_goes_to_target_with_one_audit_row(world, source, action):
    target, role = target_of(action), role_of(action)
    app = world.apps[source]
    actor = world.actor(role, app)
    before = audit_rows(app)

    factories.step_through(app, action, actor)

    assert app.state == stored_state(app) == target
    # One row moves the state; the work before it (a signature, a decision document) keeps
    # rows of its own that move nothing.
    (entry,) = [row for row in audit_rows(app)[len(before):] if row.to_state is not None]
    assert (entry.actor_id, entry.role, entry.action, entry.from_state, entry.to_state) == (
        actor.id, role, action, source, target)
    if action == Action.RECOMMEND:
        assert "同意推荐" in entry.comment and db.session.scalar(select(Recommendation.rank).where(
            Recommendation.application_id == app.id)) == 1
    if action == Action.REQUEST_CORRECTION:
        assert "需补正" in entry.comment and checklist.open_correction(app) is not None


@pytest.mark.parametrize("action", sorted(DUE_AT))
def test_clock_action_before_its_deadline_is_refused(world, action):
    (source,) = (AppState(s) for s in names(ROWS[action]["from"]))
    app = world.apps[source]
    rows = audit_count(app)
    clock.freeze(DUE_AT[action](app) - timedelta(seconds=1))

    with pytest.raises(ServiceError):
        transition(app, action, actor=SYSTEM)

    assert stored_state(app) == source and audit_count(app) == rows


def test_action_from_another_state_is_refused_and_changes_nothing(world):
    app = world.apps[AppState.RECOMMENDED]
    # Even the lead unit, which may submit its drafts, cannot submit what is recommended.
    actor = world.actor(Role.APPLICANT, app)
    rows, versions = audit_count(app), version_count(app)

    with pytest.raises(ServiceError) as refused:
        transition(app, Action.SUBMIT, actor=actor, comment=COMMENT)

    assert str(STATE_LABELS[AppState.RECOMMENDED]) in str(refused.value)
    assert stored_state(app) == AppState.RECOMMENDED
    assert audit_count(app) == rows and version_count(app) == versions


NEEDS_COMMENT = [(AppState(s), Action(a)) for a, row in ROWS.items() if row["reasons"] == "yes"
                 and Action(a) not in COUNTY_CHAIN_ONLY for s in names(row["from"])]


@pytest.mark.parametrize("comment", ["", "   \n\t"], ids=["empty", "blank"])
@pytest.mark.parametrize(("source", "action"), NEEDS_COMMENT, ids=map(_pair_id, NEEDS_COMMENT))
def test_action_needing_reasons_refuses_empty_comment(world, source, action, comment):
    app = world.apps[source]
    rows = audit_count(app)

    with pytest.raises(ServiceError):
        transition(app, action, actor=world.actor(role_of(action), app), comment=comment)

    assert stored_state(app) == source
    assert audit_count(app) == rows


def test_actions_without_reasons_accept_an_empty_comment(world):
    app = world.apps[AppState.SUBMITTED]
    entry = transition(app, Action.WITHDRAW, actor=world.actor(Role.APPLICANT, app))
    assert entry.comment == "" and stored_state(app) == AppState.WITHDRAWN


def test_submit_lists_missing_sections_attachments_and_unconfirmed_cobuilders():
    call = factories.call()
    lead = factories.applicant()
    app = factories.application(call, lead, complete=False)
    intake.save_section(app, "basic", {"project_head": "李四"}, actor=lead)
    intake.save_section(app, "risks", {"risks": "技术风险与应对"}, actor=lead)
    intake.add_cobuilder(app, credit_code=factories.credit_code(), name="尚未注册的研究院",
                         division="联合攻关", actor=lead)
    rows = audit_count(app)

    with pytest.raises(ServiceError) as refused:
        transition(app, Action.SUBMIT, actor=lead)

    problems = refused.value.problems
    incomplete = [s for s in factories.SECTIONS if s.key != "risks"]
    for section in incomplete:
        assert sum(str(section.title) in p for p in problems) == 1, section.key
    assert not any(factories.TECH_FORM.section("risks").title in p for p in problems)
    assert any("营业执照" in p for p in problems)
    assert any("尚未注册的研究院" in p for p in problems)
    # The hard rule on the R&D share fails too: the figures of section 3 are missing.
    assert sum(str(eligibility.RULES["rd_share_min"].label) in p for p in problems) == 1
    assert len(problems) == len(incomplete) + 3
    assert stored_state(app) == AppState.DRAFT
    assert audit_count(app) == rows and version_count(app) == 0


def test_submit_after_closing_time_is_refused():
    app = factories.application()
    lead = db.session.get(User, app.created_by_id)
    clock.freeze(app.call.closes_at + timedelta(seconds=1))

    with pytest.raises(ServiceError) as refused:
        transition(app, Action.SUBMIT, actor=lead)

    assert len(refused.value.problems) == 1  # the window, not the content
    assert stored_state(app) == AppState.DRAFT and version_count(app) == 0


def test_submit_just_before_closing_time_goes_through():
    app = factories.application()
    lead = db.session.get(User, app.created_by_id)
    clock.freeze(app.call.closes_at - timedelta(seconds=1))

    transition(app, Action.SUBMIT, actor=lead)

    assert stored_state(app) == AppState.SUBMITTED
    assert app.submitted_at == app.call.closes_at - timedelta(seconds=1)


def test_submission_records_version_one_with_a_snapshot():
    app = factories.application()
    lead = db.session.get(User, app.created_by_id)

    transition(app, Action.SUBMIT, actor=lead)

    (version,) = db.session.scalars(select(ApplicationVersion)
                                    .where(ApplicationVersion.application_id == app.id)).all()
    assert version.number == app.version_count == 1
    assert version.submitted_by_id == lead.id
    snap = version.snapshot
    assert snap["title"] == app.title
    assert snap["lead_org"]["credit_code"] == app.lead_org.credit_code
    assert snap["sections"] == {s.key: s.data for s in app.sections}
    assert len(snap["sections"]) == len(factories.SECTIONS)
    assert [a["sha256"] for a in snap["attachments"]] == [
        a.sha256 for a in app.current_attachments()]


def test_resubmit_after_return_records_version_two_and_keeps_version_one(world):
    app = world.apps[AppState.RETURNED]
    lead = world.actor(Role.APPLICANT, app)
    (first,) = app.versions
    kept = copy.deepcopy(first.snapshot)

    intake.save_section(app, "risks", {"risks": "按推荐单位意见补充的风险应对"}, actor=lead)
    transition(app, Action.RESUBMIT, actor=lead)
    db.session.flush()
    db.session.expire_all()

    versions = db.session.scalars(select(ApplicationVersion).where(
        ApplicationVersion.application_id == app.id).order_by(ApplicationVersion.number)).all()
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].snapshot == kept
    assert versions[1].snapshot["sections"]["risks"] == {"risks": "按推荐单位意见补充的风险应对"}
    assert kept["sections"]["risks"] != versions[1].snapshot["sections"]["risks"]
    assert stored_state(app) == AppState.SUBMITTED
