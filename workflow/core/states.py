"""States and the transition table of the whole lifecycle (DOMAIN.md section 3), as data.

Each action is declared once by its feature (workflow/<feature>/actions.py, registered in
workflow/lifecycle/registry.py), which fills `TRANSITIONS`.
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
    # Passed up by the county bureau in a county, city chain; the city decides next.
    COUNTY_PASSED = "county_passed"
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
    # After the notice (DOMAIN.md section 11): the years of a center.
    UNDER_CONSTRUCTION = "under_construction"  # task book signed, construction period runs
    OPERATING = "operating"  # passed acceptance
    RECTIFICATION = "rectification"  # graded unqualified, rectifying for a set period
    NOT_ACCEPTED = "not_accepted"  # failed acceptance
    REVOKED = "revoked"  # a leader's decision with a numbered document


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
    PASS_UP = "pass_up"
    RETURN_TO_COUNTY = "return_to_county"
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
    RECOGNISE_ONE = "recognise_one"
    SIGN_TASK_BOOK = "sign_task_book"
    PASS_ACCEPTANCE = "pass_acceptance"
    FAIL_ACCEPTANCE = "fail_acceptance"
    START_RECTIFICATION = "start_rectification"
    END_RECTIFICATION = "end_rectification"
    REVOKE = "revoke"


@dataclass(frozen=True)
class Transition:
    source: AppState
    action: Action
    target: AppState
    role: Role
    needs_comment: bool = False


S = AppState
# Filled by lifecycle.registry.register from the actions each feature declares
# (workflow/<feature>/actions.py); read it only after create_app.
TRANSITIONS: list[Transition] = []

# States in which the lead unit may change the content of its application.
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})


def find_transition(source: AppState, action: Action) -> Transition | None:
    source, action = AppState(source), Action(action)
    return next((t for t in TRANSITIONS if t.source == source and t.action == action), None)


def actions_from(source: AppState) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source]


# ---------------------------------------------------------------------------------------
# Named state groups. Each set of states the code tests against is named here, once, for
# what it means; two different sets never share a name. (EDITABLE_STATES is defined above,
# next to the transition table.)

# Live: neither withdrawn nor expired; a unit has at most one live application per call.
LIVE_STATES = frozenset(S) - {S.WITHDRAWN, S.EXPIRED}
# Applications never filed: drafts and expired drafts; leaders and experts never see them.
UNFILED_STATES = frozenset({S.DRAFT, S.EXPIRED})
# A co-builder may still confirm its share: the content can still change.
COBUILDING_CONFIRMABLE_STATES = frozenset({S.DRAFT, S.RETURNED, S.CORRECTION_REQUESTED})
# With the department's formal review.
FORMAL_REVIEW_STATES = frozenset({S.RECOMMENDED, S.CORRECTION_REQUESTED})
# The panel is being chosen or is at work: seats may change, conflicts are checked.
PANEL_FORMING_STATES = frozenset({S.FORMAL_PASSED, S.EXPERT_REVIEW})
# A seated expert may read the application: while the panel forms, works, and has finished.
PANEL_READABLE_STATES = PANEL_FORMING_STATES | {S.REVIEWED}
# Score sheets exist and count: the review has started or is done.
SCORED_STATES = frozenset({S.EXPERT_REVIEW, S.REVIEWED})
# Filed but before the end of the expert review: the call's review is not complete.
BEFORE_REVIEWED_STATES = FORMAL_REVIEW_STATES | PANEL_FORMING_STATES
# Still on the way to a selection decision: the announcement waits for them.
AWAITING_DECISION_STATES = BEFORE_REVIEWED_STATES | {S.REVIEWED}
# The leader's decision, kept inside the department until the announcement is published.
UNANNOUNCED_DECISION_STATES = frozenset({S.PROPOSED, S.NOT_SELECTED})
# Under public announcement: the notice and the approval wait for its outcome.
IN_PUBLICITY_STATES = frozenset({S.PUBLICITY, S.OBJECTION_REVIEW})
# Shortlisted and on: these count against the quota and take their field.
# A center (DOMAIN.md section 11): approved and neither failed nor revoked. It holds its
# field, is on the public list of centers and files annual reports.
CENTER_STATES = frozenset({S.APPROVED, S.UNDER_CONSTRUCTION, S.OPERATING, S.RECTIFICATION})
# The approval notice was issued for these: the lead unit keeps its notice and letter.
NOTICE_ISSUED_STATES = CENTER_STATES | {S.NOT_ACCEPTED, S.REVOKED}
# Past the task book: reporting every year against it.
REPORTING_STATES = frozenset({S.UNDER_CONSTRUCTION, S.OPERATING, S.RECTIFICATION})
SELECTED_STATES = frozenset({S.PROPOSED, *IN_PUBLICITY_STATES, S.APPROVAL_PENDING,
                             *NOTICE_ISSUED_STATES})

# Calls before their announcement: the department may still edit the review settings.
CALLS_BEFORE_PUBLICITY = frozenset({CallState.PLANNED, CallState.OPEN, CallState.CLOSED,
                                    CallState.REVIEWING})
# Calls still running, shown on the department's desk.
CALLS_RUNNING = CALLS_BEFORE_PUBLICITY | {CallState.PUBLICITY}
# Calls past filing and expert review: the leader's selection page is open.
CALLS_PAST_FILING = frozenset({CallState.REVIEWING, CallState.PUBLICITY, CallState.DECIDED,
                               CallState.ARCHIVED})
# Calls whose announcement is published (notices may be issued from here on).
CALLS_ANNOUNCED = frozenset({CallState.PUBLICITY, CallState.DECIDED, CallState.ARCHIVED})
# Calls whose regions are still recommending (the desk shows the recommendation deadline).
CALLS_RECOMMENDING = frozenset({CallState.CLOSED, CallState.REVIEWING})
# Calls whose notice may be drafted: announced and not yet archived.
CALLS_AWAITING_NOTICE = frozenset({CallState.PUBLICITY, CallState.DECIDED})
