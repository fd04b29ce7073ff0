"""Applications with their sections, co-builders, attachments and submitted versions."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.application_forms.models import ApplicationForm
from workflow.calls.models import Call, CallField
from workflow.core.clock import now
from workflow.core.db import Base, UTCDateTime
from workflow.core.states import AppState
from workflow.core.verification_codes import code_groups
from workflow.organizations.models import Organization

_NOT_DRAFT = "state NOT IN ('draft', 'expired')"
# Live: neither withdrawn nor expired (core/states.LIVE_STATES). A unit has at most one
# live application per call; the database holds it, also against a double click.
LIVE = text("state NOT IN ('withdrawn', 'expired')")


def _same_as_region(context) -> str:
    return context.get_current_parameters()["region_code"]


class Application(Base):
    __tablename__ = "applications"
    __table_args__ = (
        # A filed application has a time of filing; the database holds us to it.
        CheckConstraint(f"NOT ({_NOT_DRAFT}) OR submitted_at IS NOT NULL", name="filed_has_time"),
        CheckConstraint("version_count >= 0", name="version_count_positive"),
        Index("ix_applications_call_state", "call_id", "state"),
        Index("uq_applications_live_per_call", "call_id", "lead_org_id", unique=True,
              sqlite_where=LIVE, postgresql_where=LIVE),
        # The desks count by state over every call, and a recommender's city by state.
        Index("ix_applications_state_call", "state", "call_id"),
        Index("ix_applications_region_state", "region_code", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    lead_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    field_id: Mapped[int | None] = mapped_column(ForeignKey("call_fields.id"))
    # The version of the call's form it is filled in (application_forms): kept when the
    # officer changes the form later.
    form_id: Mapped[int | None] = mapped_column(ForeignKey("application_forms.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    state: Mapped[str] = mapped_column(String(30), default=AppState.DRAFT)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version_count: Mapped[int] = mapped_column(default=0)
    # Optimistic lock: an UPDATE that finds another writer got there first fails instead of
    # silently overwriting (SQLite has no SELECT ... FOR UPDATE).
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, onupdate=now)
    # The county whose bureau checks it first in a county, city chain (set at creation from
    # the lead unit, recommendation/levels.county_code_of); the city code when none is known.
    county_code: Mapped[str] = mapped_column(String(6), index=True, default=_same_as_region)

    call: Mapped[Call] = relationship(lazy="joined")
    lead_org: Mapped[Organization] = relationship(lazy="joined")
    field: Mapped[CallField | None] = relationship(lazy="joined")
    form: Mapped[ApplicationForm | None] = relationship()
    sections: Mapped[list["ApplicationSection"]] = relationship(
        back_populates="application", cascade="all, delete-orphan"
    )
    cobuilders: Mapped[list["CoBuilder"]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="CoBuilder.id"
    )
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="Attachment.id"
    )
    versions: Mapped[list["ApplicationVersion"]] = relationship(
        back_populates="application", cascade="all, delete-orphan",
        order_by="ApplicationVersion.number",
    )
    corrections: Mapped[list["CorrectionRequest"]] = relationship(  # noqa: F821
        back_populates="application", cascade="all, delete-orphan",
        order_by="CorrectionRequest.round",
    )
    recommendation: Mapped["Recommendation | None"] = relationship(  # noqa: F821
        cascade="all, delete-orphan", viewonly=False,
    )

    __mapper_args__ = {"version_id_col": lock_version}

    def section_data(self, key: str) -> dict:
        for section in self.sections:
            if section.key == key:
                return section.data
        return {}

    def current_attachments(self) -> list["Attachment"]:
        return [a for a in self.attachments if a.replaced_at is None]


class ApplicationSection(Base):
    __tablename__ = "application_sections"
    __table_args__ = (UniqueConstraint("application_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE")
    )
    key: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, onupdate=now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    application: Mapped[Application] = relationship(back_populates="sections")


class CoBuilder(Base):
    """A partner unit named by credit code; it confirms through an account of its own."""

    __tablename__ = "cobuilders"
    __table_args__ = (
        UniqueConstraint("application_id", "credit_code"),
        CheckConstraint(
            "confirmed_at IS NULL OR (organization_id IS NOT NULL AND confirmed_by_id IS NOT NULL)",
            name="confirmed_has_confirmer",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    credit_code: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(200))
    division_of_work: Mapped[str] = mapped_column(String(1000), default="")
    # Where the lead unit asked the invitation to go while the unit has no verified account.
    contact_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"),
                                                        index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    application: Mapped[Application] = relationship(back_populates="cobuilders")
    organization: Mapped[Organization | None] = relationship()


class Attachment(Base):
    __tablename__ = "attachments"
    __table_args__ = (CheckConstraint("size_bytes > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    # A replaced file stays: submitted versions refer to it.
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    application: Mapped[Application] = relationship(back_populates="attachments")


class ApplicationVersion(Base):
    """What was filed at each submission, frozen: sections, co-builders, attachment hashes,
    with the SHA-256 of that snapshot and the code printed on its application book (申报书).
    The book's PDF is rendered on its first download and stored once (pdf_*): every later
    download is the same file, read back only while it still has its SHA-256."""

    __tablename__ = "application_versions"
    __table_args__ = (
        UniqueConstraint("application_id", "number"),
        CheckConstraint(
            "pdf_stored_at IS NULL OR (pdf_name IS NOT NULL AND pdf_sha256 IS NOT NULL "
            "AND pdf_size > 0)", name="stored_book_has_file"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    snapshot: Mapped[dict] = mapped_column(JSON)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    verification_code: Mapped[str] = mapped_column(String(16), unique=True)
    snapshot_sha256: Mapped[str] = mapped_column(String(64))
    pdf_name: Mapped[str | None] = mapped_column(String(80), unique=True)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_size: Mapped[int | None]
    pdf_stored_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    application: Mapped[Application] = relationship(back_populates="versions")

    @property
    def code_groups(self) -> str:
        return code_groups(self.verification_code)
