"""The approval notice: issuing it approves the applications it lists."""
from flask_babel import lazy_gettext as _l

from workflow.core.states import Action, AppState, Role
from workflow.lifecycle.permissions import is_officer
from workflow.lifecycle.registry import ActionSpec, register
from workflow.notices import rules  # noqa: F401  (the decision documents' permissions)
from workflow.notices.operations.drafts import issue_guard
from workflow.notices.operations.rolling import recognise_guard

# The approval notice and the letter are stored first (notices/operations/issue.py).
register(ActionSpec(
    Action.ISSUE_NOTICE, (AppState.APPROVAL_PENDING,), AppState.APPROVED, Role.OFFICER,
    is_officer, _l("Issue notice"), guard=issue_guard, own_form="notices.issue"))
# A rolling call approves each selected application on its own, with its own numbered
# decision (notices/operations/rolling.py), taken on the call's notice page.
register(ActionSpec(
    Action.RECOGNISE_ONE, (AppState.PROPOSED,), AppState.APPROVED, Role.OFFICER, is_officer,
    _l("Recognise on its own"), guard=recognise_guard, own_form="notices.recognise",
    tells_lead=_l("approved by a numbered decision of its own")))
