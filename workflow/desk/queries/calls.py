"""The officer's view of the running calls: for each, its next dated step (filing opens,
filing closes, the recommendation deadline, the end of the announcement) and the time left."""
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from workflow.calls.models import Call
from workflow.core.clock import now
from workflow.core.states import CALLS_RECOMMENDING, CALLS_RUNNING, CallState
from workflow.departments.rules import calls_of
from workflow.desk.queries.items import Group, Item, Link, capped
from workflow.publicity import queries as publicity
from workflow.publicity.models import Publicity
from workflow.web.formatting import STATE_LABELS


def next_step(call) -> tuple[str, datetime | None]:
    """What comes next for a call (a row with its dates and its announcement's last day),
    and when; None when the next step has no date."""
    if call.state == CallState.PLANNED:
        return _("Filing opens"), call.opens_at
    if call.state == CallState.OPEN:
        return _("Filing closes"), call.closes_at
    if call.state == CallState.PUBLICITY and call.end_date is not None:
        return _("The announcement ends"), publicity.ends_at(call)
    deadline = call.recommend_deadline
    recommending = call.state in CALLS_RECOMMENDING
    if recommending and deadline is not None and deadline > now():
        return _("Recommendation deadline"), deadline
    if call.state == CallState.REVIEWING and call.review_deadline is not None:
        return _("Score sheets due"), call.review_deadline
    return _("No dated step: %(state)s", state=STATE_LABELS[call.state]), None


def running_calls(user) -> Group:
    """Every call not decided yet, the nearest dated step first."""
    rows, total, partial = capped(
        select(Call.id, Call.title, Call.state, Call.opens_at, Call.closes_at,
               Call.recommend_deadline, Call.review_deadline, Publicity.end_date)
        .outerjoin(Publicity, Publicity.call_id == Call.id)
        .where(Call.state.in_(CALLS_RUNNING), calls_of(user))
        .order_by(Call.closes_at, Call.id))
    items = []
    for row in rows:
        step, when = next_step(row)
        items.append(Item(row.title, Link("officer.call_applications", {"call_id": row.id}),
                          deadline=when, detail=step))
    items.sort(key=lambda i: (i.deadline is None, i.deadline.timestamp() if i.deadline else 0))
    return Group("running_calls", total, items, asks=False, partial=partial)
