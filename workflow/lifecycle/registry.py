"""Which guard and which effect belong to which action; the transition function reads this.

A guard returns the problems that stop the action (empty when it may go ahead); an effect
runs after the state is set, inside the same transaction. Both live in lifecycle/guards.py.
"""
from collections.abc import Callable

from workflow.core.states import Action
from workflow.lifecycle import guards
from workflow.notices.operations import drafts as notices

GUARDS: dict[Action, Callable] = {
    Action.SUBMIT: guards.submit,
    Action.RESUBMIT: guards.resubmit,
    Action.EXPIRE: guards.expire,
    Action.RETURN: guards.recommender_deadline,
    Action.DECLINE: guards.recommender_deadline,
    Action.RECOMMEND: guards.recommend,
    Action.REQUEST_CORRECTION: guards.request_correction,
    Action.PASS_FORMAL_REVIEW: guards.pass_formal_review,
    Action.RESUBMIT_CORRECTION: guards.resubmit_correction,
    Action.EXPIRE_CORRECTION: guards.expire_correction,
    Action.OPEN_REVIEW: guards.open_review,
    Action.CLOSE_REVIEW: guards.close_review,
    # The approval notice and the letter are stored first (notices/operations/issue.py).
    Action.ISSUE_NOTICE: notices.issue_guard,
    Action.SHORTLIST: guards.shortlist,
    Action.NOT_SELECT: guards.not_select,
    Action.RECONSIDER_SELECTION: guards.reconsider_selection,
    Action.PUBLISH_PUBLICITY: guards.publish_publicity,
    Action.END_PUBLICITY: guards.end_publicity,
    Action.RAISE_OBJECTION_REVIEW: guards.raise_objection_review,
    Action.DISMISS_OBJECTION: guards.decide_objection_review,
    Action.UPHOLD_OBJECTION: guards.decide_objection_review,
}

EFFECTS: dict[Action, Callable] = {
    Action.SUBMIT: guards.record_version,
    Action.RESUBMIT: guards.record_version,
    Action.RESUBMIT_CORRECTION: guards.answer_correction,
    Action.DISMISS_OBJECTION: guards.dismiss_objections,
    Action.UPHOLD_OBJECTION: guards.uphold_objections,
}

# Guards and effects called with the action's comment as well (keyword `comment`).
READS_COMMENT: frozenset[Action] = frozenset({
    Action.SHORTLIST, Action.DISMISS_OBJECTION, Action.UPHOLD_OBJECTION,
})
