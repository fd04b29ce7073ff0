"""A rolling call's decisions ("mature one, recognise one", DOMAIN.md section 12): the call
stays open all year and the department approves each application on its own, once the
leader has selected it (within the quota, as for a batch), with a numbered decision of
its own from the one number registry, rendered and stored like the other decision
documents (operations/decisions.py), instead of waiting for the call's batch notice."""
from flask_babel import gettext as _
from sqlalchemy import select

from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.states import Action, AppState
from workflow.intake.models import Application
from workflow.lifecycle.permissions import can
from workflow.lifecycle.transitions import transition
from workflow.notices.models import DecisionDocument, DecisionKind, decision_applications
from workflow.notices.operations.decisions import issue_decision
from workflow.notices.queries import fill
from workflow.notices.settings import (
    ONE_RECOGNITION_PARAGRAPHS,
    ONE_RECOGNITION_TITLE,
    notice_settings_of,
)


def recognition_of(app: Application) -> DecisionDocument | None:
    """The numbered decision that recognised `app` on its own, if any."""
    return db.session.scalar(
        select(DecisionDocument).join(decision_applications)
        .where(decision_applications.c.application_id == app.id,
               DecisionDocument.kind == DecisionKind.RECOGNITION).limit(1))


def recognise_guard(app: Application, actor) -> list[str]:
    """RECOGNISE_ONE: only in a rolling call, and only with the application's own numbered
    decision issued (`recognise_application` issues it first)."""
    if not app.call.rolling:
        return [_("This call decides as a batch: its applications are approved by the call's "
                  "notice.")]
    if recognition_of(app) is None:
        return [_("An application of a rolling call is approved by its own numbered decision, "
                  "issued from the call's notice page.")]
    return []


def waiting_for_recognition(call) -> list[Application]:
    """The selected applications of a rolling call that wait for their decision."""
    if not call.rolling:
        return []
    return list(db.session.scalars(
        select(Application).where(Application.call_id == call.id,
                                  Application.state == AppState.PROPOSED)
        .order_by(Application.submitted_at, Application.id)))


def recognitions(call) -> list[DecisionDocument]:
    """The decisions a rolling call issued so far, in the order of their numbers."""
    return list(db.session.scalars(
        select(DecisionDocument).where(DecisionDocument.call_id == call.id,
                                       DecisionDocument.kind == DecisionKind.RECOGNITION)
        .order_by(DecisionDocument.id)))


def recognise_application(app: Application, *, actor) -> DecisionDocument:
    """Approve one selected application of a rolling call on its own: issue its numbered
    decision (认定通知: the next number of the call's office code and year, the PDF stored
    once) and move it to approved (RECOGNISE_ONE, which tells its lead unit), while the
    call's other applications go on. Side effects: the number, the document, the state,
    audit rows, the notification; flushed. On a ServiceError the caller rolls back, which
    gives the number back (also when another officer recognised it a moment earlier)."""
    if not can(actor, Action.RECOGNISE_ONE, app) or not can(actor, "decision.issue"):
        raise PermissionDenied(Action.RECOGNISE_ONE)
    if not app.call.rolling:
        raise ServiceError(*recognise_guard(app, actor))
    if app.state != AppState.PROPOSED:
        raise ServiceError(_("Only an application the leadership has selected is recognised; "
                             "this one is not, or was recognised a moment ago."))
    settings, call = notice_settings_of(app.call), app.call
    values = {"agency": settings.agency, "platform": call.platform_type.name,
              "center": app.title, "unit": app.lead_org.name, "year": call.year}
    doc = issue_decision(
        DecisionKind.RECOGNITION, call=call, applications=[app], actor=actor,
        title=fill(ONE_RECOGNITION_TITLE, values), addressee=app.lead_org.name,
        paragraphs=[fill(p, values) for p in ONE_RECOGNITION_PARAGRAPHS],
        note=settings.note, cc=settings.cc)
    transition(app, Action.RECOGNISE_ONE, actor=actor, comment=doc.number.text)
    return doc
