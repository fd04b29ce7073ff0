"""Read-only reads of the evaluation for its pages, each in a fixed number of statements
whatever the number of rounds, centers or objections: the rounds with their progress, a
round's centers with the summary of their accepted annual reports against their task books'
targets, the announcements and their objections, and a center's published grade."""
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select

from workflow.core.extensions import db
from workflow.evaluation.models import (
    Evaluation,
    EvaluationAnnouncement,
    EvaluationObjection,
    EvaluationRound,
)
from workflow.reports.models import AnnualReport, ReportRound, ReportState, ReportValue
from workflow.reports.rules import Measure, measures, yearly_targets
from workflow.task_books.models import TaskBook, TaskBookState


@dataclass(frozen=True)
class RoundLine:
    row: EvaluationRound
    graded: int
    total: int
    announcement: EvaluationAnnouncement | None
    open_objections: int


def rounds() -> list[RoundLine]:
    """Every round, the newest year first, with its centers graded and in all, its
    announcement and the objections still open, in four statements."""
    counts = {round_id: (graded, total) for round_id, graded, total in db.session.execute(
        select(Evaluation.round_id, func.count(Evaluation.grade), func.count())
        .group_by(Evaluation.round_id))}
    announcements = {a.round_id: a for a in db.session.scalars(select(EvaluationAnnouncement))}
    open_counts = dict(db.session.execute(
        select(EvaluationObjection.announcement_id, func.count())
        .where(EvaluationObjection.status == "open")
        .group_by(EvaluationObjection.announcement_id)).all())
    lines = []
    for row in db.session.scalars(select(EvaluationRound).order_by(
            EvaluationRound.year.desc(), EvaluationRound.id.desc())):
        announcement = announcements.get(row.id)
        graded, total = counts.get(row.id, (0, 0))
        lines.append(RoundLine(row, graded, total, announcement,
                               open_counts.get(announcement.id, 0) if announcement else 0))
    return lines


@dataclass
class YearSummary:
    """One accepted annual report of a center: its indicators against the yearly targets."""

    year: int
    measures: list[Measure] = field(default_factory=list)

    @property
    def missed(self) -> int:
        return sum(m.missed for m in self.measures)

    @property
    def targeted(self) -> int:
        return sum(m.target is not None and m.target > 0 for m in self.measures)


def report_summaries(app_ids: list[int]) -> dict[int, list[YearSummary]]:
    """{application id: its accepted annual reports, oldest year first}, in three
    statements: the reports, their values, the signed task books."""
    if not app_ids:
        return {}
    reports = db.session.execute(
        select(AnnualReport.id, AnnualReport.application_id, ReportRound.year)
        .join(ReportRound, AnnualReport.round_id == ReportRound.id)
        .where(AnnualReport.application_id.in_(app_ids),
               AnnualReport.state == ReportState.ACCEPTED)
        .order_by(AnnualReport.application_id, ReportRound.year)).all()
    values: dict[int, dict[str, Decimal]] = {}
    for report_id, code, value in db.session.execute(
            select(ReportValue.report_id, ReportValue.code, ReportValue.value)
            .where(ReportValue.report_id.in_([r.id for r in reports] or [0]))):
        values.setdefault(report_id, {})[code] = value
    books = dict(db.session.execute(
        select(TaskBook.application_id, TaskBook.indicators)
        .where(TaskBook.application_id.in_(app_ids),
               TaskBook.state == TaskBookState.SIGNED)).all())
    summaries: dict[int, list[YearSummary]] = {}
    for report_id, app_id, year in reports:
        summaries.setdefault(app_id, []).append(YearSummary(year, measures(
            values.get(report_id, {}), yearly_targets(books.get(app_id), year))))
    return summaries


def open_objection_count(announcement: EvaluationAnnouncement) -> int:
    return db.session.scalar(select(func.count()).select_from(EvaluationObjection).where(
        EvaluationObjection.announcement_id == announcement.id,
        EvaluationObjection.status == "open"))


def objections_of(announcement: EvaluationAnnouncement) -> list[EvaluationObjection]:
    """The announcement's objections, the open ones first, then by receipt."""
    return list(db.session.scalars(
        select(EvaluationObjection)
        .where(EvaluationObjection.announcement_id == announcement.id)
        .order_by((EvaluationObjection.status != "open"), EvaluationObjection.received_at,
                  EvaluationObjection.id)))


def announcements() -> list[EvaluationAnnouncement]:
    """The published announcements of results, the newest first."""
    return list(db.session.scalars(select(EvaluationAnnouncement).order_by(
        EvaluationAnnouncement.start_date.desc(), EvaluationAnnouncement.id.desc())))


def published_grades(app_id: int) -> list[tuple[Evaluation, EvaluationAnnouncement]]:
    """The center's grades as announced, newest round first, with their announcement (a grade
    may still change on an objection until its status is final)."""
    return [tuple(r) for r in db.session.execute(
        select(Evaluation, EvaluationAnnouncement)
        .join(EvaluationAnnouncement, EvaluationAnnouncement.round_id == Evaluation.round_id)
        .join(EvaluationRound, EvaluationRound.id == Evaluation.round_id)
        .where(Evaluation.application_id == app_id)
        .order_by(EvaluationRound.year.desc()))]
