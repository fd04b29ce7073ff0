"""A unit's own registration (its licences, its correction after a rejection) and what the
verification pages read: the queue, the other claims of a code, the unit's accounts and
history. The decisions themselves are in organizations/operations/verification.py."""
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import selectinload

from workflow.accounts.models.users import User, UserRole
from workflow.accounts.operations.accounts import claim_problem, region_of_unit
from workflow.core import audit, creditcode
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.pdf_check import CheckedPdf
from workflow.core.states import AppState
from workflow.intake.models import Application
from workflow.lifecycle import handoffs
from workflow.lifecycle.permissions import can
from workflow.organizations.models import Licence, Organization, OrgStatus
from workflow.organizations.operations import licences
from workflow.organizations.queries import claim_disputed_sql
from workflow.web.queries.lists import Page

# What a correction may change, with the name of each in an audit row.
REGISTERED_FIELDS = ("name", "credit_code", "region_code", "kind", "independent_legal_person",
                     "legal_representative")


def _require(actor, permission: str, org) -> None:
    if not can(actor, permission, org):
        raise PermissionDenied(permission)


def upload_licence(org: Organization, pdf: CheckedPdf, *, actor) -> Licence:
    """A new business licence of a unit waiting for its verification; the decision is taken
    on the newest one. Side effects: see licences.add_licence."""
    _require(actor, "organization.upload_licence", org)
    return licences.add_licence(org, pdf, actor=actor)


def correct_organization(org: Organization, *, org_name: str, credit_code: str,
                         region_code: str | None, kind: str, independent_legal_person: bool,
                         legal_representative: str, licence: CheckedPdf | None = None,
                         actor) -> None:
    """Correct a rejected unit's registration, with a new licence or without, and send it
    back to be verified. Refuses a code `claim_problem` refuses (a verified unit may hold it
    by now), and one `region_of_unit` cannot place.

    Side effects: the registered data; status unverified, the reason cleared; the city of
    the unit's drafts; the new licence; an audit row naming each change; the verifiers
    told; flushed."""
    _require(actor, "organization.correct", org)
    code = creditcode.normalize(credit_code)
    reason = claim_problem(code)
    if reason:
        raise ServiceError(reason)
    typed = {"name": org_name.strip(), "credit_code": code,
             "region_code": region_of_unit(code, region_code), "kind": kind,
             "independent_legal_person": bool(independent_legal_person),
             "legal_representative": legal_representative.strip()}
    changes = [f"{key}: {getattr(org, key)} → {typed[key]}" for key in REGISTERED_FIELDS
               if getattr(org, key) != typed[key]]
    for key in REGISTERED_FIELDS:
        setattr(org, key, typed[key])
    org.status, org.status_reason, org.decided_at = OrgStatus.UNVERIFIED, "", None
    # A unit that is not verified has drafts only; they go to the recommender of its city.
    db.session.execute(update(Application).where(
        Application.lead_org_id == org.id, Application.state == AppState.DRAFT,
    ).values(region_code=org.region_code).execution_options(synchronize_session="fetch"))
    audit.record(actor=actor, action="correct_organization", organization=org,
                 from_state=OrgStatus.REJECTED, to_state=OrgStatus.UNVERIFIED,
                 comment="; ".join(changes))
    if licence is not None:
        licences.add_licence(org, licence, actor=actor)
    db.session.flush()
    handoffs.to_verifiers(org, actor)


def unit_users(org: Organization, *, role=None) -> list[User]:
    """The active users of a unit, of one role when `role` is given."""
    stmt = select(User).where(User.organization_id == org.id, User.active)
    if role is not None:
        stmt = stmt.where(User.role_rows.any(UserRole.role == role))
    return list(db.session.scalars(stmt.order_by(User.id)))


def other_claims(org: Organization) -> list[Organization]:
    """The other registrations of the unit's credit code, oldest first."""
    return list(db.session.scalars(select(Organization).where(
        Organization.credit_code == org.credit_code, Organization.id != org.id,
    ).order_by(Organization.id)))


def history(org: Organization) -> list[AuditEntry]:
    """The audit rows about the unit: its registration, licences, corrections, decisions."""
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.organization_id == org.id).order_by(AuditEntry.at, AuditEntry.id)))


def verification_queue(*, city: str | None = None, text: str = "",
                       disputed_only: bool = False, page: int = 1, per_page: int = 25) -> Page:
    """The registrations waiting for a decision, oldest first, as (unit, disputed) pairs;
    with `city` (a recommender's) only the undisputed ones of that city. Three statements a
    page, whatever its length: the count, the rows, their licences."""
    disputed = claim_disputed_sql()
    stmt = select(Organization, disputed.label("disputed")).where(
        Organization.status == OrgStatus.UNVERIFIED)
    if city is not None:
        stmt = stmt.where(Organization.region_code == city, ~disputed)
    elif disputed_only:
        stmt = stmt.where(disputed)
    text = text.strip()
    if text:
        stmt = stmt.where(or_(Organization.name.icontains(text, autoescape=True),
                              Organization.credit_code.icontains(creditcode.normalize(text),
                                                                 autoescape=True)))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    page = min(max(1, page), max(1, -(-total // per_page)))
    rows = db.session.execute(
        stmt.options(selectinload(Organization.licences))
        .order_by(Organization.created_at, Organization.id)
        .limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=[(org, bool(flag)) for org, flag in rows], total=total, page=page,
                per_page=per_page)
