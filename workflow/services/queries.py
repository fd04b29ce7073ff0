"""Read-side queries: paginated lists with a fixed number of SQL statements, and statistics."""
from dataclasses import dataclass

from sqlalchemy import func, select

from workflow.extensions import db
from workflow.models import Application, Call, CallField
from workflow.reference import CITIES


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def paginate(stmt, *, page: int, per_page: int) -> Page:
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    page = min(max(1, page), max(1, -(-total // per_page)))
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items=items, total=total, page=page, per_page=per_page)


def call_applications(call: Call, *, state=None, city=None, field_id=None, page=1,
                      per_page=25) -> Page:
    """The officer's list; lead unit and field are joined eagerly, so 2 queries per page."""
    stmt = select(Application).where(Application.call_id == call.id)
    if state:
        stmt = stmt.where(Application.state == state)
    if city:
        stmt = stmt.where(Application.region_code == city)
    if field_id:
        stmt = stmt.where(Application.field_id == field_id)
    stmt = stmt.order_by(Application.id)
    return paginate(stmt, page=page, per_page=per_page)


def organization_applications(org_id: int, *, page=1, per_page=25) -> Page:
    stmt = (select(Application).where(Application.lead_org_id == org_id)
            .order_by(Application.created_at.desc(), Application.id.desc()))
    return paginate(stmt, page=page, per_page=per_page)


def call_stats(call: Call) -> dict:
    """Counts of a call's applications by state, by city and by technical field."""
    def grouped(column):
        rows = db.session.execute(
            select(column, func.count()).where(Application.call_id == call.id).group_by(column)
        )
        return {key: n for key, n in rows}

    by_field_id = grouped(Application.field_id)
    names = dict(db.session.execute(
        select(CallField.id, CallField.name).where(CallField.call_id == call.id)
    ).all())
    by_city = grouped(Application.region_code)
    return {
        "call_id": call.id,
        "title": call.title,
        "year": call.year,
        "state": call.state,
        "total": sum(by_city.values()),
        "by_state": dict(sorted(grouped(Application.state).items())),
        "by_city": {CITIES.get(code, code): n for code, n in sorted(by_city.items())},
        "by_field": {names.get(fid, "—"): n for fid, n in sorted(
            by_field_id.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))},
    }


def all_calls() -> list[Call]:
    return list(db.session.scalars(select(Call).order_by(Call.year.desc(), Call.id.desc())))
