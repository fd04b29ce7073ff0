"""Releasing the seat of an expert whom a conflict rule excludes after they were seated (their
employer changed, a relation was declared): the expert can no longer see the application nor
score it, so without a release the panel could never complete."""
from flask_babel import gettext as _

from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.states import PANEL_FORMING_STATES
from workflow.lifecycle.permissions import can
from workflow.review.models import SEAT_MACHINE, PanelSeat
from workflow.review.operations import assignment, results
from workflow.review.operations.locks import panels_locked
from workflow.review.queries import panel_overview, panel_seats


def release_seat(seat: PanelSeat, *, refill: bool, actor) -> PanelSeat | None:
    """The department takes an excluded expert off a panel that is being formed or at work.

    The seat is declined with the rules as its reason; its sheet, if any, stays on record
    but counts no more. When `refill`, the slot is filled again by the seat's method (a
    seat chosen by hand is not: the officer invites someone). The chair passes on when the
    seat chaired; a panel result is recomputed from the sheets that still count. One audit
    row; flushes. Returns the new invited seat, if any."""
    app = seat.application
    if not can(actor, "call.assign", app.call):
        raise PermissionDenied("call.assign")
    if app.state not in PANEL_FORMING_STATES:
        raise ServiceError(_("Seats can be released only while the panel is being formed or "
                             "at work."))
    rules = panel_overview.excluded_seats(app).get(seat)
    if not rules:
        raise ServiceError(_("Only the seat of an expert a conflict rule excludes can be "
                             "released."))
    with panels_locked(app.call):
        SEAT_MACHINE.move(
            seat, "release", actor=actor, application=app,
            comment=f"expert {seat.expert_id}, rules {','.join(rules)}", is_chair=False,
            decline_reason=_("Released by the department: excluded by rule %(rule)s.",
                             rule=", ".join(rules)))
        new_seat = assignment.refill(seat, actor=actor) if refill else None
        assignment.ensure_chair(app)
        db.session.flush()
    _rescore(app)
    return new_seat


def _rescore(app) -> None:
    """A released sheet may have been part of the panel's result: the result is computed
    again when the remaining sheets are all in, else its confirmation lapses."""
    if panel_seats.all_submitted(app):
        results.recompute(app)
    else:
        results.invalidate(app)
