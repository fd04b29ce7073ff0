"""The leader's selection: shortlist, do not select, and reconsider before the announcement."""
from flask_babel import lazy_gettext as _l

from workflow.core.states import Action, AppState, Role
from workflow.intake.models import Application
from workflow.lifecycle.handoffs import selection_complete
from workflow.lifecycle.permissions import can_reconsider_selection, is_filed_leader
from workflow.lifecycle.registry import ActionSpec, register
from workflow.selection import operations as selection


def shortlist_problems(app: Application, actor, comment: str | None = None) -> list[str]:
    """Quota, one center per field, and a reason for a departure from the ranking. Pages
    ask without a comment (None): the reason rule is then left to the moment of the action."""
    return selection.shortlist_problems(app, comment)


def decision_problems(app: Application, actor) -> list[str]:
    """A decision taken by mistake is taken back while it is still internal: once the
    announcement is published, the list is public and only the objection procedure changes it."""
    return selection.decision_problems(app)


S = AppState
register(ActionSpec(
    Action.SHORTLIST, (S.REVIEWED,), S.PROPOSED, Role.LEADER, is_filed_leader,
    _l("Shortlist"), guard=shortlist_problems, reads_comment=True,
    hands_over=selection_complete))
register(ActionSpec(
    Action.NOT_SELECT, (S.REVIEWED,), S.NOT_SELECTED, Role.LEADER, is_filed_leader,
    _l("Do not select"), guard=decision_problems, needs_comment=True,
    hands_over=selection_complete))
# A decision can be taken back until the announcement is published (its guard).
register(ActionSpec(
    Action.RECONSIDER_SELECTION, (S.PROPOSED, S.NOT_SELECTED), S.REVIEWED, Role.LEADER,
    can_reconsider_selection, _l("Reconsider"), guard=decision_problems, needs_comment=True))
