"""What the statistics count: the scope a reader chooses (a range of call years and a platform
type), the stages of a call's funnel as the states an application has passed through once it
reached them, and who may read the public list of centers."""
from dataclasses import dataclass

from workflow.core.states import (
    CENTER_STATES,
    IN_PUBLICITY_STATES,
    NOTICE_ISSUED_STATES,
    UNFILED_STATES,
    AppState,
)
from workflow.lifecycle.permissions import grant

S = AppState

# The public list of centers and its open data: anyone, logged in or not.
grant("centers.public", lambda u, o=None: True, public=True)


@dataclass(frozen=True)
class Scope:
    """Calls of the years `year_from`..`year_to` (both included), of one platform type or of
    every type (None)."""

    year_from: int
    year_to: int
    platform_type_id: int | None = None


# A stage of the funnel is reached by an application now in any later state: an approved
# application was recommended, passed the formal review, was reviewed and announced.
_ANNOUNCED = IN_PUBLICITY_STATES | {S.APPROVAL_PENDING, S.REJECTED_AFTER_PUBLICITY} \
    | NOTICE_ISSUED_STATES
_REVIEWED = _ANNOUNCED | {S.REVIEWED, S.PROPOSED, S.NOT_SELECTED}
_FORMAL_PASSED = _REVIEWED | {S.FORMAL_PASSED, S.EXPERT_REVIEW}
_RECOMMENDED = _FORMAL_PASSED | {S.RECOMMENDED, S.CORRECTION_REQUESTED, S.FORMAL_REJECTED}
_APPLIED = frozenset(S) - UNFILED_STATES
FUNNEL_STAGES: tuple[tuple[str, frozenset], ...] = (
    ("applied", _APPLIED),
    ("recommended", _RECOMMENDED),
    ("formal_passed", _FORMAL_PASSED),
    ("reviewed", _REVIEWED),
    ("announced", _ANNOUNCED),
    ("approved", NOTICE_ISSUED_STATES),
)

# The states of a center after its notice, in the order of its years.
CENTER_STATUS_ORDER: tuple[AppState, ...] = (
    S.APPROVED, S.UNDER_CONSTRUCTION, S.OPERATING, S.RECTIFICATION, S.NOT_ACCEPTED, S.REVOKED)

# What the public list says of a center: being built, or operating. A rectification is the
# department's business until its evaluation round is announced, so it reads "operating".
PUBLIC_STATUS = {S.APPROVED: "under_construction", S.UNDER_CONSTRUCTION: "under_construction",
                 S.OPERATING: "operating", S.RECTIFICATION: "operating"}
assert set(PUBLIC_STATUS) == CENTER_STATES

# Lead units by the kind that sets the funding: enterprises, or universities and institutes.
ACADEMIC_KINDS = ("university", "institute")
