"""An expert's page: invitations to answer, panels to score (with the sheet and, for a chair,
the panel page), work done; accepting, declining, declaring a conflict.

Only seats the permission table lets the expert see are listed: an application the expert
is excluded from never appears, not even its title."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.review import ReasonForm
from workflow.core.errors import ServiceError
from workflow.intake.models import Application
from workflow.lifecycle.permissions import can
from workflow.review.models import PanelSeat
from workflow.review.operations import assignment
from workflow.review.queries import expert_desk
from workflow.web.queries import refusals, search
from workflow.web.views.helpers import flash_problems, load_or_404, require
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("expert_home", __name__, url_prefix="/expert")


@bp.get("")
@login_required
def home():
    require("expert.home")
    text = search.clean(request.args.get("q"))
    desk = expert_desk.desk(current_user, {
        name: request.args.get(f"{name}_page", 1, type=int) for name in expert_desk.GROUPS},
        text)
    # Each group's pager keeps the search and the pages the other groups show.
    kept = {f"{name}_page": found.page for name, found in desk.items() if found.page > 1}
    if text:
        kept["q"] = text
    return render_template("review/expert/home.html", desk=desk, kept=kept, q=text)


def _answer(change, done: str):
    """Make the change and commit, or, when the service refuses (the call's lock not obtained
    in time, a refill of the seat refused), roll back so nothing of it stays and say why.
    Back to the home page either way."""
    with unit_of_work(denied=_("Your answer could not be recorded because the panel could "
                               "not be refilled. Please try again later or contact the "
                               "department.")) as work:
        change()
    if not work.failed:
        flash(done, "success")
    return redirect(url_for(".home"))


def _too_late(seat: PanelSeat):
    """The expert's own invitation answered before (a stale page, a second click): say so."""
    if can(current_user, "panel.respond", seat):
        return None
    why = refusals.answer_too_late(seat, current_user)
    if why is None:
        return None
    flash(why, "warning")
    return redirect(url_for(".home"))


def _reason_refused(form) -> bool:
    if form.validate_on_submit():
        return False
    flash_problems(ServiceError(*form.reason.errors))
    return True


@bp.post("/seats/<int:seat_id>/accept")
@login_required
def accept(seat_id: int):
    seat = load_or_404(PanelSeat, seat_id)
    if (late := _too_late(seat)) is not None:
        return late
    require("panel.respond", seat)
    return _answer(lambda: assignment.respond(seat, accept=True, actor=current_user),
                   _("Invitation accepted."))


@bp.post("/seats/<int:seat_id>/decline")
@login_required
def decline(seat_id: int):
    seat = load_or_404(PanelSeat, seat_id)
    if (late := _too_late(seat)) is not None:
        return late
    require("panel.respond", seat)
    form = ReasonForm()
    if _reason_refused(form):
        return redirect(url_for(".home"))
    return _answer(lambda: assignment.respond(seat, accept=False, reason=form.reason.data,
                                              actor=current_user), _("Invitation declined."))


@bp.post("/applications/<int:app_id>/conflict")
@login_required
def declare_conflict(app_id: int):
    app = load_or_404(Application, app_id)
    require("application.declare_conflict", app)
    form = ReasonForm()
    if _reason_refused(form):
        return redirect(url_for(".home"))
    return _answer(lambda: assignment.declare_conflict(app, reason=form.reason.data,
                                                       actor=current_user),
                   _("Conflict declared: you are excluded from this application."))
