"""The department's signature of the task book starts the construction period."""
from flask_babel import lazy_gettext as _l

from workflow.core.states import Action, AppState, Role
from workflow.lifecycle.permissions import is_officer
from workflow.lifecycle.registry import ActionSpec, register

register(ActionSpec(
    Action.SIGN_TASK_BOOK, (AppState.APPROVED,), AppState.UNDER_CONSTRUCTION, Role.OFFICER,
    is_officer, _l("Sign the task book"),
    tells_lead=_l("The department signed your task book: construction has started.")))
