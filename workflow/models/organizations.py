"""Organizations: lead units, co-builders, recommending bureaus and departments."""
from enum import StrEnum

from sqlalchemy import CheckConstraint, String, false
from sqlalchemy.orm import Mapped, mapped_column

from workflow.clock import now
from workflow.models.base import Base, UTCDateTime


class OrgKind(StrEnum):
    ENTERPRISE = "enterprise"
    UNIVERSITY = "university"
    INSTITUTE = "institute"
    GOVERNMENT = "government"
    OTHER = "other"


class Organization(Base):
    __tablename__ = "organizations"
    __table_args__ = (
        CheckConstraint("length(credit_code) = 18", name="credit_code_length"),
        CheckConstraint("length(region_code) = 6", name="region_code_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
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

    def __repr__(self) -> str:
        return f"<Organization {self.credit_code} {self.name}>"
