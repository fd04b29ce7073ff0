"""Read-side queries: paginated lists with a fixed number of SQL statements, and statistics."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from workflow.calendar.models import CalendarDay
from workflow.calls.models import Call, CallField
from workflow.core import regions
from workflow.core.extensions import db
from workflow.core.regions import city_name
from workflow.core.states import (
    FORMAL_REVIEW_STATES,
    UNANNOUNCED_DECISION_STATES,
    UNFILED_STATES,
    AppState,
    CallState,
)
from workflow.departments.rules import calls_of
from workflow.formal_review.models import FormalReview
from workflow.inbox.models import Notification
from workflow.intake.models import Application
from workflow.recommendation.models import Recommendation
from workflow.vocabulary.models import FieldTerm
from workflow.web.queries import search


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def window(self, around: int = 2) -> list[int | None]:
        """The page numbers a pager links: the first, the last and `around` on each side of
        the current one; None where pages are left out. A pager of 400 pages stays short."""
        kept = sorted({1, self.pages, *range(max(1, self.page - around),
                                             min(self.pages, self.page + around) + 1)})
        shown: list[int | None] = []
        for n in kept:
            if shown and n - shown[-1] == 2:
                shown.append(n - 1)  # a gap of one page: its link is as short as the dots
            elif shown and n - shown[-1] > 2:
                shown.append(None)
            shown.append(n)
        return shown


def paginate(stmt, *, page: int, per_page: int) -> Page:
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    page = min(max(1, page), max(1, -(-total // per_page)))
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items=items, total=total, page=page, per_page=per_page)


def page_of(rows: list, *, page: int, per_page: int) -> Page:
    """A page of a list built in Python (a ranking): the same Page as `paginate`."""
    page = min(max(1, page), max(1, -(-len(rows) // per_page)))
    return Page(items=rows[(page - 1) * per_page:page * per_page], total=len(rows), page=page,
                per_page=per_page)


def call_applications(call: Call, *, state=None, city=None, field_id=None, text="", page=1,
                      per_page=25) -> Page:
    """The officer's list, found by `text` (web/queries/search.py); lead unit and field are
    joined eagerly, so 2 queries per page."""
    stmt = select(Application).where(Application.call_id == call.id)
    if text:
        stmt = stmt.where(search.application_matches(text))
    if state:
        stmt = stmt.where(Application.state == state)
    if city:
        stmt = stmt.where(Application.region_code == city)
    if field_id:
        stmt = stmt.where(Application.field_id == field_id)
    stmt = stmt.order_by(Application.id)
    return paginate(stmt, page=page, per_page=per_page)


def organization_applications(org_id: int, *, text: str = "", page=1, per_page=25) -> Page:
    """A unit's own applications, newest first, found by `text` in their titles, their
    co-builders (web/queries/search.py) or the title of their call."""
    stmt = (select(Application).where(Application.lead_org_id == org_id)
            .order_by(Application.created_at.desc(), Application.id.desc()))
    if text:
        stmt = stmt.where(search.application_matches(text)
                          | Application.call.has(Call.title.icontains(text, autoescape=True)))
    return paginate(stmt, page=page, per_page=per_page)


def call_stats(call: Call) -> dict:
    """A call's platform type, stage, department and the department's region; counts of its
    applications by state, by city and by technical field."""
    def grouped(column):
        rows = db.session.execute(
            select(column, func.count()).where(Application.call_id == call.id).group_by(column)
        )
        return {key: n for key, n in rows}

    by_field_id = grouped(Application.field_id)
    names = dict(db.session.execute(
        select(CallField.id, FieldTerm.name).join(FieldTerm, CallField.term_id == FieldTerm.id)
        .where(CallField.call_id == call.id)
    ).all())
    by_city: dict[str, int] = {}
    for code, n in sorted(grouped(Application.region_code).items()):
        name = city_name(code)  # a county's applications count for its city
        by_city[name] = by_city.get(name, 0) + n
    department = call.department
    return {
        "call_id": call.id,
        "title": call.title,
        "year": call.year,
        "state": call.state,
        "platform_type": {"code": call.platform_type.code, "name": call.platform_type.name},
        "stage": call.stage or "",
        "rolling": call.rolling,
        "department": {"name": department.name, "office_code": department.office_code},
        "region": {"code": department.region_code,
                   "name": regions.name(department.region_code) or department.region_code},
        "total": sum(by_city.values()),
        "by_state": dict(sorted(grouped(Application.state).items())),
        "by_city": by_city,
        "by_field": {names.get(fid, "—"): n for fid, n in sorted(
            by_field_id.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))},
    }


def all_calls(user=None) -> list[Call]:
    """Every call, newest first; for an officer or a leader `user`, their department's."""
    return list(db.session.scalars(select(Call).where(calls_of(user))
                                   .order_by(Call.year.desc(), Call.id.desc())))


FILED = ~Application.state.in_([s.value for s in UNFILED_STATES])


def recommender_calls(seen) -> list[tuple[Call, int]]:
    """The announced calls, newest first, each with how many filed applications a recommender
    sees (`seen`: recommendation/queries.seen_by)."""
    filed = (select(Application.call_id, func.count().label("n"))
             .where(seen, FILED)
             .group_by(Application.call_id).subquery())
    return [(call, n or 0) for call, n in db.session.execute(
        select(Call, filed.c.n).outerjoin(filed, filed.c.call_id == Call.id)
        .where(Call.state != CallState.PLANNED).order_by(Call.year.desc(), Call.id.desc()))]


def _stored_states(state: str, decisions_shown: bool) -> list[str]:
    """The stored states a state filter matches: until the announcement, a decided application
    reads as reviewed to those outside the department (permissions.visible_state)."""
    if decisions_shown or state not in (AppState.REVIEWED, *UNANNOUNCED_DECISION_STATES):
        return [state]
    return [AppState.REVIEWED, *UNANNOUNCED_DECISION_STATES] if state == AppState.REVIEWED else []


def region_applications(call: Call, seen):
    """The filed applications of a call a recommender sees (a select; `seen`:
    recommendation/queries.seen_by)."""
    return select(Application).where(Application.call_id == call.id, seen, FILED)


def recommender_queue(call: Call, seen, *, state=None, decisions_shown: bool = True,
                      text: str = "", page: int = 1, per_page: int = 25) -> Page:
    """A page of the filed applications of a call a recommender sees, found by `text`
    (web/queries/search.py), sections and recommendation loaded (the eligibility check reads
    them)."""
    stmt = (region_applications(call, seen)
            .options(selectinload(Application.sections),
                     selectinload(Application.recommendation))
            .order_by(Application.submitted_at, Application.id))
    if state:
        stmt = stmt.where(Application.state.in_(_stored_states(state, decisions_shown)))
    if text:
        stmt = stmt.where(search.application_matches(text))
    return paginate(stmt, page=page, per_page=per_page)


def states_of_region(call: Call, seen, *,
                     decisions_shown: bool = True) -> dict[str, int]:
    counts: dict[str, int] = {}
    for state, n in db.session.execute(
            select(Application.state, func.count())
            .where(Application.call_id == call.id, seen, FILED)
            .group_by(Application.state)).all():
        hidden = not decisions_shown and state in UNANNOUNCED_DECISION_STATES
        shown = AppState.REVIEWED if hidden else state
        counts[shown] = counts.get(shown, 0) + n
    return counts


def formal_review_queue(call: Call, *, state=None, text: str = "", page: int = 1,
                        per_page: int = 50) -> Page:
    """Recommended applications and those asked for corrections, found by `text`
    (web/queries/search.py), with the officer's findings: a Page of (application, findings),
    by city and rank, in four statements."""
    states = [state] if state in FORMAL_REVIEW_STATES else list(FORMAL_REVIEW_STATES)
    stmt = (select(Application, FormalReview.findings)
            .outerjoin(FormalReview, FormalReview.application_id == Application.id)
            .outerjoin(Recommendation, Recommendation.application_id == Application.id)
            .where(Application.call_id == call.id, Application.state.in_(states)))
    if text:
        stmt = stmt.where(search.application_matches(text))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    page = min(max(1, page), max(1, -(-total // per_page)))
    rows = db.session.execute(
        stmt.options(selectinload(Application.recommendation),
                     selectinload(Application.corrections))
        .order_by(Application.region_code, Recommendation.rank, Application.id)
        .limit(per_page).offset((page - 1) * per_page))
    return Page(items=[(app, findings or {}) for app, findings in rows], total=total,
                page=page, per_page=per_page)


def notifications_of(user, *, page=1, per_page=25) -> Page:
    stmt = (select(Notification).where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc()))
    return paginate(stmt, page=page, per_page=per_page)


def calendar_entries(year: int, month: int) -> dict[date, CalendarDay]:
    """The officers' own entries of one month, by day."""
    first = date(year, month, 1)
    after = date(year + month // 12, month % 12 + 1, 1)
    return {row.day: row for row in db.session.scalars(
        select(CalendarDay).where(CalendarDay.day >= first, CalendarDay.day < after))}
