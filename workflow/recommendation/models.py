"""A recommender's recommendation of an application, with its rank within the quota."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.core.clock import now
from workflow.core.db import Base, UTCDateTime
from workflow.organizations.models import Organization


class Recommendation(Base):
    """Ranks run from 1 to the call's quota per recommender and are unique, so the database
    itself refuses a recommendation beyond the quota, also under concurrent requests."""

    __tablename__ = "recommendations"
    __table_args__ = (
        UniqueConstraint("call_id", "recommender_org_id", "rank"),
        CheckConstraint("rank >= 1", name="rank_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), unique=True
    )
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"))
    recommender_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    rank: Mapped[int]
    opinion: Mapped[str] = mapped_column(String(2000))
    recommended_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recommended_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    recommender_org: Mapped[Organization] = relationship()


class CountyPass(Base):
    """A county bureau's pass-up (初审通过) of an application to its city in a county, city
    chain, with its rank within the call's county quota. As with recommendations, the rank
    is unique per call and county, so the database refuses a pass beyond the quota, also
    under concurrent requests. The city's return to the county deletes the row (the audit
    trail keeps it): the county decides again, and its place is free."""

    __tablename__ = "county_passes"
    __table_args__ = (
        UniqueConstraint("call_id", "county_org_id", "rank"),
        CheckConstraint("rank >= 1", name="rank_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), unique=True
    )
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"))
    county_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    rank: Mapped[int]
    opinion: Mapped[str] = mapped_column(String(2000))
    passed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    passed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    county_org: Mapped[Organization] = relationship()
