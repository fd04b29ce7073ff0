"""The desk of a city's recommender: per call, the applications of its city to decide, the
places left in its quota and the recommendation deadline; the units of its city waiting for
their verification. Only its own city (permissions.is_region_recommender)."""
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from workflow.calls.models import Call
from workflow.core.clock import now
from workflow.core.states import AppState, CallState
from workflow.desk.queries.items import Group, Item, Link, capped_groups
from workflow.desk.queries.organizations import waiting_units
from workflow.intake.models import Application
from workflow.recommendation.models import Recommendation


def to_decide(user) -> Group:
    """Calls with submitted applications of the city the recommender can still act on
    (return, decline and recommend all stop at the recommendation deadline)."""
    org = user.organization
    used = (select(Recommendation.call_id, func.count().label("used"))
            .where(Recommendation.recommender_org_id == org.id)
            .group_by(Recommendation.call_id).subquery())
    deadline, waiting = Call.recommend_deadline, func.count(Application.id)
    rows, total, partial = capped_groups(
        select(Call.id, Call.title, Call.recommender_quota, deadline.label("deadline"),
               waiting.label("waiting"), func.min(Application.submitted_at).label("since"),
               func.coalesce(func.max(used.c.used), 0).label("used"))
        .select_from(Application).join(Call, Application.call_id == Call.id)
        .outerjoin(used, used.c.call_id == Call.id)
        .where(Application.region_code == org.region_code,
               Application.state == AppState.SUBMITTED, Call.state != CallState.PLANNED,
               or_(deadline.is_(None), deadline > now()))
        .group_by(Call.id, Call.title, Call.recommender_quota, deadline)
        .order_by(deadline.asc().nulls_last(), func.min(Application.submitted_at), Call.id),
        waiting)
    return Group("to_decide", total, [
        Item(r.title, Link("recommender.queue", {"call_id": r.id, "state": AppState.SUBMITTED}),
             deadline=r.deadline, since=r.since,
             detail=_("%(n)d to decide; %(left)d of %(quota)d places left in your quota",
                      n=r.waiting, left=max(0, r.recommender_quota - r.used),
                      quota=r.recommender_quota),
             flag="" if r.recommender_quota > r.used else "quota_used")
        for r in rows], partial=partial)


def units(user) -> Group:
    """Units of the city waiting for their verification, undisputed (a dispute is the
    department's): organizations.verification_queue with the recommender's city."""
    items, total, _disputed = waiting_units(city=user.organization.region_code)
    return Group("units", total, items, partial=total > len(items))
