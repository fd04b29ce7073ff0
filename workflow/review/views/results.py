"""The department's review results: per call the progress of the sheets (with a reminder),
the panel results and their alarms, the later stages' scores, and the ranking with its
Excel download. Leaders read the ranking."""
from io import BytesIO

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from forms.review import StageScoreForm
from workflow.calls.models import Call
from workflow.core.errors import ServiceError
from workflow.core.extensions import db
from workflow.core.states import CallState
from workflow.departments.rules import calls_of
from workflow.intake.models import Application
from workflow.lifecycle.permissions import can
from workflow.review.operations import results
from workflow.review.ranking_sheet import to_xlsx
from workflow.web.queries import search
from workflow.web.queries.lists import page_of
from workflow.web.views.helpers import flash_problems, load_or_404, require
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("review_results", __name__)
RANKING_PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/results")
@login_required
def index():
    require("call.ranking")
    calls = db.session.scalars(select(Call).where(Call.state != CallState.PLANNED,
                                                  calls_of(current_user))
                               .order_by(Call.id.desc()))
    return render_template("review/results/call_list.html", calls=calls)


@bp.get("/officer/calls/<int:call_id>/results")
@login_required
def call_results(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.ranking", call)
    officer = can(current_user, "call.review_progress", call)
    text, args = search.clean(request.args.get("q")), request.args
    ranked = results.ranking(call)
    shown = search.matching_application_ids(call.id, text) if text else None
    ranking = page_of([r for r in ranked if shown is None or r.app.id in shown],
                      page=args.get("page", 1, type=int), per_page=RANKING_PER_PAGE)
    results.hydrate(ranking.items)
    return render_template(
        "review/results/call_results.html", call=call, officer=officer, q=text,
        progress=results.progress(call, text=text, page=args.get("progress_page", 1, type=int))
        if officer else None,
        ranking=ranking,
        stages=results.stage_columns(call, ranked), weighted=results.weighted_stages(call),
        stage_form=StageScoreForm(formdata=None))


@bp.post("/officer/calls/<int:call_id>/results/remind")
@login_required
def remind(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.review_progress", call)
    with unit_of_work() as work:
        sent = results.remind_missing(call, actor=current_user)
    if work.failed:
        return redirect(url_for(".call_results", call_id=call.id))
    flash(_("%(n)d reminder(s) sent.", n=sent), "success")
    return redirect(url_for(".call_results", call_id=call.id))


@bp.post("/officer/applications/<int:app_id>/stages/<any(defense, site_visit):stage>")
@login_required
def record_stage(app_id: int, stage: str):
    app = load_or_404(Application, app_id)
    require(results.STAGE_ACTIONS[stage], app)
    form = StageScoreForm()
    if form.validate_on_submit():
        with unit_of_work() as work:
            results.record_stage_score(app, stage, float(form.score.data), actor=current_user)
        if not work.failed:
            flash(_("Score recorded."), "success")
    else:
        for errors in form.errors.values():
            flash_problems(ServiceError(*errors))
    return redirect(url_for(".call_results", call_id=app.call_id))


@bp.get("/officer/calls/<int:call_id>/ranking.xlsx")
@login_required
def ranking_xlsx(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.ranking", call)
    if call.state == CallState.PLANNED:
        abort(404)
    rows = results.hydrate(results.ranking(call))
    return send_file(BytesIO(to_xlsx(call.title, rows)), mimetype=XLSX,
                     as_attachment=True, download_name=f"ranking-{call.id}.xlsx")
