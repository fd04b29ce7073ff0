"""Document numbers (发文字号), the approval notice of a call and the documents it issues.

A number is unique per issuing office and year and handed out without gaps from a counter
row per office and year (`NumberSeries`); a voided number keeps its row. A `Notice` is the
batch of one call: signed by a leader, then issued by an officer under one number, as one
notice PDF and one letter per approved application (`OfficialDocument`), each stored once
with its SHA-256 and verifiable by its code.
"""
from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.accounts.models.users import User
from workflow.calls.models import Call
from workflow.core.clock import now
from workflow.core.db import Base, UTCDateTime
from workflow.core.machine import Machine, Move
from workflow.intake.models import Application


def number_text(office: str, year: int, sequence: int | None) -> str:
    """鲁科字〔2022〕154号: U+3014/U+3015 around the year, no zero padding, no 第. Without a
    sequence, the blank a draft shows: 鲁科字〔2022〕\u3000\u3000号."""
    shown = "\u3000\u3000" if sequence is None else str(sequence)
    return f"{office}\u3014{year}\u3015{shown}号"


class NumberStatus(StrEnum):
    ISSUED = "issued"
    VOIDED = "voided"


class NoticeState(StrEnum):
    SIGNED = "signed"
    ISSUING = "issuing"
    ISSUED = "issued"


class NumberSeries(Base):
    """The counter of one office and year: `next_number` is the number handed out next."""

    __tablename__ = "number_series"
    __table_args__ = (
        UniqueConstraint("office", "year"),
        CheckConstraint("first_number >= 1", name="first_positive"),
        CheckConstraint("next_number >= first_number", name="next_not_before_first"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(20))
    year: Mapped[int]
    first_number: Mapped[int] = mapped_column(default=1)
    next_number: Mapped[int] = mapped_column(default=1)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, onupdate=now)


class DocumentNumber(Base):
    __tablename__ = "document_numbers"
    __table_args__ = (
        UniqueConstraint("office", "year", "sequence"),
        CheckConstraint("sequence >= 1", name="sequence_positive"),
        CheckConstraint("status IN ('issued', 'voided')", name="status_known"),
        CheckConstraint(
            "status != 'voided' OR (voided_at IS NOT NULL AND voided_by_id IS NOT NULL "
            "AND void_reason IS NOT NULL)", name="voided_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office: Mapped[str] = mapped_column(String(20))
    year: Mapped[int]
    sequence: Mapped[int]
    # What the number was given to: a notice's title, or a document outside the system.
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(10), default="issued")
    allocated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    allocated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    void_reason: Mapped[str | None] = mapped_column(String(1000))
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    allocated_by: Mapped[User] = relationship(foreign_keys=[allocated_by_id])
    voided_by: Mapped[User | None] = relationship(foreign_keys=[voided_by_id])
    notice: Mapped["Notice | None"] = relationship(back_populates="number")
    decision: Mapped["DecisionDocument | None"] = relationship(back_populates="number")

    @property
    def text(self) -> str:
        return number_text(self.office, self.year, self.sequence)


class Notice(Base):
    """The approval notice of one call: `content` is the draft the leader signed (texts,
    seal, the listed units), frozen, so every document renders from what was signed."""

    __tablename__ = "notices"
    __table_args__ = (
        CheckConstraint("state IN ('signed', 'issuing', 'issued')", name="state_known"),
        CheckConstraint(
            "state = 'signed' OR (number_id IS NOT NULL AND issued_on IS NOT NULL "
            "AND issued_by_id IS NOT NULL AND issued_at IS NOT NULL)", name="issued_has_number"),
        CheckConstraint("state != 'issued' OR completed_at IS NOT NULL",
                        name="issued_has_completion"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), unique=True)
    state: Mapped[str] = mapped_column(String(10), default="signed")
    content: Mapped[dict] = mapped_column(JSON)
    content_sha256: Mapped[str] = mapped_column(String(64))
    signed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    number_id: Mapped[int | None] = mapped_column(ForeignKey("document_numbers.id"), unique=True)
    issued_on: Mapped[date | None] = mapped_column(Date())
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    call: Mapped[Call] = relationship()
    number: Mapped[DocumentNumber | None] = relationship(back_populates="notice")
    signed_by: Mapped[User] = relationship(foreign_keys=[signed_by_id])
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    documents: Mapped[list["OfficialDocument"]] = relationship(
        back_populates="notice", order_by="OfficialDocument.position")


class OfficialDocument(Base):
    """One PDF of a notice: the notice itself (position 0) or the letter to one lead unit."""

    __tablename__ = "official_documents"
    __table_args__ = (
        UniqueConstraint("notice_id", "position"),
        CheckConstraint(
            "(kind = 'notice' AND application_id IS NULL AND position = 0) OR "
            "(kind = 'letter' AND application_id IS NOT NULL AND position > 0)",
            name="kind_matches"),
        CheckConstraint(
            "stored_at IS NULL OR (stored_name IS NOT NULL AND sha256 IS NOT NULL "
            "AND size_bytes > 0)", name="stored_has_file"),
        CheckConstraint(
            "revoked_at IS NULL OR (stored_at IS NOT NULL AND revoked_by_id IS NOT NULL "
            "AND revoke_reason IS NOT NULL)", name="revoked_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    position: Mapped[int]
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"),
                                                       unique=True)
    verification_code: Mapped[str] = mapped_column(String(16), unique=True)
    stored_name: Mapped[str | None] = mapped_column(String(80))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size_bytes: Mapped[int | None]
    stored_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str | None] = mapped_column(String(1000))

    notice: Mapped[Notice] = relationship(back_populates="documents")
    application: Mapped[Application | None] = relationship()
    revoked_by: Mapped[User | None] = relationship()

    @property
    def code_groups(self) -> str:
        """The verification code as printed: ABCD-EFGH-JKLM-NPQR."""
        code = self.verification_code
        return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


class DecisionKind(StrEnum):
    """The decisions issued as documents of their own, each under a number of the registry."""

    ACCEPTANCE_RESULT = "acceptance_result"
    EVALUATION_RESULT = "evaluation_result"
    REVOCATION = "revocation"
    # A rolling call's approval of one application ("mature one, recognise one").
    RECOGNITION = "recognition"


decision_applications = Table(
    "decision_applications", Base.metadata,
    Column("decision_id", ForeignKey("decision_documents.id", ondelete="CASCADE"),
           primary_key=True),
    Column("application_id", ForeignKey("applications.id"), primary_key=True, index=True),
)


class DecisionDocument(Base):
    """A numbered decision (acceptance results, evaluation results, a revocation), rendered
    once when it is issued and stored with its SHA-256; `content` is what it says, as plain
    data, so the verification page reads what was printed. The applications are the centers
    it decides on: their lead units may download it."""

    __tablename__ = "decision_documents"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('acceptance_result', 'evaluation_result', 'revocation', 'recognition')",
            name="kind_known"),
        CheckConstraint("size_bytes > 0", name="stored_has_size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), index=True)
    number_id: Mapped[int] = mapped_column(ForeignKey("document_numbers.id"), unique=True)
    content: Mapped[dict] = mapped_column(JSON)
    issued_on: Mapped[date] = mapped_column(Date())
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    verification_code: Mapped[str] = mapped_column(String(16), unique=True)
    stored_name: Mapped[str] = mapped_column(String(80))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int]

    call: Mapped[Call | None] = relationship()
    number: Mapped[DocumentNumber] = relationship(back_populates="decision")
    issued_by: Mapped[User] = relationship()
    applications: Mapped[list[Application]] = relationship(
        secondary=decision_applications, order_by=Application.id)

    @property
    def title(self) -> str:
        return self.content["title"]

    @property
    def code_groups(self) -> str:
        code = self.verification_code
        return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


NUMBER_MACHINE = Machine(_l("document number"), DocumentNumber, "status", (
    Move("void", frozenset({NumberStatus.ISSUED}), NumberStatus.VOIDED, "void_number"),
))
# Signing creates a notice in SIGNED (and signing again keeps it there); numbering claims it
# for the documents being stored; completing it once all are stored approves the units.
NOTICE_MACHINE = Machine(_l("notice"), Notice, "state", (
    Move("number", frozenset({NoticeState.SIGNED}), NoticeState.ISSUING, "notice_numbered"),
    Move("complete", frozenset({NoticeState.ISSUING}), NoticeState.ISSUED, "notice_issued"),
))
