"""The daily digest: for a person who chose it, the mails of their notifications wait, and
`flask tick` queues one mail a day that lists them, each with its link.

The day's digest covers what was held before DIGEST_HOUR (8:00, Beijing time); what comes
later waits for the next day's. Account mails (invitations, password resets) are never
held (notifications.SEND_AT_ONCE). In-app notifications are not affected.
"""
from datetime import datetime, time, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from workflow.accounts.models.users import User
from workflow.core.clock import LOCAL, local, now
from workflow.core.extensions import db
from workflow.inbox.models import Notification, OutboxMail
from workflow.inbox.notifications import absolute_url, locale_of

LISTED = 50  # items a digest lists; the rest are counted, and all are on /notifications


def last_moment(at: datetime) -> datetime:
    """The latest digest moment at or before `at`: today at DIGEST_HOUR, else yesterday's."""
    day = local(at).date()
    moment = datetime.combine(day, time(current_app.config["DIGEST_HOUR"]), LOCAL)
    return moment if moment <= at else moment - timedelta(days=1)


def _waiting(moment: datetime):
    return (Notification.held_for_digest, Notification.digested_at.is_(None),
            Notification.created_at < moment)


def due_users(moment: datetime) -> list[int]:
    """Ids of the people with held notifications from before `moment`."""
    return list(db.session.scalars(
        select(Notification.user_id).join(User, User.id == Notification.user_id)
        .where(User.active, *_waiting(moment)).distinct().order_by(Notification.user_id)))


def _claim(user_id: int, moment: datetime) -> bool:
    """Whether this tick sends the person's digest of `moment`: a write that only one tick
    can make, held until the digest is committed with it."""
    return bool(db.session.execute(
        update(User).where(User.id == user_id,
                           or_(User.last_digest_at.is_(None), User.last_digest_at < moment))
        .values(last_digest_at=moment).execution_options(synchronize_session=False)).rowcount)


def _line(note: Notification) -> str:
    link = absolute_url(note.link or "/notifications")
    return f"{local(note.created_at):%Y-%m-%d %H:%M}  {note.subject}\n    {link}"


def _compose(user: User, notes: list[Notification]) -> tuple[str, str]:
    with force_locale(locale_of(user)):
        subject = _("Centerflow: %(n)d notifications", n=len(notes))
        lines = [_("Hello %(name)s,", name=user.name), "",
                 _("your notifications since the last digest, oldest first:"), ""]
        lines += [_line(note) for note in notes[:LISTED]]
        if len(notes) > LISTED:
            lines += ["", _("… and %(n)d more: %(url)s", n=len(notes) - LISTED,
                            url=absolute_url("/notifications"))]
        lines += ["", _("You receive one mail a day because you chose the daily digest; "
                        "choose immediate mails on your account page: %(url)s",
                        url=absolute_url("/account#mail"))]
        return subject, "\n".join(lines)


def send_digest(user_id: int, moment: datetime) -> OutboxMail | None:
    """Queue the person's digest of what was held before `moment`, once. Side effects: the
    mail, the notifications marked as carried, the person's last digest; flushed, the caller
    commits."""
    user = db.session.get(User, user_id)
    if user is None or not user.active or not _claim(user_id, moment):
        return None
    notes = list(db.session.scalars(select(Notification).where(
        Notification.user_id == user_id, *_waiting(moment))
        .order_by(Notification.created_at, Notification.id)))
    if not notes:
        return None
    subject, body = _compose(user, notes)
    mail = OutboxMail(to_address=user.email, subject=subject, body=body)
    db.session.add(mail)
    for note in notes:
        note.digested_at = now()
    db.session.flush()
    return mail


def queue_digests() -> int:
    """Queue the digests that are due (run by `flask tick`); each person's in a transaction
    of its own. Returns how many were queued."""
    moment = last_moment(now())
    users = due_users(moment)
    db.session.commit()  # end the read: each claim is a transaction of its own
    queued = 0
    for user_id in users:
        queued += send_digest(user_id, moment) is not None
        db.session.commit()
    return queued
