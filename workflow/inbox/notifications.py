"""Notifications: an in-app message and an outbox mail for each person concerned.

Each message is composed in its recipient's language (User.locale, else Chinese) and ends
with an absolute link to the page where the recipient acts (`link`, kept on the row for the
notification list). Mails wait in the outbox, which inbox/outbox.py sends when MAIL_SERVER
is set; account mails leave at once. A person who chose the daily digest gets no mail per
notification: inbox/digest.py collects them into one mail a day.
"""
from collections.abc import Callable

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from workflow.accounts.models.users import MAIL_DELIVERIES, User, UserRole
from workflow.core.clock import now
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.states import Role
from workflow.inbox import outbox
from workflow.inbox.models import Notification, OutboxMail
from workflow.lifecycle.permissions import can
from workflow.organizations.models import Organization, OrgStatus


def staff(role: Role) -> list[User]:
    """The active holders of a department role (officers, leaders)."""
    return list(db.session.scalars(select(User).join(UserRole).where(
        UserRole.role == role, User.active).order_by(User.id)))


def lead_users(app) -> list[User]:
    return list(db.session.scalars(
        select(User).join(UserRole).where(User.organization_id == app.lead_org_id,
                                          UserRole.role == Role.APPLICANT, User.active)
    ))


def region_recommenders(region_code: str) -> list[User]:
    return list(db.session.scalars(
        select(User).join(UserRole).join(Organization, User.organization_id == Organization.id)
        .where(UserRole.role == Role.RECOMMENDER, Organization.region_code == region_code,
               Organization.status == OrgStatus.VERIFIED, User.active)
        .order_by(User.id)
    ))


def unit_recommenders(org_id: int | None) -> list[User]:
    """The recommenders of one verified unit (a provincial department recommending)."""
    return list(db.session.scalars(
        select(User).join(UserRole).join(Organization, User.organization_id == Organization.id)
        .where(UserRole.role == Role.RECOMMENDER, Organization.id == org_id,
               Organization.status == OrgStatus.VERIFIED, User.active)
        .order_by(User.id)
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


def safe_link(path: str | None) -> str | None:
    """`path` when it is a path of this site ("/x", not "//host" or "http:..."), else None:
    the notification list leads only within the site."""
    if (path and path.startswith("/") and not path.startswith("//") and "\\" not in path
            and not any(ord(ch) < 32 or ord(ch) == 127 for ch in path) and len(path) <= 300):
        return path
    return None


def _compose(user, compose: Compose, link: str | None) -> tuple[str, str]:
    with force_locale(locale_of(user)):
        subject, body = compose(user)
        if link and absolute_url(link) not in body:  # some texts name it in a sentence
            body = f"{body}\n\n{details(link)}"
    return " ".join(str(subject).split())[:200], str(body)  # the subject: one header line


def _held(user, kind: str) -> bool:
    return kind not in SEND_AT_ONCE and getattr(user, "mail_delivery", "") == "daily"


def _refresh(note: Notification, user, compose: Compose, link: str | None) -> None:
    """Say again what a grouped notification says, as things are now: unread, dated now, in
    the next digest, and its mail rewritten while nobody has tried to send it."""
    note.subject, note.body = _compose(user, compose, link)
    note.read_at, note.created_at = None, now()
    if note.held_for_digest:
        note.digested_at = None
    db.session.execute(
        update(OutboxMail).where(OutboxMail.notification_id == note.id,
                                 OutboxMail.sent_at.is_(None), OutboxMail.attempts == 0)
        .values(subject=note.subject, body=note.body)
        .execution_options(synchronize_session=False))


def notify(users, *, kind: str, compose: Compose, application=None, link: str | None = None,
           dedupe_key: str | None = None, refresh: bool = False) -> int:
    """Queue a notification and a mail per user; with a dedupe_key, once per key and user.

    Each user's subject and body are `compose(user)`, written in that user's language; a
    `link` (a path of this site) is kept on the notification and ends the body as an
    absolute address. With `refresh`, a notification queued before under the same key is
    composed again instead (a count that grew: "5 applications wait"), not queued twice.
    Mails of the kinds in SEND_AT_ONCE leave once the transaction commits, the others with
    the next `flask tick`, or in the person's daily digest. Returns how many were queued."""
    queued, link = 0, safe_link(link)
    for user in users:
        key = f"{dedupe_key}:u{user.id}" if dedupe_key else None
        if key is not None:
            before = db.session.scalar(select(Notification).where(
                Notification.dedupe_key == key))
            if before is not None:
                if refresh:
                    _refresh(before, user, compose, link)
                continue
        subject, body = _compose(user, compose, link)
        held = _held(user, kind)
        try:
            with db.session.begin_nested():
                note = Notification(user_id=user.id, kind=kind, subject=subject, body=body,
                                    application_id=getattr(application, "id", None),
                                    link=link, dedupe_key=key, held_for_digest=held)
                db.session.add(note)
                if not held:
                    mail = OutboxMail(notification=note, to_address=user.email,
                                      subject=subject, body=body)
                    db.session.add(mail)
        except IntegrityError:
            continue  # a concurrent tick queued the same reminder first
        if kind in SEND_AT_ONCE:
            outbox.send_soon(mail)
        queued += 1
    return queued


def set_mail_delivery(user: User, delivery: str, *, actor) -> None:
    """`user` gets a mail per notification ("immediate") or one digest a day ("daily");
    only for themselves. Mails held so far still leave with the next digest. Flushes."""
    if not can(actor, "account.view") or getattr(actor, "id", None) != user.id:
        raise PermissionDenied("account.view")
    if delivery not in MAIL_DELIVERIES:
        raise ServiceError(_("Choose how you get the mails."))
    user.mail_delivery = delivery
    db.session.flush()


def queue_mail(address: str, subject: str, body: str) -> OutboxMail:
    """Queue a mail to an address without an account (no in-app notification), sent with
    the next `flask tick`; the caller composes it in the installation's language."""
    mail = OutboxMail(to_address=address, subject=" ".join(str(subject).split())[:200],
                      body=body)
    db.session.add(mail)
    return mail


def target_of(note: Notification) -> str:
    """Where a notification leads: its link, else the notification list."""
    return safe_link(note.link) or "/notifications"


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
