"""The center an approved application became: one row per approved application, made when
its lead unit starts the task book. The application's state is the center's state
(core/states.py: CENTER_STATES and after); this row keeps what can change after approval."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.core.clock import now
from workflow.core.db import Base, UTCDateTime
from workflow.core.states import AppState
from workflow.intake.models import Application
from workflow.organizations.models import Organization

# While a center is being built its name carries "（筹）" (DOMAIN.md section 11).
PREPARATORY_STATES = frozenset({AppState.APPROVED, AppState.UNDER_CONSTRUCTION})
PREPARATORY_MARK = "（筹）"


class Center(Base):
    __tablename__ = "centers"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), unique=True)
    # The current name, lead unit and director: the application's until a change is approved.
    name: Mapped[str] = mapped_column(String(200))
    lead_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    director: Mapped[str] = mapped_column(String(50), default="")
    construction_years: Mapped[int] = mapped_column(default=3, server_default="3")
    construction_starts_on: Mapped[date | None] = mapped_column(Date)
    construction_ends_on: Mapped[date | None] = mapped_column(Date)
    operating_since: Mapped[date | None] = mapped_column(Date)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    application: Mapped[Application] = relationship(lazy="joined")
    lead_org: Mapped[Organization] = relationship(lazy="joined")

    @property
    def display_name(self) -> str:
        """The name as documents print it: with "（筹）" while the center is being built."""
        if self.application.state in PREPARATORY_STATES:
            return self.name + PREPARATORY_MARK
        return self.name
