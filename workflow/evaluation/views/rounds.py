"""The officer's evaluation rounds (leaders read them): the list with the form to open a
round, a round's page (its centers with their annual reports' summary, the progress, the
close, the announcement of the results and the results document), a center's page with the
form of its expert review, and the objections to the announced results with their
decisions."""
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.evaluation import (
    ActionForm,
    ObjectionDecisionForm,
    OpenRoundForm,
    PublishResultsForm,
    RateForm,
)
from workflow.calls.models import PlatformType
from workflow.core import storage
from workflow.core.clock import local, now
from workflow.evaluation import operations, queries
from workflow.evaluation.models import (
    ANNOUNCEMENT_LABELS,
    GRADE_LABELS,
    Evaluation,
    EvaluationObjection,
    EvaluationRound,
)
from workflow.evaluation.operations import results
from workflow.evaluation.rules import announcement_of, issue_problems, publication_problems
from workflow.evaluation.settings import EvaluationSettings
from workflow.lifecycle.permissions import can
from workflow.notices.models import DecisionDocument
from workflow.reports.queries import platform_types
from workflow.web.views.helpers import load_or_404, require
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("evaluation_rounds", __name__)


def _open_form(*, sent: bool = False) -> OpenRoundForm:
    """The form as sent, or empty with the default settings."""
    year = local(now()).year
    form = OpenRoundForm() if sent else OpenRoundForm(
        formdata=None, data={"year": year, **EvaluationSettings().to_json()})
    form.platform_type_id.choices = [(t.id, t.name) for t in platform_types()]
    return form


def _index_page(form=None, status: int = 200):
    return render_template("evaluation/rounds.html", lines=queries.rounds(),
                           form=form or _open_form(), labels=ANNOUNCEMENT_LABELS,
                           may_manage=can(current_user, "evaluation.manage")), status


@bp.get("/officer/evaluations")
@login_required
def index():
    require("evaluation.view")
    return _index_page()


@bp.post("/officer/evaluations")
@login_required
def open_round():
    require("evaluation.manage")
    form = _open_form(sent=True)
    if form.validate_on_submit():
        with unit_of_work() as work:
            row = operations.open_round(load_or_404(PlatformType, form.platform_type_id.data),
                                        form.year.data, settings=form.settings(),
                                        actor=current_user)
        if not work.failed:
            flash(_("The round is open: record each center's expert review."), "success")
            return redirect(url_for(".round_page", round_id=row.id))
    return _index_page(form, 422)


def _round_page(row: EvaluationRound, publish_form=None, status: int = 200):
    announcement = announcement_of(row)
    document = (load_or_404(DecisionDocument, row.results_document_id)
                if row.results_document_id else None)
    return render_template(
        "evaluation/round.html", row=row, announcement=announcement, document=document,
        summaries=queries.report_summaries([e.application_id for e in row.evaluations]),
        grade_labels=GRADE_LABELS, labels=ANNOUNCEMENT_LABELS, settings=row.typed_settings,
        publish_form=publish_form or PublishResultsForm(
            formdata=None, data={"workdays": 5, **results.default_texts(row)}),
        action_form=ActionForm(), may_manage=can(current_user, "evaluation.manage"),
        publication_problems=publication_problems(row), issue_problems=issue_problems(row),
        open_objections=queries.open_objection_count(announcement) if announcement else 0
    ), status


@bp.get("/officer/evaluations/<int:round_id>")
@login_required
def round_page(round_id: int):
    row = load_or_404(EvaluationRound, round_id)
    require("evaluation.view", row)
    return _round_page(row)


def _evaluation(round_id: int, evaluation_id: int) -> Evaluation:
    evaluation = load_or_404(Evaluation, evaluation_id)
    if evaluation.round_id != round_id:
        abort(404)
    return evaluation


def _center_page(evaluation: Evaluation, form=None, status: int = 200):
    summaries = queries.report_summaries([evaluation.application_id])
    return render_template(
        "evaluation/center.html", evaluation=evaluation, row=evaluation.round,
        years=summaries.get(evaluation.application_id, []), grade_labels=GRADE_LABELS,
        settings=evaluation.round.typed_settings,
        form=form or RateForm(formdata=None, obj=evaluation),
        may_rate=(can(current_user, "evaluation.manage")
                  and evaluation.round.status == "rating")), status


@bp.get("/officer/evaluations/<int:round_id>/centers/<int:evaluation_id>")
@login_required
def center(round_id: int, evaluation_id: int):
    require("evaluation.view")
    return _center_page(_evaluation(round_id, evaluation_id))


@bp.post("/officer/evaluations/<int:round_id>/centers/<int:evaluation_id>")
@login_required
def rate(round_id: int, evaluation_id: int):
    require("evaluation.manage")
    evaluation = _evaluation(round_id, evaluation_id)
    form = RateForm()
    if form.validate_on_submit():
        upload = form.report.data
        with unit_of_work() as work:
            operations.rate_center(
                evaluation, score=form.score.data, opinion=form.opinion.data,
                reviewer=form.reviewer.data, report_filename=getattr(upload, "filename", ""),
                report=upload.stream if upload else None, actor=current_user)
        if not work.failed:
            flash(_("Expert review recorded: %(grade)s.",
                    grade=GRADE_LABELS[evaluation.grade]), "success")
            return redirect(url_for(".round_page", round_id=round_id))
    return _center_page(evaluation, form, 422)


@bp.get("/officer/evaluations/<int:round_id>/centers/<int:evaluation_id>/report.pdf")
@login_required
def report(round_id: int, evaluation_id: int):
    require("evaluation.view")
    evaluation = _evaluation(round_id, evaluation_id)
    if evaluation.report_name is None:
        abort(404)
    try:
        data = storage.read_verified(storage.uploads_dir() / evaluation.report_name,
                                     evaluation.report_sha256)
    except storage.DamagedFile:
        abort(404)
    return send_file(BytesIO(data), mimetype="application/pdf",
                     download_name=evaluation.report_original or "report.pdf")


def _round_step(round_id: int, step, done: str):
    """Close, or issue the results document: one button, one operation, back to the page."""
    row = load_or_404(EvaluationRound, round_id)
    require("evaluation.manage", row)
    if ActionForm().validate_on_submit():
        with unit_of_work() as work:
            step(row, actor=current_user)
        if not work.failed:
            flash(done, "success")
    return redirect(url_for(".round_page", round_id=row.id))


@bp.post("/officer/evaluations/<int:round_id>/close")
@login_required
def close(round_id: int):
    return _round_step(round_id, operations.close_round,
                       _("The round is closed: announce its results."))


@bp.post("/officer/evaluations/<int:round_id>/issue")
@login_required
def issue(round_id: int):
    return _round_step(round_id, results.issue_results,
                       _("The results document is issued; the rectifications start."))


@bp.post("/officer/evaluations/<int:round_id>/publish")
@login_required
def publish(round_id: int):
    row = load_or_404(EvaluationRound, round_id)
    require("evaluation.manage", row)
    form = PublishResultsForm()
    if form.validate_on_submit():
        with unit_of_work() as work:
            results.publish_results(row, workdays=form.workdays.data, texts=form.texts(),
                                    actor=current_user)
        if not work.failed:
            flash(_("The results are announced."), "success")
            return redirect(url_for(".round_page", round_id=row.id))
    return _round_page(row, form, 422)


def _objections_page(row: EvaluationRound, forms=None, status: int = 200):
    announcement = announcement_of(row)
    if announcement is None:
        abort(404)
    rows = queries.objections_of(announcement)
    forms = forms or {}
    return render_template(
        "evaluation/objections.html", row=row, announcement=announcement, objections=rows,
        grade_labels=GRADE_LABELS, labels=ANNOUNCEMENT_LABELS,
        forms={o.id: forms.get(o.id) or ObjectionDecisionForm(formdata=None) for o in rows},
        may_manage=can(current_user, "evaluation.manage")), status


@bp.get("/officer/evaluations/<int:round_id>/objections")
@login_required
def objections(round_id: int):
    row = load_or_404(EvaluationRound, round_id)
    require("evaluation.view", row)
    return _objections_page(row)


@bp.post("/officer/evaluation-objections/<int:objection_id>/decide")
@login_required
def decide(objection_id: int):
    objection = load_or_404(EvaluationObjection, objection_id)
    require("evaluation.manage", objection)
    row = objection.announcement.round
    form = ObjectionDecisionForm()
    if form.validate_on_submit():
        with unit_of_work() as work:
            results.decide_objection(objection, outcome=form.outcome.data,
                                     reason=form.reason.data, grade=form.grade.data or None,
                                     actor=current_user)
        if not work.failed:
            flash(_("Objection %(receipt)s decided.", receipt=objection.receipt_no), "success")
            return redirect(url_for(".objections", round_id=row.id))
    return _objections_page(row, {objection.id: form}, 422)


@bp.get("/officer/evaluation-objections/<int:objection_id>/letter.pdf")
@login_required
def letter(objection_id: int):
    objection = load_or_404(EvaluationObjection, objection_id)
    require("evaluation.view", objection)
    if objection.letter_name is None:
        abort(404)
    try:
        data = storage.read_verified(storage.uploads_dir() / objection.letter_name,
                                     objection.letter_sha256)
    except storage.DamagedFile:
        abort(404)
    return send_file(BytesIO(data), mimetype="application/pdf",
                     download_name=f"{objection.receipt_no}.pdf")
