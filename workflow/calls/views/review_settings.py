"""The department's review settings and rubric of a call: each field shows why it is locked
once it is, and the server refuses what the page does not offer."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.review import (
    ReviewDeadlineForm,
    RubricForm,
    review_settings_form,
    rubric_form,
)
from workflow.calls.models import Call
from workflow.calls.operations import review_settings
from workflow.core.clock import local
from workflow.lifecycle.permissions import can
from workflow.review.rules.rubric import items, rubric_of
from workflow.web.views.helpers import load_or_404, require
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("review_settings", __name__, url_prefix="/officer")


def _page(call: Call, *, settings_form=None, rubric_form_=None, settings_problems=(),
          rubric_problems=(), deadline_form=None, status=200):
    rubric = rubric_of(call)
    deadline = call.review_deadline and local(call.review_deadline).date()
    return render_template(
        "calls/officer/review_settings.html", call=call, locks=review_settings.locks(call),
        deadline_form=deadline_form or ReviewDeadlineForm(formdata=None, deadline=deadline),
        editable=can(current_user, "call.edit_review_settings", call),
        settings_form=settings_form or review_settings_form(review_settings.current(call),
                                                            rubric),
        rubric_form=rubric_form_ or rubric_form(rubric), is_default=not call.rubric,
        rubric=rubric, total=sum(item["max"] for _d, item in items(rubric)),
        settings_problems=settings_problems, rubric_problems=rubric_problems), status


def _back(call: Call, anchor: str):
    return redirect(url_for(".edit", call_id=call.id, _anchor=anchor))


@bp.get("/calls/<int:call_id>/review-settings")
@login_required
def edit(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.review_settings", call)
    return _page(call)


@bp.post("/calls/<int:call_id>/review-settings")
@login_required
def save_settings(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.edit_review_settings", call)
    form = review_settings_form(review_settings.current(call), rubric_of(call), request.form)
    if not form.validate_on_submit():
        return _page(call, settings_form=form, status=422)
    with unit_of_work(flash_errors=False) as work:
        changed = review_settings.update_review_settings(call, form.settings(),
                                                         actor=current_user)
    if work.failed:
        return _page(call, settings_form=form, settings_problems=work.error.problems, status=422)
    flash(_("Review settings saved.") if changed else _("Nothing changed."), "success")
    return _back(call, "settings")


@bp.post("/calls/<int:call_id>/review-deadline")
@login_required
def save_deadline(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.edit_review_settings", call)
    form = ReviewDeadlineForm()
    if form.validate_on_submit():
        with unit_of_work(flash_errors=False) as work:
            changed = review_settings.set_review_deadline(call, form.deadline.data,
                                                          actor=current_user)
        if work.failed:
            form.deadline.errors = list(work.error.problems)
        else:
            flash(_("The experts' deadline is saved.") if changed else _("Nothing changed."),
                  "success")
            return _back(call, "deadline")
    return _page(call, deadline_form=form, status=422)


@bp.post("/calls/<int:call_id>/rubric")
@login_required
def save_rubric(call_id: int):
    """Save the posted rows, or with `add_rows` only give the form more blank rows."""
    call = load_or_404(Call, call_id)
    require("call.edit_review_settings", call)
    form = RubricForm()
    if "add_rows" in request.form:
        form.add_blank_rows()
        return _page(call, rubric_form_=form)
    if not form.validate_on_submit():
        return _page(call, rubric_form_=form, status=422)
    return _saved_rubric(call, form.rubric(), form)


@bp.post("/calls/<int:call_id>/rubric/reset")
@login_required
def reset_rubric(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.edit_review_settings", call)
    return _saved_rubric(call, None, None)


def _saved_rubric(call: Call, rubric: dict | None, form):
    with unit_of_work(flash_errors=False) as work:
        saved = review_settings.set_rubric(call, rubric, actor=current_user)
    if work.failed:
        return _page(call, rubric_form_=form, rubric_problems=work.error.problems, status=422)
    flash(_("Rubric saved.") if saved.changed else _("Nothing changed."), "success")
    if saved.dropped_tie_breaks:
        flash(_("Ties no longer break on %(codes)s, which the rubric does not have; choose "
                "the tie-breaks again.", codes=", ".join(saved.dropped_tie_breaks)), "warning")
    return _back(call, "rubric")
