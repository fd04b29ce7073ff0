"""Pages anyone can read: the open calls."""
from flask import Blueprint, abort, render_template
from flask_login import current_user
from sqlalchemy import select

from workflow.calls.models import Call
from workflow.calls.stages import STAGE_LABELS
from workflow.core.extensions import db
from workflow.core.states import CallState
from workflow.intake.rules import eligibility
from workflow.lifecycle.permissions import can
from workflow.web.views.helpers import load_or_404

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    calls = db.session.scalars(
        select(Call).where(Call.state != CallState.PLANNED).order_by(Call.closes_at.desc())
    ).all()
    return render_template("calls/public/index.html", calls=calls)


@bp.get("/calls/<int:call_id>")
def call_detail(call_id: int):
    call = load_or_404(Call, call_id)
    if not can(current_user, "call.view", call):
        abort(404)  # a planned call is not announced: do not confirm that it exists
    unit_id = getattr(current_user, "organization_id", None)
    refused = (eligibility.prerequisite_problems(call, unit_id)
               if unit_id is not None and can(current_user, "call.apply", call) else [])
    return render_template("calls/public/call_detail.html", call=call,
                           stage=STAGE_LABELS.get(call.stage) if call.stage else None,
                           open_to=eligibility.prerequisite_label(call), refused=refused)
