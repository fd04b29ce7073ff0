"""The lead unit's filing actions: submit, withdraw, resubmit, and the expiry of drafts."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workflow.application_forms.operations import freeze_for
from workflow.core.clock import now
from workflow.core.extensions import db
from workflow.core.states import Action, AppState, Role
from workflow.core.verification_codes import new_code
from workflow.intake.models import Application, ApplicationVersion
from workflow.intake.operations import books
from workflow.intake.operations.intake import snapshot, submission_problems
from workflow.intake.rules import eligibility
from workflow.lifecycle.handoffs import to_recommenders
from workflow.lifecycle.permissions import is_lead_member, is_system
from workflow.lifecycle.registry import ActionSpec, register
from workflow.recommendation.rules import recommender_deadline


def submit_problems(app: Application, actor) -> list[str]:
    if not app.call.accepts_filings(now()):
        return [_("The filing window of this call has closed; applications can no longer be "
                  "submitted.")]
    return submission_problems(app) + eligibility.hard_failures(app)


def resubmit_problems(app: Application, actor) -> list[str]:
    return (recommender_deadline(app, actor) + submission_problems(app)
            + eligibility.hard_failures(app))


def expire_problems(app: Application, actor) -> list[str]:
    if now() < app.call.closes_at:
        return [_("The filing window is still open.")]
    return []


def record_version(app: Application, actor) -> None:
    """Effect of a submission: a frozen copy of what was filed, with its SHA-256 and the
    verification code its application book will print; the form it was filled in freezes
    (application_forms.operations.freeze_for)."""
    if app.submitted_at is None:
        app.submitted_at = now()
    freeze_for(app)
    app.version_count += 1
    frozen = snapshot(app)
    db.session.add(ApplicationVersion(
        application=app, number=app.version_count, snapshot=frozen,
        snapshot_sha256=books.snapshot_sha256(frozen), verification_code=new_code(),
        submitted_by_id=actor.id,
    ))


S = AppState
register(ActionSpec(
    Action.SUBMIT, (S.DRAFT,), S.SUBMITTED, Role.APPLICANT, is_lead_member, _l("Submit"),
    guard=submit_problems, effect=record_version, hands_over=to_recommenders))
register(ActionSpec(
    Action.EXPIRE, (S.DRAFT,), S.EXPIRED, Role.SYSTEM, is_system, _l("Expire"),
    guard=expire_problems,
    tells_lead=_l("closed unsubmitted: the call's filing window ended")))
register(ActionSpec(
    Action.WITHDRAW, (S.SUBMITTED,), S.WITHDRAWN, Role.APPLICANT, is_lead_member,
    _l("Withdraw")))
register(ActionSpec(
    Action.RESUBMIT, (S.RETURNED,), S.SUBMITTED, Role.APPLICANT, is_lead_member,
    _l("Resubmit"), guard=resubmit_problems, effect=record_version,
    hands_over=to_recommenders))
