"""The recommenders' actions along the call's chain (recommendation/levels.py): the level
holding a submitted application returns it to the lead unit or declines it; a county passes
it up to its city, which returns it to the county, declines it or recommends it; the chain's
last level (the city, or a department) recommends to the issuing department."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workflow.core.states import Action, AppState, Role
from workflow.lifecycle.handoffs import beijing_time, to_formal_review, to_recommenders
from workflow.lifecycle.registry import ActionSpec, register
from workflow.recommendation.levels import first_level, settings_of
from workflow.recommendation.operations import forget_county_pass
from workflow.recommendation.rules import (
    is_deciding_recommender,
    is_holding_recommender,
    is_passing_county,
    pass_up_problems,
    recommend_problems,
    recommender_deadline,
)


def revise_by(app) -> str:
    """The lead unit's next step after a return: revise and resubmit, while the recommender
    that returned it can still decide."""
    deadline = settings_of(app.call, first_level(app.call)).deadline
    if deadline is None:
        return _("Revise the application and submit it again.")
    return _("Revise the application and submit it again before %(when)s (Beijing time), "
             "while the recommender can still recommend it.", when=beijing_time(deadline))


S = AppState
register(ActionSpec(
    Action.RETURN, (S.SUBMITTED,), S.RETURNED, Role.RECOMMENDER, is_holding_recommender,
    _l("Return for revision"), guard=recommender_deadline, needs_comment=True,
    tells_lead=_l("returned for revision"), next_step=revise_by, in_bulk=True))
register(ActionSpec(
    Action.RECOMMEND, (S.SUBMITTED, S.COUNTY_PASSED), S.RECOMMENDED, Role.RECOMMENDER,
    is_deciding_recommender, _l("Recommend"), guard=recommend_problems, needs_comment=True,
    own_form="recommender.recommend", tells_lead=_l("recommended to the department"),
    hands_over=to_formal_review))
register(ActionSpec(
    Action.DECLINE, (S.SUBMITTED, S.COUNTY_PASSED), S.NOT_RECOMMENDED, Role.RECOMMENDER,
    is_holding_recommender, _l("Decline"), guard=recommender_deadline, needs_comment=True,
    tells_lead=_l("not recommended"), in_bulk=True))
register(ActionSpec(
    Action.PASS_UP, (S.SUBMITTED,), S.COUNTY_PASSED, Role.RECOMMENDER, is_passing_county,
    _l("Pass up to the city"), guard=pass_up_problems, needs_comment=True,
    own_form="recommender.pass_up", tells_lead=_l("passed up by the county to the city"),
    hands_over=to_recommenders))
register(ActionSpec(
    Action.RETURN_TO_COUNTY, (S.COUNTY_PASSED,), S.SUBMITTED, Role.RECOMMENDER,
    is_holding_recommender, _l("Return to the county"), guard=recommender_deadline,
    effect=forget_county_pass, needs_comment=True,
    tells_lead=_l("returned by the city to the county bureau"), hands_over=to_recommenders))
