"""The public announcement: publish, end or raise to objection review, decide objections."""
from flask_babel import lazy_gettext as _l

from workflow.core.states import Action, AppState, Role
from workflow.intake.models import Application
from workflow.lifecycle.handoffs import notice_ready
from workflow.lifecycle.permissions import is_filed_leader, is_officer, is_system
from workflow.lifecycle.registry import ActionSpec, register
from workflow.publicity.operations import objections, publicity


def publish_problems(app: Application, actor) -> list[str]:
    """Applications enter publicity only as entries of their call's published announcement."""
    return publicity.listing_problems(app)


def end_problems(app: Application, actor) -> list[str]:
    return publicity.period_end_problems(app, objection_open=False)


def raise_objection_problems(app: Application, actor) -> list[str]:
    return publicity.period_end_problems(app, objection_open=True)


def decide_objection_problems(app: Application, actor, comment: str = "") -> list[str]:
    """The leader decides once the officer has recorded the handling of every open objection."""
    return objections.unhandled_problems(app)


def dismiss_objections(app: Application, actor, comment: str = "") -> None:
    objections.close_for_decision(app, "dismissed", comment=comment, actor=actor)


def uphold_objections(app: Application, actor, comment: str = "") -> None:
    objections.close_for_decision(app, "upheld", comment=comment, actor=actor)


def notice_may_follow(app: Application, actor) -> None:
    """After a decision on objections the call's notice may be ready to draft."""
    notice_ready(app.call, actor)


S = AppState
register(ActionSpec(
    Action.PUBLISH_PUBLICITY, (S.PROPOSED,), S.PUBLICITY, Role.OFFICER, is_officer,
    _l("Publish announcement"), guard=publish_problems, own_form="publicity.publish"))
register(ActionSpec(
    Action.END_PUBLICITY, (S.PUBLICITY,), S.APPROVAL_PENDING, Role.SYSTEM, is_system,
    _l("End announcement"), guard=end_problems,
    tells_lead=_l("cleared by the public announcement: the approval notice follows")))
# Neither the objector nor the objection is named: the leadership reviews it first.
register(ActionSpec(
    Action.RAISE_OBJECTION_REVIEW, (S.PUBLICITY,), S.OBJECTION_REVIEW, Role.SYSTEM, is_system,
    _l("Objection to review"), guard=raise_objection_problems,
    tells_lead=_l("objected to during the public announcement; the leadership reviews the "
                  "objection")))
# The objector is not named: the leader's reasons are the department's own words.
register(ActionSpec(
    Action.DISMISS_OBJECTION, (S.OBJECTION_REVIEW,), S.APPROVAL_PENDING, Role.LEADER,
    is_filed_leader, _l("Dismiss objection"), guard=decide_objection_problems,
    effect=dismiss_objections, needs_comment=True, reads_comment=True,
    tells_lead=_l("cleared: the objection was dismissed"), hands_over=notice_may_follow))
register(ActionSpec(
    Action.UPHOLD_OBJECTION, (S.OBJECTION_REVIEW,), S.REJECTED_AFTER_PUBLICITY, Role.LEADER,
    is_filed_leader, _l("Uphold objection"), guard=decide_objection_problems,
    effect=uphold_objections, needs_comment=True, reads_comment=True,
    tells_lead=_l("removed from the list: the objection was upheld"),
    hands_over=notice_may_follow))
