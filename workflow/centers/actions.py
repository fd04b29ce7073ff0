"""Revocation of a center: a leader's decision with a reason (and a numbered document)."""
from flask_babel import lazy_gettext as _l

from workflow.core.states import Action, AppState, Role
from workflow.lifecycle.permissions import is_leader
from workflow.lifecycle.registry import ActionSpec, register

S = AppState
register(ActionSpec(
    Action.REVOKE, (S.UNDER_CONSTRUCTION, S.OPERATING, S.RECTIFICATION), S.REVOKED, Role.LEADER,
    is_leader, _l("Revoke the center"), needs_comment=True,
    tells_lead=_l("Your center was revoked.")))
