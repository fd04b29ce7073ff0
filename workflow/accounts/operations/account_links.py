"""One-time links that set a password (ASVS 5.0 V6.4): the invitation of an account someone
else created, and the reset of a forgotten password.

A link holds 256 random bits; only their SHA-256 is stored. It works once and until it
expires; a newer link of the same kind replaces the older one."""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from workflow.accounts.models.credentials import AccountToken
from workflow.accounts.models.users import User
from workflow.accounts.operations import login, sessions
from workflow.accounts.rules import passwords
from workflow.core import audit
from workflow.core.clock import local, now
from workflow.core.errors import ServiceError
from workflow.core.extensions import db
from workflow.inbox.models import Notification
from workflow.inbox.notifications import absolute_url, notify
from workflow.web.formatting import ROLE_LABELS

ACTIVATE, RESET = "activate", "reset"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime(purpose: str) -> timedelta:
    config = current_app.config
    if purpose == ACTIVATE:
        return timedelta(days=config["INVITATION_DAYS"])
    return timedelta(hours=config["RESET_HOURS"])


def _use_up_earlier(user: User, purpose: str) -> None:
    db.session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.purpose == purpose,
               AccountToken.used_at.is_(None))
        .values(used_at=now()).execution_options(synchronize_session=False))


def issue_link(user: User, purpose: str, *, actor=None,
               replaces_earlier: bool = True) -> tuple[str, AccountToken]:
    """A new link for `user`. A link sent again (a resent invitation, a new reset) makes the
    earlier unused links of the same kind stop working; a link that only accompanies another
    mail (a panel invitation to an expert who has not set a password) leaves the earlier
    ones working. Whichever is used first uses up the others (use_link)."""
    if replaces_earlier:
        _use_up_earlier(user, purpose)
    token = secrets.token_urlsafe(32)
    row = AccountToken(user_id=user.id, purpose=purpose, token_sha256=_digest(token),
                       created_at=now(), expires_at=now() + _lifetime(purpose),
                       created_by_id=getattr(actor, "id", None))
    db.session.add(row)
    db.session.flush()
    return token, row


def link_url(token: str, purpose: str) -> str:
    return absolute_url(f"/account/{'activate' if purpose == ACTIVATE else 'reset'}/{token}")


@dataclass(frozen=True)
class LinkState:
    row: AccountToken | None
    problem: str | None  # why the link cannot be used, in words for the user


def look_up(token: str, purpose: str) -> LinkState:
    """The link's row when it can be used now, else why not (unknown, used, expired)."""
    row = db.session.scalar(select(AccountToken).where(
        AccountToken.token_sha256 == _digest(token or ""), AccountToken.purpose == purpose))
    if row is None:
        return LinkState(None, _("This link is not valid. Check that the whole link from the "
                                 "mail was opened, or ask for a new one."))
    if row.used_at is not None:
        return LinkState(None, _("This link has been used already or a newer one was sent. "
                                 "Log in, or ask for a new link."))
    if row.expires_at <= now() or not row.user.active:
        return LinkState(None, _("This link has expired. Ask for a new one."))
    return LinkState(row, None)


def use_link(token: str, purpose: str, password: str, *, attempt: login.Attempt) -> User:
    """Set the password through a link, which is then used up. Ends the user's other
    sessions and clears a lock of failed logins; an audit row and a login-history row."""
    state = look_up(token, purpose)
    if state.row is None:
        raise ServiceError(state.problem)
    user = state.row.user
    problems = passwords.password_problems(password, user_inputs=(user.email, user.name))
    if problems:
        raise ServiceError(*problems)
    user.set_password(password)
    _use_up_earlier(user, purpose)  # the other links of its kind, still unused, with it
    state.row.used_at = now()
    sessions.end_sessions(user, "password")
    login.clear_failures(user.email)
    outcome = "activated" if purpose == ACTIVATE else "password_reset"
    login.record(outcome, email=user.email, user=user, attempt=attempt)
    audit.record(actor=user, action=outcome, subject=user)
    db.session.flush()
    return user


def _deadline(row: AccountToken) -> str:
    return local(row.expires_at).strftime("%Y-%m-%d %H:%M")


def invite(user: User, *, actor) -> str:
    """Mail `user` a link to set the password of the account `actor` created. Returns the
    link (the command line prints it). Side effects: the link, the mail, an audit row."""
    if user.is_activated:
        raise ServiceError(_("%(name)s has set a password already; they can reset it from the "
                             "login page.", name=user.name))
    token, row = issue_link(user, ACTIVATE, actor=actor)
    url = link_url(token, ACTIVATE)

    def compose(person):
        roles = _("、").join(str(ROLE_LABELS.get(r, r)) for r in sorted(person.roles))
        return (_("Your Centerflow account: set your password"),
                _("Hello %(name)s,\n\nan account on Centerflow, the system for applications "
                  "for provincial innovation platforms, was created for you (%(roles)s).\n\n"
                  "To use it, open this link and choose a password:\n%(url)s\n\n"
                  "The link works once, until %(deadline)s (Beijing time). After that, "
                  "ask the department to send a new invitation.\n\nIf you did not expect "
                  "this mail, you can ignore it.", name=person.name, roles=roles, url=url,
                  deadline=_deadline(row)))

    notify([user], kind="invitation", compose=compose)
    audit.record(actor=actor, action="invite_user", subject=user)
    db.session.flush()
    return url


def record_reset_request(email: str, *, attempt: login.Attempt) -> int | None:
    """Record that a new password was asked for `email`; the id of the active account to
    mail, or None. The same work either way: the link and the mail are made after the answer
    has left (`send_reset_link`), so neither the answer nor its time tells whether the
    address has an account."""
    user = login.find_user(email)
    usable = user is not None and user.active
    login.record("reset_requested", email=email, user=user if usable else None,
                 attempt=attempt)
    return user.id if usable else None


def _reset_mails_last_hour(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.kind == "password_reset",
        Notification.created_at > now() - timedelta(hours=1)))


def send_reset_link(user_id: int) -> None:
    """Mail the user a link to set a new password (the invitation link again when the
    password was never set), at most RESET_MAILS_PER_HOUR times an hour: anyone may ask for
    anyone's address, and the owner's mailbox is not to be flooded (the last link sent
    still works). Side effects: the link, the mail; flushed."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return
    if _reset_mails_last_hour(user) >= current_app.config["RESET_MAILS_PER_HOUR"]:
        return
    purpose = RESET if user.is_activated else ACTIVATE
    token, row = issue_link(user, purpose)
    url = link_url(token, purpose)

    def compose(person):
        return (_("Centerflow: set a new password"),
                _("Hello %(name)s,\n\nsomeone asked to set a new password for your Centerflow "
                  "account. To do so, open this link:\n%(url)s\n\nThe link works once, "
                  "until %(deadline)s (Beijing time). If you did not ask for it, ignore this "
                  "mail: your password stays as it is.", name=person.name, url=url,
                  deadline=_deadline(row)))

    notify([user], kind="password_reset", compose=compose)
    db.session.flush()
