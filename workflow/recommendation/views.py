"""The recommender's pages: the applications it sees per call (its county's, what its
counties passed up, its city's, or its supervised units') with its level's quota left, the
recommendation and pass-up forms' routes, and the summary sheet (推荐汇总表) as Excel and PDF;
a call's chain of recommendation (the department's) and a unit's supervising department."""
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.recommendation import ChainForm, RecommendForm, SupervisorForm
from workflow.calls.chains import Chain
from workflow.calls.models import Call
from workflow.core import clock
from workflow.core.filenames import download_name
from workflow.core.states import Action, AppState, Role
from workflow.intake.models import Application
from workflow.intake.rules import eligibility
from workflow.lifecycle import registry
from workflow.lifecycle.permissions import can, visible_states
from workflow.recommendation import operations as recommendation
from workflow.recommendation import queries as levels
from workflow.recommendation.levels import last_level, settings_of
from workflow.recommendation.rules import unit_level
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
                           calls=queries.recommender_calls(
                               levels.seen_by(current_user.organization)))


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
    seen, level = levels.seen_by(org), unit_level(call, org) or last_level(call)
    page = queries.recommender_queue(call, seen, state=state, decisions_shown=shown,
                                     text=text, page=args.get("page", 1, type=int))
    return render_template(
        "recommendation/queue.html", call=call, state=state, q=text, page=page,
        rows=_rows(page.items),
        form=form or action_form(registry.bulk_actions(Role.RECOMMENDER), blank=True),
        counts=queries.states_of_region(call, seen, decisions_shown=shown),
        level=settings_of(call, level), quota_left=recommendation.quota_left(call, org.id, level),
        free_ranks=recommendation.free_ranks(call, org.id, level)), status


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
        queries.region_applications(call, levels.seen_by(current_user.organization)),
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


def _ranked_decision(app_id: int, action: Action, decide, done: str):
    """The recommendation form and the county's pass-up form: a rank within the level's
    quota and an opinion, through one operation; the application page with the errors."""
    app = load_or_404(Application, app_id)
    if (why := refusals.action_too_late(app, action, current_user)) is not None:
        flash(why, "warning")
        return redirect(url_for("applications.detail", app_id=app.id))
    require(action, app)
    form = RecommendForm()
    if form.validate_on_submit():
        with unit_of_work() as work:
            row = decide(app, rank=form.rank.data, opinion=form.opinion.data,
                         actor=current_user)
        if not work.failed:
            flash(done(row), "success")
            return redirect(url_for("applications.detail", app_id=app.id))
    return render_template("intake/applications/detail.html",
                           **detail_context(app, recommend_form=form)), 422


@bp.post("/applications/<int:app_id>/recommend")
@login_required
def recommend(app_id: int):
    return _ranked_decision(app_id, Action.RECOMMEND, recommendation.recommend_application,
                            lambda row: _("Recommended at rank %(rank)d.", rank=row.rank))


@bp.post("/applications/<int:app_id>/pass-up")
@login_required
def pass_up(app_id: int):
    """The county bureau passes an application up to its city (county, city chains)."""
    return _ranked_decision(app_id, Action.PASS_UP, recommendation.pass_up_application,
                            lambda row: _("Passed up to the city at rank %(rank)d.",
                                          rank=row.rank))


# The settings around the chain: the department's per call, the unit's own supervisor.
settings_bp = Blueprint("recommendation_settings", __name__)


def _chain_page(call: Call, form: ChainForm | None = None, status: int = 200):
    deadline = call.county_deadline
    form = form or ChainForm(formdata=None, data={
        "chain": call.recommendation_chain, "county_quota": call.county_quota,
        "county_deadline": clock.local(deadline).replace(tzinfo=None) if deadline else None})
    return render_template("recommendation/chain_form.html", call=call, form=form), status


@settings_bp.get("/officer/calls/<int:call_id>/recommendation-chain")
@login_required
def chain(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.manage", call)
    return _chain_page(call)


@settings_bp.post("/officer/calls/<int:call_id>/recommendation-chain")
@login_required
def save_chain(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.manage", call)
    form = ChainForm()
    if form.validate_on_submit():
        deadline = form.county_deadline.data
        with unit_of_work() as work:
            recommendation.set_chain(
                call, chain=Chain(form.chain.data), county_quota=form.county_quota.data,
                county_deadline=clock.from_local(deadline) if deadline else None,
                actor=current_user)
        if not work.failed:
            flash(_("Chain of recommendation saved."), "success")
            return redirect(url_for(".chain", call_id=call.id))
    return _chain_page(call, form, 422)


def _supervisor_page(form: SupervisorForm | None = None, status: int = 200):
    org = current_user.organization
    form = form or SupervisorForm(formdata=None,
                                  data={"supervisor_id": org.supervising_org_id or 0})
    form.offer(levels.provincial_departments())
    return render_template("recommendation/supervising_department.html", org=org,
                           form=form), status


@settings_bp.get("/organization/supervising-department")
@login_required
def supervisor():
    require("organization.supervising_department", current_user.organization)
    return _supervisor_page()


@settings_bp.post("/organization/supervising-department")
@login_required
def save_supervisor():
    org = current_user.organization
    require("organization.supervising_department", org)
    form = SupervisorForm()
    if form.validate_on_submit():
        with unit_of_work() as work:
            recommendation.name_supervising_department(org, form.supervisor_id.data or None,
                                                       actor=current_user)
        if not work.failed:
            flash(_("Supervising department saved."), "success")
            return redirect(url_for(".supervisor"))
    return _supervisor_page(form, 422)
