"""Reporting rounds and annual reports (年度报告).

The department opens a `ReportRound` for one year reported on and one platform type, with a
deadline; opening it gives every center of that type in REPORTING_STATES its `AnnualReport`.
The lead unit files the year's value of each indicator (`ReportValue`, one row per indicator
of centers/indicators.py, so the statistics sum them in SQL), four narrative sections and PDF
attachments; the city reviews, then the department. A report filed after the deadline, or
not filed when it passes, is flagged late (`late_since`) and stays so.
"""
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.accounts.models.users import User
from workflow.calls.models import PlatformType
from workflow.centers.models import Center
from workflow.core.clock import now
from workflow.core.db import Base, UTCDateTime
from workflow.core.machine import Machine, Move
from workflow.intake.models import Application

# The narrative sections of a report, in the order the form and the page show them.
SECTIONS = (
    ("progress", _l("Progress of the year")),
    ("tasks_done", _l("Tasks completed")),
    ("problems", _l("Problems and difficulties")),
    ("plan", _l("Plan for next year")),
)


class ReportState(StrEnum):
    DRAFTING = "drafting"  # the lead unit writes it
    SUBMITTED = "submitted"  # with the city (the recommender of the center's region)
    CITY_PASSED = "city_passed"  # with the department
    ACCEPTED = "accepted"  # final
    RETURNED = "returned"  # back with the lead unit, with the reasons


# The states in which the lead unit may change its report.
EDITABLE_REPORT_STATES = frozenset({ReportState.DRAFTING, ReportState.RETURNED})
# Filed: the report left the lead unit at least once and is not back with it.
FILED_REPORT_STATES = frozenset({ReportState.SUBMITTED, ReportState.CITY_PASSED,
                                 ReportState.ACCEPTED})

REPORT_STATE_LABELS = {
    ReportState.DRAFTING: _l("Not filed"), ReportState.SUBMITTED: _l("With the city"),
    ReportState.CITY_PASSED: _l("With the department"), ReportState.ACCEPTED: _l("Accepted"),
    ReportState.RETURNED: _l("Returned"),
}


class ReportRound(Base):
    __tablename__ = "report_rounds"
    __table_args__ = (UniqueConstraint("year", "platform_type_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]  # the year reported on
    platform_type_id: Mapped[int] = mapped_column(ForeignKey("platform_types.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    # When the tick flagged the reports still not filed at the deadline (once per round).
    lateness_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    platform_type: Mapped[PlatformType] = relationship(lazy="joined")
    opened_by: Mapped[User] = relationship()


class AnnualReport(Base):
    __tablename__ = "annual_reports"
    __table_args__ = (
        UniqueConstraint("round_id", "application_id"),
        CheckConstraint(
            "state IN ('drafting', 'submitted', 'city_passed', 'accepted', 'returned')",
            name="state_known"),
        CheckConstraint("state = 'drafting' OR first_filed_at IS NOT NULL",
                        name="filed_has_time"),
        CheckConstraint("state != 'returned' OR return_reason != ''", name="returned_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("report_rounds.id", ondelete="CASCADE"),
                                          index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default=ReportState.DRAFTING, index=True)
    narrative: Mapped[dict] = mapped_column(JSON, default=dict)
    first_filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the last filing
    city_passed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Flagged late: filed after the deadline, or not filed when it passed. Never cleared.
    late_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The last return: who returned it (recommender or officer) and why.
    return_reason: Mapped[str] = mapped_column(String(2000), default="")
    returned_by_role: Mapped[str] = mapped_column(String(20), default="")
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, onupdate=now)

    round: Mapped[ReportRound] = relationship(lazy="joined")
    application: Mapped[Application] = relationship(lazy="joined")
    center: Mapped[Center] = relationship(lazy="joined")
    values: Mapped[list["ReportValue"]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportValue.id")
    attachments: Mapped[list["ReportAttachment"]] = relationship(
        back_populates="report", order_by="ReportAttachment.id")

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def late(self) -> bool:
        return self.late_since is not None

    def value_of(self, code: str) -> Decimal | None:
        return next((v.value for v in self.values if v.code == code), None)


class ReportValue(Base):
    """The year's value of one indicator (centers/indicators.py) in a report; money in
    10,000 yuan."""

    __tablename__ = "report_values"
    __table_args__ = (UniqueConstraint("report_id", "code"),
                      CheckConstraint("value >= 0", name="value_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("annual_reports.id", ondelete="CASCADE"),
                                           index=True)
    code: Mapped[str] = mapped_column(String(40))
    value: Mapped[Decimal] = mapped_column(Numeric(14, 2))

    report: Mapped[AnnualReport] = relationship(back_populates="values")


class ReportAttachment(Base):
    """A PDF filed with a report, checked like the application's (core/pdf_check.py) and
    stored once under a generated name with its SHA-256. A removed one keeps its row."""

    __tablename__ = "report_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("annual_reports.id", ondelete="CASCADE"),
                                           index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    report: Mapped[AnnualReport] = relationship(back_populates="attachments")


REPORT_MACHINE = Machine(_l("annual report"), AnnualReport, "state", (
    Move("submit", frozenset({ReportState.DRAFTING, ReportState.RETURNED}),
         ReportState.SUBMITTED, "submit_report"),
    Move("city_pass", frozenset({ReportState.SUBMITTED}), ReportState.CITY_PASSED,
         "city_pass_report"),
    Move("city_return", frozenset({ReportState.SUBMITTED}), ReportState.RETURNED,
         "city_return_report"),
    Move("accept", frozenset({ReportState.CITY_PASSED}), ReportState.ACCEPTED,
         "accept_report"),
    Move("officer_return", frozenset({ReportState.CITY_PASSED}), ReportState.RETURNED,
         "officer_return_report"),
))
