"""Forms kept across a login: when a form arrives after its sender's session ended (idle
or past its length), what was typed is kept here for an hour under a random token that the
new session's cookie carries; after logging in again the same user finds the form filled in
with it. Only the token's SHA-256 is stored. Files, passwords, second-factor codes and the
forms' own tokens are never kept."""
import hashlib
import json
import secrets
from datetime import timedelta

from sqlalchemy import delete, select

from workflow.core.clock import now
from workflow.core.extensions import db
from workflow.web.models import KeptForm

KEEP_FOR = timedelta(hours=1)
MAX_BYTES = 200_000
NEVER_KEPT = frozenset({"csrf_token", "once", "confirmed", "code", "password", "confirm",
                        "current_password", "new_password"})


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def keepable(pairs) -> list[list[str]]:
    """The (name, value) pairs worth keeping: none of NEVER_KEPT, nothing named like a
    password or a secret, no empty values."""
    return [[name, value] for name, value in pairs
            if name not in NEVER_KEPT and value.strip()
            and not any(word in name.lower() for word in ("password", "secret", "token"))]


def keep(user_id: int, path: str, pairs) -> str | None:
    """Keep what `user_id` typed (the form's (name, value) pairs) for the page at `path`;
    returns the token for the session cookie, or None when nothing is worth keeping or it
    is too large. Side effects: the row, flushed; rows past their hour are deleted."""
    data = keepable(pairs)
    if not data or len(path) > 500 or len(json.dumps(data, ensure_ascii=False)) > MAX_BYTES:
        return None
    db.session.execute(delete(KeptForm).where(KeptForm.expires_at <= now()))
    token = secrets.token_urlsafe(32)
    db.session.add(KeptForm(token_sha256=_digest(token), user_id=user_id, path=path,
                            data=data, expires_at=now() + KEEP_FOR))
    db.session.flush()
    return token


def page_of(token: str | None) -> str | None:
    """The page the form of `token` is kept for, while it is kept."""
    if not token:
        return None
    return db.session.scalar(select(KeptForm.path).where(
        KeptForm.token_sha256 == _digest(token), KeptForm.expires_at > now()))


def take(token: str, *, user_id: int, path: str) -> list[list[str]] | None:
    """What was kept under `token` for `user_id` on the page at `path`, given out once; None
    when there is nothing (expired, another user's, another page). A form kept for another
    user is dropped: whoever logged in is not the one who typed it.

    Side effects: the row deleted unless it waits for its page; flushed."""
    row = db.session.scalar(select(KeptForm).where(KeptForm.token_sha256 == _digest(token)))
    if row is None:
        return None
    if row.user_id != user_id or row.expires_at <= now():
        db.session.delete(row)
        db.session.flush()
        return None
    if row.path != path:
        return None
    data = row.data
    db.session.delete(row)
    db.session.flush()
    return data
