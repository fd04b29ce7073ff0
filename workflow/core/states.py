"""States and the transition table of the whole lifecycle (DOMAIN.md section 3), as data.

`TRANSITIONS` is the only description of who may move an application from where to where.
`workflow.lifecycle.transitions.transition` is the only code that applies it.
"""
from dataclasses import dataclass
from enum import StrEnum


class CallState(StrEnum):
    PLANNED = "planned"
    OPEN = "open"
    CLOSED = "closed"
    REVIEWING = "reviewing"
    PUBLICITY = "publicity"
    DECIDED = "decided"
    ARCHIVED = "archived"


CALL_TRANSITIONS: dict[CallState, CallState] = {
    CallState.PLANNED: CallState.OPEN,
    CallState.OPEN: CallState.CLOSED,
    CallState.CLOSED: CallState.REVIEWING,
    CallState.REVIEWING: CallState.PUBLICITY,
    CallState.PUBLICITY: CallState.DECIDED,
    CallState.DECIDED: CallState.ARCHIVED,
}


class AppState(StrEnum):
    DRAFT = "draft"
    EXPIRED = "expired"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    RETURNED = "returned"
    RECOMMENDED = "recommended"
    NOT_RECOMMENDED = "not_recommended"
    CORRECTION_REQUESTED = "correction_requested"
    FORMAL_PASSED = "formal_passed"
    FORMAL_REJECTED = "formal_rejected"
    EXPERT_REVIEW = "expert_review"
    REVIEWED = "reviewed"
    PROPOSED = "proposed"
    NOT_SELECTED = "not_selected"
    PUBLICITY = "publicity"
    OBJECTION_REVIEW = "objection_review"
    APPROVAL_PENDING = "approval_pending"
    REJECTED_AFTER_PUBLICITY = "rejected_after_publicity"
    APPROVED = "approved"


class Role(StrEnum):
    APPLICANT = "applicant"  # a user of an organization: lead unit or co-builder
    RECOMMENDER = "recommender"
    OFFICER = "officer"
    LEADER = "leader"
    EXPERT = "expert"
    SYSTEM = "system"  # time-based transitions; never a login


class Action(StrEnum):
    SUBMIT = "submit"
    EXPIRE = "expire"
    WITHDRAW = "withdraw"
    RETURN = "return"
    RESUBMIT = "resubmit"
    RECOMMEND = "recommend"
    DECLINE = "decline"
    REQUEST_CORRECTION = "request_correction"
    RESUBMIT_CORRECTION = "resubmit_correction"
    EXPIRE_CORRECTION = "expire_correction"
    PASS_FORMAL_REVIEW = "pass_formal_review"
    FAIL_FORMAL_REVIEW = "fail_formal_review"
    OPEN_REVIEW = "open_review"
    CLOSE_REVIEW = "close_review"
    RECORD_DEFENSE = "record_defense"
    RECORD_SITE_VISIT = "record_site_visit"
    SHORTLIST = "shortlist"
    NOT_SELECT = "not_select"
    RECONSIDER_SELECTION = "reconsider_selection"
    PUBLISH_PUBLICITY = "publish_publicity"
    END_PUBLICITY = "end_publicity"
    RAISE_OBJECTION_REVIEW = "raise_objection_review"
    DISMISS_OBJECTION = "dismiss_objection"
    UPHOLD_OBJECTION = "uphold_objection"
    ISSUE_NOTICE = "issue_notice"


@dataclass(frozen=True)
class Transition:
    source: AppState
    action: Action
    target: AppState
    role: Role
    needs_comment: bool = False


S, A, R = AppState, Action, Role
TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.DRAFT, A.SUBMIT, S.SUBMITTED, R.APPLICANT),
    Transition(S.DRAFT, A.EXPIRE, S.EXPIRED, R.SYSTEM),
    Transition(S.SUBMITTED, A.WITHDRAW, S.WITHDRAWN, R.APPLICANT),
    Transition(S.SUBMITTED, A.RETURN, S.RETURNED, R.RECOMMENDER, needs_comment=True),
    Transition(S.RETURNED, A.RESUBMIT, S.SUBMITTED, R.APPLICANT),
    Transition(S.SUBMITTED, A.RECOMMEND, S.RECOMMENDED, R.RECOMMENDER, needs_comment=True),
    Transition(S.SUBMITTED, A.DECLINE, S.NOT_RECOMMENDED, R.RECOMMENDER, needs_comment=True),
    Transition(
        S.RECOMMENDED, A.REQUEST_CORRECTION, S.CORRECTION_REQUESTED, R.OFFICER,
        needs_comment=True,
    ),
    Transition(S.CORRECTION_REQUESTED, A.RESUBMIT_CORRECTION, S.RECOMMENDED, R.APPLICANT),
    Transition(S.CORRECTION_REQUESTED, A.EXPIRE_CORRECTION, S.FORMAL_REJECTED, R.SYSTEM),
    Transition(S.RECOMMENDED, A.PASS_FORMAL_REVIEW, S.FORMAL_PASSED, R.OFFICER),
    Transition(
        S.RECOMMENDED, A.FAIL_FORMAL_REVIEW, S.FORMAL_REJECTED, R.OFFICER, needs_comment=True
    ),
    Transition(S.FORMAL_PASSED, A.OPEN_REVIEW, S.EXPERT_REVIEW, R.OFFICER),
    Transition(S.EXPERT_REVIEW, A.CLOSE_REVIEW, S.REVIEWED, R.SYSTEM),
    Transition(S.REVIEWED, A.RECORD_DEFENSE, S.REVIEWED, R.OFFICER),
    Transition(S.REVIEWED, A.RECORD_SITE_VISIT, S.REVIEWED, R.OFFICER),
    Transition(S.REVIEWED, A.SHORTLIST, S.PROPOSED, R.LEADER),
    Transition(S.REVIEWED, A.NOT_SELECT, S.NOT_SELECTED, R.LEADER, needs_comment=True),
    # A decision can be taken back until the announcement is published (its guard).
    Transition(
        S.PROPOSED, A.RECONSIDER_SELECTION, S.REVIEWED, R.LEADER, needs_comment=True
    ),
    Transition(
        S.NOT_SELECTED, A.RECONSIDER_SELECTION, S.REVIEWED, R.LEADER, needs_comment=True
    ),
    Transition(S.PROPOSED, A.PUBLISH_PUBLICITY, S.PUBLICITY, R.OFFICER),
    Transition(S.PUBLICITY, A.END_PUBLICITY, S.APPROVAL_PENDING, R.SYSTEM),
    Transition(S.PUBLICITY, A.RAISE_OBJECTION_REVIEW, S.OBJECTION_REVIEW, R.SYSTEM),
    Transition(
        S.OBJECTION_REVIEW, A.DISMISS_OBJECTION, S.APPROVAL_PENDING, R.LEADER, needs_comment=True
    ),
    Transition(
        S.OBJECTION_REVIEW, A.UPHOLD_OBJECTION, S.REJECTED_AFTER_PUBLICITY, R.LEADER,
        needs_comment=True,
    ),
    Transition(S.APPROVAL_PENDING, A.ISSUE_NOTICE, S.APPROVED, R.OFFICER),
)

_BY_KEY = {(t.source, t.action): t for t in TRANSITIONS}

# States in which the lead unit may change the content of its application.
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
# States from which nothing leads on (for the lifecycle diagram and dashboards).
FINAL_STATES = frozenset(s for s in AppState if not any(t.source == s for t in TRANSITIONS))


def find_transition(source: AppState, action: Action) -> Transition | None:
    return _BY_KEY.get((AppState(source), Action(action)))


def actions_from(source: AppState) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source]
