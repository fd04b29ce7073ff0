"""Deciding who a registered unit is: an officer, or the recommender of its city for a claim
nobody disputes (permissions.can_decide_organization), compares the business licence with
the registered data and verifies or rejects the registration.

Several registrations may claim one credit code; one of them is verified (a partial unique
index holds that). Decisions about the claims of one code run one after the other: the
claims are read again under a write lock, so the second of two simultaneous decisions sees
the first one's outcome and is refused with a message.
"""
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import selectinload

from workflow.accounts.operations.accounts import create_organization
from workflow.core import audit, reference
from workflow.core.clock import now
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.inbox.notifications import absolute_url, notify
from workflow.intake.operations import cobuilders
from workflow.lifecycle.permissions import can
from workflow.organizations.models import Organization, OrgStatus
from workflow.organizations.operations.organizations import unit_users
from workflow.web.formatting import ORG_STATUS_LABELS

REASON_MAX = 1000  # Organization.status_reason


def _lock_claims(code: str) -> list[Organization]:
    """Every registration of `code`, read again (licences too) once this transaction holds
    them: PostgreSQL locks the rows (FOR UPDATE, in id order); SQLite has no row locks, so
    a write to them takes the database's write lock instead (as review/operations/locks.py does)."""
    stmt = (select(Organization).where(Organization.credit_code == code)
            .options(selectinload(Organization.licences)).order_by(Organization.id)
            .execution_options(populate_existing=True))
    try:
        if db.session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update(of=Organization)
        else:
            db.session.execute(update(Organization).where(Organization.credit_code == code)
                               .values(credit_code=Organization.credit_code)
                               .execution_options(synchronize_session=False))
        return list(db.session.scalars(stmt))
    except OperationalError as exc:
        raise ServiceError(_("Another decision about this credit code is being taken. Reload "
                             "the page in a moment.")) from exc


def _check_decidable(org: Organization, licence_id: int | None, actor) -> None:
    """Refuses a decision on a registration decided meanwhile, by someone who may not take
    it, or on a licence other than the one the decider looked at."""
    if org.status != OrgStatus.UNVERIFIED:
        raise ServiceError(_("This registration was decided a moment ago: %(status)s. Reload "
                             "the page.", status=ORG_STATUS_LABELS[org.status]))
    if not can(actor, "organization.decide", org):
        raise PermissionDenied("organization.decide")
    if (org.licence.id if org.licence else None) != licence_id:
        raise ServiceError(_("The unit uploaded a new business licence a moment ago. Look at "
                             "it before you decide."))


def verify_organization(org: Organization, *, licence_id: int | None,
                        actor) -> list[Organization]:
    """Verify `org`, whose licence `licence_id` the actor compared with its registration.
    The other claims of its code waiting for a decision are rejected with a reason; returns
    them.

    Side effects: the statuses and decision times; co-builder rows naming the code linked to
    `org` and its own co-builders invited (intake/operations/cobuilders.py); an audit row per unit
    decided; a notification and a mail to the users of each; flushed."""
    claims = _lock_claims(org.credit_code)
    _check_decidable(org, licence_id, actor)
    if org.licence is None:
        raise ServiceError(_("There is no business licence to compare with: reject the "
                             "registration, saying what is missing."))
    if any(c.status == OrgStatus.VERIFIED for c in claims):
        raise ServiceError(_("Another registration of this credit code is verified already: "
                             "reject this one."))
    rivals = [c for c in claims if c.id != org.id and c.status == OrgStatus.UNVERIFIED]
    _decide(org, OrgStatus.VERIFIED, "", actor, comment=f"SHA-256 {org.licence.sha256}")
    for rival in rivals:
        _decide(rival, OrgStatus.REJECTED, _rival_reason(org.credit_code), actor)
    try:
        db.session.flush()
    except IntegrityError as exc:  # a writer that did not take the lock verified a claim
        raise ServiceError(_("Another registration of this credit code was verified a moment "
                             "ago. Reload the page.")) from exc
    cobuilders.link_after_verification(org, actor=actor)
    for unit in [org, *rivals]:
        _tell(unit)
    db.session.flush()
    return rivals


def reject_organization(org: Organization, *, reason: str, licence_id: int | None,
                        actor) -> None:
    """Reject `org` with a reason its users read to correct the registration.

    Side effects: the status, reason and decision time; an audit row; a notification and a
    mail to the unit's users; flushed."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason: the unit reads it to correct its registration."))
    if len(reason) > REASON_MAX:
        raise ServiceError(_("The reason is longer than %(n)d characters.", n=REASON_MAX))
    _lock_claims(org.credit_code)
    _check_decidable(org, licence_id, actor)
    _decide(org, OrgStatus.REJECTED, reason, actor)
    db.session.flush()
    _tell(org)


def register_known_organization(*, name: str, credit_code: str, region_code: str, kind: str,
                                actor) -> Organization:
    """The department registers a body it knows itself (a city bureau, another department)
    as verified, without a licence, when it creates the body's first account. Refused when
    a verified unit holds the code. Side effects: the unit, an audit row; flushed."""
    if not can(actor, "user.manage"):
        raise PermissionDenied("user.manage")
    if not name.strip() or region_code not in reference.cities():
        raise ServiceError(_("No verified organization has this credit code: give the "
                             "organization's name and city to register it."))
    org = create_organization(name=name, credit_code=credit_code, region_code=region_code,
                              kind=kind)
    _lock_claims(org.credit_code)
    _decide(org, OrgStatus.VERIFIED, "", actor,
            comment=_("registered by the department without a licence"))
    db.session.flush()
    return org


def _decide(org: Organization, status: OrgStatus, reason: str, actor,
            comment: str = "") -> None:
    org.status, org.status_reason, org.decided_at = status, reason, now()
    audit.record(actor=actor, organization=org, from_state=OrgStatus.UNVERIFIED,
                 to_state=status, comment=comment or reason,
                 action="verify_organization" if status == OrgStatus.VERIFIED
                 else "reject_organization")


def _rival_reason(code: str) -> str:
    """Kept as the rejected unit's reason, in the installation's language."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return _("Another registration of the credit code %(code)s was verified as the unit "
                 "holding it. If this registration is your unit's, contact the Department of "
                 "Science and Technology.", code=code)


def _tell(org: Organization) -> None:
    notify(unit_users(org), kind=f"organization_{org.status}", link="/my/organization",
           compose=lambda user: _decision_text(org))


def _decision_text(org: Organization) -> tuple[str, str]:
    link = absolute_url("/my/organization")
    if org.status == OrgStatus.VERIFIED:
        return (_("Your organization is verified"),
                _("%(name)s (unified social credit code %(code)s) is verified. Your "
                  "organization can now submit applications and confirm co-building.\n\n"
                  "Your organization: %(link)s", name=org.name, code=org.credit_code,
                  link=link))
    return (_("Your organization's registration was rejected"),
            _("The registration of %(name)s (unified social credit code %(code)s) was "
              "rejected for this reason:\n\n%(reason)s\n\nCorrect the registered data or "
              "upload a new business licence, and the registration is checked again: "
              "%(link)s", name=org.name, code=org.credit_code, reason=org.status_reason,
              link=link))
