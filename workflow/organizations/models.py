"""Organizations: lead units, co-builders, recommending bureaus and departments, and the
business licences that verify who they are."""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.core.clock import now
from workflow.core.db import Base, UTCDateTime


class OrgKind(StrEnum):
    ENTERPRISE = "enterprise"
    UNIVERSITY = "university"
    INSTITUTE = "institute"
    GOVERNMENT = "government"
    OTHER = "other"


class OrgStatus(StrEnum):
    """A registered unit is unverified until an officer or its city's recommender has
    compared its business licence with what it registered."""

    UNVERIFIED = "unverified"
    VERIFIED = "verified"
    REJECTED = "rejected"


_VERIFIED = "status = 'verified'"


class Organization(Base):
    __tablename__ = "organizations"
    __table_args__ = (
        CheckConstraint("length(credit_code) = 18", name="credit_code_length"),
        CheckConstraint("length(region_code) = 6", name="region_code_length"),
        CheckConstraint("status IN ('unverified', 'verified', 'rejected')", name="status_known"),
        CheckConstraint("status != 'rejected' OR status_reason != ''", name="rejected_has_reason"),
        # Several registrations may claim one code (a dispute for the officer); one is verified.
        Index("uq_organizations_verified_credit_code", "credit_code", unique=True,
              sqlite_where=text(_VERIFIED), postgresql_where=text(_VERIFIED)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18), index=True)
    # The city (地级市) the unit belongs to, e.g. 370200; taken from the credit code when it
    # names a Shandong region, else chosen at registration.
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=OrgKind.ENTERPRISE)
    independent_legal_person: Mapped[bool] = mapped_column(default=True)
    legal_representative: Mapped[str] = mapped_column(String(50), default="")
    # A serious bad-credit record (严重失信) as kept by the department; blocks eligibility.
    bad_credit: Mapped[bool] = mapped_column(default=False, server_default=false())
    address: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[object] = mapped_column(UTCDateTime(), default=now)
    status: Mapped[str] = mapped_column(String(12), default=OrgStatus.UNVERIFIED, index=True)
    # Why it was rejected, for the unit to read; empty otherwise.
    status_reason: Mapped[str] = mapped_column(String(1000), default="", server_default="")
    # When it was verified or rejected; who did it is in the audit trail (organization_id).
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The provincial department the unit names as its supervising department (主管部门): it
    # recommends the unit's applications in a call whose chain is "department".
    supervising_org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"),
                                                          index=True)

    licences: Mapped[list["Licence"]] = relationship(
        back_populates="organization", order_by="Licence.id", cascade="all, delete-orphan",
    )

    @property
    def is_verified(self) -> bool:
        return self.status == OrgStatus.VERIFIED

    @property
    def licence(self) -> "Licence | None":
        return self.licences[-1] if self.licences else None

    def __repr__(self) -> str:
        return f"<Organization {self.credit_code} {self.name}>"


class Licence(Base):
    """A business licence (营业执照) a unit uploaded as a PDF; each upload is kept."""

    __tablename__ = "licences"
    __table_args__ = (CheckConstraint("size_bytes > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    organization: Mapped[Organization] = relationship(back_populates="licences")
