"""Expert review: panel seats (invitations), assignment runs, score sheets, panel results."""
from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.core.clock import now
from workflow.core.db import Base, UTCDateTime
from workflow.core.machine import Machine, Move

SEAT_METHODS = ("optimal", "draw", "manual")


class SeatStatus(StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"


SEAT_STATUSES = tuple(SeatStatus)


class AssignmentRun(Base):
    """One run of the optimal solver or of the random draw, with what reproduces it."""

    __tablename__ = "assignment_runs"
    __table_args__ = (CheckConstraint("method IN ('optimal', 'draw')", name="method_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    method: Mapped[str] = mapped_column(String(10))
    seed: Mapped[int | None]
    k: Mapped[int]
    max_load: Mapped[int]
    total_affinity: Mapped[int] = mapped_column(default=0)
    seats_created: Mapped[int] = mapped_column(default=0)
    unfilled: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class PanelSeat(Base):
    """An expert's place on an application's panel: invited, then accepted or declined."""

    __tablename__ = "panel_seats"
    __table_args__ = (
        UniqueConstraint("application_id", "expert_id"),
        CheckConstraint("method IN ('optimal', 'draw', 'manual')", name="method_known"),
        CheckConstraint("status IN ('invited', 'accepted', 'declined')", name="status_known"),
        CheckConstraint("status != 'declined' OR decline_reason != ''", name="decline_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("assignment_runs.id"))
    method: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="invited")
    decline_reason: Mapped[str] = mapped_column(String(500), default="")
    is_chair: Mapped[bool] = mapped_column(default=False, server_default=false())
    affinity: Mapped[int] = mapped_column(default=0)
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    expert = relationship("Expert", lazy="joined")
    application = relationship("Application")
    sheet: Mapped["ScoreSheet | None"] = relationship(back_populates="seat", uselist=False)


class ScoreSheet(Base):
    """One expert's scores of one application: sealed until submitted, then locked."""

    __tablename__ = "score_sheets"
    __table_args__ = (
        CheckConstraint("reopened_at IS NULL OR reopen_reason != ''", name="reopen_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seat_id: Mapped[int] = mapped_column(ForeignKey("panel_seats.id", ondelete="CASCADE"),
                                         unique=True)
    stage: Mapped[str] = mapped_column(String(20), default="review")
    # item code -> points; jsonb on PostgreSQL, where the ranking reads the points (migration
    # d12a0a0a0a01)
    scores: Mapped[dict] = mapped_column(JSON().with_variant(JSONB(), "postgresql"),
                                         default=dict)
    comments: Mapped[dict] = mapped_column(JSON, default=dict)    # item code -> text
    vetoes: Mapped[list] = mapped_column(JSON, default=list)      # veto item codes raised
    overall_comment: Mapped[str] = mapped_column(String(4000), default="")
    total: Mapped[float | None] = mapped_column(Float)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reopen_reason: Mapped[str] = mapped_column(String(1000), default="")
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, onupdate=now)

    seat: Mapped[PanelSeat] = relationship(back_populates="sheet")


class PanelResult(Base):
    """The panel's aggregated result of one application and the chair's confirmation."""

    __tablename__ = "panel_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), unique=True
    )
    review_score: Mapped[float | None] = mapped_column(Float)
    defense_score: Mapped[float | None] = mapped_column(Float)
    site_visit_score: Mapped[float | None] = mapped_column(Float)
    final_score: Mapped[float | None] = mapped_column(Float)
    grade: Mapped[str] = mapped_column(String(20), default="")
    sheets: Mapped[int] = mapped_column(default=0)
    vetoed: Mapped[bool] = mapped_column(default=False, server_default=false())
    dispersion_alarm: Mapped[bool] = mapped_column(default=False, server_default=false())
    alarm_note: Mapped[str] = mapped_column(String(2000), default="")
    alarm_resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    chair_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, onupdate=now)


_ANSWERED_OR_NOT = frozenset({SeatStatus.INVITED, SeatStatus.ACCEPTED})
SEAT_MACHINE = Machine(_l("panel seat"), PanelSeat, "status", (
    Move("accept", frozenset({SeatStatus.INVITED}), SeatStatus.ACCEPTED, "accept_seat"),
    Move("decline", frozenset({SeatStatus.INVITED}), SeatStatus.DECLINED, "decline_seat"),
    Move("declare_conflict", _ANSWERED_OR_NOT, SeatStatus.DECLINED, "declare_conflict"),
    Move("release", _ANSWERED_OR_NOT, SeatStatus.DECLINED, "release_seat"),
))
