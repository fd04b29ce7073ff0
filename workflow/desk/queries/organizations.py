"""Units waiting for their verification, as the desks of officers and recommenders list them:
the queue of organizations.verification_queue (unverified, oldest first; a recommender sees
only the undisputed ones of its city), its first rows and counts in one statement."""
from flask_babel import gettext as _
from sqlalchemy import case, func, select

from workflow.core.extensions import db
from workflow.core.regions import city_name
from workflow.desk.queries.items import CAP, Item, Link
from workflow.organizations.models import Organization, OrgStatus
from workflow.organizations.queries import claim_disputed_sql


def waiting_units(*, city: str | None = None) -> tuple[list[Item], int, int]:
    """(the first CAP units, how many wait, how many of them are disputed)."""
    disputed = claim_disputed_sql()
    stmt = (select(Organization.id, Organization.name, Organization.credit_code,
                   Organization.region_code, Organization.created_at,
                   disputed.label("disputed"),
                   func.count().over().label("total_rows"),
                   func.sum(case((disputed, 1), else_=0)).over().label("disputed_rows"))
            .where(Organization.status == OrgStatus.UNVERIFIED)
            .order_by(Organization.created_at, Organization.id).limit(CAP))
    if city is not None:
        stmt = stmt.where(Organization.region_code == city, ~disputed)
    rows = db.session.execute(stmt).all()
    items = [Item(r.name, Link("organizations.review", {"org_id": r.id}), since=r.created_at,
                  detail=_("%(code)s, %(city)s", code=r.credit_code,
                           city=city_name(r.region_code)),
                  flag="disputed" if r.disputed else "") for r in rows]
    return items, (rows[0].total_rows if rows else 0), int(rows[0].disputed_rows if rows else 0)
