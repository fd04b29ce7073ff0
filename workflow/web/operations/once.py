"""One-time form tokens: a create form carries one, made when the form is shown; the
transaction that does what the form asks uses it up first, so a second submission of the
same form (a double click, a reload, a request sent twice) cannot make a second row. It is
answered with the first one's outcome instead.

A token is a random nonce signed with the app's key (nothing is stored until it is used),
valid for a day. Using it inserts its row: on PostgreSQL a second transaction inserting the
same nonce waits for the first and then fails; on SQLite the first write holds the database's
write lock until commit. The caller rolls back when what the form asks fails, which gives
the token back, so the corrected form can be sent again.
"""
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from workflow.core.clock import now
from workflow.core.extensions import db
from workflow.web.models import FormSubmission

MAX_AGE = timedelta(hours=24)


@dataclass(frozen=True)
class Outcome:
    """What the first submission of a form led to, as far as the one repeating it may see."""

    path: str  # the page it led to; empty when it is not this person's to see
    note: str  # the message it showed; empty likewise


class _ClockSigner(TimestampSigner):
    """Tokens age by workflow.core.clock, as every deadline does."""

    def get_timestamp(self) -> int:
        return int(now().timestamp())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="centerflow.once",
                                  signer=_ClockSigner)


def issue() -> str:
    """A new token for a form being shown."""
    return _serializer().dumps(secrets.token_urlsafe(24))


def nonce_of(token: str | None) -> str | None:
    """The nonce of a token this app issued less than MAX_AGE ago, else None."""
    if not token or len(token) > 200:
        return None
    try:
        nonce = _serializer().loads(token, max_age=int(MAX_AGE.total_seconds()))
    except BadSignature:  # also SignatureExpired
        return None
    return nonce if isinstance(nonce, str) else None


def use(token: str, *, user_id: int | None) -> Outcome | None:
    """Use up a valid `token` (see nonce_of) in the current transaction. None when this is
    its first use; the caller then does what the form asks and calls `record`. Otherwise
    the first use's outcome, shown only to the same user (or to the same anonymous sender,
    who holds the token).

    Side effects: the token's row, flushed; rows of tokens past MAX_AGE are deleted."""
    nonce = nonce_of(token)
    if nonce is None:
        raise ValueError("an invalid token is refused by the form's validation")
    db.session.execute(delete(FormSubmission).where(FormSubmission.used_at < now() - MAX_AGE))
    try:
        with db.session.begin_nested():
            db.session.add(FormSubmission(nonce=nonce, user_id=user_id))
    except IntegrityError:
        first = db.session.scalar(select(FormSubmission).where(FormSubmission.nonce == nonce))
        if first is None or first.user_id != user_id:
            return Outcome("", "")
        return Outcome(first.result_path, first.result_note)
    return None


def record(token: str, *, path: str, note: str = "") -> None:
    """Keep the outcome of the first use of `token`, for a repeated submission. Flushes."""
    db.session.execute(update(FormSubmission).where(FormSubmission.nonce == nonce_of(token))
                       .values(result_path=path[:500], result_note=note[:500]))
