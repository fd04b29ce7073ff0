"""The recommender's pages: its region's applications per call with the quota left, the
recommendation form's route, and the summary sheet (推荐汇总表) as Excel and PDF."""
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.recommendation import RecommendForm
from workflow.calls.models import Call
from workflow.core.filenames import download_name
from workflow.core.states import Action, AppState, Role
from workflow.intake.models import Application
from workflow.intake.rules import eligibility
from workflow.lifecycle import registry
from workflow.lifecycle.permissions import can, visible_states
from workflow.recommendation import operations as recommendation
from workflow.recommendation.sheet import to_pdf, to_xlsx
from workflow.web.queries import lists as queries
from workflow.web.queries import refusals, search
from workflow.web.views.bulk import action_form, apply_ticked, kept_args
from workflow.web.views.context import detail_context
from workflow.web.views.helpers import load_or_404, require
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("recommender", __name__, url_prefix="/recommender")
SHEET_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _announced_call(call_id: int) -> Call:
    call = load_or_404(Call, call_id)
    require("recommender.queue")
    if not can(current_user, "call.view", call):
        abort(404)  # a planned call is not announced: do not confirm that it exists
    return call


@bp.get("")
@login_required
def index():
    require("recommender.queue")
    return render_template("recommendation/call_list.html",
                           calls=queries.recommender_calls(current_user.organization.region_code))


QUEUE_FILTERS = ("q", "state", "page")


def _rows(apps: list[Application]) -> list[tuple]:
    """(application, the state the recommender sees, its eligibility) of a page's rows."""
    results, states = eligibility.evaluate_many(apps), visible_states(apps, current_user)
    return [(app, states[app.id], results[app.id]) for app in apps]


def _queue_page(call: Call, form=None, status: int = 200):
    org, args = current_user.organization, request.values
    state, text = args.get("state"), search.clean(args.get("q"))
    state = state if state in set(AppState) else None
    shown = can(current_user, "application.read_selection", call)
    page = queries.recommender_queue(call, org.region_code, state=state, decisions_shown=shown,
                                     text=text, page=args.get("page", 1, type=int))
    return render_template(
        "recommendation/queue.html", call=call, state=state, q=text, page=page,
        rows=_rows(page.items),
        form=form or action_form(registry.bulk_actions(Role.RECOMMENDER), blank=True),
        counts=queries.states_of_region(call, org.region_code, decisions_shown=shown),
        quota_left=recommendation.quota_left(call, org.id),
        free_ranks=recommendation.free_ranks(call, org.id)), status


@bp.get("/calls/<int:call_id>")
@login_required
def queue(call_id: int):
    return _queue_page(_announced_call(call_id))


@bp.post("/calls/<int:call_id>")
@login_required
def bulk_action(call_id: int):
    """Return or decline the applications ticked, with one text of reasons for all."""
    call = _announced_call(call_id)
    return apply_ticked(
        action_form(registry.bulk_actions(Role.RECOMMENDER)),
        queries.region_applications(call, current_user.organization.region_code),
        relist=lambda form: _queue_page(call, form, 422),
        back=url_for(".queue", call_id=call.id, **kept_args(*QUEUE_FILTERS)))


@bp.get("/calls/<int:call_id>/sheet.<any(xlsx, pdf):fmt>")
@login_required
def sheet(call_id: int, fmt: str):
    call = _announced_call(call_id)
    require("call.recommendation_sheet", call)
    data = recommendation.summary_sheet(call, current_user.organization)
    body = to_xlsx(data) if fmt == "xlsx" else to_pdf(data)
    return send_file(BytesIO(body), mimetype=SHEET_TYPES[fmt], as_attachment=True,
                     download_name=download_name(current_user.organization.name + data.title,
                                                 suffix=f".{fmt}"), max_age=0)


@bp.post("/applications/<int:app_id>/recommend")
@login_required
def recommend(app_id: int):
    app = load_or_404(Application, app_id)
    if (why := refusals.action_too_late(app, Action.RECOMMEND, current_user)) is not None:
        flash(why, "warning")
        return redirect(url_for("applications.detail", app_id=app.id))
    require(Action.RECOMMEND, app)
    form = RecommendForm()
    if form.validate_on_submit():
        with unit_of_work() as work:
            row = recommendation.recommend_application(
                app, rank=form.rank.data, opinion=form.opinion.data, actor=current_user)
        if not work.failed:
            flash(_("Recommended at rank %(rank)d.", rank=row.rank), "success")
            return redirect(url_for("applications.detail", app_id=app.id))
    return render_template("intake/applications/detail.html",
                           **detail_context(app, recommend_form=form)), 422
