"""Acceptance's pages: a center's acceptance (the lead unit applies), the self-assessment
and its attachments, a request's page (the panel, its result, the officer's outcome), the
officer's list with the assignment runs and the call's rubric, and the expert's acceptance
panels with the sealed score sheet and the chair's confirmation."""
import json
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.acceptance import (
    AssignForm,
    AttachmentForm,
    ConfirmForm,
    LapseForm,
    OutcomeForm,
    RespondForm,
    RubricForm,
    self_assessment_data,
    self_assessment_form,
)
from forms.review import score_sheet_form, sheet_data
from workflow.acceptance import queries
from workflow.acceptance.models import (
    OUTCOME_LABELS,
    AcceptanceAttachment,
    AcceptanceRequest,
    AcceptanceSeat,
)
from workflow.acceptance.operations import outcomes, panels, requests, rubric, scoring
from workflow.acceptance.rules import suggested_outcome, targets_met
from workflow.calls.models import Call
from workflow.core import clock
from workflow.core.extensions import db
from workflow.core.filenames import download_name
from workflow.intake.models import Application
from workflow.lifecycle.permissions import can, expert_id_of
from workflow.notices.models import DecisionDocument
from workflow.web.views.helpers import load_or_404, require
from workflow.web.views.once import created, repeated
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("acceptance", __name__)


def _today():
    return clock.local(clock.now()).date()


@bp.get("/acceptance/centers/<int:app_id>")
@login_required
def center(app_id: int):
    app = load_or_404(Application, app_id)
    require("acceptance.center", app)
    return render_template("acceptance/center.html", app=app, requests=queries.requests_of(app),
                           center=queries.center_of(app), outcomes=OUTCOME_LABELS,
                           problems=queries.start_problems(app, _today()),
                           may_apply=can(current_user, "acceptance.apply", app),
                           lapsed=queries.lapsed_deferral(app, _today()), form=LapseForm())


@bp.post("/acceptance/centers/<int:app_id>/lapse")
@login_required
def lapse(app_id: int):
    app = load_or_404(Application, app_id)
    require("acceptance.manage", app)
    form = LapseForm()
    if form.validate_on_submit():
        with unit_of_work() as work:
            outcomes.fail_lapsed(app, reason=form.reason.data, actor=current_user)
        if not work.failed:
            flash(_("The acceptance failed; the decision document is issued."), "success")
    else:
        for problem in form.reason.errors:
            flash(problem, "danger")
    return redirect(url_for(".center", app_id=app.id))


@bp.post("/acceptance/centers/<int:app_id>")
@login_required
def start(app_id: int):
    app = load_or_404(Application, app_id)
    require("acceptance.apply", app)
    with unit_of_work() as work:
        row = requests.start_request(app, actor=current_user)
    if work.failed:
        return redirect(url_for(".center", app_id=app.id))
    return redirect(url_for(".edit", request_id=row.id))


def _edit_page(row, form=None, status=200):
    lines = queries.self_assessment(row)
    return render_template("acceptance/edit.html", row=row, app=row.application,
                           form=form or self_assessment_form(lines, row),
                           upload=AttachmentForm(), problems=requests.submit_problems(row),
                           outcomes=OUTCOME_LABELS), status


@bp.get("/acceptance/<int:request_id>/self-assessment")
@login_required
def edit(request_id: int):
    row = load_or_404(AcceptanceRequest, request_id)
    require("acceptance.edit", row)
    return _edit_page(row)


@bp.post("/acceptance/<int:request_id>/self-assessment")
@login_required
def save(request_id: int):
    row = load_or_404(AcceptanceRequest, request_id)
    require("acceptance.edit", row)
    form = self_assessment_form(queries.self_assessment(row), row, request.form)
    if not form.validate_on_submit():
        return _edit_page(row, form, 422)
    with unit_of_work() as work:
        requests.save_self_assessment(row, **self_assessment_data(form), actor=current_user)
    if work.failed:
        return _edit_page(row, form, 422)
    flash(_("Self-assessment saved."), "success")
    return redirect(url_for(".edit", request_id=row.id))


@bp.post("/acceptance/<int:request_id>/attachments")
@login_required
def upload(request_id: int):
    row = load_or_404(AcceptanceRequest, request_id)
    require("acceptance.edit", row)
    form, back = AttachmentForm(), url_for(".edit", request_id=row.id)
    if form.validate_on_submit():
        if (answer := repeated(form, back=back)) is not None:
            return answer
        answer, error = created(form, lambda: requests.add_attachment(
            row, filename=form.file.data.filename, stream=form.file.data.stream,
            actor=current_user), path=back, note=lambda att: _("Attachment added."))
        if error is None:
            return answer
        form.file.errors = [*form.file.errors, *error.problems]
    for problem in form.file.errors:
        flash(problem, "danger")
    return redirect(back)


@bp.post("/acceptance/<int:request_id>/attachments/<int:attachment_id>/remove")
@login_required
def remove_attachment(request_id: int, attachment_id: int):
    att = load_or_404(AcceptanceAttachment, attachment_id)
    if att.request_id != request_id:
        abort(404)
    require("acceptance.edit", att.request)
    with unit_of_work() as work:
        requests.remove_attachment(att, actor=current_user)
    if not work.failed:
        flash(_("Attachment removed."), "success")
    return redirect(url_for(".edit", request_id=request_id))


@bp.get("/acceptance/<int:request_id>/attachments/<int:attachment_id>")
@login_required
def attachment(request_id: int, attachment_id: int):
    att = load_or_404(AcceptanceAttachment, attachment_id)
    if att.request_id != request_id:
        abort(404)
    require("acceptance.view", att.request)
    name = download_name(att.request.application.title, att.original_name.removesuffix(".pdf"),
                         fallback="attachment")
    return send_file(BytesIO(requests.read_attachment(att)), mimetype="application/pdf",
                     as_attachment=True, download_name=name, max_age=0)


@bp.post("/acceptance/<int:request_id>/submit")
@login_required
def submit(request_id: int):
    row = load_or_404(AcceptanceRequest, request_id)
    require("acceptance.edit", row)
    with unit_of_work() as work:
        requests.submit_request(row, actor=current_user)
    if work.failed:
        return redirect(url_for(".edit", request_id=row.id))
    flash(_("Your request is with the department; you will be told of its outcome."), "success")
    return redirect(url_for(".center", app_id=row.application_id))


def _request_page(row, outcome_form=None, status=200):
    lines = queries.self_assessment(row)
    return render_template(
        "acceptance/request.html", row=row, app=row.application, lines=lines,
        met=targets_met(lines), outcomes=OUTCOME_LABELS,
        seats=queries.seats_of(row) if can(current_user, "acceptance.manage") else [],
        exclusions=queries.exclusions_of(row) if can(current_user, "acceptance.manage")
        else [], totals=scoring.totals_for(row, current_user),
        suggested=suggested_outcome(row.score, vetoed=row.vetoed),
        document=db.session.get(DecisionDocument, row.document_id) if row.document_id else None,
        outcome_form=outcome_form or OutcomeForm()), status


@bp.get("/acceptance/<int:request_id>")
@login_required
def request_page(request_id: int):
    row = load_or_404(AcceptanceRequest, request_id)
    require("acceptance.view", row)
    return _request_page(row)


@bp.post("/acceptance/<int:request_id>/outcome")
@login_required
def outcome(request_id: int):
    row = load_or_404(AcceptanceRequest, request_id)
    require("acceptance.manage", row)
    form = OutcomeForm()
    if not form.validate_on_submit():
        return _request_page(row, form, 422)
    with unit_of_work() as work:
        outcomes.record_outcome(row, form.outcome.data, conditions=form.conditions.data,
                                rectify_by=form.rectify_by.data, opinion=form.opinion.data,
                                actor=current_user)
    if work.failed:
        return _request_page(row, form, 422)
    flash(_("The outcome is recorded."), "success")
    return redirect(url_for(".request_page", request_id=row.id))


@bp.get("/acceptance")
@login_required
def index():
    require("acceptance.manage")
    return render_template("acceptance/index.html",
                           page=queries.officer_list(page=request.args.get("page", 1, type=int)),
                           calls=queries.calls_waiting(current_user), form=AssignForm())


@bp.post("/acceptance/calls/<int:call_id>/assign")
@login_required
def assign(call_id: int):
    call = load_or_404(Call, call_id)
    require("acceptance.manage", call)
    form = AssignForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for problem in errors:
                flash(problem, "danger")
        return redirect(url_for(".index"))
    with unit_of_work() as work:
        done = panels.assign_panels(call, method=form.method.data, seed=form.seed.data,
                                    actor=current_user)
    if not work.failed:
        flash(_("%(n)d experts invited.", n=done["seats"]), "success")
        if done["unfilled"]:
            flash(_("%(n)d panels could not be filled: too few eligible experts of their "
                    "field.", n=len(done["unfilled"])), "warning")
    return redirect(url_for(".index"))


def _rubric_page(call, form, status=200):
    return render_template("acceptance/rubric.html", call=call, form=form,
                           rubric=queries.rubric_of(call), fixed=rubric.rubric_in_use(call),
                           own=queries.rubric_row(call) is not None), status


@bp.get("/acceptance/calls/<int:call_id>/rubric")
@login_required
def rubric_edit(call_id: int):
    call = load_or_404(Call, call_id)
    require("acceptance.manage", call)
    form = RubricForm(data={"rubric": json.dumps(queries.rubric_of(call), ensure_ascii=False,
                                                 indent=2)})
    return _rubric_page(call, form)


@bp.post("/acceptance/calls/<int:call_id>/rubric")
@login_required
def rubric_save(call_id: int):
    call = load_or_404(Call, call_id)
    require("acceptance.manage", call)
    form = RubricForm()
    if not form.validate_on_submit():
        return _rubric_page(call, form, 422)
    with unit_of_work() as work:
        rubric.set_rubric(call, form.rubric.parsed, actor=current_user)
    if work.failed:
        return _rubric_page(call, form, 422)
    flash(_("The acceptance rubric is saved."), "success")
    return redirect(url_for(".rubric_edit", call_id=call.id))


@bp.get("/expert/acceptance")
@login_required
def expert_seats():
    require("acceptance.panels")
    return render_template("acceptance/expert_seats.html", form=RespondForm(),
                           page=queries.expert_seats(expert_id_of(current_user),
                                                     page=request.args.get("page", 1, type=int)))


@bp.post("/expert/acceptance/<int:seat_id>/respond")
@login_required
def respond(seat_id: int):
    seat = load_or_404(AcceptanceSeat, seat_id)
    require("acceptance.respond", seat)
    form = RespondForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for problem in errors:
                flash(problem, "danger")
        return redirect(url_for(".expert_seats"))
    accept = form.answer.data == "accept"
    with unit_of_work() as work:
        panels.respond(seat, accept=accept, reason=form.reason.data, actor=current_user)
    if not work.failed:
        flash(_("Invitation accepted.") if accept else _("Invitation declined."), "success")
    return redirect(url_for(".sheet", seat_id=seat.id) if accept and not work.failed
                    else url_for(".expert_seats"))


def _sheet_page(seat, form=None, status=200, confirm_form=None):
    row = seat.request
    lines = queries.self_assessment(row)
    return render_template(
        "acceptance/sheet.html", seat=seat, row=row, app=row.application, lines=lines,
        met=targets_met(lines), sheet=seat.sheet,
        form=form or score_sheet_form(queries.rubric_of(row.application.call), seat.sheet),
        editable=can(current_user, "acceptance.score", seat),
        totals=scoring.totals_for(row, current_user),
        may_confirm=can(current_user, "acceptance.confirm", row) and queries.panel_complete(row),
        confirm_form=confirm_form or ConfirmForm()), status


@bp.get("/expert/acceptance/<int:seat_id>/sheet")
@login_required
def sheet(seat_id: int):
    seat = load_or_404(AcceptanceSeat, seat_id)
    require("acceptance.view_seat", seat)
    return _sheet_page(seat)


@bp.post("/expert/acceptance/<int:seat_id>/sheet")
@login_required
def save_sheet(seat_id: int):
    """Save the posted sheet; with `submit` in the form, then submit it."""
    seat = load_or_404(AcceptanceSeat, seat_id)
    require("acceptance.score", seat)
    form = score_sheet_form(queries.rubric_of(seat.request.application.call), seat.sheet,
                            request.form)
    if not form.validate_on_submit():
        return _sheet_page(seat, form, 422)
    submitting = "submit" in request.form
    with unit_of_work() as work:
        scoring.save_sheet(seat, **sheet_data(form), actor=current_user)
        if submitting:
            scoring.submit_sheet(seat, actor=current_user)
    if work.failed:
        return _sheet_page(seat, form, 422)
    flash(_("Score sheet submitted.") if submitting else _("Score sheet saved."), "success")
    return redirect(url_for(".sheet", seat_id=seat.id))


@bp.post("/acceptance/<int:request_id>/confirm")
@login_required
def confirm(request_id: int):
    row = load_or_404(AcceptanceRequest, request_id)
    require("acceptance.confirm", row)
    form = ConfirmForm()
    seat = next(s for s in row.seats if s.expert_id == expert_id_of(current_user))
    if not form.validate_on_submit():
        return _sheet_page(seat, confirm_form=form, status=422)
    with unit_of_work() as work:
        scoring.confirm_result(row, note=form.note.data, actor=current_user)
    if work.failed:
        return _sheet_page(seat, confirm_form=form, status=422)
    flash(_("The panel's result is confirmed; the department records the outcome."), "success")
    return redirect(url_for(".sheet", seat_id=seat.id))
