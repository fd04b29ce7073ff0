"""The audit trail: one row per state change or other decision, never updated."""
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.core.clock import now
from workflow.core.db import Base, UTCDateTime

if TYPE_CHECKING:  # the core knows no feature: the actor's table is named, not imported
    from workflow.accounts.models.users import User


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_application_at", "application_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE")
    )
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # What an account or identity decision was about: the user or the organization.
    subject_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"),
                                                        index=True)
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(30))
    to_state: Mapped[str | None] = mapped_column(String(30))
    comment: Mapped[str] = mapped_column(String(4000), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    actor: Mapped["User | None"] = relationship("User", lazy="joined",
                                                foreign_keys=[actor_id])
