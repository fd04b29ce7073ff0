"""The region's recommender returns, recommends or declines a submitted application."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workflow.core.states import Action, AppState, Role
from workflow.lifecycle.handoffs import beijing_time, to_formal_review
from workflow.lifecycle.permissions import is_region_recommender
from workflow.lifecycle.registry import ActionSpec, register
from workflow.recommendation.rules import recommend_problems, recommender_deadline


def revise_by(app) -> str:
    """The lead unit's next step after a return: revise and resubmit, while the recommender
    can still recommend."""
    deadline = app.call.recommend_deadline
    if deadline is None:
        return _("Revise the application and submit it again.")
    return _("Revise the application and submit it again before %(when)s (Beijing time), "
             "while the recommender can still recommend it.", when=beijing_time(deadline))


S = AppState
register(ActionSpec(
    Action.RETURN, (S.SUBMITTED,), S.RETURNED, Role.RECOMMENDER, is_region_recommender,
    _l("Return for revision"), guard=recommender_deadline, needs_comment=True,
    tells_lead=_l("returned for revision"), next_step=revise_by, in_bulk=True))
register(ActionSpec(
    Action.RECOMMEND, (S.SUBMITTED,), S.RECOMMENDED, Role.RECOMMENDER, is_region_recommender,
    _l("Recommend"), guard=recommend_problems, needs_comment=True,
    own_form="recommender.recommend", tells_lead=_l("recommended to the department"),
    hands_over=to_formal_review))
register(ActionSpec(
    Action.DECLINE, (S.SUBMITTED,), S.NOT_RECOMMENDED, Role.RECOMMENDER,
    is_region_recommender, _l("Decline"), guard=recommender_deadline, needs_comment=True,
    tells_lead=_l("not recommended"), in_bulk=True))
