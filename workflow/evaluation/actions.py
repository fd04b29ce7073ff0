"""Rectification: an operating center graded unqualified rectifies for a set period."""
from flask_babel import lazy_gettext as _l

from workflow.core.states import Action, AppState, Role
from workflow.evaluation import operations, rules
from workflow.lifecycle.permissions import is_officer
from workflow.lifecycle.registry import ActionSpec, register

S = AppState
register(ActionSpec(
    Action.START_RECTIFICATION, (S.OPERATING,), S.RECTIFICATION, Role.OFFICER, is_officer,
    _l("Order rectification"), needs_comment=True, guard=rules.start_problems,
    effect=operations.start_rectification,
    tells_lead=_l("Your center was graded unqualified and must rectify.")))
register(ActionSpec(
    Action.END_RECTIFICATION, (S.RECTIFICATION,), S.OPERATING, Role.OFFICER, is_officer,
    _l("Close rectification"), needs_comment=True, reads_comment=True,
    guard=rules.end_problems, effect=operations.end_rectification,
    tells_lead=_l("Your center's rectification was accepted: it operates again.")))
