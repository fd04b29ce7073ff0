"""The department's reporting rounds, and the clock's work on them: reminders before the
deadline and the late flag once it has passed (`flask tick`, workflow/tick.py)."""
from datetime import date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import select, update

from workflow.calendar import queries as calendar
from workflow.calls.models import PlatformType
from workflow.centers.operations import open_center
from workflow.core import audit, clock
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.lifecycle.permissions import SYSTEM, can
from workflow.reports import queries
from workflow.reports.models import (
    EDITABLE_REPORT_STATES,
    AnnualReport,
    ReportRound,
)
from workflow.reports.operations import telling

# The lead units are reminded when this many working days or fewer are left.
REMIND_WORKING_DAYS = 5


def due_at_end_of(day: date) -> datetime:
    """A deadline day as its last second in Beijing time."""
    return datetime.combine(day, time(23, 59, 59), clock.LOCAL)


def open_round(*, year: int, platform_type: PlatformType, due_on: date, actor) -> ReportRound:
    """Open the reporting round of `year` for `platform_type`, due at the end of `due_on`:
    every center of that type in REPORTING_STATES gets its report to file.

    Side effects: the round, one report per center (and its center row when it had none),
    one audit row, a notification to each center's lead unit. Flushes."""
    if not can(actor, "report_round.open"):
        raise PermissionDenied("report_round.open")
    at = clock.now()
    problems = []
    if not 2000 <= year <= clock.local(at).year:
        problems.append(_("The year reported on must be a past or the current year."))
    due_at = due_at_end_of(due_on)
    if due_at <= at:
        problems.append(_("The deadline must be in the future."))
    elif due_on.year < year or (due_on.year == year and due_on.month < 12):
        problems.append(_("The deadline falls before the end of the year reported on."))
    if db.session.scalar(select(ReportRound.id).where(
            ReportRound.year == year, ReportRound.platform_type_id == platform_type.id)):
        problems.append(_("The round of %(year)d for %(type)s is already open.", year=year,
                          type=platform_type.name))
    if problems:
        raise ServiceError(*problems)
    round_ = ReportRound(year=year, platform_type_id=platform_type.id, due_at=due_at,
                         opened_by_id=actor.id, opened_at=at)
    db.session.add(round_)
    db.session.flush()
    reports = []
    for app, center in queries.reporting_centers(platform_type.id):
        center = center or open_center(app, actor=actor)
        reports.append(AnnualReport(round_id=round_.id, application_id=app.id,
                                    center_id=center.id, narrative={}))
    db.session.add_all(reports)
    audit.record(actor=actor, action="open_report_round",
                 comment=_("%(year)d, %(type)s: %(n)d centers, due %(due)s", year=year,
                           type=platform_type.name, n=len(reports), due=due_on.isoformat()))
    db.session.flush()
    for report in reports:
        telling.report_due(report, round_)
    return round_


def remind_due_reports() -> int:
    """Remind the lead units of reports still not filed REMIND_WORKING_DAYS or fewer
    working days before their deadline; once per report and deadline."""
    at, sent = clock.now(), 0
    for round_ in db.session.scalars(select(ReportRound).where(ReportRound.due_at > at)):
        if calendar.working_days_left(at, round_.due_at) > REMIND_WORKING_DAYS:
            continue
        for report in db.session.scalars(select(AnnualReport).where(
                AnnualReport.round_id == round_.id,
                AnnualReport.state.in_(EDITABLE_REPORT_STATES),
                AnnualReport.first_filed_at.is_(None)).order_by(AnnualReport.id)):
            sent += telling.reminder(report)
    return sent


def flag_late_reports() -> int:
    """Flag late the reports not filed when their round's deadline passed, each once (a
    conditional update, so two ticks flag nothing twice). Side effects: late_since set, an
    audit row per report, the lead unit and the city told. Returns how many."""
    at, flagged = clock.now(), 0
    for round_ in db.session.scalars(select(ReportRound).where(
            ReportRound.due_at < at, ReportRound.lateness_checked_at.is_(None))):
        claimed = db.session.execute(
            update(ReportRound).where(ReportRound.id == round_.id,
                                      ReportRound.lateness_checked_at.is_(None))
            .values(lateness_checked_at=at).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            continue
        late = list(db.session.scalars(select(AnnualReport).where(
            AnnualReport.round_id == round_.id, AnnualReport.first_filed_at.is_(None),
            AnnualReport.late_since.is_(None)).order_by(AnnualReport.id)))
        for report in late:
            report.late_since = round_.due_at
            audit.record(actor=SYSTEM, action="report_late", application=report.application,
                         comment=_("Annual report %(year)d not filed by the deadline.",
                                   year=round_.year))
            telling.late(report)
        flagged += len(late)
        db.session.flush()
    return flagged
