"""Formal review: a call's checklist, the officer's findings, and correction requests."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.core.clock import now
from workflow.core.db import Base, UTCDateTime


class ChecklistItem(Base):
    """One item of a call's formal-review checklist. `scope` names the part of the
    application a correction of this item may change: section:<key>, attachment:<code>,
    cobuilders, or general (an explanation only)."""

    __tablename__ = "checklist_items"
    __table_args__ = (UniqueConstraint("call_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(60), default="general")
    position: Mapped[int] = mapped_column(default=0)


class FormalReview(Base):
    """The officer's findings on one application, item by item: {code: {"ok": bool, "note"}}."""

    __tablename__ = "formal_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), unique=True
    )
    findings: Mapped[dict] = mapped_column(JSON, default=dict)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, onupdate=now)


class CorrectionRequest(Base):
    """One consolidated list of what to correct (一次性告知), with its deadline."""

    __tablename__ = "correction_requests"
    __table_args__ = (
        UniqueConstraint("application_id", "round"),
        CheckConstraint("round >= 1", name="round_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    round: Mapped[int]
    # [{"code", "label", "scope", "note"}] of the failed checklist items.
    items: Mapped[list] = mapped_column(JSON)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    application = relationship("Application", back_populates="corrections")

    @property
    def scopes(self) -> set[str]:
        return {item["scope"] for item in self.items}
