"""The department's formal review: corrections, pass or fail, and the correction deadline."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from workflow.core.clock import now
from workflow.core.extensions import db
from workflow.core.states import Action, AppState, Role
from workflow.formal_review.models import CorrectionRequest
from workflow.formal_review.operations import checklist
from workflow.intake.actions import record_version
from workflow.intake.models import Application
from workflow.intake.operations.intake import submission_problems
from workflow.lifecycle.handoffs import beijing_time, to_formal_review
from workflow.lifecycle.permissions import is_lead_member, is_officer, is_system
from workflow.lifecycle.registry import ActionSpec, register


def request_correction_problems(app: Application, actor) -> list[str]:
    if db.session.scalar(select(CorrectionRequest.id).where(
            CorrectionRequest.application_id == app.id,
            CorrectionRequest.answered_at.is_(None))) is None:
        return [_("Request corrections through the checklist.")]
    return []


def pass_problems(app: Application, actor) -> list[str]:
    problems = [_("Checklist item not checked: %(label)s", label=i.label)
                for i in checklist.unchecked_items(app)]
    problems += [_("Checklist item failed: %(label)s", label=i["label"])
                 for i in checklist.failed_items(app)]
    return problems


def resubmit_correction_problems(app: Application, actor) -> list[str]:
    correction = checklist.open_correction(app)
    if correction is None:
        return [_("There is no open correction request.")]
    if now() > correction.deadline_at:
        return [_("The correction deadline has passed.")]
    return submission_problems(app)


def expire_correction_problems(app: Application, actor) -> list[str]:
    correction = checklist.open_correction(app)
    if correction is None or now() <= correction.deadline_at:
        return [_("The correction deadline has not passed.")]
    return []


def correct_by(app: Application) -> str:
    """The lead unit's next step after a correction request: correct before its deadline."""
    correction = checklist.open_correction(app)
    if correction is None:
        return ""
    return _("Correct every listed item and submit the correction before %(when)s (Beijing "
             "time); after that the application is closed.",
             when=beijing_time(correction.deadline_at))


def answer_correction(app: Application, actor) -> None:
    """Effect of resubmitting corrections: the request is answered and a version recorded."""
    correction = db.session.scalar(select(CorrectionRequest).where(
        CorrectionRequest.application_id == app.id, CorrectionRequest.answered_at.is_(None)))
    correction.answered_at = now()
    record_version(app, actor)


S = AppState
register(ActionSpec(
    Action.REQUEST_CORRECTION, (S.RECOMMENDED,), S.CORRECTION_REQUESTED, Role.OFFICER,
    is_officer, _l("Request corrections"), guard=request_correction_problems,
    needs_comment=True, own_form="formal_review.request_correction",
    tells_lead=_l("asked for corrections"), next_step=correct_by))
register(ActionSpec(
    Action.RESUBMIT_CORRECTION, (S.CORRECTION_REQUESTED,), S.RECOMMENDED, Role.APPLICANT,
    is_lead_member, _l("Resubmit corrections"), guard=resubmit_correction_problems,
    effect=answer_correction, hands_over=to_formal_review))
register(ActionSpec(
    Action.EXPIRE_CORRECTION, (S.CORRECTION_REQUESTED,), S.FORMAL_REJECTED, Role.SYSTEM,
    is_system, _l("Correction deadline missed"), guard=expire_correction_problems,
    tells_lead=_l("closed: the correction deadline was missed")))
register(ActionSpec(
    Action.PASS_FORMAL_REVIEW, (S.RECOMMENDED,), S.FORMAL_PASSED, Role.OFFICER, is_officer,
    _l("Pass formal review"), guard=pass_problems,
    tells_lead=_l("passed the formal review"), in_bulk=True))
register(ActionSpec(
    Action.FAIL_FORMAL_REVIEW, (S.RECOMMENDED,), S.FORMAL_REJECTED, Role.OFFICER, is_officer,
    _l("Fail formal review"), needs_comment=True,
    tells_lead=_l("failed the formal review")))
