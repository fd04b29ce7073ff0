"""A center's page (for its lead unit, its city, officers and leaders), the list of centers,
the lead unit's change requests, the officer's decision on them, and the leadership's
revocation on a page of its own."""
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.centers import DecisionForm, RevocationForm, change_form
from workflow.centers import operations, queries, rules
from workflow.centers.models import (
    KIND_LABELS,
    REASON_LABELS,
    Center,
    CenterChange,
    ChangeKind,
    ChangeState,
)
from workflow.core.states import NOTICE_ISSUED_STATES, Action, AppState
from workflow.evaluation.models import GRADE_LABELS
from workflow.evaluation.queries import published_grades
from workflow.lifecycle.permissions import can
from workflow.web.formatting import STATE_LABELS
from workflow.web.queries import search
from workflow.web.views.confirm import unconfirmed
from workflow.web.views.helpers import load_or_404, require
from workflow.web.views.once import created, repeated
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("centers", __name__)
KINDS = "<any(name, lead_unit, director, cobuilders):kind>"
# The list's filters, in the order a center lives them.
LISTED_STATES = (AppState.APPROVED, AppState.UNDER_CONSTRUCTION, AppState.OPERATING,
                 AppState.RECTIFICATION, AppState.NOT_ACCEPTED, AppState.REVOKED)


@bp.get("/centers/list")
@login_required
def index():
    require("center.list")
    state = request.args.get("state")
    state = state if state in NOTICE_ISSUED_STATES else None
    text = search.clean(request.args.get("q"))
    page = queries.centers_for(current_user, state=state, text=text,
                               page=request.args.get("page", 1, type=int))
    return render_template(
        "centers/center_list.html", page=page, state=state, q=text,
        states=LISTED_STATES,
        waiting=queries.open_change_counts([c.id for c in page.items]))


@bp.get("/centers/<int:center_id>")
@login_required
def detail(center_id: int):
    center = load_or_404(Center, center_id)
    require("center.view", center)
    app = center.application
    return render_template(
        "centers/center_detail.html", center=center, app=app,
        cobuilders=queries.current_cobuilders(center), changes=queries.history(center),
        revocation=rules.revocation_of(center), kinds=KIND_LABELS,
        related=queries.related(center),
        asks={kind: rules.request_problems(center, kind) for kind in ChangeKind}
        if can(current_user, "center.request_change", center) else None,
        may_revoke=can(current_user, Action.REVOKE, app) and rules.revocable(center),
        reason_labels=REASON_LABELS, grades=published_grades(app.id), grade_labels=GRADE_LABELS)


def _change_page(center: Center, kind: str, form, status: int = 200):
    return render_template("centers/change_form.html", center=center, kind=kind, form=form,
                           label=KIND_LABELS[kind],
                           cobuilders=queries.current_cobuilders(center)), status


@bp.get(f"/centers/<int:center_id>/changes/{KINDS}")
@login_required
def change_page(center_id: int, kind: str):
    center = load_or_404(Center, center_id)
    require("center.request_change", center)
    if problems := rules.request_problems(center, kind):
        for problem in problems:
            flash(problem, "warning")
        return redirect(url_for(".detail", center_id=center.id))
    return _change_page(center, kind, change_form(kind, queries.current_cobuilders(center)))


@bp.post(f"/centers/<int:center_id>/changes/{KINDS}")
@login_required
def request_change(center_id: int, kind: str):
    center = load_or_404(Center, center_id)
    require("center.request_change", center)
    form = change_form(kind, queries.current_cobuilders(center))
    back = url_for(".detail", center_id=center.id)
    if form.validate_on_submit():
        if (answer := repeated(form, back=back)) is not None:
            return answer
        answer, error = created(
            form, lambda: operations.request_change(center, form.change_request(),
                                                    actor=current_user),
            path=lambda row: url_for(".change_detail", change_id=row.id),
            note=lambda row: _("Your request is with the department; you will be told of its "
                               "decision."))
        if error is None:
            return answer
        form.reason.errors = [*form.reason.errors, *error.problems]
    return _change_page(center, kind, form, status=422)


@bp.get("/centers/changes")
@login_required
def queue():
    require("center.change_queue")
    return render_template("centers/change_queue.html", kinds=KIND_LABELS,
                           page=queries.waiting_changes(page=request.args.get("page", 1,
                                                                              type=int)))


def _decision_page(change: CenterChange, form=None, status: int = 200):
    return render_template(
        "centers/change_detail.html", change=change, center=change.center, kinds=KIND_LABELS,
        summary=operations.summary,
        form=form or (DecisionForm(formdata=None)
                      if can(current_user, "center_change.decide", change)
                      and change.state == ChangeState.OPEN else None)), status


@bp.get("/centers/changes/<int:change_id>")
@login_required
def change_detail(change_id: int):
    change = load_or_404(CenterChange, change_id)
    require("center_change.view", change)
    return _decision_page(change)


@bp.post("/centers/changes/<int:change_id>/decision")
@login_required
def decide(change_id: int):
    change = load_or_404(CenterChange, change_id)
    require("center_change.decide", change)
    form = DecisionForm()
    if form.validate_on_submit():
        with unit_of_work() as work:
            operations.decide_change(change, approve=form.decision.data == "approve",
                                     reason=form.reason.data, actor=current_user)
        if not work.failed:
            flash(_("Change approved: the center's record is changed.")
                  if form.decision.data == "approve" else _("Change refused."), "success")
            return redirect(url_for(".detail", center_id=change.center_id))
    return _decision_page(change, form, status=422)


@bp.get("/centers/changes/<int:change_id>/document")
@login_required
def change_document(change_id: int):
    change = load_or_404(CenterChange, change_id)
    require("center_change.view", change)
    data = operations.document_bytes(change)
    if data is None:
        abort(404)
    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=operations.document_download_name(change), max_age=0)


def _revocation_page(center: Center, form=None, status: int = 200):
    return render_template("centers/revoke.html", center=center, app=center.application,
                           form=form or RevocationForm(formdata=None),
                           waiting=queries.open_changes(center)), status


@bp.get("/centers/<int:center_id>/revoke")
@login_required
def revoke_page(center_id: int):
    center = load_or_404(Center, center_id)
    require(Action.REVOKE, center.application)
    if not rules.revocable(center):
        flash(_("This center cannot be revoked now: it is “%(state)s”.",
                state=STATE_LABELS.get(center.application.state)), "warning")
        return redirect(url_for(".detail", center_id=center.id))
    return _revocation_page(center)


@bp.post("/centers/<int:center_id>/revoke")
@login_required
def revoke(center_id: int):
    center = load_or_404(Center, center_id)
    require(Action.REVOKE, center.application)
    form = RevocationForm()
    back = url_for(".detail", center_id=center.id)
    if form.validate_on_submit():
        if (page := unconfirmed(queries.revocation_consequences(
                center, form.reason_kind.data, form.reason.data),
                cancel=url_for(".revoke_page", center_id=center.id))) is not None:
            return page
        if (answer := repeated(form, back=back)) is not None:
            return answer
        answer, error = created(
            form, lambda: operations.revoke_center(center, reason_kind=form.reason_kind.data,
                                                   reason=form.reason.data,
                                                   actor=current_user),
            path=back, note=lambda row: _("The center is revoked."))
        if error is None:
            return answer
        form.reason.errors = [*form.reason.errors, *error.problems]
    return _revocation_page(center, form, status=422)
