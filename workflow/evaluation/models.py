"""Periodic evaluation (运行评估) and rectification (整改), DOMAIN.md section 11.

An evaluation round rates the operating centers of one platform type in one year: each
center's expert review (often run by a third-party body) is recorded with its score, opinion
and report, and the score gives the grade by the round's thresholds. When every center is
graded the round closes; a center graded 不合格 then rectifies (Rectification) and is
re-evaluated.
"""
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.calls.models import PlatformType
from workflow.core.clock import now
from workflow.core.db import Base, UTCDateTime
from workflow.core.machine import Machine, Move
from workflow.evaluation.settings import EvaluationSettings
from workflow.intake.models import Application


class Grade(StrEnum):
    EXCELLENT = "excellent"
    GOOD = "good"
    QUALIFIED = "qualified"
    UNQUALIFIED = "unqualified"


# The official words, as the announcement and the results document print them.
GRADE_NAMES = {Grade.EXCELLENT: "优秀", Grade.GOOD: "良好", Grade.QUALIFIED: "合格",
               Grade.UNQUALIFIED: "不合格"}
GRADE_LABELS = {Grade.EXCELLENT: _l("Excellent"), Grade.GOOD: _l("Good"),
                Grade.QUALIFIED: _l("Qualified"), Grade.UNQUALIFIED: _l("Unqualified")}
PASSING_GRADES = frozenset({Grade.EXCELLENT, Grade.GOOD, Grade.QUALIFIED})
_GRADES_SQL = "('excellent', 'good', 'qualified', 'unqualified')"


class RoundStatus(StrEnum):
    RATING = "rating"  # the officer records each center's expert review
    # Every center graded; the results are then announced (EvaluationAnnouncement), and once
    # they are final those graded 不合格 start their rectification.
    CLOSED = "closed"


class EvaluationRound(Base):
    __tablename__ = "evaluation_rounds"
    __table_args__ = (
        UniqueConstraint("platform_type_id", "year"),
        CheckConstraint("status IN ('rating', 'closed')", name="status_known"),
        CheckConstraint("status != 'closed' OR closed_at IS NOT NULL", name="closed_dated"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_type_id: Mapped[int] = mapped_column(ForeignKey("platform_types.id"), index=True)
    year: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=RoundStatus.RATING)
    # The settings the round was opened with (EvaluationSettings as JSON).
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The numbered 运行评估结果 document, issued once the announced results are final.
    results_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("decision_documents.id"), unique=True)

    platform_type: Mapped[PlatformType] = relationship(lazy="joined")
    evaluations: Mapped[list["Evaluation"]] = relationship(
        back_populates="round", order_by="Evaluation.position", lazy="selectin")

    @property
    def typed_settings(self) -> EvaluationSettings:
        return EvaluationSettings.from_json(self.settings)


class Evaluation(Base):
    """One center's evaluation in a round: the list row frozen at opening (序号, 中心名称,
    牵头单位, 所在市, 技术领域), the expert review and the grade it gives."""

    __tablename__ = "evaluations"
    __table_args__ = (
        UniqueConstraint("round_id", "application_id"),
        UniqueConstraint("round_id", "position"),
        CheckConstraint(f"grade IS NULL OR grade IN {_GRADES_SQL}", name="grade_known"),
        CheckConstraint("grade IS NULL OR (score IS NOT NULL AND opinion != '' "
                        "AND report_name IS NOT NULL AND rated_by_id IS NOT NULL)",
                        name="graded_by_review"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("evaluation_rounds.id", ondelete="CASCADE"),
                                          index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    position: Mapped[int]
    center_name: Mapped[str] = mapped_column(String(200))
    lead_unit: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(20))
    field: Mapped[str] = mapped_column(String(100), default="")
    # The expert review: who ran it, the score, the opinion and its report (a PDF).
    reviewer: Mapped[str] = mapped_column(String(200), default="")
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    opinion: Mapped[str] = mapped_column(String(4000), default="")
    report_name: Mapped[str | None] = mapped_column(String(80), unique=True)
    report_original: Mapped[str] = mapped_column(String(255), default="")
    report_sha256: Mapped[str] = mapped_column(String(64), default="")
    grade: Mapped[str | None] = mapped_column(String(20))
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    round: Mapped[EvaluationRound] = relationship(back_populates="evaluations")
    application: Mapped[Application] = relationship()


_R = RoundStatus
ROUND_MACHINE = Machine(_l("evaluation round"), EvaluationRound, "status", (
    Move("close", frozenset({_R.RATING}), _R.CLOSED, "close_evaluation_round"),
))


class AnnouncementStatus(StrEnum):
    RUNNING = "running"  # the period runs: anyone may object
    OBJECTION_REVIEW = "objection_review"  # the period is over, an objection still open
    FINAL = "final"  # over with every objection decided: the results stand


ANNOUNCEMENT_LABELS = {
    AnnouncementStatus.RUNNING: _l("Announced: the period runs"),
    AnnouncementStatus.OBJECTION_REVIEW: _l("Period over: objections to decide"),
    AnnouncementStatus.FINAL: _l("Results final"),
}


class EvaluationAnnouncement(Base):
    """The public announcement (公示) of a closed round's results, with the approval
    announcement's rules: a period of working days, written objections under a real name or
    a seal, none anonymous or late. `start_date`, `end_date` and `entries` read as a
    Publicity's do, so that publicity's checks of a filing apply unchanged."""

    __tablename__ = "evaluation_announcements"
    __table_args__ = (
        CheckConstraint("status IN ('running', 'objection_review', 'final')",
                        name="status_known"),
        CheckConstraint("end_date >= start_date", name="period_order"),
        CheckConstraint("workdays BETWEEN 1 AND 30", name="workdays_range"),
        CheckConstraint("status != 'final' OR final_at IS NOT NULL", name="final_dated"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("evaluation_rounds.id", ondelete="CASCADE"),
                                          unique=True)
    title: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    workdays: Mapped[int]
    # The texts as published: department, objection address, business and supervision phones.
    texts: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=AnnouncementStatus.RUNNING,
                                        index=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    published_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    final_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    round: Mapped[EvaluationRound] = relationship(lazy="joined")

    @property
    def entries(self) -> list["Evaluation"]:
        return self.round.evaluations


_A = AnnouncementStatus
ANNOUNCEMENT_MACHINE = Machine(_l("evaluation announcement"), EvaluationAnnouncement, "status", (
    Move("end", frozenset({_A.RUNNING}), _A.FINAL, "evaluation_results_final"),
    Move("review", frozenset({_A.RUNNING}), _A.OBJECTION_REVIEW, "evaluation_objection_review"),
    Move("finish_review", frozenset({_A.OBJECTION_REVIEW}), _A.FINAL,
         "evaluation_results_final"),
))


class EvaluationObjection(Base):
    """A written objection to a center's announced grade, filed as the approval
    announcement's objections are (real-name, or an organization's sealed letter); the
    officer decides it with reasons: not admissible, dismissed, or upheld with the grade it
    gives the center."""

    __tablename__ = "evaluation_objections"
    __table_args__ = (
        CheckConstraint("filer_kind IN ('person', 'organization')", name="filer_kind_known"),
        CheckConstraint("status IN ('open', 'not_admissible', 'dismissed', 'upheld')",
                        name="status_known"),
        CheckConstraint("filer_kind != 'person' OR "
                        "(person_name != '' AND (phone != '' OR email != ''))",
                        name="person_named"),
        CheckConstraint("filer_kind != 'organization' OR (organization_name != '' AND "
                        "contact_person != '' AND phone != '' AND letter_name IS NOT NULL)",
                        name="organization_sealed"),
        CheckConstraint("status = 'open' OR (decided_by_id IS NOT NULL AND reason != '')",
                        name="decided_with_reason"),
        CheckConstraint(f"new_grade IS NULL OR (status = 'upheld' AND new_grade IN "
                        f"{_GRADES_SQL})", name="regrade_when_upheld"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_announcements.id", ondelete="CASCADE"), index=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    receipt_no: Mapped[str] = mapped_column(String(24), unique=True)
    filer_kind: Mapped[str] = mapped_column(String(12))
    person_name: Mapped[str] = mapped_column(String(50), default="")
    organization_name: Mapped[str] = mapped_column(String(200), default="")
    contact_person: Mapped[str] = mapped_column(String(50), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    content: Mapped[str] = mapped_column(String(5000))
    letter_name: Mapped[str | None] = mapped_column(String(80), unique=True)
    letter_original: Mapped[str] = mapped_column(String(255), default="")
    letter_sha256: Mapped[str] = mapped_column(String(64), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    reason: Mapped[str] = mapped_column(String(4000), default="")
    # Upheld: the grade the center had and the one the decision gives it.
    old_grade: Mapped[str | None] = mapped_column(String(20))
    new_grade: Mapped[str | None] = mapped_column(String(20))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    announcement: Mapped[EvaluationAnnouncement] = relationship()
    evaluation: Mapped[Evaluation] = relationship(lazy="joined")

    @property
    def filer(self) -> str:
        return self.person_name if self.filer_kind == "person" else self.organization_name


_O = frozenset({"open"})
EVALUATION_OBJECTION_MACHINE = Machine(_l("objection"), EvaluationObjection, "status", (
    Move("refuse", _O, "not_admissible", "refuse_evaluation_objection"),
    Move("dismiss", _O, "dismissed", "dismiss_evaluation_objection"),
    Move("uphold", _O, "upheld", "uphold_evaluation_objection"),
))
OBJECTION_OUTCOMES = {"not_admissible": "refuse", "dismissed": "dismiss", "upheld": "uphold"}


class RectificationStatus(StrEnum):
    PLAN_DUE = "plan_due"  # the lead unit writes its plan (also after a return)
    PLAN_FILED = "plan_filed"  # the officer accepts the plan or returns it
    RECTIFYING = "rectifying"  # plan accepted: the report is due at the period's end
    REPORT_FILED = "report_filed"  # the officer returns it or re-evaluates the center
    PASSED = "passed"  # re-evaluated qualified: the center operates again
    FAILED = "failed"  # re-evaluated unqualified: the leadership decides the revocation


STATUS_LABELS = {
    RectificationStatus.PLAN_DUE: _l("Plan to file"),
    RectificationStatus.PLAN_FILED: _l("Plan filed, under review"),
    RectificationStatus.RECTIFYING: _l("Rectifying: report to file"),
    RectificationStatus.REPORT_FILED: _l("Report filed, to re-evaluate"),
    RectificationStatus.PASSED: _l("Passed the re-evaluation"),
    RectificationStatus.FAILED: _l("Failed the re-evaluation"),
}
OPEN_RECTIFICATION = frozenset({RectificationStatus.PLAN_DUE, RectificationStatus.PLAN_FILED,
                                RectificationStatus.RECTIFYING,
                                RectificationStatus.REPORT_FILED})
_STATUSES_SQL = "('plan_due', 'plan_filed', 'rectifying', 'report_filed', 'passed', 'failed')"


class Rectification(Base):
    """The rectification (整改) of a center graded 不合格: its plan, its report, the
    officer's returns and the re-evaluation that ends it."""

    __tablename__ = "rectifications"
    __table_args__ = (
        CheckConstraint(f"status IN {_STATUSES_SQL}", name="status_known"),
        CheckConstraint("plan_due_on <= ends_on", name="plan_before_end"),
        CheckConstraint("status NOT IN ('passed', 'failed') OR (regrade IS NOT NULL AND "
                        "reevaluated_by_id IS NOT NULL)", name="closed_by_reevaluation"),
        CheckConstraint(f"regrade IS NULL OR regrade IN {_GRADES_SQL}", name="regrade_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    # The evaluation that graded the center 不合格: one rectification each.
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=RectificationStatus.PLAN_DUE,
                                        index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    plan_due_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)  # the report is due then
    plan_text: Mapped[str] = mapped_column(String(8000), default="")
    plan_name: Mapped[str | None] = mapped_column(String(80), unique=True)
    plan_original: Mapped[str] = mapped_column(String(255), default="")
    plan_sha256: Mapped[str] = mapped_column(String(64), default="")
    plan_filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    report_text: Mapped[str] = mapped_column(String(8000), default="")
    report_name: Mapped[str | None] = mapped_column(String(80), unique=True)
    report_original: Mapped[str] = mapped_column(String(255), default="")
    report_sha256: Mapped[str] = mapped_column(String(64), default="")
    report_filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The officer's last return, shown to the lead unit until it files again.
    returned_reason: Mapped[str] = mapped_column(String(4000), default="")
    # Set by `flask tick` when the plan or the report is late (and kept as the record).
    plan_late_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    report_late_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The re-evaluation: score, opinion and the grade they give.
    rescore: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    reopinion: Mapped[str] = mapped_column(String(4000), default="")
    regrade: Mapped[str | None] = mapped_column(String(20))
    reevaluated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reevaluated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    application: Mapped[Application] = relationship()
    evaluation: Mapped[Evaluation] = relationship(lazy="joined")


_S = RectificationStatus
RECTIFICATION_MACHINE = Machine(_l("rectification"), Rectification, "status", (
    Move("file_plan", frozenset({_S.PLAN_DUE}), _S.PLAN_FILED, "file_rectification_plan"),
    Move("return_plan", frozenset({_S.PLAN_FILED}), _S.PLAN_DUE, "return_rectification_plan"),
    Move("accept_plan", frozenset({_S.PLAN_FILED}), _S.RECTIFYING, "accept_rectification_plan"),
    Move("file_report", frozenset({_S.RECTIFYING}), _S.REPORT_FILED,
         "file_rectification_report"),
    Move("return_report", frozenset({_S.REPORT_FILED}), _S.RECTIFYING,
         "return_rectification_report"),
    Move("pass", frozenset({_S.REPORT_FILED}), _S.PASSED, "pass_reevaluation"),
    Move("fail", frozenset({_S.REPORT_FILED}), _S.FAILED, "fail_reevaluation"),
))
