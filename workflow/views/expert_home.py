"""An expert's page: invitations to accept or decline, seats, conflicts to declare.

Only seats the permission table lets the expert see are listed: an application the expert
is excluded from never appears, not even its title."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.panels import ReasonForm
from workflow.extensions import db
from workflow.models import Application, PanelSeat
from workflow.services import assignment
from workflow.services.errors import ServiceError
from workflow.views.helpers import flash_problems, load_or_404, require

bp = Blueprint("expert_home", __name__, url_prefix="/expert")


@bp.get("")
@login_required
def home():
    require("expert.home")
    return render_template("expert/home.html", seats=assignment.seats_of_expert(current_user))


def _home():
    return redirect(url_for(".home"))


@bp.post("/seats/<int:seat_id>/accept")
@login_required
def accept(seat_id: int):
    seat = load_or_404(PanelSeat, seat_id)
    require("panel.respond", seat)
    assignment.respond(seat, accept=True, actor=current_user)
    db.session.commit()
    flash(_("Invitation accepted."), "success")
    return _home()


@bp.post("/seats/<int:seat_id>/decline")
@login_required
def decline(seat_id: int):
    seat = load_or_404(PanelSeat, seat_id)
    require("panel.respond", seat)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash_problems(ServiceError(*form.reason.errors))
        return _home()
    assignment.respond(seat, accept=False, reason=form.reason.data, actor=current_user)
    db.session.commit()
    flash(_("Invitation declined."), "success")
    return _home()


@bp.post("/applications/<int:app_id>/conflict")
@login_required
def declare_conflict(app_id: int):
    app = load_or_404(Application, app_id)
    require("application.declare_conflict", app)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash_problems(ServiceError(*form.reason.errors))
        return _home()
    assignment.declare_conflict(app, reason=form.reason.data, actor=current_user)
    db.session.commit()
    flash(_("Conflict declared: you are excluded from this application."), "success")
    return _home()
