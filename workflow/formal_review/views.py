"""The department's formal review: the queue of a call, the checklist of an application,
and the decision: pass, fail with reasons, or one consolidated correction request."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from forms.formal_review import CorrectionForm, DecisionForm, checklist_form, findings_of
from workflow.calls.models import Call
from workflow.core.states import FORMAL_REVIEW_STATES, Action
from workflow.formal_review.operations import checklist
from workflow.formal_review.operations import correction as formal_review
from workflow.intake.models import Application
from workflow.intake.rules import eligibility
from workflow.lifecycle.permissions import available_actions, can
from workflow.lifecycle.transitions import transition
from workflow.web.formatting import STATE_LABELS, local_time
from workflow.web.queries import lists as queries
from workflow.web.queries import refusals, search
from workflow.web.views.bulk import action_form, apply_ticked, kept_args
from workflow.web.views.helpers import load_or_404, require
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("formal_review", __name__, url_prefix="/officer")
BULK = (Action.PASS_FORMAL_REVIEW,)


QUEUE_FILTERS = ("q", "state", "page")


def _queue_page(call, form=None, status: int = 200):
    state, text = request.values.get("state"), search.clean(request.values.get("q"))
    state = state if state in FORMAL_REVIEW_STATES else None
    return render_template(
        "formal_review/queue.html", call=call, items=checklist.ensure_checklist(call),
        state=state, q=text, form=form or action_form(BULK, blank=True),
        page=queries.formal_review_queue(call, state=state, text=text,
                                         page=request.values.get("page", 1, type=int))), status


@bp.get("/calls/<int:call_id>/formal-review")
@login_required
def queue(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.formal_review_queue", call)
    return _queue_page(call)


@bp.post("/calls/<int:call_id>/formal-review")
@login_required
def bulk_pass(call_id: int):
    """Pass the formal review of the applications ticked whose checklist is all OK."""
    call = load_or_404(Call, call_id)
    require("call.formal_review_queue", call)
    return apply_ticked(
        action_form(BULK), select(Application).where(Application.call_id == call.id),
        relist=lambda form: _queue_page(call, form, 422),
        back=url_for(".queue", call_id=call.id, **kept_args(*QUEUE_FILTERS)))


def _page(app, *, form=None, decision_form=None, correction_form=None, status=200):
    items = checklist.ensure_checklist(app.call)
    review = checklist.review_of(app)
    offered = set(available_actions(app, current_user))
    return render_template(
        "formal_review/checklist.html", app=app, offered=offered,
        reviewing=can(current_user, "application.formal_review", app),
        form=form or checklist_form(items, review.findings),
        decision_form=decision_form or DecisionForm(formdata=None),
        correction_form=correction_form or CorrectionForm(
            formdata=None, data={"working_days": app.call.correction_workdays}),
        unchecked=checklist.unchecked_items(app), failed=checklist.failed_items(app),
        rounds_used=checklist.rounds_used(app), open_correction=checklist.open_correction(app),
        eligibility=eligibility.evaluate(app)), status


@bp.get("/applications/<int:app_id>/checklist")
@login_required
def checklist_page(app_id: int):
    app = load_or_404(Application, app_id)
    require("call.formal_review_queue", app.call)
    return _page(app)


@bp.post("/applications/<int:app_id>/checklist")
@login_required
def save_checklist(app_id: int):
    app = load_or_404(Application, app_id)
    require("application.formal_review", app)
    form = checklist_form(checklist.ensure_checklist(app.call), {}, formdata=request.form)
    if form.validate_on_submit():
        rest_ok = "rest_ok" in request.form
        with unit_of_work() as work:
            checklist.record_findings(app, findings_of(form, rest_ok=rest_ok),
                                      actor=current_user)
        if not work.failed:
            flash(_("Every item not marked “Not OK” is now OK: change the exceptions and "
                    "save.") if rest_ok else _("Checklist saved."), "success")
            return redirect(url_for(".checklist_page", app_id=app.id))
    return _page(app, form=form, status=422)


DECISIONS = "<any(pass_formal_review, fail_formal_review):action>"


@bp.post(f"/applications/<int:app_id>/checklist/{DECISIONS}")
@login_required
def decide(app_id: int, action: str):
    app = load_or_404(Application, app_id)
    if (why := refusals.action_too_late(app, action, current_user)) is not None:
        flash(why, "warning")
        return redirect(url_for(".queue", call_id=app.call_id))
    require(action, app)
    form = DecisionForm()
    if form.validate_on_submit():
        with unit_of_work() as work:
            transition(app, action, actor=current_user, comment=form.comment.data or "")
        if not work.failed:
            flash(_("Done: the application is now “%(state)s”.",
                    state=STATE_LABELS.get(app.state, app.state)), "success")
            return redirect(url_for(".queue", call_id=app.call_id))
    return _page(app, decision_form=form, status=422)


@bp.post("/applications/<int:app_id>/checklist/correction")
@login_required
def request_correction(app_id: int):
    app = load_or_404(Application, app_id)
    if (why := refusals.action_too_late(app, Action.REQUEST_CORRECTION, current_user)) is not None:
        flash(why, "warning")
        return redirect(url_for(".queue", call_id=app.call_id))
    require(Action.REQUEST_CORRECTION, app)
    form = CorrectionForm()
    if form.validate_on_submit():
        with unit_of_work() as work:
            row = formal_review.request_correction(app, working_days=form.working_days.data,
                                                   message=form.message.data or "",
                                                   actor=current_user)
        if not work.failed:
            flash(_("Corrections requested. The applicant has until %(deadline)s (Beijing "
                    "time).", deadline=local_time(row.deadline_at)), "success")
            return redirect(url_for(".checklist_page", app_id=app.id))
    return _page(app, correction_form=form, status=422)
