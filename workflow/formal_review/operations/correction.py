"""Formal review by the department: the one consolidated correction request (一次性告知)."""
from flask_babel import gettext as _

from workflow.calendar import queries as calendar
from workflow.core.clock import now
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.states import Action
from workflow.formal_review.models import CorrectionRequest
from workflow.formal_review.operations.checklist import failed_items, rounds_used, unchecked_items
from workflow.intake.models import Application
from workflow.lifecycle.permissions import can
from workflow.lifecycle.transitions import transition


def request_correction(app: Application, *, working_days: int | None = None, actor,
                       message: str = "") -> CorrectionRequest:
    """Ask once for everything that failed, with a deadline in working days; rounds capped."""
    if not can(actor, Action.REQUEST_CORRECTION, app):
        raise PermissionDenied(Action.REQUEST_CORRECTION)
    items = failed_items(app)
    if not items:
        raise ServiceError(_("Mark the items to correct as failed in the checklist first."))
    if unchecked_items(app):
        raise ServiceError(_("Go through every checklist item first, so the applicant is told "
                             "everything at once."))
    if rounds_used(app) >= app.call.correction_rounds:
        raise ServiceError(_("The %(n)d correction round(s) of this call are used; pass or fail "
                             "the application.", n=app.call.correction_rounds))
    days = app.call.correction_workdays if working_days is None else working_days
    if not 1 <= days <= 60:
        raise ServiceError(_("The deadline must be 1 to 60 working days."))
    row = CorrectionRequest(application_id=app.id, round=rounds_used(app) + 1, items=items,
                            deadline_at=calendar.deadline_after(now(), days),
                            requested_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    lines = "\n".join(f"{n}. {i['label']}" + (f"：{i['note']}" if i["note"] else "")
                      for n, i in enumerate(items, 1))
    transition(app, Action.REQUEST_CORRECTION, actor=actor,
               comment=f"{message.strip()}\n{lines}".strip())
    return row
