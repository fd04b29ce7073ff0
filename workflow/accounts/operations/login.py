"""Checking who logs in (ASVS 5.0 V6.1, V6.3): the password, then the second factor.

Failed attempts are counted per address typed, whether an account has it or not, and lock
that address for a while after too many; an unknown address costs the same time as a known
one and gets the same answer. Every attempt is recorded for the user's login history."""
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from workflow.accounts.models.credentials import LoginEvent, LoginThrottle
from workflow.accounts.models.users import User
from workflow.accounts.rules import passwords
from workflow.core.clock import now
from workflow.core.extensions import db


@dataclass(frozen=True)
class Attempt:
    """Where a login attempt came from, for the record."""

    ip: str = ""
    user_agent: str = ""


@dataclass(frozen=True)
class Outcome:
    user: User | None  # set when the password was right and the address is not locked
    locked: bool = False


def normalized(email: str) -> str:
    return (email or "").strip().lower()[:254]


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalized(email)))


def record(outcome: str, *, email: str, user: User | None, attempt: Attempt) -> None:
    db.session.add(LoginEvent(user_id=getattr(user, "id", None), email=normalized(email),
                              outcome=outcome, ip=attempt.ip[:45],
                              user_agent=attempt.user_agent[:200]))


def _throttle(email: str) -> LoginThrottle:
    row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.email == email))
    if row is None:
        try:
            with db.session.begin_nested():
                row = LoginThrottle(email=email, failures=0)
                db.session.add(row)
        except IntegrityError:  # a concurrent attempt for the same address made it first
            row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.email == email))
    return row


def is_locked(email: str) -> bool:
    row = db.session.scalar(select(LoginThrottle).where(
        LoginThrottle.email == normalized(email)))
    return row is not None and row.locked_until is not None and row.locked_until > now()


def note_failure(email: str) -> None:
    """Count one failure for `email`; the last allowed one locks it for the lock period."""
    config = current_app.config
    row = _throttle(normalized(email))
    row.failures += 1
    row.last_failure_at = now()
    if row.failures >= config["LOGIN_MAX_FAILURES"]:
        row.locked_until = now() + timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
        row.failures = 0


def clear_failures(email: str) -> None:
    row = db.session.scalar(select(LoginThrottle).where(
        LoginThrottle.email == normalized(email)))
    if row is not None:
        row.failures, row.locked_until = 0, None


def check_password(email: str, password: str, *, attempt: Attempt) -> Outcome:
    """The user whose address and password these are, unless the address is locked.

    A wrong password, an unknown or inactive address and an account without a password yet
    all answer the same, after the same work. Records the attempt; the caller commits."""
    user = find_user(email)
    usable = user is not None and user.active and user.is_activated
    if usable:
        right = user.check_password(password or "")
    else:
        passwords.dummy_check(password)
        right = False
    if is_locked(email):
        record("locked", email=email, user=user, attempt=attempt)
        return Outcome(None, locked=True)
    if not right:
        note_failure(email)
        record("failure", email=email, user=user, attempt=attempt)
        return Outcome(None, locked=is_locked(email))
    return Outcome(user)


def login_history(user: User, limit: int = 50) -> list[LoginEvent]:
    return list(db.session.scalars(select(LoginEvent).where(LoginEvent.user_id == user.id)
                                   .order_by(LoginEvent.id.desc()).limit(limit)))
