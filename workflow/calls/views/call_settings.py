"""The department's settings of a call beyond its creation: the recommendation deadline, the
correction period and rounds, the stage and prerequisite of a two-stage program, and the
eligibility rules, edited as data."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.calls import (
    CallSettingsForm,
    CallStageForm,
    ChecklistForm,
    eligibility_form,
    rules_of_form,
)
from workflow.calls.models import Call
from workflow.calls.operations import calls
from workflow.core import clock
from workflow.formal_review.operations import checklist
from workflow.intake.rules.eligibility import platform_types, rules_of, unasked
from workflow.web.queries.lists import all_calls
from workflow.web.views.helpers import load_or_404, require
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("call_settings", __name__, url_prefix="/officer")


def _settings_data(call: Call) -> dict:
    deadline = call.recommend_deadline
    return {"recommend_deadline": clock.local(deadline).replace(tzinfo=None) if deadline else None,
            "correction_workdays": call.correction_workdays,
            "correction_rounds": call.correction_rounds}


def _checklist_text(call: Call) -> str:
    return "\n".join(f"{i.code} | {i.label} | {i.scope}" for i in checklist.ensure_checklist(call))


def _stage_form(call: Call, formdata=None) -> CallStageForm:
    data = {"stage": call.stage, "rolling": call.rolling,
            "prerequisite_call_id": call.prerequisite_call_id or 0,
            "prerequisite_state": call.prerequisite_state or ""}
    return CallStageForm(formdata=formdata, data=data).offer_calls(all_calls(current_user),
                                                                   besides=call)


def _page(call: Call, *, rules_form=None, settings_form=None, checklist_form=None,
          stage_form=None, status=200):
    return render_template(
        "calls/officer/call_settings.html", call=call,
        stage_form=stage_form or _stage_form(call),
        checklist_form=checklist_form or ChecklistForm(formdata=None,
                                                       data={"items": _checklist_text(call)}),
        scopes=checklist.scope_labels(call), platform_types=platform_types(),
        rules_form=rules_form or eligibility_form(rules_of(call)),
        unasked=unasked(call),
        settings_form=settings_form or CallSettingsForm(formdata=None, data=_settings_data(call)),
    ), status


@bp.get("/calls/<int:call_id>/eligibility")
@login_required
def edit(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.edit_rules", call)
    return _page(call)


@bp.post("/calls/<int:call_id>/eligibility")
@login_required
def save_rules(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.edit_rules", call)
    form = eligibility_form(rules_of(call), formdata=request.form)
    if form.validate_on_submit():
        with unit_of_work() as work:
            calls.set_eligibility_rules(call, rules_of_form(form), actor=current_user)
        if not work.failed:
            flash(_("Eligibility rules saved."), "success")
            return redirect(url_for(".edit", call_id=call.id))
    return _page(call, rules_form=form, status=422)


@bp.post("/calls/<int:call_id>/settings")
@login_required
def save_settings(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.manage", call)
    form = CallSettingsForm()
    if form.validate_on_submit():
        deadline = form.recommend_deadline.data
        with unit_of_work(flash_errors=False) as work:
            calls.update_call_settings(
                call, recommend_deadline=clock.from_local(deadline) if deadline else None,
                correction_workdays=form.correction_workdays.data,
                correction_rounds=form.correction_rounds.data, actor=current_user)
        if work.failed:
            form.recommend_deadline.errors = list(work.error.problems)
        else:
            flash(_("Settings saved."), "success")
            return redirect(url_for(".edit", call_id=call.id))
    return _page(call, settings_form=form, status=422)


@bp.post("/calls/<int:call_id>/stage")
@login_required
def save_stage(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.manage", call)
    form = _stage_form(call, formdata=request.form)
    if form.validate_on_submit():
        with unit_of_work(flash_errors=False) as work:
            calls.set_call_stage(call, **form.stage_data(), actor=current_user)
        if work.failed:
            form.prerequisite_call_id.errors = list(work.error.problems)
        else:
            flash(_("Stage and prerequisite saved."), "success")
            return redirect(url_for(".edit", call_id=call.id, _anchor="stage"))
    return _page(call, stage_form=form, status=422)


@bp.post("/calls/<int:call_id>/checklist")
@login_required
def save_checklist(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.edit_rules", call)
    form = ChecklistForm()
    if form.validate_on_submit():
        with unit_of_work(flash_errors=False) as work:
            checklist.set_checklist(call, form.item_triples(), actor=current_user)
        if work.failed:
            form.items.errors = list(work.error.problems)
        else:
            flash(_("Checklist saved."), "success")
            return redirect(url_for(".edit", call_id=call.id, _anchor="checklist"))
    return _page(call, checklist_form=form, status=422)
