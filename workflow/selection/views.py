"""The leader's selection per call: the ranking with the quota counter; shortlist or do not
select each reviewed application, with a reason wherever that departs from the ranking; take a
decision back, with a reason, until the announcement is published."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.publicity import SelectionForm
from workflow.calls.models import Call
from workflow.intake.models import Application
from workflow.lifecycle.permissions import visible_state
from workflow.lifecycle.transitions import transition
from workflow.publicity import queries as publicity
from workflow.selection import operations as selection
from workflow.web.formatting import STATE_LABELS
from workflow.web.queries import search
from workflow.web.views.helpers import load_or_404, require
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("selection", __name__, url_prefix="/leader")


@bp.app_template_global("visible_state")
def visible_state_of(app: Application) -> str:
    """The state badge pages show: a decision stays internal until the announcement."""
    return visible_state(app, current_user)


@bp.get("/selection")
@login_required
def index():
    require("call.select")
    return render_template("selection/index.html", rows=selection.calls_to_select(current_user))


def _page(call: Call, *, failed: int | None = None, form=None, status: int = 200):
    text = search.clean(request.args.get("q"))
    shown = search.matching_application_ids(call.id, text) if text else None
    return render_template("selection/call.html", q=text,
                           board=selection.board(call, shown=shown,
                                                 page=request.args.get("page", 1, type=int)),
                           announcement=publicity.publicity_of(call),
                           form=SelectionForm(formdata=None), failed=failed,
                           failed_form=form), status


@bp.get("/calls/<int:call_id>/selection")
@login_required
def call_page(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.select", call)
    return _page(call)


@bp.post("/applications/<int:app_id>/<any(shortlist, not_select, reconsider_selection):action>")
@login_required
def decide(app_id: int, action: str):
    app = load_or_404(Application, app_id)
    require("call.select", app.call)
    require(action, app)
    form = SelectionForm()
    if form.validate_on_submit():
        with unit_of_work() as work:
            transition(app, action, actor=current_user, comment=form.reason.data or "")
        if not work.failed:
            flash(_("%(title)s: %(state)s.", title=app.title,
                    state=STATE_LABELS.get(app.state, app.state)), "success")
            return redirect(url_for(".call_page", call_id=app.call_id, _anchor=f"app-{app.id}"))
    return _page(app.call, failed=app.id, form=form, status=422)
