"""Revocation of a center: a leader's decision with a reason (and a numbered document), taken
on the center's revocation page (operations.revoke_center records the decision first)."""
from flask_babel import lazy_gettext as _l

from workflow.centers import rules  # noqa: F401  (its permissions: center pages and changes)
from workflow.centers.operations import mark_revoked, revocation_step
from workflow.centers.rules import revoke_problems
from workflow.core.states import Action, AppState, Role
from workflow.lifecycle.permissions import is_leader
from workflow.lifecycle.registry import ActionSpec, register

S = AppState
register(ActionSpec(
    Action.REVOKE, (S.UNDER_CONSTRUCTION, S.OPERATING, S.RECTIFICATION), S.REVOKED, Role.LEADER,
    is_leader, _l("Revoke the center"), guard=revoke_problems, effect=mark_revoked,
    needs_comment=True, own_form="centers.revoke",
    tells_lead=_l("revoked by the decision of the department's leadership"),
    next_step=revocation_step))
