"""Read-only reads of the reports for pages, the desk's neighbours and the statistics.

Every list is read in a fixed number of statements whatever its length: the round page
reads its reports with their values and their task books' indicators in three.
"""
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from workflow.calls.models import Call, PlatformType
from workflow.centers.models import Center
from workflow.core.extensions import db
from workflow.core.states import REPORTING_STATES
from workflow.intake.models import Application
from workflow.reports.models import (
    AnnualReport,
    ReportAttachment,
    ReportRound,
    ReportState,
    ReportValue,
)
from workflow.reports.rules import Measure, measures, missed_count, yearly_targets
from workflow.task_books.models import TaskBook, TaskBookState
from workflow.web.queries.lists import Page, paginate


@dataclass(frozen=True)
class IndicatorTotal:
    """The sum of one indicator over the accepted reports of one year and platform type."""

    year: int
    platform_type_id: int
    code: str  # an Indicator.code of centers/indicators.py
    total: Decimal  # money in 10,000 yuan, like the reports
    reports: int  # how many accepted reports gave it


def indicator_totals(*, first_year: int | None = None, last_year: int | None = None,
                     platform_type_id: int | None = None) -> list[IndicatorTotal]:
    """The indicator values of accepted reports summed per year reported on, platform type
    and indicator, in one aggregate statement; ordered by year, platform type, code. Years
    and a platform type narrow it when given (both ends inclusive)."""
    stmt = (select(ReportRound.year, ReportRound.platform_type_id, ReportValue.code,
                   func.sum(ReportValue.value), func.count(ReportValue.id))
            .join(AnnualReport, ReportValue.report_id == AnnualReport.id)
            .join(ReportRound, AnnualReport.round_id == ReportRound.id)
            .where(AnnualReport.state == ReportState.ACCEPTED)
            .group_by(ReportRound.year, ReportRound.platform_type_id, ReportValue.code)
            .order_by(ReportRound.year, ReportRound.platform_type_id, ReportValue.code))
    if first_year is not None:
        stmt = stmt.where(ReportRound.year >= first_year)
    if last_year is not None:
        stmt = stmt.where(ReportRound.year <= last_year)
    if platform_type_id is not None:
        stmt = stmt.where(ReportRound.platform_type_id == platform_type_id)
    return [IndicatorTotal(year, type_id, code, Decimal(total or 0), n)
            for year, type_id, code, total, n in db.session.execute(stmt)]


def totals_by_year(*, first_year: int | None = None, last_year: int | None = None,
                   platform_type_id: int | None = None) -> dict[int, dict[str, Decimal]]:
    """`indicator_totals` summed over the platform types: {year: {code: total}}."""
    years: dict[int, dict[str, Decimal]] = {}
    for row in indicator_totals(first_year=first_year, last_year=last_year,
                                platform_type_id=platform_type_id):
        codes = years.setdefault(row.year, {})
        codes[row.code] = codes.get(row.code, Decimal(0)) + row.total
    return years


# Rounds


def rounds() -> list[tuple[ReportRound, dict[str, int]]]:
    """Every round, the newest year first, with its reports counted by state and late."""
    counts: dict[int, dict[str, int]] = {}
    for round_id, state, late, n in db.session.execute(
            select(AnnualReport.round_id, AnnualReport.state,
                   AnnualReport.late_since.is_not(None), func.count())
            .group_by(AnnualReport.round_id, AnnualReport.state,
                      AnnualReport.late_since.is_not(None))):
        row = counts.setdefault(round_id, {"all": 0, "late": 0})
        row[state] = row.get(state, 0) + n
        row["all"] += n
        row["late"] += n if late else 0
    return [(r, counts.get(r.id, {"all": 0, "late": 0})) for r in db.session.scalars(
        select(ReportRound).order_by(ReportRound.year.desc(), ReportRound.id.desc()))]


def platform_types() -> list[PlatformType]:
    return list(db.session.scalars(select(PlatformType).order_by(PlatformType.id)))


def reporting_centers(platform_type_id: int) -> list[tuple[Application, Center | None]]:
    """The applications of `platform_type_id` in REPORTING_STATES, with their center row."""
    return list(db.session.execute(
        select(Application, Center)
        .join(Call, Application.call_id == Call.id)
        .outerjoin(Center, Center.application_id == Application.id)
        .where(Call.platform_type_id == platform_type_id,
               Application.state.in_(REPORTING_STATES))
        .order_by(Application.id)).all())


@dataclass(frozen=True)
class RoundRow:
    report: AnnualReport
    missed: int


def _targets_of(app_ids: list[int], year: int) -> dict[int, dict]:
    """The yearly targets of signed task books of these applications, in one statement."""
    if not app_ids:
        return {}
    return {app_id: yearly_targets(indicators, year) for app_id, indicators in db.session.execute(
        select(TaskBook.application_id, TaskBook.indicators)
        .where(TaskBook.application_id.in_(app_ids), TaskBook.state == TaskBookState.SIGNED))}


def round_reports(round_: ReportRound, *, state: str | None = None, late: bool = False,
                  page: int = 1, per_page: int = 25) -> Page:
    """A page of the round's reports (RoundRow: the report, its missed indicators), by city
    and center, in four statements: the count, the reports, their values, their targets."""
    stmt = (select(AnnualReport).join(Application, AnnualReport.application_id == Application.id)
            .where(AnnualReport.round_id == round_.id))
    if state:
        stmt = stmt.where(AnnualReport.state == state)
    if late:
        stmt = stmt.where(AnnualReport.late_since.is_not(None))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    page = min(max(1, page), max(1, -(-total // per_page)))
    reports = list(db.session.scalars(
        stmt.options(selectinload(AnnualReport.values))
        .order_by(Application.region_code, Application.id)
        .limit(per_page).offset((page - 1) * per_page)).unique())
    targets = _targets_of([r.application_id for r in reports], round_.year)
    rows = [RoundRow(r, missed_count(values_of(r), targets.get(r.application_id, {})))
            for r in reports]
    return Page(items=rows, total=total, page=page, per_page=per_page)


def values_of(report: AnnualReport) -> dict[str, Decimal]:
    return {v.code: v.value for v in report.values}


def report_measures(report: AnnualReport) -> list[Measure]:
    """The report's indicators against the signed task book's targets of its year."""
    targets = _targets_of([report.application_id], report.round.year)
    return measures(values_of(report), targets.get(report.application_id, {}))


def has_signed_book(report: AnnualReport) -> bool:
    return db.session.scalar(select(func.count()).select_from(TaskBook).where(
        TaskBook.application_id == report.application_id,
        TaskBook.state == TaskBookState.SIGNED)) > 0


def current_attachments(report: AnnualReport) -> list[ReportAttachment]:
    return [a for a in report.attachments if a.removed_at is None]


def unit_reports(org_id: int, *, page: int = 1, per_page: int = 25) -> Page:
    """The reports of the centers a unit leads, the newest year first."""
    stmt = (select(AnnualReport).join(Center, AnnualReport.center_id == Center.id)
            .join(ReportRound, AnnualReport.round_id == ReportRound.id)
            .where(Center.lead_org_id == org_id)
            .order_by(ReportRound.year.desc(), AnnualReport.id))
    return paginate(stmt, page=page, per_page=per_page)


def city_reports(region_code: str, *, page: int = 1, per_page: int = 25) -> Page:
    """The reports of the centers of a city's region, those waiting for it first."""
    stmt = (select(AnnualReport).join(Application, AnnualReport.application_id == Application.id)
            .join(ReportRound, AnnualReport.round_id == ReportRound.id)
            .where(Application.region_code == region_code)
            .order_by((AnnualReport.state != ReportState.SUBMITTED), ReportRound.year.desc(),
                      AnnualReport.id))
    return paginate(stmt, page=page, per_page=per_page)
