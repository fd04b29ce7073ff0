"""The region's recommender returns, recommends or declines a submitted application."""
from flask_babel import lazy_gettext as _l

from workflow.core.states import Action, AppState, Role
from workflow.lifecycle.handoffs import to_formal_review
from workflow.lifecycle.permissions import is_region_recommender
from workflow.lifecycle.registry import ActionSpec, register
from workflow.recommendation.rules import recommend_problems, recommender_deadline

S = AppState
register(ActionSpec(
    Action.RETURN, (S.SUBMITTED,), S.RETURNED, Role.RECOMMENDER, is_region_recommender,
    _l("Return for revision"), guard=recommender_deadline, needs_comment=True,
    tells_lead=_l("returned for revision")))
register(ActionSpec(
    Action.RECOMMEND, (S.SUBMITTED,), S.RECOMMENDED, Role.RECOMMENDER, is_region_recommender,
    _l("Recommend"), guard=recommend_problems, needs_comment=True,
    own_form="recommender.recommend", tells_lead=_l("recommended to the department"),
    hands_over=to_formal_review))
register(ActionSpec(
    Action.DECLINE, (S.SUBMITTED,), S.NOT_RECOMMENDED, Role.RECOMMENDER,
    is_region_recommender, _l("Decline"), guard=recommender_deadline, needs_comment=True,
    tells_lead=_l("not recommended")))
