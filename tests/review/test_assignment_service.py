"""Panels: the optimal assignment and the seeded draw respect exclusions and loads; manual
seats are checked against the rules; declines and declared conflicts are refilled by the
seat's method; the review opens only on complete panels."""
from collections import Counter

import pytest
from flask_babel import force_locale
from sqlalchemy import delete, func, select

from tests import factories
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Action, AppState, Role
from workflow.experts.models import ConflictDeclaration, Exclusion, Expert, ExpertField
from workflow.experts.operations.conflicts import compute_exclusions
from workflow.inbox.models import Notification
from workflow.lifecycle.transitions import transition
from workflow.review.models import AssignmentRun, PanelSeat
from workflow.review.operations import assignment
from workflow.review.settings import review_settings_of

FIELD = "半导体激光"


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Service messages follow the locale (Chinese by default); these tests read English."""
    with force_locale("en"):
        yield


def expert(field: str = FIELD, *, employer_code: str | None = None,
           region: str = factories.QINGDAO, login: bool = True) -> Expert:
    """An active expert of Qingdao (so R8 leaves the Jinan applications alone) with a login."""
    n = factories.credit_code(region, "12")[-8:]
    row = Expert(name=f"专家{n}", employer_name=f"青岛大学{n}",
                 employer_credit_code=employer_code or factories.credit_code(region, "12"),
                 region_code=region, title="教授", birth_year=1970,
                 email=f"expert{n}@example.com", fields=[ExpertField(term=factories.term(field))],
                 user=factories.user(Role.EXPERT) if login else None)
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def officer():
    return factories.officer()


@pytest.fixture
def call(officer):
    row = factories.call(actor=officer)
    row.review_settings = {"k": 3, "max_load": 2}
    db.session.flush()
    return row


def ready(call, n: int = 1):
    return [factories.application(call, state=AppState.FORMAL_PASSED) for _ in range(n)]


def seats(app, status=None):
    query = select(PanelSeat).where(PanelSeat.application_id == app.id).order_by(PanelSeat.id)
    rows = db.session.scalars(query).all()
    return [s for s in rows if status is None or s.status == status]


def pairs(call):
    return {(s.expert_id, s.application_id) for s in db.session.scalars(select(PanelSeat))}


def test_review_settings_defaults_and_overrides(call):
    call.review_settings = {}
    settings = review_settings_of(call)
    assert (settings.k, settings.max_load, settings.same_city_conflict) == (5, 10, True)
    call.review_settings, call.eligibility = {"k": 7}, {"same_city_conflict": False}
    settings = review_settings_of(call)
    assert (settings.k, settings.max_load, settings.same_city_conflict) == (7, 10, False)


def test_affinity_exact_field_same_industry_or_none(call):
    industry = factories.term("新一代信息技术")
    for field in call.fields[:2]:
        field.term.parent, field.term.unsorted = industry, False
    factories.term("生物医药", "医养健康")
    (app,) = ready(call)
    exact, related, other = expert(FIELD), expert(call.fields[1].name), expert("生物医药")
    whole = expert("新一代信息技术")
    assert [assignment.field_affinity(e, app)
            for e in (exact, related, other, whole)] == [3, 1, 0, 1]


def test_optimal_fills_k_without_excluded_pairs_within_max_load(call, officer):
    first, second = ready(call, 2)
    excluded = expert(employer_code=first.lead_org.credit_code)  # R1 on the first
    pool = [expert() for _ in range(3)] + [excluded, expert("生物医药")]
    run = assignment.assign_optimal(call, actor=officer)
    assert (excluded.id, first.id) not in pairs(call)
    assert not pairs(call) & {tuple(row) for row in db.session.execute(
        select(Exclusion.expert_id, Exclusion.application_id))}
    assert all(len(seats(a)) == 3 for a in (first, second))
    assert max(Counter(e for e, _ in pairs(call)).values()) <= 2
    assert pool[-1].id not in {e for e, _ in pairs(call)}  # no field in common
    assert [sum(s.is_chair for s in seats(a)) for a in (first, second)] == [1, 1]
    assert (run.method, run.k, run.max_load, run.seats_created, run.unfilled) == (
        "optimal", 3, 2, 6, {})
    assert run.total_affinity == 18
    assert all(s.status == "invited" and s.run_id == run.id for s in seats(first))
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "assign_optimal"))


def test_optimal_reports_unfilled_panels(call, officer):
    (app,) = ready(call)
    expert()
    run = assignment.assign_optimal(call, actor=officer)
    assert run.unfilled == {str(app.id): 2} and run.seats_created == 1


def test_assignment_needs_an_officer(call):
    ready(call)
    with pytest.raises(PermissionDenied):
        assignment.assign_optimal(call, actor=factories.applicant())


def draw(call, officer, seed):
    db.session.execute(delete(PanelSeat))
    assignment.assign_by_draw(call, seed=seed, actor=officer)
    return pairs(call)


def test_draw_reproduces_with_its_seed_and_differs_with_another(call, officer):
    ready(call)
    for _ in range(8):
        expert()
    first = draw(call, officer, 7)
    assert len(first) == 3
    assert draw(call, officer, 7) == first
    assert draw(call, officer, 8) != first
    runs = db.session.scalars(select(AssignmentRun).order_by(AssignmentRun.id)).all()
    assert [(r.method, r.seed) for r in runs] == [("draw", 7), ("draw", 7), ("draw", 8)]


def test_draw_refuses_a_seed_out_of_range(call, officer):
    with pytest.raises(ServiceError):
        assignment.assign_by_draw(call, seed=-1, actor=officer)


def test_manual_seat_refused_for_an_excluded_pair_naming_the_rule(call, officer):
    (app,) = ready(call)
    excluded = expert(employer_code=app.lead_org.credit_code)
    with pytest.raises(ServiceError) as error:
        assignment.add_seat(app, excluded, actor=officer)
    assert "R1" in str(error.value)
    assert seats(app) == []


def test_manual_seat_refused_when_seated_and_removed_only_while_invited(call, officer):
    (app,) = ready(call)
    chosen = expert()
    seat = assignment.add_seat(app, chosen, actor=officer)
    assert (seat.method, seat.status, seat.is_chair, seat.affinity) == ("manual", "invited",
                                                                         True, 3)
    with pytest.raises(ServiceError):
        assignment.add_seat(app, chosen, actor=officer)
    assignment.respond(seat, accept=True, actor=chosen.user)
    with pytest.raises(ServiceError):
        assignment.remove_seat(seat, actor=officer)
    other = assignment.add_seat(app, expert(), actor=officer)
    assignment.remove_seat(other, actor=officer)
    assert [s.expert_id for s in seats(app)] == [chosen.id]


def test_decline_needs_a_reason(call, officer):
    (app,) = ready(call)
    seat = assignment.add_seat(app, expert(), actor=officer)
    with pytest.raises(ServiceError):
        assignment.respond(seat, accept=False, reason=" ", actor=seat.expert.user)
    assert seat.status == "invited"


def test_decline_refilled_by_optimal_never_reseats_the_decliner(call, officer):
    (app,) = ready(call)
    for _ in range(4):
        expert()
    assignment.assign_optimal(call, actor=officer)
    declined = seats(app)[0]
    new = assignment.respond(declined, accept=False, reason="出差", actor=declined.expert.user)
    assert declined.status == "declined" and declined.decline_reason == "出差"
    assert new.method == "optimal" and new.expert_id != declined.expert_id
    assert len(seats(app, "invited")) == 3
    assert sum(s.is_chair for s in seats(app) if s.status != "declined") == 1
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == new.expert.user_id)) == 1
    # Nobody is left: the next decline leaves the seat open; the decliner never comes back.
    again = assignment.respond(new, accept=False, reason="生病", actor=new.expert.user)
    assert again is None
    assert Counter(s.expert_id for s in seats(app))[declined.expert_id] == 1
    assert len(seats(app, "invited")) == 2


def test_decline_refilled_by_draw_with_a_recorded_derived_seed(call, officer):
    (app,) = ready(call)
    for _ in range(6):
        expert()
    run = assignment.assign_by_draw(call, seed=42, actor=officer)
    declined = seats(app)[1]
    new = assignment.respond(declined, accept=False, reason="出差", actor=declined.expert.user)
    refill = db.session.get(AssignmentRun, new.run_id)
    assert new.method == "draw" and refill.id != run.id and refill.method == "draw"
    assert refill.seed == (42 * 1_000_003 + declined.id) % assignment.SEED_LIMIT
    assert new.expert_id not in {s.expert_id for s in seats(app) if s.id != new.id}


def test_decline_of_a_manual_seat_is_left_open_and_the_officer_told(call, officer):
    (app,) = ready(call)
    expert()
    seat = assignment.add_seat(app, expert(), actor=officer)
    assert assignment.respond(seat, accept=False, reason="出差", actor=seat.expert.user) is None
    assert len(seats(app)) == 1
    note = db.session.scalar(select(Notification).where(Notification.user_id == officer.id,
                                                        Notification.kind == "panel_unfilled"))
    assert "出差" in note.body


def test_declared_conflict_excludes_and_refills(call, officer):
    (app,) = ready(call)
    for _ in range(4):
        expert()
    assignment.assign_optimal(call, actor=officer)
    seat = seats(app)[0]
    new = assignment.declare_conflict(app, reason="曾指导项目负责人", actor=seat.expert.user)
    assert seat.status == "declined" and new.expert_id != seat.expert_id
    assert db.session.scalar(select(ConflictDeclaration.reason)) == "曾指导项目负责人"
    declared = select(Exclusion.id).where(Exclusion.expert_id == seat.expert_id,
                                          Exclusion.rule == "D")
    assert db.session.scalar(declared)
    compute_exclusions(call, actor=officer)
    assert db.session.scalar(declared)
    with pytest.raises(PermissionDenied):
        assignment.declare_conflict(app, reason="再次", actor=seat.expert.user)


def test_open_review_refused_until_the_panel_is_complete(call, officer):
    (app,) = ready(call)
    for _ in range(3):
        expert()
    assignment.assign_optimal(call, actor=officer)
    with pytest.raises(ServiceError) as error:
        transition(app, Action.OPEN_REVIEW, actor=officer)
    assert error.value.problems == ["0 of 3 experts have accepted.",
                                    "The panel has no chair who has accepted."]
    for seat in seats(app):
        assignment.respond(seat, accept=True, actor=seat.expert.user)
    transition(app, Action.OPEN_REVIEW, actor=officer)
    assert app.state == AppState.EXPERT_REVIEW


def test_open_review_refused_when_an_accepted_expert_became_excluded(call, officer):
    (app,) = ready(call)
    chosen = [expert() for _ in range(3)]
    for person in chosen:
        seat = assignment.add_seat(app, person, actor=officer)
        assignment.respond(seat, accept=True, actor=person.user)
    db.session.add(Exclusion(expert_id=chosen[1].id, application_id=app.id, rule="R5"))
    opened, refused = assignment.open_ready_reviews(call, actor=officer)
    assert opened == [] and refused == {app: [f"{chosen[1].name} is excluded by rule R5."]}
    assert app.state == AppState.FORMAL_PASSED
