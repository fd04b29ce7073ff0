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
