"""What makes sending a form safe: the one-time token each create form carries (a second
submission of the same form finds its row and gets the first one's outcome), and a form
kept across a login when the session ended while it was being filled in."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from workflow.core.clock import now
from workflow.core.db import Base, UTCDateTime


class FormSubmission(Base):
    """A one-time form token, used: the row is written in the transaction that does what the
    form asks, so of two submissions of one form only one can commit."""

    __tablename__ = "form_submissions"
    __table_args__ = (Index("ix_form_submissions_used_at", "used_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The token's random part (web/operations/once.py signs it when the form is shown).
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    used_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    # The first submission's outcome: the page it led to and the message it showed.
    result_path: Mapped[str] = mapped_column(String(500), default="", server_default="")
    result_note: Mapped[str] = mapped_column(String(500), default="", server_default="")


class KeptForm(Base):
    """What a user had typed when a form arrived after their session had ended: kept for an
    hour for the same user, who finds it filled in again after logging in. Never files,
    passwords, codes or CSRF tokens (web/operations/form_stash.py leaves them out)."""

    __tablename__ = "kept_forms"
    __table_args__ = (CheckConstraint("expires_at > created_at", name="expires_after_creation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The page the form is on (path and query), where the values are filled in again.
    path: Mapped[str] = mapped_column(String(500))
    data: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
