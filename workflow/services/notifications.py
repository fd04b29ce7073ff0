"""Notifications: an in-app message and an outbox mail for each person concerned.

Each message is composed in its recipient's language (User.locale, else Chinese) with links
that work from a mail client (`absolute_url`). Mails wait in the outbox, which
services/outbox.py sends when MAIL_SERVER is set; account mails leave at once.
"""
from collections.abc import Callable

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from workflow.clock import now
from workflow.extensions import db
from workflow.models import Notification, OutboxMail, User, UserRole
from workflow.models.organizations import Organization
from workflow.permissions import can
from workflow.services import outbox
from workflow.services.errors import PermissionDenied
from workflow.states import Role


def lead_users(app) -> list[User]:
    return list(db.session.scalars(
        select(User).join(UserRole).where(User.organization_id == app.lead_org_id,
                                          UserRole.role == Role.APPLICANT, User.active)
    ))


def region_recommenders(region_code: str) -> list[User]:
    return list(db.session.scalars(
        select(User).join(UserRole).join(Organization, User.organization_id == Organization.id)
        .where(UserRole.role == Role.RECOMMENDER, Organization.region_code == region_code,
               User.active)
    ))


Compose = Callable[[User], tuple[str, str]]
# A person waiting for the link to their account is not kept waiting for the next tick.
SEND_AT_ONCE = frozenset({"invitation", "password_reset"})


def absolute_url(path: str) -> str:
    """`path` on this site as a link that works from a mail: PUBLIC_BASE_URL + path."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/" + path.lstrip("/")


def details(path: str) -> str:
    """The last line of a message: the page where it is dealt with, as an absolute link."""
    return _("Details: %(url)s", url=absolute_url(path))


def locale_of(user) -> str:
    return getattr(user, "locale", None) or current_app.config["BABEL_DEFAULT_LOCALE"]


def set_language(user: User, code: str) -> None:
    """Write `user`'s notifications and mails in `code` (one of LANGUAGES) from now on, as
    chosen with the language button. Flushes."""
    if code in current_app.config["LANGUAGES"] and user.locale != code:
        user.locale = code
        db.session.flush()


def notify(users, *, kind: str, compose: Compose, application=None,
           dedupe_key: str | None = None) -> int:
    """Queue a notification and a mail per user; with a dedupe_key, once per key and user.

    Each user's subject and body are `compose(user)`, written in that user's language.
    Mails of the kinds in SEND_AT_ONCE leave once the transaction commits, the others with
    the next `flask tick`. Returns how many were queued (0 when all were queued before)."""
    queued = 0
    for user in users:
        key = f"{dedupe_key}:u{user.id}" if dedupe_key else None
        if key and db.session.scalar(select(Notification.id).where(
                Notification.dedupe_key == key)) is not None:
            continue
        with force_locale(locale_of(user)):
            subject, body = compose(user)
        subject = " ".join(str(subject).split())[:200]  # one header line
        try:
            with db.session.begin_nested():
                note = Notification(user_id=user.id, kind=kind, subject=subject, body=body,
                                    application_id=getattr(application, "id", None),
                                    dedupe_key=key)
                mail = OutboxMail(notification=note, to_address=user.email, subject=subject,
                                  body=body)
                db.session.add_all([note, mail])
        except IntegrityError:
            continue  # a concurrent tick queued the same reminder first
        if kind in SEND_AT_ONCE:
            outbox.send_soon(mail)
        queued += 1
    return queued


def queue_mail(address: str, subject: str, body: str) -> OutboxMail:
    """Queue a mail to an address without an account (no in-app notification), sent with
    the next `flask tick`; the caller composes it in the installation's language."""
    mail = OutboxMail(to_address=address, subject=" ".join(str(subject).split())[:200],
                      body=body)
    db.session.add(mail)
    return mail


def unread_count(user) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def mark_read(note: Notification, *, actor) -> None:
    """Mark one of the actor's own notifications read; someone else's is refused."""
    if not can(actor, "notifications.view") or note.user_id != actor.id:
        raise PermissionDenied("notifications.view")
    if note.read_at is None:
        note.read_at = now()
        db.session.flush()


def mark_all_read(user) -> int:
    """Mark every unread notification of `user` read; returns how many."""
    if not can(user, "notifications.view"):
        raise PermissionDenied("notifications.view")
    result = db.session.execute(
        update(Notification).where(Notification.user_id == user.id,
                                   Notification.read_at.is_(None))
        .values(read_at=now()).execution_options(synchronize_session=False))
    return result.rowcount or 0
