"""Accounts: organization registration and users with roles."""
from flask_babel import gettext as _
from sqlalchemy import func, select

from workflow.accounts.models.users import User, UserRole
from workflow.accounts.operations import sessions
from workflow.accounts.rules.passwords import password_problems
from workflow.core import audit, creditcode, regions
from workflow.core.errors import ServiceError
from workflow.core.extensions import db
from workflow.core.pdf_check import CheckedPdf
from workflow.core.states import Role
from workflow.lifecycle import handoffs
from workflow.organizations.models import Organization, OrgStatus
from workflow.organizations.operations import licences


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def find_organization(credit_code: str) -> Organization | None:
    """The verified unit holding `credit_code`, else None: a registration waiting for its
    verification, or a rejected one, never stands for a code (co-builders, new accounts)."""
    return db.session.scalar(
        select(Organization).where(Organization.credit_code == creditcode.normalize(credit_code),
                                   Organization.status == OrgStatus.VERIFIED)
    )


def claim_problem(credit_code: str) -> str | None:
    """Why a registration cannot claim `credit_code`, in words for the user: the code is
    invalid, or a verified unit holds it. A code other registrations only claim is accepted
    (the department settles the dispute)."""
    reason = creditcode.problem(credit_code)
    if reason:
        return reason
    if find_organization(credit_code) is not None:
        return _("A verified organization holds this credit code already. If you work there, "
                 "ask the Department of Science and Technology for an account of your own; if "
                 "that registration is not your unit's, contact the department.")
    return None


def region_of_unit(credit_code: str, chosen: str | None) -> str:
    """The region a unit is placed in: the city chosen, else the city of its credit code's
    region (the code itself for a province or the national level). Refused when nothing is
    chosen and the code's region is no region of today (Laiwu, gone in 2019): only the unit
    knows its city now."""
    if chosen:
        return chosen
    region = creditcode.region_of(creditcode.normalize(credit_code))
    if region != creditcode.NATIONAL and not regions.is_known(region):
        raise ServiceError(_("The region in this credit code (%(region)s) is no city or county "
                             "of today: choose the organization's city.", region=region))
    return regions.city_of(region) or region


def create_user(*, email: str, name: str, password: str | None = None, roles,
                organization=None, phone: str = "", password_hash: str | None = None,
                invited_by=None, locale: str | None = None) -> User:
    """Create an active user with the given roles. Refuses a taken email or a password the
    rules refuse. Without a password the account waits for its owner to set one from an
    invitation (accounts/operations/account_links.py; the caller sends it).

    `password_hash` (instead of `password`) is for bulk imports such as the demo's expert
    accounts, where hashing every password would be slow; never pass one from user input.
    `locale` is the language of the user's mails until they choose one (None: the
    installation's)."""
    email = email.strip().lower()
    if find_user_by_email(email) is not None:
        raise ServiceError(_("An account with this email address exists already."))
    if password is not None:
        problems = password_problems(password, user_inputs=(email, name))
        if problems:
            raise ServiceError(*problems)
    user = User(email=email, name=name.strip(), phone=phone.strip(), organization=organization,
                invited_by_id=getattr(invited_by, "id", None), locale=locale or None)
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
    """Create an unverified organization; refuses a code `claim_problem` refuses, and one
    `region_of_unit` cannot place. Nothing is linked to it before it is verified
    (organizations/operations/verification.py)."""
    code = creditcode.normalize(credit_code)
    reason = claim_problem(code)
    if reason:
        raise ServiceError(reason)
    org = Organization(
        name=name.strip(), credit_code=code,
        region_code=region_of_unit(code, region_code), kind=kind,
        independent_legal_person=independent_legal_person,
        legal_representative=legal_representative.strip(),
    )
    db.session.add(org)
    db.session.flush()
    return org


def register_organization(*, org_name: str, credit_code: str, region_code: str | None,
                          kind: str, independent_legal_person: bool, legal_representative: str,
                          user_name: str, email: str, password: str, licence: CheckedPdf,
                          phone: str = "") -> User:
    """Create an unverified organization, its first applicant account and its business
    licence (see create_organization and licences.add_licence); an audit row about the unit.
    The unit waits for an officer or its city's recommender to verify it: they are told."""
    org = create_organization(
        name=org_name, credit_code=credit_code, region_code=region_code, kind=kind,
        independent_legal_person=independent_legal_person,
        legal_representative=legal_representative,
    )
    user = create_user(email=email, name=user_name, password=password, phone=phone,
                       roles=[Role.APPLICANT], organization=org)
    audit.record(actor=user, action="register_organization", organization=org,
                 comment=f"{org.name} {org.credit_code}")
    licences.add_licence(org, licence, actor=user)
    db.session.flush()
    handoffs.to_verifiers(org, user)
    return user


def change_password(user: User, *, current: str, new: str, keep_token: str | None) -> int:
    """The user changes their own password, typing the current one. Ends their other
    sessions (returns how many); an audit row."""
    if not user.check_password(current or ""):
        raise ServiceError(_("The current password is wrong."))
    problems = password_problems(new, user_inputs=(user.email, user.name))
    if problems:
        raise ServiceError(*problems)
    user.set_password(new)
    ended = sessions.end_sessions(user, "password", keep_token=keep_token)
    audit.record(actor=user, action="change_password", subject=user)
    db.session.flush()
    return ended


def end_other_sessions(user: User, *, keep_token: str | None) -> int:
    """The user ends their sessions on other devices; returns how many ended."""
    ended = sessions.end_sessions(user, "ended_by_user", keep_token=keep_token)
    db.session.flush()
    return ended
