"""Co-builder invitations. A unit named by credit code is invited; only a verified unit is
ever linked to an application, so registering a partner's code links nothing and shows
nothing. A lead unit that is not verified yet invites nobody: its invitations go out when it
is verified (`link_after_verification`), so an unverified registration cannot make the
system write to real units."""
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from workflow.accounts.operations.accounts import find_organization
from workflow.core import audit
from workflow.core.extensions import db
from workflow.core.states import COBUILDING_CONFIRMABLE_STATES, Role
from workflow.inbox.notifications import absolute_url, notify, queue_mail
from workflow.intake.models import Application, CoBuilder
from workflow.organizations.models import Organization, OrgStatus
from workflow.organizations.operations.organizations import unit_users


def invite_cobuilder(row: CoBuilder, *, actor) -> None:
    """Invite the unit `row` names, unless the lead unit is not verified yet: the verified
    unit holding the code is linked and its applicants told (in-app and by mail, with the
    link to the application where they confirm); without one, the contact address, when the
    lead unit gave one, gets a mail inviting the unit to register.

    Side effects: the link and an audit row, notifications and mails; or one mail."""
    if not row.application.lead_org.is_verified:
        return
    org = find_organization(row.credit_code)
    if org is not None:
        link_cobuilder(row, org, actor=actor)
    elif row.contact_email:
        queue_mail(row.contact_email, *_registration_invitation(row))


def link_cobuilder(row: CoBuilder, org: Organization, *, actor) -> None:
    """Link `row` to the verified unit `org` under its registered name; its applicants are
    asked to confirm while the application can still change. Side effects: an audit row,
    notifications and mails."""
    app = row.application
    row.organization, row.name = org, org.name
    audit.record(actor=actor, action="link_cobuilder", application=app, organization=org,
                 comment=f"{org.name} {org.credit_code}")
    if row.confirmed_at is None and app.state in COBUILDING_CONFIRMABLE_STATES:
        notify(unit_users(org, role=Role.APPLICANT), kind="cobuilder_invitation",
               application=app, link=f"/applications/{app.id}",
               compose=lambda user: _confirmation_request(app))


def link_after_verification(org: Organization, *, actor) -> int:
    """After `org` is verified: the co-builder rows naming its code in applications of
    verified lead units are linked to it, and its own applications' co-builders are invited.
    Returns how many rows were linked to `org`."""
    named = db.session.scalars(
        select(CoBuilder).join(Application)
        .join(Organization, Application.lead_org_id == Organization.id)
        .where(CoBuilder.credit_code == org.credit_code, CoBuilder.organization_id.is_(None),
               Organization.status == OrgStatus.VERIFIED)
        .order_by(CoBuilder.id)).all()
    for row in named:
        link_cobuilder(row, org, actor=actor)
    waiting = db.session.scalars(
        select(CoBuilder).join(Application)
        .where(Application.lead_org_id == org.id, CoBuilder.organization_id.is_(None),
               Application.state.in_(COBUILDING_CONFIRMABLE_STATES))
        .order_by(CoBuilder.id)).all()
    for row in waiting:
        invite_cobuilder(row, actor=actor)
    return len(named)


def _confirmation_request(app: Application) -> tuple[str, str]:
    subject = _("Please confirm co-building: %(title)s", title=app.title)
    body = _("%(lead)s names your organization as a co-builder of its application “%(title)s” "
             "in the call “%(call)s”. Read the application and confirm your participation "
             "(only an account of your organization can): %(link)s",
             lead=app.lead_org.name, title=app.title, call=app.call.title,
             link=absolute_url(f"/applications/{app.id}"))
    return subject, body


def _registration_invitation(row: CoBuilder) -> tuple[str, str]:
    """The mail to a contact address, in the installation's language (there is no account
    whose language to read)."""
    app = row.application
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Invitation to co-build “%(title)s”", title=app.title)
        body = _("%(lead)s names %(name)s (unified social credit code %(code)s) as a "
                 "co-builder of its application “%(title)s” in the call “%(call)s”.\n\n"
                 "To confirm, your organization needs a verified account: register it with "
                 "its business licence at %(link)s. Once the department or your city's "
                 "science bureau has verified the registration, the application waits for "
                 "your confirmation under “My applications”. If your organization has "
                 "registered already, it only waits for the verification.",
                 lead=app.lead_org.name, name=row.name, code=row.credit_code, title=app.title,
                 call=app.call.title, link=absolute_url("/register"))
    return subject, body
