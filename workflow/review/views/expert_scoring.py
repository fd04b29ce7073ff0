"""An expert's score sheet, and the panel chair's page: the totals once all sheets are in,
the dispersion alarm, reopening a sheet, confirming the panel."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.review import AlarmForm, ReopenForm, score_sheet_form, sheet_data
from workflow.intake.models import Application
from workflow.lifecycle.permissions import can
from workflow.review.models import PanelSeat
from workflow.review.operations import results, scoring
from workflow.review.queries import panel_seats
from workflow.review.queries.figures import item_figures
from workflow.review.rules.rubric import rubric_of
from workflow.web.queries import refusals
from workflow.web.views.helpers import load_or_404, require
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("expert_scoring", __name__, url_prefix="/expert")


def _sheet_page(seat, form=None, status=200):
    rubric = rubric_of(seat.application.call)
    return render_template(
        "review/scoring/sheet_edit.html", seat=seat, app=seat.application, sheet=seat.sheet,
        form=form or score_sheet_form(rubric, seat.sheet),
        figures=item_figures(rubric, seat.application),
        editable=can(current_user, "sheet.edit", seat)), status


@bp.get("/seats/<int:seat_id>/sheet")
@login_required
def sheet(seat_id: int):
    seat = load_or_404(PanelSeat, seat_id)
    require("sheet.view", seat)
    return _sheet_page(seat)


@bp.post("/seats/<int:seat_id>/sheet")
@bp.post("/seats/<int:seat_id>/sheet/submit", endpoint="submit_sheet")
@login_required
def save_sheet(seat_id: int):
    """Save the posted sheet; on the submit route, then submit it."""
    seat = load_or_404(PanelSeat, seat_id)
    if not can(current_user, "sheet.edit", seat) and (
            why := refusals.sheet_too_late(seat, current_user)) is not None:
        flash(why, "warning")
        return redirect(url_for(".sheet", seat_id=seat.id))
    require("sheet.edit", seat)
    form = score_sheet_form(rubric_of(seat.application.call), seat.sheet, request.form)
    if not form.validate_on_submit():
        return _sheet_page(seat, form, 422)
    submitting = request.endpoint.endswith("submit_sheet")
    with unit_of_work() as work:
        scoring.save_sheet(seat, **sheet_data(form), actor=current_user)
        if submitting:
            scoring.submit_sheet(seat, actor=current_user)
    if work.failed:
        return _sheet_page(seat, form, 422)
    flash(_("Score sheet submitted.") if submitting else _("Score sheet saved."), "success")
    return redirect(url_for(".sheet", seat_id=seat.id))


def _panel_page(app, *, reopen_form=None, alarm_form=None, status=200):
    return render_template(
        "review/scoring/panel.html", app=app, seats=panel_seats.accepted_seats(app),
        totals=scoring.panel_totals(app, current_user), result=results.result_of(app),
        alarm_open=results.alarm_unresolved(results.result_of(app)),
        reopen_form=reopen_form or ReopenForm(formdata=None),
        alarm_form=alarm_form or AlarmForm(formdata=None)), status


@bp.get("/applications/<int:app_id>/panel")
@login_required
def panel(app_id: int):
    app = load_or_404(Application, app_id)
    require("panel.confirm", app)
    return _panel_page(app)


@bp.post("/seats/<int:seat_id>/reopen")
@login_required
def reopen(seat_id: int):
    seat = load_or_404(PanelSeat, seat_id)
    require("sheet.reopen", seat)
    form = ReopenForm()
    if not form.validate_on_submit():
        return _panel_page(seat.application, reopen_form=form, status=422)
    with unit_of_work() as work:
        scoring.reopen_sheet(seat, reason=form.reason.data, actor=current_user)
    if work.failed:
        return _panel_page(seat.application, reopen_form=form, status=422)
    flash(_("The sheet is reopened; the expert was notified."), "success")
    return redirect(url_for(".panel", app_id=seat.application_id))


@bp.post("/applications/<int:app_id>/panel/alarm")
@login_required
def resolve_alarm(app_id: int):
    app = load_or_404(Application, app_id)
    require("panel.resolve_alarm", app)
    form = AlarmForm()
    if form.validate_on_submit():
        with unit_of_work() as work:
            results.resolve_alarm(app, note=form.note.data, actor=current_user)
        if not work.failed:
            flash(_("Alarm resolved."), "success")
            return redirect(url_for(".panel", app_id=app.id))
    return _panel_page(app, alarm_form=form, status=422)


@bp.post("/applications/<int:app_id>/panel/confirm")
@login_required
def confirm(app_id: int):
    app = load_or_404(Application, app_id)
    require("panel.confirm", app)
    with unit_of_work() as work:
        results.confirm_panel(app, actor=current_user)
    if work.failed:
        return _panel_page(app, status=422)
    flash(_("Panel result confirmed; the review is closed."), "success")
    return redirect(url_for(".panel", app_id=app.id))
