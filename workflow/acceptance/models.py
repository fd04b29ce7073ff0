"""Acceptance (验收) at the end of construction: the center's request with its
self-assessment and attachments, the acceptance panel (its own seats, sheets and exclusions:
the review's tables belong to the applications' review and its pages are tuned for them), the
call's acceptance rubric, and the outcome the department records.

A request is drafted by the lead unit, submitted, scored by its panel, confirmed by the
panel's chair and decided by an officer: pass, pass with conditions, defer (rectify and apply
again before `rectify_by`) or fail. `values` maps each indicator code of
centers/indicators.py to the value achieved at the end of construction."""
from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.core.clock import now
from workflow.core.db import Base, UTCDateTime
from workflow.core.machine import Machine, Move
from workflow.experts.models import Expert
from workflow.intake.models import Application


class RequestState(StrEnum):
    DRAFTING = "drafting"  # the lead unit writes its self-assessment
    SUBMITTED = "submitted"  # with the department: the panel is formed, scores, confirms
    DECIDED = "decided"  # the officer recorded the outcome


class Outcome(StrEnum):
    PASS = "pass"
    PASS_WITH_CONDITIONS = "pass_with_conditions"
    DEFER = "defer"
    FAIL = "fail"


OUTCOME_LABELS = {Outcome.PASS: _l("Passed acceptance"),
                  Outcome.PASS_WITH_CONDITIONS: _l("Pass with conditions"),
                  Outcome.DEFER: _l("Defer: rectify and apply again"),
                  Outcome.FAIL: _l("Failed acceptance")}
PASSING = frozenset({Outcome.PASS, Outcome.PASS_WITH_CONDITIONS})


class AcceptanceRequest(Base):
    __tablename__ = "acceptance_requests"
    __table_args__ = (
        UniqueConstraint("application_id", "attempt"),
        CheckConstraint("state IN ('drafting', 'submitted', 'decided')", name="state_known"),
        CheckConstraint("outcome IN ('', 'pass', 'pass_with_conditions', 'defer', 'fail')",
                        name="outcome_known"),
        CheckConstraint("(state = 'decided') = (outcome != '')", name="decided_has_outcome"),
        CheckConstraint("outcome != 'pass_with_conditions' OR conditions != ''",
                        name="conditions_kept"),
        CheckConstraint("outcome != 'defer' OR rectify_by IS NOT NULL",
                        name="deferral_has_deadline"),
        # One request at work per center at a time.
        Index("one_open_acceptance_request", "application_id", unique=True,
              sqlite_where=text("state != 'decided'"),
              postgresql_where=text("state != 'decided'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    attempt: Mapped[int] = mapped_column(default=1)
    state: Mapped[str] = mapped_column(String(20), default=RequestState.DRAFTING, index=True)
    values: Mapped[dict] = mapped_column(JSON, default=dict)
    narrative: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The panel's result: computed when the last sheet is in, confirmed by the chair.
    score: Mapped[float | None] = mapped_column(Float)
    sheets: Mapped[int] = mapped_column(default=0)
    vetoed: Mapped[bool] = mapped_column(default=False, server_default=false())
    dispersion_alarm: Mapped[bool] = mapped_column(default=False, server_default=false())
    alarm_note: Mapped[str] = mapped_column(String(2000), default="")
    chair_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The department's decision.
    outcome: Mapped[str] = mapped_column(String(30), default="")
    conditions: Mapped[str] = mapped_column(String(4000), default="")
    rectify_by: Mapped[date | None] = mapped_column(Date)
    opinion: Mapped[str] = mapped_column(String(4000), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The numbered decision document (notices.DecisionDocument), once issued.
    document_id: Mapped[int | None] = mapped_column(ForeignKey("decision_documents.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, onupdate=now)

    application: Mapped[Application] = relationship(lazy="joined")
    attachments: Mapped[list["AcceptanceAttachment"]] = relationship(
        back_populates="request", order_by="AcceptanceAttachment.id",
        cascade="all, delete-orphan")
    seats: Mapped[list["AcceptanceSeat"]] = relationship(
        back_populates="request", order_by="AcceptanceSeat.id")


class AcceptanceAttachment(Base):
    """A PDF of the self-assessment (the acceptance report, audits, evidence)."""

    __tablename__ = "acceptance_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("acceptance_requests.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int]
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    request: Mapped[AcceptanceRequest] = relationship(back_populates="attachments")


class SeatStatus(StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class AcceptanceSeat(Base):
    """An expert's place on a request's acceptance panel."""

    __tablename__ = "acceptance_seats"
    __table_args__ = (
        UniqueConstraint("request_id", "expert_id"),
        CheckConstraint("method IN ('optimal', 'draw')", name="method_known"),
        CheckConstraint("status IN ('invited', 'accepted', 'declined')", name="status_known"),
        CheckConstraint("status != 'declined' OR decline_reason != ''",
                        name="decline_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("acceptance_requests.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    method: Mapped[str] = mapped_column(String(10))
    seed: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(10), default=SeatStatus.INVITED)
    decline_reason: Mapped[str] = mapped_column(String(500), default="")
    is_chair: Mapped[bool] = mapped_column(default=False, server_default=false())
    affinity: Mapped[int] = mapped_column(default=0)
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    request: Mapped[AcceptanceRequest] = relationship(back_populates="seats")
    expert: Mapped[Expert] = relationship(lazy="joined")
    sheet: Mapped["AcceptanceSheet | None"] = relationship(back_populates="seat",
                                                          uselist=False)


class AcceptanceSheet(Base):
    """One expert's scores of one request: sealed, locked once submitted."""

    __tablename__ = "acceptance_sheets"

    id: Mapped[int] = mapped_column(primary_key=True)
    seat_id: Mapped[int] = mapped_column(
        ForeignKey("acceptance_seats.id", ondelete="CASCADE"), unique=True)
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    comments: Mapped[dict] = mapped_column(JSON, default=dict)
    vetoes: Mapped[list] = mapped_column(JSON, default=list)
    overall_comment: Mapped[str] = mapped_column(String(4000), default="")
    total: Mapped[float | None] = mapped_column(Float)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, onupdate=now)

    seat: Mapped[AcceptanceSeat] = relationship(back_populates="sheet")


class AcceptanceExclusion(Base):
    """An expert kept from a request's panel by a conflict rule (R1-R8), as computed when
    the panel was formed: the record of the recusal."""

    __tablename__ = "acceptance_exclusions"
    __table_args__ = (UniqueConstraint("request_id", "expert_id", "rule"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("acceptance_requests.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(2))
    detail: Mapped[str] = mapped_column(String(500), default="")
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)


class AcceptanceRubric(Base):
    """A call's own acceptance rubric; a call without one uses the default
    (acceptance/rules.py)."""

    __tablename__ = "acceptance_rubrics"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"),
                                         unique=True)
    rubric: Mapped[dict] = mapped_column(JSON)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, onupdate=now)


REQUEST_MACHINE = Machine(_l("acceptance request"), AcceptanceRequest, "state", (
    Move("submit", frozenset({RequestState.DRAFTING}), RequestState.SUBMITTED,
         "submit_acceptance"),
    Move("decide", frozenset({RequestState.SUBMITTED}), RequestState.DECIDED,
         "decide_acceptance"),
))
SEAT_MACHINE = Machine(_l("acceptance panel seat"), AcceptanceSeat, "status", (
    Move("accept", frozenset({SeatStatus.INVITED}), SeatStatus.ACCEPTED,
         "accept_acceptance_seat"),
    Move("decline", frozenset({SeatStatus.INVITED}), SeatStatus.DECLINED,
         "decline_acceptance_seat"),
))
