"""In-app notifications and the mail outbox (sent by inbox/outbox.py, kept without a mail
server)."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.core.clock import now
from workflow.core.db import Base, UTCDateTime


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),
                      Index("ix_notifications_digest", "held_for_digest", "digested_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # The page where the recipient acts, as a path of this site ("/applications/7").
    link: Mapped[str | None] = mapped_column(String(300))
    # Reminders carry a key so `flask tick` sends each one once, however often it runs.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # For a person who chose the daily digest the mail waits: the digest that carried it
    # was queued at digested_at (inbox/digest.py).
    held_for_digest: Mapped[bool] = mapped_column(default=False, server_default=false())
    digested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


_UNSENT = text("sent_at IS NULL")


class OutboxMail(Base):
    __tablename__ = "outbox_mails"
    # Mails not sent yet are few beside those sent: the desk counts the failed ones from
    # this index alone.
    __table_args__ = (Index("ix_outbox_mails_unsent", "given_up_at", sqlite_where=_UNSENT,
                            postgresql_where=_UNSENT),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int | None] = mapped_column(
        ForeignKey("notifications.id", ondelete="SET NULL")
    )
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A failed send stays queued with its error and is tried again later, each time later
    # (inbox/notifications.py), until it is sent or given up.
    error: Mapped[str] = mapped_column(String(500), default="")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    given_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    notification: Mapped[Notification | None] = relationship()

    @property
    def status(self) -> str:
        """sent, given_up, failed (an attempt failed; it is tried again) or waiting."""
        if self.sent_at is not None:
            return "sent"
        if self.given_up_at is not None:
            return "given_up"
        return "failed" if self.error else "waiting"
