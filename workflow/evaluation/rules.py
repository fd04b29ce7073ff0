"""Read-only checks of the evaluation: who may do what, when a round may open, when its
results may be announced and their document issued, and the guards of START_RECTIFICATION
and END_RECTIFICATION."""
from flask_babel import gettext as _
from sqlalchemy import select

from workflow.core.extensions import db
from workflow.evaluation.models import (
    OPEN_RECTIFICATION,
    PASSING_GRADES,
    AnnouncementStatus,
    Evaluation,
    EvaluationAnnouncement,
    EvaluationRound,
    Grade,
    Rectification,
    RectificationStatus,
    RoundStatus,
)
from workflow.lifecycle.permissions import (
    anyone,
    grant,
    is_lead_member,
    is_leader,
    is_officer,
    is_officer_or_leader,
)


def can_view_rectification(user, rect) -> bool:
    """The department, and the center's lead unit for its own rectification."""
    return (is_officer(user) or is_leader(user)
            or (rect is not None and is_lead_member(user, rect.application)))


def can_file_rectification(user, rect) -> bool:
    return rect is not None and is_lead_member(user, rect.application)


grant("evaluation.manage", is_officer)
grant("evaluation.view", is_officer_or_leader)
# The announced results are public, and anyone may object during the period.
grant("evaluation.results", anyone, public=True)
grant("evaluation.object", anyone, public=True)
grant("rectification.view", can_view_rectification)
grant("rectification.file", can_file_rectification)
grant("rectification.review", is_officer)


def last_round_year(platform_type_id: int) -> int | None:
    return db.session.scalar(select(EvaluationRound.year).where(
        EvaluationRound.platform_type_id == platform_type_id)
        .order_by(EvaluationRound.year.desc()).limit(1))


def opening_problems(platform_type_id: int, year: int, every_years: int) -> list[str]:
    """A platform type is evaluated every `every_years` years: not again before then."""
    last = last_round_year(platform_type_id)
    if last is not None and year - last < every_years:
        return [_("The operating centers of this platform type were evaluated in %(last)d; "
                  "the next evaluation is due in %(next)d.", last=last,
                  next=last + every_years)]
    return []


def announcement_of(row: EvaluationRound) -> EvaluationAnnouncement | None:
    return db.session.scalar(select(EvaluationAnnouncement).where(
        EvaluationAnnouncement.round_id == row.id))


def publication_problems(row: EvaluationRound) -> list[str]:
    """The results are announced once, after the round is closed."""
    if row.status != RoundStatus.CLOSED:
        return [_("Close the round first: every center graded.")]
    if announcement_of(row) is not None:
        return [_("The results of this round are announced.")]
    return []


def issue_problems(row: EvaluationRound) -> list[str]:
    """The results document follows the announcement once its results are final."""
    if row.results_document_id is not None:
        return [_("The results document of this round is issued.")]
    announcement = announcement_of(row)
    if announcement is None or announcement.status != AnnouncementStatus.FINAL:
        return [_("The results are final once the announcement period is over and every "
                  "objection is decided.")]
    return []


def unqualified_evaluation(app) -> Evaluation | None:
    """The center's latest evaluation of a round whose announced results are final, when it
    graded it 不合格 and no rectification follows it yet."""
    latest = db.session.scalar(
        select(Evaluation).join(EvaluationRound)
        .join(EvaluationAnnouncement, EvaluationAnnouncement.round_id == EvaluationRound.id)
        .where(Evaluation.application_id == app.id, Evaluation.grade.is_not(None),
               EvaluationAnnouncement.status == AnnouncementStatus.FINAL)
        .order_by(EvaluationRound.year.desc(), Evaluation.id.desc()).limit(1))
    if latest is None or latest.grade != Grade.UNQUALIFIED:
        return None
    followed = db.session.scalar(select(Rectification.id).where(
        Rectification.evaluation_id == latest.id))
    return None if followed else latest


def open_rectification(app) -> Rectification | None:
    return db.session.scalar(select(Rectification).where(
        Rectification.application_id == app.id,
        Rectification.status.in_([str(s) for s in OPEN_RECTIFICATION])))


def start_problems(app, actor) -> list[str]:
    """Rectification follows a closed round's 不合格 grade."""
    if unqualified_evaluation(app) is None:
        return [_("Only a center graded unqualified in an evaluation round whose announced "
                  "results are final rectifies.")]
    return []


def end_problems(app, actor, comment: str = "") -> list[str]:
    """Rectification ends with a passing re-evaluation of the filed report."""
    rect = open_rectification(app)
    if (rect is None or rect.status != RectificationStatus.REPORT_FILED
            or rect.regrade not in PASSING_GRADES):
        return [_("The rectification ends when its report is re-evaluated as qualified.")]
    return []
