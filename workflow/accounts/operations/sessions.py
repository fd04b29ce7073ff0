"""Server-side sessions (ASVS 5.0 V7): the cookie carries a random token, the server keeps
its SHA-256 with the times that end it. Logout, an idle or absolute timeout, a password
change, a deactivation or a reset of the second factor end sessions here, so a copied
cookie is worth nothing afterwards."""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from workflow.accounts.models.credentials import UserSession
from workflow.accounts.models.users import User
from workflow.core.clock import now
from workflow.core.extensions import db

# last_seen_at is written at most this often: the idle timeout is counted in hours.
TOUCH_EVERY = timedelta(minutes=1)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, *, ip: str = "", user_agent: str = "") -> str:
    """A new session of `user`; returns the token for the cookie (never stored as is)."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_sha256=digest(token), ip=ip[:45],
                               user_agent=(user_agent or "")[:200]))
    db.session.flush()
    return token


def _timed_out(row: UserSession) -> str | None:
    at, config = now(), current_app.config
    if at - row.created_at > timedelta(hours=config["SESSION_MAX_HOURS"]):
        return "expired"
    if at - row.last_seen_at > timedelta(minutes=config["SESSION_IDLE_MINUTES"]):
        return "idle"
    return None


def current_session(user_id: int, token: str | None) -> UserSession | None:
    """The live session of `user_id` that `token` belongs to, touched; None when there is
    none, it ended, or it timed out now (then it is ended, with the reason)."""
    if not token:
        return None
    row = db.session.scalar(select(UserSession).where(
        UserSession.token_sha256 == digest(token), UserSession.user_id == user_id))
    if row is None or row.ended_at is not None:
        return None
    reason = _timed_out(row)
    if reason is not None or not row.user.active:
        _end(row, reason or "deactivated")
        db.session.commit()
        return None
    if now() - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now()
        db.session.commit()
    return row


def ended_reason(token: str | None) -> str | None:
    """Why the session of `token` ended (for the message after a timeout), if it did."""
    if not token:
        return None
    return db.session.scalar(select(UserSession.end_reason).where(
        UserSession.token_sha256 == digest(token)))


def _end(row: UserSession, reason: str) -> None:
    row.ended_at, row.end_reason = now(), reason


def end_session(token: str | None, reason: str = "logout") -> None:
    """End the session of `token`, if it is live; flushes."""
    if not token:
        return
    row = db.session.scalar(select(UserSession).where(
        UserSession.token_sha256 == digest(token), UserSession.ended_at.is_(None)))
    if row is not None:
        _end(row, reason)
        db.session.flush()


def end_sessions(user: User, reason: str, *, keep_token: str | None = None) -> int:
    """End every live session of `user` but the one of `keep_token`; returns how many."""
    stmt = (update(UserSession)
            .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
            .values(ended_at=now(), end_reason=reason)
            .execution_options(synchronize_session=False))
    if keep_token:
        stmt = stmt.where(UserSession.token_sha256 != digest(keep_token))
    return db.session.execute(stmt).rowcount or 0


def recent_sessions(user: User, limit: int = 20) -> list[UserSession]:
    return list(db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                                   .order_by(UserSession.id.desc()).limit(limit)))
