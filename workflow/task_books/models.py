"""The task book (建设任务书) of a center: one per approved application.

`indicators` holds, for each code of `centers.indicators.INDICATORS`, the baseline, the
target of each construction year and the final target:
    {"rd_spending": {"baseline": 1200.0, "yearly": {"2023": 1400.0, "2024": 1600.0,
                                                    "2025": 1800.0}, "final": 1800.0}, ...}
(years as strings: JSON keys). `tasks` is a list of {"title", "content", "year"}; `budget`
maps each source (own_funds, provincial_funds, local_match) to 10,000 yuan. Once both sides
have signed, `frozen` keeps the signed content, `sha256` its digest and `stored_name` the
signed PDF; nothing changes it after that.
"""
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.core.clock import now
from workflow.core.db import Base, UTCDateTime
from workflow.intake.models import Application


class TaskBookState(StrEnum):
    DRAFTING = "drafting"  # the lead unit writes it (also after a return)
    SUBMITTED = "submitted"  # with the city (the application's recommender region)
    CITY_PASSED = "city_passed"  # with the department
    AGREED = "agreed"  # the department agreed the content: the lead unit signs
    UNIT_SIGNED = "unit_signed"  # the department signs with its seal
    SIGNED = "signed"  # frozen, hashed and kept


class TaskBook(Base):
    __tablename__ = "task_books"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), unique=True)
    state: Mapped[str] = mapped_column(String(20), default=TaskBookState.DRAFTING, index=True)
    indicators: Mapped[dict] = mapped_column(JSON, default=dict)
    tasks: Mapped[list] = mapped_column(JSON, default=list)
    budget: Mapped[dict] = mapped_column(JSON, default=dict)
    liability: Mapped[str] = mapped_column(String(4000), default="")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    # The last return: who returned it (recommender or officer) and why.
    return_reason: Mapped[str] = mapped_column(String(2000), default="")
    returned_by_role: Mapped[str] = mapped_column(String(20), default="")
    unit_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unit_signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    department_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    department_signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    frozen: Mapped[dict | None] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    stored_name: Mapped[str] = mapped_column(String(80), default="")
    # The SHA-256 of the stored PDF (`sha256` is the digest of the frozen content).
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="", server_default="")
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, onupdate=now)

    application: Mapped[Application] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": lock_version}

    def target(self, code: str, year: int) -> float | None:
        """The target of indicator `code` for `year` (None when the book sets none)."""
        value = (self.indicators.get(code) or {}).get("yearly", {}).get(str(year))
        return None if value in (None, "") else float(value)
