"""Acceptance panels, formed with the review's machinery: the expert pool within the call's
age limit (experts/operations/conflicts.eligible_experts), the conflict rules R1-R8
(conflicts.exclusions_for) recomputed for the center as it is now, the field affinity and the
solver (review/rules/solver.py: the optimal assignment or the seeded draw) over the requests
waiting for a panel; k and the load limit L are the call's review settings. The seats,
sheets and exclusions are acceptance's own tables: the review's pages never see them.
Functions flush; the caller commits."""
from collections import Counter

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from workflow.acceptance.models import (
    SEAT_MACHINE,
    AcceptanceExclusion,
    AcceptanceRequest,
    AcceptanceSeat,
    RequestState,
    SeatStatus,
)
from workflow.core import audit, clock
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.experts.operations import conflicts
from workflow.inbox.notifications import notify
from workflow.intake.models import Application
from workflow.lifecycle.permissions import can
from workflow.review.operations.assignment import SEED_LIMIT, field_affinity
from workflow.review.operations.locks import panels_locked
from workflow.review.rules.solver import Problem, draw_random, solve_optimal
from workflow.review.settings import review_settings_of

METHODS = ("optimal", "draw")


def _require(actor, action: str, obj=None) -> None:
    if not can(actor, action, obj):
        raise PermissionDenied(action)


def waiting_requests(call) -> list[AcceptanceRequest]:
    """The call's submitted requests, with what the conflict rules read of their center."""
    return list(db.session.scalars(
        select(AcceptanceRequest).join(Application)
        .where(Application.call_id == call.id, AcceptanceRequest.state == RequestState.SUBMITTED,
               AcceptanceRequest.chair_confirmed_at.is_(None))
        .options(selectinload(AcceptanceRequest.seats),
                 selectinload(AcceptanceRequest.application).selectinload(Application.cobuilders),
                 selectinload(AcceptanceRequest.application).selectinload(Application.sections))
        .order_by(AcceptanceRequest.id)))


def _exclusions(requests, experts, *, same_city: bool, today) -> set[tuple[int, int]]:
    """Store each request's exclusions as the rules find them today; the excluded pairs."""
    ids = [r.id for r in requests]
    db.session.execute(delete(AcceptanceExclusion).where(AcceptanceExclusion.request_id.in_(ids)))
    excluded = set()
    for request in requests:
        for expert in experts:
            for rule, detail in conflicts.exclusions_for(
                    expert, request.application, same_city_rule=same_city, today=today):
                db.session.add(AcceptanceExclusion(request_id=request.id, expert_id=expert.id,
                                                   rule=rule, detail=detail[:500]))
                excluded.add((expert.id, request.id))
    return excluded


def _loads(call) -> Counter:
    """Per expert, the acceptance seats of the call's panels at work that are not declined."""
    return Counter(db.session.scalars(
        select(AcceptanceSeat.expert_id)
        .join(AcceptanceRequest, AcceptanceSeat.request_id == AcceptanceRequest.id)
        .join(Application, AcceptanceRequest.application_id == Application.id)
        .where(Application.call_id == call.id, AcceptanceRequest.state == RequestState.SUBMITTED,
               AcceptanceSeat.status != SeatStatus.DECLINED)))


def assign_panels(call, *, method: str, seed: int | None = None, actor) -> dict:
    """Fill every open seat of the call's waiting acceptance panels by the optimal
    assignment or the seeded draw. Recomputes and stores the exclusions; adds invited seats
    (a chair for each panel), one audit row naming the method and seed, a notification per
    invited expert. Returns {"seats": n, "unfilled": {request id: missing}}."""
    _require(actor, "acceptance.manage")
    if method not in METHODS:
        raise ServiceError(_("Choose the optimal assignment or the draw."))
    if method == "draw" and (seed is None or not 0 <= seed <= SEED_LIMIT):
        raise ServiceError(_("The seed must be a whole number from 0 to %(max)d.",
                             max=SEED_LIMIT))
    settings, today = review_settings_of(call), clock.local(clock.now()).date()
    with panels_locked(call):
        requests = waiting_requests(call)
        if not requests:
            raise ServiceError(_("No acceptance request of this call waits for its panel."))
        experts = conflicts.eligible_experts(call, today)
        excluded = _exclusions(requests, experts, same_city=settings.same_city_conflict,
                               today=today)
        load = _loads(call)
        seated = {(s.expert_id, r.id) for r in requests for s in r.seats}
        filled = Counter(r.id for r in requests for s in r.seats
                         if s.status != SeatStatus.DECLINED)
        affinity = {(e.id, r.id): value for r in requests for e in experts
                    if (value := field_affinity(e, r.application)) > 0
                    and (e.id, r.id) not in excluded and (e.id, r.id) not in seated}
        problem = Problem(experts={e.id: max(settings.max_load - load[e.id], 0)
                                   for e in experts},
                          applications={r.id: max(settings.k - filled[r.id], 0)
                                        for r in requests},
                          affinity=affinity)
        solution = (solve_optimal(problem) if method == "optimal"
                    else draw_random(problem, seed=seed))
        new = [AcceptanceSeat(request_id=request_id, expert_id=expert_id, method=method,
                              seed=seed, affinity=affinity[(expert_id, request_id)],
                              assigned_by_id=actor.id)
               for expert_id, request_id in sorted(solution.pairs, key=lambda p: (p[1], p[0]))]
        db.session.add_all(new)
        db.session.flush()
        for request in requests:
            db.session.refresh(request, ["seats"])
            ensure_chair(request)
        audit.record(actor=actor, action=f"assign_acceptance_{method}", call=call,
                     comment=f"{len(new)} seats" + (f", seed {seed}" if method == "draw"
                                                    else "")
                     + f", affinity {solution.total_affinity}, unfilled "
                       f"{len(solution.unfilled)}")
        db.session.flush()
    _invite(new)
    return {"seats": len(new), "unfilled": solution.unfilled}


def ensure_chair(request: AcceptanceRequest) -> None:
    """Unless a seat that is not declined chairs the panel, one does: an accepted seat first,
    then the highest affinity, then the lowest expert id (as the review's panels)."""
    seats = [s for s in request.seats if s.status != SeatStatus.DECLINED]
    if seats and not any(s.is_chair for s in seats):
        min(seats, key=lambda s: (s.status != SeatStatus.ACCEPTED, -s.affinity, s.expert_id)
            ).is_chair = True


def _invite(seats: list[AcceptanceSeat]) -> None:
    """Tell each invited expert with a login that an acceptance panel waits for their
    answer, naming the center (an acceptance is no secret review: the center applied)."""
    for seat in seats:
        if seat.expert.user is None:
            continue
        center = seat.request.application.title

        def compose(user, center=center):
            return (_("You are invited to an acceptance panel"),
                    _("You are invited to the acceptance panel of “%(center)s”. Open your "
                      "acceptance panels to accept, or decline with a reason (for example "
                      "a conflict of interest).", center=center))

        notify([seat.expert.user], kind="acceptance_invitation", compose=compose,
               link="/expert/acceptance")


def respond(seat: AcceptanceSeat, *, accept: bool, reason: str = "", actor) -> AcceptanceSeat:
    """The expert accepts, or declines with a reason (a conflict of interest declared is a
    reason): one audit row. A declined chair hands the chair to another seat; the seat is
    refilled by the next assignment run."""
    _require(actor, "acceptance.respond", seat)
    reason = (reason or "").strip()[:500]
    request = seat.request
    if accept:
        SEAT_MACHINE.move(seat, "accept", actor=actor, application=request.application,
                          responded_at=clock.now())
    else:
        if not reason:
            raise ServiceError(_("Give the reason for declining."))
        SEAT_MACHINE.move(seat, "decline", actor=actor, application=request.application,
                          comment=reason, responded_at=clock.now(), decline_reason=reason,
                          is_chair=False)
        ensure_chair(request)
    db.session.flush()
    return seat
