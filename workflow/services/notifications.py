"""Notifications: an in-app message and an outbox mail for each person concerned.

Each message is composed in its recipient's language with links that work from a mail
client (`absolute_url`). Mails wait in the outbox; `send_outbox` sends them with Flask-Mail
when MAIL_SERVER is set (production) and leaves them for the officer to read otherwise
(development).
"""
from collections.abc import Callable

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from workflow.clock import now
from workflow.extensions import db
from workflow.models import Notification, OutboxMail, User, UserRole
from workflow.models.organizations import Organization
from workflow.permissions import can
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


def absolute_url(path: str) -> str:
    """`path` on this site as a link that works from a mail: PUBLIC_BASE_URL + path."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/" + path.lstrip("/")


def locale_of(user) -> str:
    return getattr(user, "locale", None) or current_app.config["BABEL_DEFAULT_LOCALE"]


def notify(users, *, kind: str, subject: str = "", body: str = "",
           compose: Compose | None = None, application=None,
           dedupe_key: str | None = None) -> int:
    """Queue a notification and a mail per user; with a dedupe_key, once per key and user.

    With `compose`, each user's subject and body are `compose(user)`, written in that user's
    language. Returns how many were queued (0 when all were queued before)."""
    queued = 0
    for user in users:
        key = f"{dedupe_key}:u{user.id}" if dedupe_key else None
        if key and db.session.scalar(select(Notification.id).where(
                Notification.dedupe_key == key)) is not None:
            continue
        if compose is not None:
            with force_locale(locale_of(user)):
                subject, body = compose(user)
        try:
            with db.session.begin_nested():
                note = Notification(user_id=user.id, kind=kind, subject=subject, body=body,
                                    application_id=getattr(application, "id", None),
                                    dedupe_key=key)
                db.session.add(note)
                db.session.add(OutboxMail(notification=note, to_address=user.email,
                                          subject=subject, body=body))
        except IntegrityError:
            continue  # a concurrent tick queued the same reminder first
        queued += 1
    return queued


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


def send_outbox(limit: int = 100) -> int:
    """Send waiting mails when a mail server is configured; returns how many were sent."""
    if not current_app.config.get("MAIL_SERVER"):
        return 0
    from flask_mail import Mail, Message

    mail, sent = Mail(current_app), 0
    waiting = db.session.scalars(select(OutboxMail).where(OutboxMail.sent_at.is_(None))
                                 .order_by(OutboxMail.id).limit(limit).with_for_update(
                                     skip_locked=True))
    for row in waiting:
        try:
            mail.send(Message(subject=row.subject, recipients=[row.to_address], body=row.body))
        except Exception as exc:  # noqa: BLE001 - a failed mail stays queued with its error
            row.error = str(exc)[:500]
            continue
        row.sent_at, row.error, sent = now(), "", sent + 1
    return sent
