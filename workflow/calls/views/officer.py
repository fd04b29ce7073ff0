"""The department's pages: calls and their applications."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from forms.calls import CallForm
from workflow.calls.models import Call, PlatformType
from workflow.calls.operations import calls
from workflow.calls.operations.calls import DEFAULT_ATTACHMENTS
from workflow.core import reference
from workflow.core.clock import from_local, local
from workflow.core.extensions import db
from workflow.core.states import CALL_TRANSITIONS, AppState, CallState, Role
from workflow.intake.models import Application
from workflow.lifecycle import registry
from workflow.vocabulary import rules as vocabulary
from workflow.web.formatting import STATE_LABELS
from workflow.web.queries import consequences, search
from workflow.web.queries import lists as queries
from workflow.web.views.bulk import action_form, apply_ticked, kept_args
from workflow.web.views.confirm import unconfirmed
from workflow.web.views.helpers import flash_problems, load_or_404, require
from workflow.web.views.once import created, repeated
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("officer", __name__, url_prefix="/officer")


@bp.get("/calls")
@login_required
def call_list():
    require("call.list_applications")
    return render_template("calls/officer/call_list.html",
                           calls=queries.all_calls(current_user))


@bp.route("/calls/new", methods=["GET", "POST"])
@login_required
def call_new():
    require("call.manage")
    form = CallForm()
    form.fields.offer(vocabulary.choices())
    form.platform_type_id.choices = [
        (p.id, p.name) for p in db.session.scalars(select(PlatformType).order_by(PlatformType.id))
    ]
    form.offer_calls(queries.all_calls(current_user))
    if request.method == "GET" and not form.attachments.data:
        form.attachments.data = "\n".join(f"{c}: {label}" for c, label in DEFAULT_ATTACHMENTS)
    if form.validate_on_submit():
        if (answer := repeated(form, back=request.path)) is not None:
            return answer
        answer, error = created(form, lambda: calls.create_call(
                platform_type=db.session.get(PlatformType, form.platform_type_id.data),
                year=form.year.data, title=form.title.data,
                description=form.description.data or "",
                opens_at=from_local(form.opens_at.data), closes_at=from_local(form.closes_at.data),
                quota=form.quota.data, recommender_quota=form.recommender_quota.data,
                fields=vocabulary.terms_by_ids(form.fields.data),
                attachments=form.attachment_pairs(),
                recommend_deadline=(from_local(form.recommend_deadline.data)
                                    if form.recommend_deadline.data else None),
                correction_workdays=form.correction_workdays.data,
                correction_rounds=form.correction_rounds.data, **form.stage_data(),
                actor=current_user),
            path=lambda call: url_for(".call_applications", call_id=call.id),
            note=lambda call: _("Call created. Open it when the filing window should start."))
        if error is None:
            return answer
        flash_problems(error)
    return render_template("calls/officer/call_form.html",
                           form=form), 422 if request.method == "POST" else 200


@bp.post("/calls/<int:call_id>/advance/<target>")
@login_required
def call_advance(call_id: int, target: str):
    call = load_or_404(Call, call_id)
    require("call.manage", call)
    back = url_for(".call_applications", call_id=call.id)
    if target not in CallState.__members__.values():
        flash(_("There is no such call state."), "danger")
        return redirect(back)
    early = consequences.close_filing(call) if target == CallState.CLOSED else None
    if (page := unconfirmed(early, cancel=back)) is not None:
        return page
    with unit_of_work() as work:
        expired = calls.advance_call(call, CallState(target), actor=current_user)
    if not work.failed:
        flash(_advanced(call, expired), "success")
    return redirect(back)


def _advanced(call: Call, expired: int) -> str:
    note = _("The call is now “%(state)s”.", state=STATE_LABELS.get(call.state, call.state))
    if call.state == CallState.CLOSED:
        note += " " + _("Filing closed at %(when)s; %(n)d drafts expired and their units were "
                        "told.", when=local(call.closes_at).strftime("%Y-%m-%d %H:%M"),
                        n=expired)
    return note


LIST_FILTERS = ("q", "state", "city", "field", "page")


def _filters(call: Call) -> dict:
    """The list's filters, from the address or from the bulk form that carried them along.
    Unknown values are ignored rather than refused: a stale bookmark still opens."""
    args = request.values
    state, city, field_id = args.get("state"), args.get("city"), args.get("field", type=int)
    return {"q": search.clean(args.get("q")),
            "state": state if state in set(AppState) else None,
            "city": city if city in reference.cities() else None,
            "field": field_id if field_id in {f.id for f in call.fields} else None}


def _applications_page(call: Call, form=None, status: int = 200):
    filters = _filters(call)
    page = queries.call_applications(call, state=filters["state"], city=filters["city"],
                                     field_id=filters["field"], text=filters["q"],
                                     page=request.values.get("page", 1, type=int), per_page=25)
    return render_template("calls/officer/call_applications.html", call=call, page=page,
                           stats=queries.call_stats(call), filters=filters,
                           states=list(AppState),
                           form=form or action_form(registry.bulk_actions(Role.OFFICER),
                                                    blank=True),
                           next_state=CALL_TRANSITIONS.get(CallState(call.state))), status


@bp.get("/calls/<int:call_id>")
@login_required
def call_applications(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.list_applications", call)
    return _applications_page(call)


@bp.post("/calls/<int:call_id>/applications")
@login_required
def bulk_action(call_id: int):
    """An action on the applications ticked on the call's list (web/views/bulk.py)."""
    call = load_or_404(Call, call_id)
    require("call.list_applications", call)
    return apply_ticked(
        action_form(registry.bulk_actions(Role.OFFICER)),
        select(Application).where(Application.call_id == call.id),
        relist=lambda form: _applications_page(call, form, 422),
        back=url_for(".call_applications", call_id=call.id, **kept_args(*LIST_FILTERS)))
