"""The department's signature of the task book starts the construction period."""
from flask_babel import lazy_gettext as _l

from workflow.core.states import Action, AppState, Role
from workflow.lifecycle.permissions import is_officer
from workflow.lifecycle.registry import ActionSpec, register
from workflow.task_books import rules  # noqa: F401  (its permissions are granted there)
from workflow.task_books.operations import freeze_signed, sign_guard

register(ActionSpec(
    Action.SIGN_TASK_BOOK, (AppState.APPROVED,), AppState.UNDER_CONSTRUCTION, Role.OFFICER,
    is_officer, _l("Sign the task book"), guard=sign_guard, effect=freeze_signed,
    own_form="task_books.view",
    tells_lead=_l("The department signed your task book: construction has started.")))
