"""The expert review: opened by the department, closed when the panel is done."""
from flask_babel import lazy_gettext as _l

from workflow.core.states import Action, AppState, Role
from workflow.intake.models import Application
from workflow.lifecycle.handoffs import review_complete, to_panel
from workflow.lifecycle.permissions import is_officer, is_system
from workflow.lifecycle.registry import ActionSpec, register
from workflow.review.operations import results
from workflow.review.operations.assignment import panel_problems


def open_review_problems(app: Application, actor) -> list[str]:
    """The panel is complete: k accepted experts, one of them the chair, none excluded."""
    return panel_problems(app)


def close_review_problems(app: Application, actor) -> list[str]:
    """Every accepted seat submitted, no unresolved dispersion alarm, the chair confirmed."""
    return results.close_problems(app)


S = AppState
register(ActionSpec(
    Action.OPEN_REVIEW, (S.FORMAL_PASSED,), S.EXPERT_REVIEW, Role.OFFICER, is_officer,
    _l("Open expert review"), guard=open_review_problems,
    tells_lead=_l("sent to the expert review"), hands_over=to_panel, in_bulk=True))
register(ActionSpec(
    Action.CLOSE_REVIEW, (S.EXPERT_REVIEW,), S.REVIEWED, Role.SYSTEM, is_system,
    _l("Close expert review"), guard=close_review_problems, hands_over=review_complete))
register(ActionSpec(
    Action.RECORD_DEFENSE, (S.REVIEWED,), S.REVIEWED, Role.OFFICER, is_officer,
    _l("Record defense")))
register(ActionSpec(
    Action.RECORD_SITE_VISIT, (S.REVIEWED,), S.REVIEWED, Role.OFFICER, is_officer,
    _l("Record site visit")))
