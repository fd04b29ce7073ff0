"""Two-stage programs (DOMAIN.md section 12): a call's stage, cultivation (培育) or
recognition (验收认定), or none for a single-stage program; and the states of a center a
call may require its applicants' units to hold."""
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from workflow.core.states import AppState


class CallStage(StrEnum):
    NONE = ""
    CULTIVATION = "cultivation"
    RECOGNITION = "recognition"


STAGE_LABELS = {
    CallStage.NONE: _l("Single stage"),
    CallStage.CULTIVATION: _l("Cultivation (培育)"),
    CallStage.RECOGNITION: _l("Recognition (验收认定)"),
}

# A call may be open only to units leading a center in one of these states.
PREREQUISITE_STATES = {
    AppState.APPROVED: _l("approved, before its task book"),
    AppState.UNDER_CONSTRUCTION: _l("under construction"),
    AppState.OPERATING: _l("operating"),
}
