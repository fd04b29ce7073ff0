"""The approval notice: issuing it approves the applications it lists."""
from flask_babel import lazy_gettext as _l

from workflow.core.states import Action, AppState, Role
from workflow.lifecycle.permissions import is_officer
from workflow.lifecycle.registry import ActionSpec, register
from workflow.notices import rules  # noqa: F401  (the decision documents' permissions)
from workflow.notices.operations.drafts import issue_guard

# The approval notice and the letter are stored first (notices/operations/issue.py).
register(ActionSpec(
    Action.ISSUE_NOTICE, (AppState.APPROVAL_PENDING,), AppState.APPROVED, Role.OFFICER,
    is_officer, _l("Issue notice"), guard=issue_guard, own_form="notices.issue"))
