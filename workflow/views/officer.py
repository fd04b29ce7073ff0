"""The department's pages: calls and their applications."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from forms.calls import CallForm
from workflow.clock import from_local
from workflow.extensions import db
from workflow.models import Call, PlatformType
from workflow.reference import CITIES
from workflow.services import calls, queries
from workflow.services.calls import DEFAULT_ATTACHMENTS
from workflow.services.errors import ServiceError
from workflow.states import CALL_TRANSITIONS, AppState, CallState
from workflow.views.helpers import flash_problems, load_or_404, require

bp = Blueprint("officer", __name__, url_prefix="/officer")


@bp.get("/calls")
@login_required
def call_list():
    require("call.list_applications")
    return render_template("officer/call_list.html", calls=queries.all_calls())


@bp.route("/calls/new", methods=["GET", "POST"])
@login_required
def call_new():
    require("call.manage")
    form = CallForm()
    form.platform_type_id.choices = [
        (p.id, p.name) for p in db.session.scalars(select(PlatformType).order_by(PlatformType.id))
    ]
    if request.method == "GET":
        form.attachments.data = "\n".join(f"{c}: {label}" for c, label in DEFAULT_ATTACHMENTS)
    if form.validate_on_submit():
        try:
            call = calls.create_call(
                platform_type=db.session.get(PlatformType, form.platform_type_id.data),
                year=form.year.data, title=form.title.data,
                description=form.description.data or "",
                opens_at=from_local(form.opens_at.data), closes_at=from_local(form.closes_at.data),
                quota=form.quota.data, recommender_quota=form.recommender_quota.data,
                fields=form.field_names(), attachments=form.attachment_pairs(),
                recommend_deadline=(from_local(form.recommend_deadline.data)
                                    if form.recommend_deadline.data else None),
                correction_workdays=form.correction_workdays.data,
                correction_rounds=form.correction_rounds.data, actor=current_user,
            )
        except ServiceError as error:
            flash_problems(error)
        else:
            db.session.commit()
            flash(_("Call created. Open it when the filing window should start."), "success")
            return redirect(url_for(".call_applications", call_id=call.id))
    return render_template("officer/call_form.html", form=form)


@bp.post("/calls/<int:call_id>/advance/<target>")
@login_required
def call_advance(call_id: int, target: str):
    call = load_or_404(Call, call_id)
    require("call.manage", call)
    if target not in CallState.__members__.values():
        flash(_("There is no such call state."), "danger")
        return redirect(url_for(".call_applications", call_id=call.id))
    try:
        calls.advance_call(call, CallState(target), actor=current_user)
    except ServiceError as error:
        flash_problems(error)
    else:
        db.session.commit()
    return redirect(url_for(".call_applications", call_id=call.id))


@bp.get("/calls/<int:call_id>")
@login_required
def call_applications(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.list_applications", call)
    # Unknown filter values are ignored rather than refused: a stale bookmark still opens.
    state = request.args.get("state")
    state = state if state in set(AppState) else None
    city = request.args.get("city")
    city = city if city in CITIES else None
    field_id = request.args.get("field", type=int)
    field_id = field_id if field_id in {f.id for f in call.fields} else None
    page = queries.call_applications(call, state=state, city=city, field_id=field_id,
                                     page=request.args.get("page", 1, type=int),
                                     per_page=25)
    return render_template("officer/call_applications.html", call=call, page=page,
                           stats=queries.call_stats(call),
                           filters={"state": state, "city": city, "field": field_id},
                           states=list(AppState),
                           next_state=CALL_TRANSITIONS.get(CallState(call.state)))
