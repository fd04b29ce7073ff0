"""A call's own acceptance rubric (the default is acceptance/rules.py's)."""
from flask_babel import gettext as _
from sqlalchemy import select

from workflow.acceptance import queries
from workflow.acceptance.models import (
    AcceptanceRequest,
    AcceptanceRubric,
    AcceptanceSeat,
    AcceptanceSheet,
)
from workflow.core import audit
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.intake.models import Application
from workflow.lifecycle.permissions import can
from workflow.review.rules.rubric import validate_rubric


def rubric_in_use(call) -> bool:
    """An expert has saved a sheet of one of the call's acceptances: the rubric is fixed."""
    return db.session.scalar(
        select(AcceptanceSheet.id).join(AcceptanceSeat).join(AcceptanceRequest)
        .join(Application, AcceptanceRequest.application_id == Application.id)
        .where(Application.call_id == call.id).limit(1)) is not None


def set_rubric(call, rubric: dict, *, actor) -> AcceptanceRubric:
    """Keep `rubric` as the call's acceptance rubric (items summing to 100, codes unique),
    until a sheet scored with the current one exists. One audit row."""
    if not can(actor, "acceptance.manage", call):
        raise PermissionDenied("acceptance.manage")
    if problems := validate_rubric(rubric):
        raise ServiceError(*problems)
    if rubric_in_use(call):
        raise ServiceError(_("Experts have scored with this rubric: it can no longer change."))
    row = queries.rubric_row(call) or AcceptanceRubric(call_id=call.id)
    row.rubric, row.updated_by_id = rubric, actor.id
    db.session.add(row)
    audit.record(actor=actor, action="set_acceptance_rubric", call=call,
                 comment=f"sha256:{audit.content_sha256(rubric)}")
    db.session.flush()
    return row
