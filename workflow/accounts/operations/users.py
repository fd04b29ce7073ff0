"""User administration by officers (ASVS 5.0 V8): the list, accounts created by invitation,
roles given and taken, deactivation, the invitation sent again. Every change writes an audit
row about the user; nobody changes their own roles or status (separation of duties)."""
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from workflow.accounts.models.credentials import AccountToken
from workflow.accounts.models.users import User, UserRole
from workflow.accounts.operations import account_links, second_factor, sessions
from workflow.accounts.operations.accounts import create_user, find_organization
from workflow.core import audit
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.states import Role
from workflow.departments.rules import DEPARTMENT_ROLES
from workflow.lifecycle.permissions import can
from workflow.organizations.models import Organization, OrgKind
from workflow.organizations.operations import verification
from workflow.web.formatting import ROLE_LABELS
from workflow.web.queries.lists import Page, paginate

# Roles an officer gives and takes here; the expert role comes with the expert pool.
MANAGED_ROLES = (Role.OFFICER, Role.LEADER, Role.RECOMMENDER, Role.APPLICANT)
NEEDS_ORGANIZATION = frozenset({Role.RECOMMENDER, Role.APPLICANT})
STATUSES = ("active", "invited", "inactive")


def _require(actor, target: User | None = None) -> None:
    if not can(actor, "user.manage", target):
        raise PermissionDenied("user.manage")
    if target is not None and target.id == actor.id:
        raise ServiceError(_("Nobody changes their own account here: ask another officer."))


def user_page(*, text: str = "", role: str = "", status: str = "", page: int = 1,
              per_page: int = 25) -> Page:
    """Users by name, filtered: 3 statements (count, users with their unit, their roles)."""
    stmt = (select(User).outerjoin(Organization, User.organization_id == Organization.id)
            .options(selectinload(User.role_rows)))
    if text:
        stmt = stmt.where(or_(User.name.icontains(text, autoescape=True),
                              User.email.icontains(text, autoescape=True),
                              Organization.name.icontains(text, autoescape=True),
                              Organization.credit_code.icontains(text, autoescape=True)))
    if role:
        stmt = stmt.where(User.role_rows.any(UserRole.role == role))
    if status == "active":
        stmt = stmt.where(User.active, User.password_hash.is_not(None))
    elif status == "invited":
        stmt = stmt.where(User.active, User.password_hash.is_(None))
    elif status == "inactive":
        stmt = stmt.where(User.active.is_(False))
    return paginate(stmt.order_by(User.name, User.id), page=page, per_page=per_page)


@dataclass(frozen=True)
class NewUnit:
    """A body the department registers with its first account (a city bureau): used when no
    verified organization has the credit code given."""

    name: str = ""
    region_code: str = ""


def _organization_for(roles, credit_code: str, new_unit: NewUnit, *,
                      actor) -> Organization | None:
    if not set(roles) & NEEDS_ORGANIZATION:
        return None
    if not credit_code:
        raise ServiceError(_("Recommenders and applicants belong to a verified organization: "
                             "give the credit code of one."))
    org = find_organization(credit_code)
    if org is not None:
        return org
    kind = OrgKind.GOVERNMENT if Role.RECOMMENDER in roles else OrgKind.ENTERPRISE
    return verification.register_known_organization(
        name=new_unit.name, credit_code=credit_code, region_code=new_unit.region_code,
        kind=kind, actor=actor)


def invite_user(*, email: str, name: str, roles, credit_code: str = "", phone: str = "",
                new_unit: NewUnit = NewUnit(), language: str = "", actor) -> User:
    """Create an account without a password and mail its owner the invitation to set one,
    in `language` (also that of the user's later mails, until they choose; empty: the
    installation's); a recommender's body unknown so far is registered as verified with it
    (`new_unit`).
    Side effects: the user, the one-time link, the mail, audit rows; flushes."""
    _require(actor)
    roles = [Role(r) for r in roles]
    if not roles or not set(roles) <= set(MANAGED_ROLES):
        raise ServiceError(_("Choose at least one role."))
    organization = _organization_for(roles, (credit_code or "").strip(), new_unit,
                                     actor=actor)
    if language and language not in current_app.config["LANGUAGES"]:
        raise ServiceError(_("Choose a language of the list."))
    user = create_user(email=email, name=name, roles=roles, phone=phone, invited_by=actor,
                       organization=organization, locale=language or None)
    if set(roles) & DEPARTMENT_ROLES:  # an officer or leader joins the inviter's department
        user.department = getattr(actor, "department", None)
    account_links.invite(user, actor=actor)
    audit.record(actor=actor, action="create_user", subject=user,
                 comment=", ".join(sorted(str(r) for r in roles)))
    db.session.flush()
    return user


def grant_role(user: User, role: str, *, actor) -> None:
    """Give `user` a role (not one's own); recommenders and applicants need their unit. Ends
    the user's sessions: the role is used only after a new login, which asks for the second
    factor when the role requires one (an open session would use it without)."""
    _require(actor, user)
    role = Role(role)
    if role not in MANAGED_ROLES:
        raise ServiceError(_("This role is not given here."))
    if role in user.roles:
        raise ServiceError(_("%(name)s holds this role already.", name=user.name))
    if role in NEEDS_ORGANIZATION and (user.organization is None
                                       or not user.organization.is_verified):
        raise ServiceError(_("%(role)s needs a verified organization; this user has none.",
                             role=ROLE_LABELS[role]))
    user.role_rows.append(UserRole(role=role))
    if role in DEPARTMENT_ROLES and user.department is None:
        user.department = getattr(actor, "department", None)
    sessions.end_sessions(user, "roles")
    audit.record(actor=actor, action="grant_role", subject=user, comment=str(role))
    db.session.flush()


def revoke_role(user: User, role: str, *, actor) -> None:
    """Take a role from `user` (not from oneself); the last role cannot be taken: deactivate
    the account instead. Ends the user's sessions, so the change holds at once."""
    _require(actor, user)
    row = next((r for r in user.role_rows if r.role == role and Role(role) in MANAGED_ROLES),
               None)
    if row is None:
        raise ServiceError(_("%(name)s does not hold this role.", name=user.name))
    if len(user.role_rows) == 1:
        raise ServiceError(_("This is the user's only role: deactivate the account instead."))
    user.role_rows.remove(row)
    if not user.roles & DEPARTMENT_ROLES:  # only officers and leaders work for a department
        user.department = None
    sessions.end_sessions(user, "roles")
    audit.record(actor=actor, action="revoke_role", subject=user, comment=str(role))
    db.session.flush()


def set_user_active(user: User, active: bool, *, actor) -> None:
    """Deactivate (every session ends, no login, no mail links) or reactivate `user`."""
    _require(actor, user)
    if user.active == active:
        raise ServiceError(_("The account is already in that state."))
    user.active = active
    if not active:
        sessions.end_sessions(user, "deactivated")
    audit.record(actor=actor, action="activate_user" if active else "deactivate_user",
                 subject=user)
    db.session.flush()


def resend_invitation(user: User, *, actor) -> str:
    """A new invitation link (the old one stops working), mailed again."""
    _require(actor, user)
    if not user.active:
        raise ServiceError(_("Reactivate the account first."))
    return account_links.invite(user, actor=actor)


def reset_second_factor(user: User, *, actor) -> None:
    """Reset someone else's second factor (a lost phone): the user enrols again at the next
    login. Ends the user's sessions; one audit row."""
    _require(actor, user)
    if not user.has_totp:
        raise ServiceError(_("%(name)s has no second factor to reset.", name=user.name))
    second_factor.clear(user)
    sessions.end_sessions(user, "second_factor")
    audit.record(actor=actor, action="reset_second_factor", subject=user)
    db.session.flush()


@dataclass(frozen=True)
class InvitationState:
    sent_at: object
    expires_at: object
    used: bool


def invitation_state(user: User) -> InvitationState | None:
    row = db.session.scalar(select(AccountToken).where(
        AccountToken.user_id == user.id, AccountToken.purpose == account_links.ACTIVATE)
        .order_by(AccountToken.id.desc()).limit(1))
    if row is None:
        return None
    return InvitationState(row.created_at, row.expires_at, row.used_at is not None)


def count_by_status() -> dict[str, int]:
    rows = db.session.execute(select(
        func.count().filter(User.active, User.password_hash.is_not(None)),
        func.count().filter(User.active, User.password_hash.is_(None)),
        func.count().filter(User.active.is_(False)))).one()
    return dict(zip(STATUSES, rows, strict=True))
