"""The desk of a recommender: per call, the applications waiting for its decision at its
level (a county's own queue, a city's with what its counties passed up), the places left in
its level's quota and its deadline; the units of its city waiting for their verification."""
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from workflow.calls.chains import Chain
from workflow.calls.models import Call
from workflow.core.clock import now
from workflow.core.states import AppState, CallState
from workflow.desk.queries.items import Group, Item, Link, capped_groups
from workflow.desk.queries.organizations import waiting_units
from workflow.intake.models import Application
from workflow.recommendation.models import CountyPass, Recommendation
from workflow.recommendation.queries import waiting_for
from workflow.recommendation.rules import is_county_unit


def _waiting_state(org, row) -> AppState:
    """The state the queue is filtered by: at a city of a county, city chain, what its
    counties passed up."""
    passed_up = row.recommendation_chain == Chain.COUNTY_CITY and not is_county_unit(org)
    return AppState.COUNTY_PASSED if passed_up else AppState.SUBMITTED


def to_decide(user) -> Group:
    """Calls with applications waiting for the recommender's decision that it can still act
    on (each level's actions stop at its deadline): a county bureau's own queue, a city's
    submitted applications and those its counties passed up (recommendation/queries.py)."""
    org = user.organization
    if is_county_unit(org):
        table, org_column = CountyPass, CountyPass.county_org_id
        quota, deadline = Call.county_quota, Call.county_deadline
    else:
        table, org_column = Recommendation, Recommendation.recommender_org_id
        quota, deadline = Call.recommender_quota, Call.recommend_deadline
    used = (select(table.call_id, func.count().label("used"))
            .where(org_column == org.id).group_by(table.call_id).subquery())
    waiting = func.count(Application.id)
    rows, total, partial = capped_groups(
        select(Call.id, Call.title, Call.recommendation_chain, quota.label("quota"),
               deadline.label("deadline"),
               waiting.label("waiting"), func.min(Application.submitted_at).label("since"),
               func.coalesce(func.max(used.c.used), 0).label("used"))
        .select_from(Application).join(Call, Application.call_id == Call.id)
        .outerjoin(used, used.c.call_id == Call.id)
        .where(waiting_for(org), Call.state != CallState.PLANNED,
               or_(deadline.is_(None), deadline > now()))
        .group_by(Call.id, Call.title, Call.recommendation_chain, quota, deadline)
        .order_by(deadline.asc().nulls_last(), func.min(Application.submitted_at), Call.id),
        waiting)
    return Group("to_decide", total, [
        Item(r.title, Link("recommender.queue", {"call_id": r.id,
                                                 "state": _waiting_state(org, r)}),
             deadline=r.deadline, since=r.since,
             detail=_("%(n)d to decide; %(left)d of %(quota)d places left in your quota",
                      n=r.waiting, left=max(0, r.quota - r.used), quota=r.quota),
             flag="" if r.quota > r.used else "quota_used")
        for r in rows], partial=partial)


def units(user) -> Group:
    """Units of the city waiting for their verification, undisputed (a dispute is the
    department's): organizations.verification_queue with the recommender's city."""
    items, total, _disputed = waiting_units(city=user.organization.region_code)
    return Group("units", total, items, partial=total > len(items))
