"""The centers on the desks: the change requests waiting for the officers' decision; and,
to reach their pages, a unit's own centers, a city's centers and, for the leaders, the centers in
rectification (the ones a revocation may follow). One statement each."""
from flask_babel import gettext as _
from sqlalchemy import select

from workflow.centers.models import (
    KIND_LABELS,
    PREPARATORY_MARK,
    PREPARATORY_STATES,
    Center,
    CenterChange,
    ChangeState,
)
from workflow.core.states import NOTICE_ISSUED_STATES, AppState
from workflow.desk.queries.items import Group, Item, Link, capped
from workflow.intake.models import Application
from workflow.organizations.models import Organization
from workflow.web.formatting import STATE_LABELS


def _name(row) -> str:
    return row.name + (PREPARATORY_MARK if row.state in PREPARATORY_STATES else "")


def changes_to_decide(user) -> Group:
    """Change requests of centers waiting for the department, the oldest first."""
    rows, total, partial = capped(
        select(CenterChange.id, CenterChange.kind, CenterChange.requested_at, Center.name,
               Application.state, Organization.name.label("unit"))
        .join(Center, CenterChange.center_id == Center.id)
        .join(Application, Center.application_id == Application.id)
        .join(Organization, Center.lead_org_id == Organization.id)
        .where(CenterChange.state == ChangeState.OPEN)
        .order_by(CenterChange.requested_at, CenterChange.id))
    return Group("center_changes", total, [
        Item(_name(r), Link("centers.change_detail", {"change_id": r.id}), since=r.requested_at,
             detail=_("%(kind)s · %(unit)s", kind=KIND_LABELS[r.kind], unit=r.unit))
        for r in rows], partial=partial)


def own_centers(user) -> Group:
    """The centers the user's unit leads, for their pages (nothing to do there as such)."""
    rows, total, partial = capped(
        select(Center.id, Center.name, Center.created_at, Application.state)
        .join(Application, Center.application_id == Application.id)
        .where(Center.lead_org_id == user.organization_id,
               Application.state.in_(NOTICE_ISSUED_STATES))
        .order_by(Center.id))
    return Group("own_centers", total, [
        Item(_name(r), Link("centers.detail", {"center_id": r.id}), since=r.created_at,
             detail=str(STATE_LABELS[r.state])) for r in rows], partial=partial, asks=False)


def rectifying(user) -> Group:
    """The centers in rectification, for the leaders: a failed rectification is a ground
    for revocation."""
    rows, total, partial = capped(
        select(Center.id, Center.name, Application.state, Application.updated_at,
               Organization.name.label("unit"))
        .join(Application, Center.application_id == Application.id)
        .join(Organization, Center.lead_org_id == Organization.id)
        .where(Application.state == AppState.RECTIFICATION).order_by(Center.id))
    return Group("centers_rectifying", total, [
        Item(_name(r), Link("centers.detail", {"center_id": r.id}), since=r.updated_at,
             detail=r.unit) for r in rows], partial=partial, asks=False)


def city_centers(user) -> Group:
    """The centers of the bureau's city, for their pages; those with change requests
    waiting for the department first."""
    waiting = (select(CenterChange.id).where(CenterChange.center_id == Center.id,
                                             CenterChange.state == ChangeState.OPEN)
               .exists())
    rows, total, partial = capped(
        select(Center.id, Center.name, Application.state, Organization.name.label("unit"))
        .join(Application, Center.application_id == Application.id)
        .join(Organization, Center.lead_org_id == Organization.id)
        .where(Application.region_code == user.organization.region_code,
               Application.state.in_(NOTICE_ISSUED_STATES))
        .order_by(waiting.desc(), Center.id))
    return Group("city_centers", total, [
        Item(_name(r), Link("centers.detail", {"center_id": r.id}),
             detail=f"{r.unit} · {STATE_LABELS[r.state]}") for r in rows],
        partial=partial, asks=False)
