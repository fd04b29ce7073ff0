"""Panels of experts: the optimal assignment, the seeded draw, manual seats, invitations
answered, conflicts declared, and the refill of a declined seat by the seat's own method.

Every pair respects the stored exclusions (recomputed before each run); the solver works on
plain data (workflow/review/rules/solver.py). What seats experts holds the call's lock
(review/operations/locks.py), so two officers never fill one slot. Functions flush; the caller
commits.
"""
from collections import Counter
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from workflow.accounts.models.users import User
from workflow.core import audit, clock
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.states import PANEL_FORMING_STATES, AppState
from workflow.experts.models import ConflictDeclaration, Exclusion, Expert
from workflow.experts.operations import conflicts
from workflow.inbox.notifications import notify
from workflow.intake.models import Application
from workflow.lifecycle import alerts
from workflow.lifecycle.permissions import can, expert_id_of
from workflow.lifecycle.transitions import transition
from workflow.review.models import SEAT_MACHINE, AssignmentRun, PanelSeat, SeatStatus
from workflow.review.operations import results
from workflow.review.operations.locks import panels_locked
from workflow.review.queries import panel_overview
from workflow.review.rules.solver import Problem, Solution, draw_random, solve_optimal
from workflow.review.settings import review_settings_of
from workflow.vocabulary import rules as vocabulary

SEED_LIMIT = 2**31 - 1  # seeds are stored in a 32-bit integer column


def _require(actor, action: str, obj) -> None:
    if not can(actor, action, obj):
        raise PermissionDenied(action)


def _today() -> date:
    return clock.local(clock.now()).date()


def field_affinity(expert: Expert, app: Application) -> int:
    """EXACT (3) when the expert works in the application's field, SAME_INDUSTRY (1) when in
    a field of the same priority industry (vocabulary.affinity), else 0 (not assignable)."""
    return vocabulary.affinity([f.term for f in expert.fields],
                               app.field.term if app.field else None)


def _seats(call) -> list[PanelSeat]:
    return list(db.session.scalars(
        select(PanelSeat).join(Application).where(Application.call_id == call.id)
        .order_by(PanelSeat.id)))


def _excluded_pairs(call) -> set[tuple[int, int]]:
    return {(expert_id, app_id) for expert_id, app_id in db.session.execute(
        select(Exclusion.expert_id, Exclusion.application_id).join(Application)
        .where(Application.call_id == call.id))}


def build_problem(call, *, today: date, apps: list[Application] | None = None
                  ) -> tuple[Problem, dict]:
    """The solver's input for `apps` (by default the applications of `call` waiting for a
    panel, formal_passed): slots left per application, load left per eligible expert, and
    every pair that is neither excluded nor seated before with its field affinity (> 0).
    Also returns the affinity of every field-matched pair, assignable or not. Reads the
    stored exclusions."""
    settings = review_settings_of(call)
    if apps is None:
        apps = list(db.session.scalars(select(Application).where(
            Application.call_id == call.id, Application.state == AppState.FORMAL_PASSED)
            .order_by(Application.id)))
    experts = conflicts.eligible_experts(call, today)
    seats = _seats(call)
    seated = {(s.expert_id, s.application_id) for s in seats}
    active = [s for s in seats if s.status != SeatStatus.DECLINED]
    load = Counter(s.expert_id for s in active)
    filled = Counter(s.application_id for s in active)
    excluded = _excluded_pairs(call)
    affinities = {(e.id, a.id): value for a in apps for e in experts
                  if (value := field_affinity(e, a)) > 0}
    problem = Problem(
        experts={e.id: max(settings.max_load - load[e.id], 0) for e in experts},
        applications={a.id: max(settings.k - filled[a.id], 0) for a in apps},
        affinity={p: v for p, v in affinities.items() if p not in excluded and p not in seated},
    )
    return problem, affinities


def assign_optimal(call, *, actor) -> AssignmentRun:
    """Fill every open slot of the call's panels with the assignment of highest total field
    affinity. Recomputes the exclusions; adds an AssignmentRun, invited seats, an audit row
    and a notification per invited expert; flushes."""
    return _assign(call, "optimal", None, actor)


def assign_by_draw(call, *, seed: int, actor) -> AssignmentRun:
    """Fill every open slot by a random draw among the eligible experts; the same seed on
    the same data draws the same experts. Side effects as assign_optimal."""
    _require(actor, "call.assign", call)
    if not 0 <= seed <= SEED_LIMIT:
        raise ServiceError(_("The seed must be a whole number from 0 to %(max)d.",
                             max=SEED_LIMIT))
    return _assign(call, "draw", seed, actor)


def _assign(call, method: str, seed: int | None, actor) -> AssignmentRun:
    _require(actor, "call.assign", call)
    seen = _last_run_id(call)
    with panels_locked(call):
        # Of two runs started together, the one that waited for the lock would fill panels
        # its officer has not seen: it is refused instead.
        if _last_run_id(call) != seen:
            raise ServiceError(_("Another assignment run for this call has just finished. "
                                 "Reload the page to see its panels."))
        recompute_exclusions(call, actor=actor)
        problem, _affinities = build_problem(call, today=_today())
        solution = _solve(problem, method, seed)
        run = _record_run(call, method, seed, solution, problem, actor)
        audit.record(actor=actor, action=f"assign_{method}", call=call,
                     comment=f"run {run.id}: {run.seats_created} seats, affinity "
                             f"{run.total_affinity}, unfilled {len(run.unfilled)}")
        db.session.flush()
    return run


def _last_run_id(call) -> int | None:
    return db.session.scalar(select(AssignmentRun.id).where(AssignmentRun.call_id == call.id)
                             .order_by(AssignmentRun.id.desc()).limit(1))


def recompute_exclusions(call, *, actor) -> int:
    """conflicts.compute_exclusions under the call's lock, so that it neither runs beside an
    assignment run nor beside another recomputation (both rewrite the same rows). A panel
    result that counts a sheet the new exclusions rule out, or leaves out one they no longer
    do, is computed again (results.rescore_changed)."""
    with panels_locked(call):
        found = conflicts.compute_exclusions(call, actor=actor)
        results.rescore_changed(call)
    return found


def _solve(problem: Problem, method: str, seed: int | None) -> Solution:
    if method == "optimal":
        return solve_optimal(problem)
    return draw_random(problem, seed=seed)


def _record_run(call, method: str, seed: int | None, solution: Solution, problem: Problem,
                actor) -> AssignmentRun:
    settings = review_settings_of(call)
    run = AssignmentRun(call_id=call.id, method=method, seed=seed, k=settings.k,
                        max_load=settings.max_load, total_affinity=solution.total_affinity,
                        seats_created=len(solution.pairs),
                        unfilled={str(a): n for a, n in solution.unfilled.items()},
                        created_by_id=actor.id)
    db.session.add(run)
    db.session.flush()
    for expert_id, app_id in sorted(solution.pairs, key=lambda p: (p[1], p[0])):
        db.session.add(PanelSeat(application_id=app_id, expert_id=expert_id, run_id=run.id,
                                 method=method, affinity=problem.affinity[(expert_id, app_id)],
                                 assigned_by_id=actor.id))
    db.session.flush()
    for app_id in sorted({pair[1] for pair in solution.pairs}):
        app = db.session.get(Application, app_id)
        ensure_chair(app)
        _invite([s for s in _panel(app) if s.run_id == run.id])
    return run


def _panel(app: Application) -> list[PanelSeat]:
    return list(db.session.scalars(select(PanelSeat).where(
        PanelSeat.application_id == app.id).order_by(PanelSeat.id)))


def ensure_chair(app: Application) -> None:
    """Unless a seat that is not declined chairs the panel, one does: an accepted seat before
    an invited one (a panel at work needs a chair who has accepted), then the one of highest
    affinity, then of lowest expert id."""
    seats = [s for s in _panel(app) if s.status != SeatStatus.DECLINED]
    if seats and not any(s.is_chair for s in seats):
        min(seats, key=lambda s: (s.status != SeatStatus.ACCEPTED, -s.affinity, s.expert_id)
            ).is_chair = True


def _invite(seats: list[PanelSeat]) -> None:
    """Tell each invited expert with a login that an invitation waits on their review page.
    Neither the application nor who else sits on the panel is named: a mail cannot be taken
    back, and an expert who declares a conflict later, or whom a rule excludes after the
    invitation, must find no trace of the application."""
    links: dict = {}  # one password link per expert without a password, for the batch
    for seat in seats:
        if seat.expert.user is not None:
            notify([seat.expert.user], kind="panel_invitation", link="/expert",
                   compose=alerts.panel_invitation(seat.application.call, links))


def add_seat(app: Application, expert: Expert, *, actor) -> PanelSeat:
    """Seat `expert` on `app`'s panel by hand. Refused, naming the rule, when a conflict rule
    excludes the pair; refused when the expert is seated already (even declined). Adds an
    invited seat, an audit row and a notification; flushes."""
    _require(actor, "call.assign", app.call)
    if app.state not in PANEL_FORMING_STATES:
        raise ServiceError(_("Panels are formed only for applications that passed the formal "
                             "review."))
    settings = review_settings_of(app.call)
    found = conflicts.exclusions_for(expert, app, same_city_rule=settings.same_city_conflict,
                                     today=_today())
    if found:
        raise ServiceError(*[_("%(name)s is excluded from this application by rule %(rule)s "
                               "(%(detail)s).", name=expert.name, rule=rule, detail=detail)
                             for rule, detail in found])
    with panels_locked(app.call):
        if db.session.scalar(select(PanelSeat.id).where(PanelSeat.application_id == app.id,
                                                        PanelSeat.expert_id == expert.id)):
            raise ServiceError(_("%(name)s already has a seat on this panel.",
                                 name=expert.name))
        seat = PanelSeat(application_id=app.id, expert_id=expert.id, method="manual",
                         affinity=field_affinity(expert, app),
                         assigned_by_id=actor.id)
        db.session.add(seat)
        db.session.flush()
        ensure_chair(app)
        _invite([seat])
        audit.record(actor=actor, action="add_seat", application=app,
                     comment=f"expert {expert.id}")
        db.session.flush()
    return seat


def remove_seat(seat: PanelSeat, *, actor) -> None:
    """Remove a seat whose invitation is not answered yet; writes an audit row, flushes."""
    app = seat.application
    _require(actor, "call.assign", app.call)
    if seat.status != SeatStatus.INVITED:
        raise ServiceError(_("Only a seat whose invitation is not answered can be removed."))
    with panels_locked(app.call):
        audit.record(actor=actor, action="remove_seat", application=app,
                     comment=f"expert {seat.expert_id}")
        db.session.delete(seat)
        db.session.flush()
        ensure_chair(app)
        db.session.flush()


def respond(seat: PanelSeat, *, accept: bool, reason: str = "", actor) -> PanelSeat | None:
    """The invited expert accepts, or declines with a reason. A decline is refilled by the
    seat's method (see `refill`). Writes an audit row; flushes. Returns the new seat of a
    refill, if any."""
    _require(actor, "panel.respond", seat)
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ServiceError(_("Please give the reason you decline."))
    seat.responded_at = clock.now()
    if accept:
        SEAT_MACHINE.move(seat, "accept", actor=actor, application=seat.application,
                          comment=reason)
        return None
    return _decline(seat, "decline", reason, actor)


def declare_conflict(app: Application, *, reason: str, actor) -> PanelSeat | None:
    """The seated expert declares a conflict with `app`: a ConflictDeclaration, an exclusion
    by rule D, the seat declined with the reason and refilled like a decline; an audit row.
    Flushes; returns the refill's new seat, if any."""
    _require(actor, "application.declare_conflict", app)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Please describe the conflict."))
    seat = db.session.scalar(select(PanelSeat).where(
        PanelSeat.application_id == app.id, PanelSeat.expert_id == expert_id_of(actor)))
    seat.expert.declarations.append(ConflictDeclaration(application_id=app.id,
                                                        reason=reason[:500]))
    db.session.add(Exclusion(expert_id=seat.expert_id, application_id=app.id, rule="D",
                             detail=reason[:500]))
    seat.responded_at = clock.now()
    return _decline(seat, "declare_conflict", reason, actor)


def _decline(seat: PanelSeat, event: str, reason: str, actor) -> PanelSeat | None:
    SEAT_MACHINE.move(seat, event, actor=actor, application=seat.application, comment=reason,
                      decline_reason=reason[:500], is_chair=False)
    new_seat = refill(seat, actor=actor)
    if new_seat is None:
        _tell_officer(seat)
    ensure_chair(seat.application)
    db.session.flush()
    return new_seat


def refill(seat: PanelSeat, *, actor) -> PanelSeat | None:
    """Fill the slot of a declined seat, also of a panel at work, by the seat's method: the
    optimum for this one application, or a draw seeded from the run's seed and the seat id
    (recorded as a run). None for a seat chosen by hand or when no eligible expert is left.
    The declined expert is never seated again on the application (the seat stays)."""
    app, call = seat.application, seat.application.call
    if seat.method == "manual" or app.state not in PANEL_FORMING_STATES:
        return None
    run = db.session.get(AssignmentRun, seat.run_id) if seat.run_id else None
    officer = _officer_of(seat, run)
    with panels_locked(call):
        # Experts imported or edited since the last run have no stored exclusions yet.
        recompute_exclusions(call, actor=officer)
        problem, _affinities = build_problem(call, today=_today(), apps=[app])
        problem = Problem(experts=problem.experts,
                          applications={app.id: problem.applications.get(app.id, 0)},
                          affinity={p: v for p, v in problem.affinity.items() if p[1] == app.id})
        seed = (((run.seed or 0) * 1_000_003 + seat.id) % SEED_LIMIT
                if seat.method == "draw" else None)
        solution = _solve(problem, seat.method, seed)
        new_run = _record_run(call, seat.method, seed, solution, problem, officer)
        audit.record(actor=actor, action=f"refill_{seat.method}", application=app,
                     comment=f"run {new_run.id}, seed {seed}, after seat {seat.id}")
    if not solution.pairs:
        return None
    return db.session.scalar(select(PanelSeat).where(PanelSeat.run_id == new_run.id))


def _officer_of(seat: PanelSeat, run: AssignmentRun | None) -> User:
    """Who stands behind a refill: the officer who ran the assignment (the expert who
    declined did not choose their successor)."""
    return db.session.get(User, run.created_by_id if run else seat.assigned_by_id)


def _tell_officer(seat: PanelSeat) -> None:
    officer = db.session.get(User, seat.assigned_by_id)
    app = seat.application

    def compose(person):
        return (_("A panel seat is open"),
                _("%(name)s declined to review “%(title)s”: %(reason)s. The seat was not "
                  "refilled; choose another expert on the panels page.",
                  name=seat.expert.name, title=app.title, reason=seat.decline_reason))

    notify([officer], kind="panel_unfilled", application=app, compose=compose,
           link=f"/officer/calls/{app.call_id}/panels")


def open_ready_reviews(call, *, actor) -> tuple[list[Application], dict[Application, list]]:
    """Open the expert review of every formal_passed application of `call` whose panel is
    complete, each through `transition`; returns the opened ones and, for the others, the
    problems that refused them. Flushes."""
    _require(actor, "call.assign", call)
    opened, refused = [], {}
    for app in db.session.scalars(select(Application).where(
            Application.call_id == call.id, Application.state == AppState.FORMAL_PASSED)
            .order_by(Application.id)).all():
        try:
            with db.session.begin_nested():
                transition(app, "open_review", actor=actor)
        except (ServiceError, PermissionDenied) as error:
            refused[app] = getattr(error, "problems", [str(error)])
        else:
            opened.append(app)
    return opened, refused


def panel_problems(app: Application) -> list[str]:
    """Why `app`'s panel cannot start: fewer than k accepted experts, no accepted chair, an
    accepted or invited expert excluded by a conflict rule since being seated. Empty when
    complete."""
    return panel_overview.problems(review_settings_of(app.call).k, _panel(app),
                                   panel_overview.excluded_seats(app))
