"""The public announcement (公示) of a call's proposed list, its frozen entries, and the
objections the public files against a listed center."""
from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.accounts.models.users import User
from workflow.calls.models import Call
from workflow.core.clock import now
from workflow.core.db import Base, UTCDateTime
from workflow.core.machine import Machine, Move
from workflow.intake.models import Application


class ObjectionStatus(StrEnum):
    OPEN = "open"
    NOT_ADMISSIBLE = "not_admissible"
    DISMISSED = "dismissed"
    UPHELD = "upheld"


OBJECTION_STATUSES = tuple(ObjectionStatus)
FILER_KINDS = ("person", "organization")


class Publicity(Base):
    """One announcement per call, published once: its period, its texts as published (later
    edits of the call's settings do not change them) and the stored PDF."""

    __tablename__ = "publicities"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="period_order"),
        CheckConstraint("workdays BETWEEN 1 AND 30", name="workdays_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date]
    end_date: Mapped[date]
    workdays: Mapped[int]
    texts: Mapped[dict] = mapped_column(JSON, default=dict)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    published_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The announcement PDF, rendered once at publication and served byte for byte.
    document_name: Mapped[str] = mapped_column(String(80), unique=True)
    document_sha256: Mapped[str] = mapped_column(String(64))
    document_size: Mapped[int]
    # Set by `flask tick` once every listed application has left the publicity state.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    call: Mapped[Call] = relationship(lazy="joined")
    entries: Mapped[list["PublicityEntry"]] = relationship(
        back_populates="publicity", cascade="all, delete-orphan",
        order_by="PublicityEntry.position", lazy="selectin",
    )


class PublicityEntry(Base):
    """A row of the announced list as published (序号, 中心名称, 牵头单位, 共建单位, 所在市,
    技术领域): later edits of the application do not change what was announced."""

    __tablename__ = "publicity_entries"
    __table_args__ = (UniqueConstraint("publicity_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    publicity_id: Mapped[int] = mapped_column(
        ForeignKey("publicities.id", ondelete="CASCADE"), index=True
    )
    # An application is announced at most once.
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    position: Mapped[int]
    center_name: Mapped[str] = mapped_column(String(200))
    lead_unit: Mapped[str] = mapped_column(String(200))
    cobuilders: Mapped[str] = mapped_column(String(2000), default="")
    city: Mapped[str] = mapped_column(String(20))
    field: Mapped[str] = mapped_column(String(100), default="")

    publicity: Mapped[Publicity] = relationship(back_populates="entries")
    application: Mapped[Application] = relationship()


class Objection(Base):
    """A written objection against a listed center: real-name (a person with a way to reach
    them) or sealed (an organization with its letter). Open until the officer closes it as
    not admissible or the leader decides the application's objection review."""

    __tablename__ = "objections"
    __table_args__ = (
        CheckConstraint("filer_kind IN ('person', 'organization')", name="filer_kind_known"),
        CheckConstraint("status IN ('open', 'not_admissible', 'dismissed', 'upheld')",
                        name="status_known"),
        CheckConstraint("filer_kind != 'person' OR "
                        "(person_name != '' AND (phone != '' OR email != ''))",
                        name="person_named"),
        CheckConstraint("filer_kind != 'organization' OR (organization_name != '' AND "
                        "contact_person != '' AND phone != '' AND letter_name IS NOT NULL)",
                        name="organization_sealed"),
        CheckConstraint("status != 'not_admissible' OR handled_by_id IS NOT NULL",
                        name="closed_by_officer"),
        CheckConstraint("status NOT IN ('dismissed', 'upheld') OR decided_by_id IS NOT NULL",
                        name="decided_by_leader"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    publicity_id: Mapped[int] = mapped_column(
        ForeignKey("publicities.id", ondelete="CASCADE"), index=True
    )
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("publicity_entries.id", ondelete="CASCADE"), index=True
    )
    receipt_no: Mapped[str] = mapped_column(String(24), unique=True)
    filer_kind: Mapped[str] = mapped_column(String(12))
    person_name: Mapped[str] = mapped_column(String(50), default="")
    organization_name: Mapped[str] = mapped_column(String(200), default="")
    contact_person: Mapped[str] = mapped_column(String(50), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    content: Mapped[str] = mapped_column(String(5000))
    # The organization's sealed letter: a PDF under UPLOAD_DIR with a generated name.
    letter_name: Mapped[str | None] = mapped_column(String(80), unique=True)
    letter_original: Mapped[str] = mapped_column(String(255), default="")
    letter_sha256: Mapped[str] = mapped_column(String(64), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    status: Mapped[str] = mapped_column(String(20), default="open")
    # The officer's investigation: None until recorded, then whether it goes to the leader.
    admissible: Mapped[bool | None]
    handling_notes: Mapped[str] = mapped_column(String(4000), default="")
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_comment: Mapped[str] = mapped_column(String(4000), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    publicity: Mapped[Publicity] = relationship()
    entry: Mapped[PublicityEntry] = relationship(lazy="joined")
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def filer(self) -> str:
        return self.person_name if self.filer_kind == "person" else self.organization_name


_OPEN = frozenset({ObjectionStatus.OPEN})
# Handling closes an objection the officer finds not admissible; the leader's decision on the
# objection review closes the admissible ones.
OBJECTION_MACHINE = Machine(_l("objection"), Objection, "status", (
    Move("refuse", _OPEN, ObjectionStatus.NOT_ADMISSIBLE, "handle_objection"),
    Move("dismiss", _OPEN, ObjectionStatus.DISMISSED, "dismiss_objection"),
    Move("uphold", _OPEN, ObjectionStatus.UPHELD, "uphold_objection"),
))
