"""The rectification page: the lead unit files its plan and its report, the officer returns
them with reasons, accepts the plan and records the re-evaluation."""
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.evaluation import RectificationDocumentForm, ReevaluationForm, ReturnForm
from workflow.core import storage
from workflow.evaluation import operations
from workflow.evaluation.models import GRADE_NAMES, STATUS_LABELS, Rectification
from workflow.lifecycle.permissions import can
from workflow.web.views.helpers import load_or_404, require
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("evaluation", __name__)


def _page(rect: Rectification, status: int = 200, **forms):
    return render_template(
        "evaluation/rectification.html", rect=rect, grades=GRADE_NAMES, statuses=STATUS_LABELS,
        document_form=forms.get("document_form") or RectificationDocumentForm(formdata=None),
        return_form=forms.get("return_form") or ReturnForm(formdata=None),
        reevaluation_form=forms.get("reevaluation_form") or ReevaluationForm(formdata=None),
        may_file=_may("rectification.file", rect),
        may_review=_may("rectification.review", rect)), status


def _may(name: str, rect: Rectification) -> bool:
    return can(current_user, name, rect)


def _load(rect_id: int, permission: str) -> Rectification:
    rect = load_or_404(Rectification, rect_id)
    require("rectification.view", rect)
    require(permission, rect)
    return rect


def _done(rect: Rectification, message: str):
    flash(message, "success")
    return redirect(url_for(".page", rect_id=rect.id))


@bp.get("/rectifications/<int:rect_id>")
@login_required
def page(rect_id: int):
    return _page(_load(rect_id, "rectification.view"))


@bp.post("/rectifications/<int:rect_id>/file")
@login_required
def file(rect_id: int):
    rect = _load(rect_id, "rectification.file")
    form = RectificationDocumentForm()
    operation = operations.file_plan if rect.status == "plan_due" else operations.file_report
    if form.validate_on_submit():
        upload = form.document.data
        with unit_of_work() as work:
            operation(rect, text=form.text.data, filename=getattr(upload, "filename", ""),
                      stream=upload.stream if upload else None, actor=current_user)
        if not work.failed:
            return _done(rect, _("Filed: the department reviews it."))
    return _page(rect, 422, document_form=form)


@bp.post("/rectifications/<int:rect_id>/return")
@login_required
def return_document(rect_id: int):
    rect = _load(rect_id, "rectification.review")
    form = ReturnForm()
    if form.validate_on_submit():
        with unit_of_work() as work:
            operations.return_document(rect, reason=form.reason.data, actor=current_user)
        if not work.failed:
            return _done(rect, _("Returned to the lead unit with your reasons."))
    return _page(rect, 422, return_form=form)


@bp.post("/rectifications/<int:rect_id>/accept")
@login_required
def accept(rect_id: int):
    rect = _load(rect_id, "rectification.review")
    with unit_of_work() as work:
        operations.accept_plan(rect, actor=current_user)
    if work.failed:
        return _page(rect, 422)
    return _done(rect, _("Plan accepted: the report is due at the end of the period."))


@bp.post("/rectifications/<int:rect_id>/reevaluate")
@login_required
def reevaluate(rect_id: int):
    rect = _load(rect_id, "rectification.review")
    form = ReevaluationForm()
    if form.validate_on_submit():
        with unit_of_work() as work:
            operations.reevaluate(rect.application, score=form.score.data,
                                  opinion=form.opinion.data, actor=current_user)
        if not work.failed:
            return _done(rect, _("Re-evaluation recorded."))
    return _page(rect, 422, reevaluation_form=form)


@bp.get("/rectifications/<int:rect_id>/<any(plan, report):kind>.pdf")
@login_required
def document(rect_id: int, kind: str):
    rect = _load(rect_id, "rectification.view")
    name, sha256 = getattr(rect, f"{kind}_name"), getattr(rect, f"{kind}_sha256")
    if name is None:
        abort(404)
    try:
        data = storage.read_verified(storage.uploads_dir() / name, sha256)
    except storage.DamagedFile:
        abort(404)
    return send_file(BytesIO(data), mimetype="application/pdf",
                     download_name=getattr(rect, f"{kind}_original") or f"{kind}.pdf")
