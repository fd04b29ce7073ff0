"""The desk of a department leader: calls with reviewed applications to select, objection
reviews to decide, and approval notices to sign."""
from flask_babel import ngettext
from sqlalchemy import and_, case, exists, func, select

from workflow.calls.models import Call
from workflow.core.states import IN_PUBLICITY_STATES, AppState
from workflow.departments.rules import calls_of
from workflow.desk.queries.items import Group, Item, Link, capped, capped_groups
from workflow.intake.models import Application
from workflow.notices.models import Notice
from workflow.publicity.models import Objection, Publicity, PublicityEntry


def selections(user) -> Group:
    """Per call, the reviewed applications waiting for the leader's selection."""
    count = func.count(Application.id)
    since = func.min(Application.updated_at)
    rows, total, partial = capped_groups(
        select(Call.id, Call.title, count.label("n"), since.label("since"))
        .select_from(Application).join(Call, Application.call_id == Call.id)
        .where(Application.state == AppState.REVIEWED, calls_of(user))
        .group_by(Call.id, Call.title).order_by(since, Call.id), count)
    return Group("selections", total, [
        Item(r.title, Link("selection.call_page", {"call_id": r.id}), since=r.since,
             detail=ngettext("%(num)d reviewed application to decide",
                             "%(num)d reviewed applications to decide", r.n))
        for r in rows], partial=partial)


def objection_reviews(user) -> Group:
    """Applications in objection review; one whose objections an officer has not handled yet
    waits for that first (objections.unhandled_problems)."""
    unhandled = exists().where(Objection.entry_id == PublicityEntry.id,
                               Objection.status == "open", Objection.handled_at.is_(None))
    rows, total, partial = capped(
        select(Application.id, Application.title, Call.title.label("call"),
               Publicity.id.label("publicity_id"), Application.updated_at,
               unhandled.label("unhandled"))
        .join(PublicityEntry, PublicityEntry.application_id == Application.id)
        .join(Publicity, PublicityEntry.publicity_id == Publicity.id)
        .join(Call, Application.call_id == Call.id)
        .where(Application.state == AppState.OBJECTION_REVIEW, calls_of(user))
        .order_by(case((unhandled, 1), else_=0), Application.updated_at, Application.id))
    return Group("objection_reviews", total, [
        Item(r.title, Link("publicity.objections_page", {"publicity_id": r.publicity_id}),
             since=r.updated_at, detail=r.call, flag="unhandled" if r.unhandled else "")
        for r in rows], partial=partial)


def notices(user) -> Group:
    """Calls whose applications all left the announcement and objection review, some of them
    waiting for approval, and whose notice no leader has signed
    (notices.draft_problems)."""
    pending = func.count(case((Application.state == AppState.APPROVAL_PENDING, 1)))
    waiting = func.count(case((Application.state.in_(IN_PUBLICITY_STATES), 1)))
    since = func.max(Application.updated_at)
    rows, total, partial = capped(
        select(Call.id, Call.title, pending.label("n"), since.label("since"))
        .select_from(Application).join(Call, Application.call_id == Call.id)
        .where(Application.state.in_([AppState.APPROVAL_PENDING, *IN_PUBLICITY_STATES]),
               ~exists().where(Notice.call_id == Call.id), calls_of(user))
        .group_by(Call.id, Call.title).having(and_(pending > 0, waiting == 0))
        .order_by(since, Call.id))
    return Group("notices_to_sign", total, [
        Item(r.title, Link("notices.notice_page", {"call_id": r.id}), since=r.since,
             detail=ngettext("%(num)d application to approve",
                             "%(num)d applications to approve", r.n))
        for r in rows], partial=partial)
