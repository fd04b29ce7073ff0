"""Accounts: organization registration and users with roles."""
from flask_babel import gettext as _
from sqlalchemy import func, select

from workflow import creditcode
from workflow.extensions import db
from workflow.models import CoBuilder, Organization, User, UserRole
from workflow.reference import city_of
from workflow.services import audit
from workflow.services.errors import ServiceError
from workflow.services.passwords import password_problems
from workflow.states import Role


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def find_organization(credit_code: str) -> Organization | None:
    return db.session.scalar(
        select(Organization).where(Organization.credit_code == creditcode.normalize(credit_code))
    )


def create_user(*, email: str, name: str, password: str | None = None, roles,
                organization=None, phone: str = "", password_hash: str | None = None,
                invited_by=None) -> User:
    """Create an active user with the given roles. Refuses a taken email or a password the
    rules refuse. Without a password the account waits for its owner to set one from an
    invitation (services/account_links.py; the caller sends it).

    `password_hash` (instead of `password`) is for bulk imports such as the demo's expert
    accounts, where hashing every password would be slow; never pass one from user input."""
    email = email.strip().lower()
    if find_user_by_email(email) is not None:
        raise ServiceError(_("An account with this email address exists already."))
    if password is not None:
        problems = password_problems(password, user_inputs=(email, name))
        if problems:
            raise ServiceError(*problems)
    user = User(email=email, name=name.strip(), phone=phone.strip(), organization=organization,
                invited_by_id=getattr(invited_by, "id", None))
    if password is not None:
        user.set_password(password)
    elif password_hash is not None:
        user.password_hash = password_hash
    user.role_rows = [UserRole(role=Role(r)) for r in sorted(set(roles))]
    db.session.add(user)
    db.session.flush()
    return user


def create_organization(*, name: str, credit_code: str, region_code: str | None = None,
                        kind: str = "enterprise", independent_legal_person: bool = True,
                        legal_representative: str = "") -> Organization:
    """Create an organization; refuses an invalid or registered credit code (with the reason).

    Links co-builder rows that named this code before the unit had an account.
    """
    code = creditcode.normalize(credit_code)
    reason = creditcode.problem(code)
    if reason:
        raise ServiceError(reason)
    if find_organization(code) is not None:
        raise ServiceError(
            _("An organization with this credit code is registered already. Ask its "
              "administrator for an account.")
        )
    org = Organization(
        name=name.strip(), credit_code=code,
        region_code=region_code or city_of(creditcode.region_of(code)), kind=kind,
        independent_legal_person=independent_legal_person,
        legal_representative=legal_representative.strip(),
    )
    db.session.add(org)
    db.session.flush()
    for row in db.session.scalars(select(CoBuilder).where(CoBuilder.credit_code == code)):
        row.organization = org
    return org


def register_organization(*, org_name: str, credit_code: str, region_code: str | None,
                          kind: str, independent_legal_person: bool, legal_representative: str,
                          user_name: str, email: str, password: str, phone: str = "") -> User:
    """Create an organization and its first applicant account (see create_organization)."""
    org = create_organization(
        name=org_name, credit_code=credit_code, region_code=region_code, kind=kind,
        independent_legal_person=independent_legal_person,
        legal_representative=legal_representative,
    )
    user = create_user(email=email, name=user_name, password=password, phone=phone,
                       roles=[Role.APPLICANT], organization=org)
    audit.record(actor=user, action="register_organization",
                 comment=f"{org.name} {org.credit_code}")
    db.session.flush()
    return user

