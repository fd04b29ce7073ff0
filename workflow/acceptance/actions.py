"""The outcome of acceptance: passing makes the center an operating one. Both rest on the
acceptance panel's confirmed result and are recorded on the request's page; failing also
follows a deferral whose date to apply again passed, on the center's acceptance page
(acceptance/operations/outcomes.py)."""
from flask_babel import lazy_gettext as _l

from workflow.acceptance import rules  # noqa: F401  (its permissions, granted on import)
from workflow.acceptance.operations.outcomes import (
    fail_problems,
    outcome_problems,
    start_operating,
)
from workflow.core.states import Action, AppState, Role
from workflow.lifecycle.permissions import is_officer
from workflow.lifecycle.registry import ActionSpec, register

S = AppState
register(ActionSpec(
    Action.PASS_ACCEPTANCE, (S.UNDER_CONSTRUCTION,), S.OPERATING, Role.OFFICER, is_officer,
    _l("Pass acceptance"), reads_comment=True, guard=outcome_problems, effect=start_operating,
    own_form="acceptance.request_page",
    tells_lead=_l("Your center passed acceptance and is now operating.")))
register(ActionSpec(
    Action.FAIL_ACCEPTANCE, (S.UNDER_CONSTRUCTION,), S.NOT_ACCEPTED, Role.OFFICER, is_officer,
    _l("Fail acceptance"), needs_comment=True, guard=fail_problems,
    own_form="acceptance.request_page",
    tells_lead=_l("Your center did not pass acceptance.")))
