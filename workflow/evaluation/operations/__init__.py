"""Writers of the evaluation: open a round, record each center's expert review (its grade
follows the score by the round's thresholds), close the round, and the rectification's plan,
report, returns and re-evaluation. The announcement of the results, its objections and the
results document, which starts the rectifications, are in `results`."""
import secrets
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select

from workflow.calls.models import Call, PlatformType
from workflow.centers.models import Center
from workflow.core import audit, storage
from workflow.core.clock import local, now
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.pdf_check import read_upload
from workflow.core.regions import city_name
from workflow.core.states import Action, AppState, Role
from workflow.evaluation.models import (
    GRADE_NAMES,
    PASSING_GRADES,
    RECTIFICATION_MACHINE,
    ROUND_MACHINE,
    Evaluation,
    EvaluationRound,
    Grade,
    Rectification,
    RoundStatus,
)
from workflow.evaluation.rules import open_rectification, opening_problems, unqualified_evaluation
from workflow.evaluation.settings import EvaluationSettings
from workflow.inbox.notifications import lead_users, notify, staff
from workflow.intake.models import Application
from workflow.lifecycle import transitions
from workflow.lifecycle.permissions import SYSTEM, can


def _require(actor, name: str, obj=None) -> None:
    if not can(actor, name, obj):
        raise PermissionDenied(name)


def _tell(users, app: Application, kind: str, subject: str, body: str,
          link: str | None = None) -> None:
    notify(users, kind=kind, application=app, link=link or f"/applications/{app.id}",
           compose=lambda user: (subject, body))


def _today() -> date:
    return local(now()).date()


def open_round(platform_type: PlatformType, year: int, *, actor,
               settings: EvaluationSettings | None = None) -> EvaluationRound:
    """Open the evaluation of the operating centers of `platform_type` in `year`, with
    `settings` (the defaults when None) kept on the round. Side effects: the round, one row
    per center (its list row as it is today), an audit row per center, the lead units told."""
    _require(actor, "evaluation.manage")
    settings = settings or EvaluationSettings()
    problems = settings.problems() + opening_problems(platform_type.id, year,
                                                      settings.every_years)
    apps = list(db.session.scalars(
        select(Application).join(Call, Application.call_id == Call.id)
        .where(Call.platform_type_id == platform_type.id,
               Application.state == AppState.OPERATING).order_by(Application.id)))
    if not apps:
        problems.append(_("No operating center of this platform type is to be evaluated."))
    if problems:
        raise ServiceError(*problems)
    names = dict(db.session.execute(select(Center.application_id, Center.name).where(
        Center.application_id.in_([a.id for a in apps]))).all())
    row = EvaluationRound(platform_type=platform_type, year=year, opened_by_id=actor.id,
                          title=f"{year}年度{platform_type.name}运行评估",
                          settings=settings.to_json(), opened_at=now())
    row.evaluations = [
        Evaluation(application=app, position=n, center_name=names.get(app.id, app.title),
                   lead_unit=app.lead_org.name, city=city_name(app.region_code),
                   field=app.field.name if app.field else "")
        for n, app in enumerate(apps, start=1)]
    db.session.add(row)
    db.session.flush()
    for app in apps:
        audit.record(actor=actor, action="open_evaluation", application=app, comment=row.title)
        _tell(lead_users(app), app, "evaluation_opened",
              _("%(title)s: your center is evaluated", title=row.title),
              _("The department evaluates your center in “%(title)s” from its annual reports "
                "and an expert review.", title=row.title))
    return row


def parse_score(text) -> Decimal:
    try:
        score = Decimal(str(text).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ServiceError(_("Give the score as a number from 0 to 100.")) from exc
    if not score.is_finite() or not 0 <= score <= 100 or score != score.quantize(Decimal("0.1")):
        raise ServiceError(_("Give the score as a number from 0 to 100, at most one decimal."))
    return score


def _stored_pdf(filename: str, stream) -> tuple[str, str, bytes, str]:
    """(generated name, original name, bytes, SHA-256) of an uploaded PDF, checked."""
    if stream is None:
        raise ServiceError(_("Attach the report as a PDF."))
    checked = read_upload(stream)
    original = "".join(ch for ch in (filename or "").replace("\\", "/").split("/")[-1]
                       if ch.isprintable())[:255] or "report.pdf"
    return secrets.token_hex(20) + ".pdf", original, checked.data, checked.sha256


def rate_center(evaluation: Evaluation, *, score, opinion: str, reviewer: str,
                report_filename: str, report, actor) -> Evaluation:
    """Record the center's expert review (the reviewing body, score, opinion, report PDF);
    the grade follows the score by the round's thresholds. Again while the round is rating
    replaces the review. Side effects: the row, the report under UPLOAD_DIR, an audit row."""
    _require(actor, "evaluation.manage")
    if evaluation.round.status != RoundStatus.RATING:
        raise ServiceError(_("This evaluation round is closed."))
    problems = []
    if not (opinion or "").strip():
        problems.append(_("Write the expert review's opinion."))
    if not (reviewer or "").strip():
        problems.append(_("Name who ran the expert review."))
    try:
        value = parse_score(score)
    except ServiceError as error:
        problems += error.problems
    if problems:
        raise ServiceError(*problems)
    name, original, data, sha256 = _stored_pdf(report_filename, report)
    grade = evaluation.round.typed_settings.grade_of(value)
    evaluation.score, evaluation.grade = value, grade
    evaluation.opinion, evaluation.reviewer = opinion.strip()[:4000], reviewer.strip()[:200]
    evaluation.report_name, evaluation.report_original, evaluation.report_sha256 = (
        name, original, sha256)
    evaluation.rated_at, evaluation.rated_by_id = now(), actor.id
    audit.record(actor=actor, action="rate_center", application=evaluation.application,
                 comment=f"{evaluation.round.title}: {value} {GRADE_NAMES[Grade(grade)]}；"
                         f"{evaluation.reviewer}：{evaluation.opinion}")
    db.session.flush()
    storage.write_once(storage.uploads_dir(), name, data)
    return evaluation


def close_round(row: EvaluationRound, *, actor) -> EvaluationRound:
    """Close a round whose every center is graded: each lead unit is told its grade, which
    the results' announcement makes public; no rectification starts before the results are
    final (results.issue_results). Side effects: the round's audit row, the notifications."""
    _require(actor, "evaluation.manage")
    ungraded = [e.center_name for e in row.evaluations if e.grade is None]
    if ungraded:
        raise ServiceError(_("Not graded yet: %(names)s.", names="、".join(ungraded)))
    ROUND_MACHINE.move(row, "close", actor=actor, comment=row.title, closed_at=now())
    for evaluation in row.evaluations:
        app, grade = evaluation.application, GRADE_NAMES[Grade(evaluation.grade)]
        _tell(lead_users(app), app, "evaluation_graded",
              _("%(title)s: graded %(grade)s", title=row.title, grade=grade),
              _("Your center was graded %(grade)s in “%(title)s”. The expert review's "
                "opinion: %(opinion)s The results are announced publicly before they are "
                "final.", grade=grade, title=row.title, opinion=evaluation.opinion))
    return row


def start_rectification(app: Application, actor, comment: str = "") -> None:
    """START_RECTIFICATION's effect: the rectification of the center's 不合格 evaluation,
    its plan due after the round's plan_days and its report at the end of its period."""
    evaluation = unqualified_evaluation(app)
    settings = evaluation.round.typed_settings
    start = _today()
    ends = start.replace(year=start.year + settings.rectification_years) if not (
        start.month == 2 and start.day == 29) else start + timedelta(
        days=365 * settings.rectification_years)
    db.session.add(Rectification(application_id=app.id, evaluation_id=evaluation.id,
                                 starts_on=start, ends_on=ends,
                                 plan_due_on=min(start + timedelta(days=settings.plan_days),
                                                 ends)))
    db.session.flush()


def _document(rect: Rectification, kind: str, text: str, filename: str, stream, actor):
    _require(actor, "rectification.file", rect)
    problems = [] if (text or "").strip() else [_("Write what the %(what)s says.", what=kind)]
    try:
        stored = _stored_pdf(filename, stream)
    except ServiceError as error:
        problems += error.problems
    if problems:
        raise ServiceError(*problems)
    return stored


def file_plan(rect: Rectification, *, text: str, filename: str, stream, actor) -> None:
    """The lead unit files its rectification plan (text and signed PDF); the officers are
    told. Side effects: the row, the file, an audit row."""
    name, original, data, sha256 = _document(rect, _("plan"), text, filename, stream, actor)
    RECTIFICATION_MACHINE.move(
        rect, "file_plan", actor=actor, application=rect.application, comment=text.strip()[:500],
        plan_text=text.strip()[:8000], plan_name=name, plan_original=original,
        plan_sha256=sha256, plan_filed_at=now(), returned_reason="")
    storage.write_once(storage.uploads_dir(), name, data)
    _tell(staff(Role.OFFICER), rect.application, "rectification_plan",
          _("%(title)s: rectification plan filed", title=rect.evaluation.center_name),
          _("The rectification plan of “%(title)s” waits for your review.",
            title=rect.evaluation.center_name),
          link=f"/rectifications/{rect.id}")


def file_report(rect: Rectification, *, text: str, filename: str, stream, actor) -> None:
    """The lead unit files its rectification report; the officers are told."""
    name, original, data, sha256 = _document(rect, _("report"), text, filename, stream, actor)
    RECTIFICATION_MACHINE.move(
        rect, "file_report", actor=actor, application=rect.application,
        comment=text.strip()[:500], report_text=text.strip()[:8000], report_name=name,
        report_original=original, report_sha256=sha256, report_filed_at=now(),
        returned_reason="")
    storage.write_once(storage.uploads_dir(), name, data)
    _tell(staff(Role.OFFICER), rect.application, "rectification_report",
          _("%(title)s: rectification report filed", title=rect.evaluation.center_name),
          _("The rectification report of “%(title)s” waits for its re-evaluation.",
            title=rect.evaluation.center_name),
          link=f"/rectifications/{rect.id}")


def return_document(rect: Rectification, *, reason: str, actor) -> None:
    """The officer returns the filed plan or report with reasons; the lead unit is told."""
    _require(actor, "rectification.review", rect)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Please give your reasons."))
    event = "return_plan" if rect.status == "plan_filed" else "return_report"
    RECTIFICATION_MACHINE.move(rect, event, actor=actor, application=rect.application,
                               comment=reason, returned_reason=reason[:4000])
    _tell(lead_users(rect.application), rect.application, "rectification_returned",
          _("%(title)s: returned for revision", title=rect.evaluation.center_name),
          _("The department returned your rectification document with these reasons: "
            "%(reason)s", reason=reason),
          link=f"/rectifications/{rect.id}")


def accept_plan(rect: Rectification, *, actor) -> None:
    """The officer accepts the plan: the center rectifies, its report due at the end."""
    _require(actor, "rectification.review", rect)
    RECTIFICATION_MACHINE.move(rect, "accept_plan", actor=actor, application=rect.application,
                               comment=f"report due {rect.ends_on.isoformat()}")
    _tell(lead_users(rect.application), rect.application, "rectification_plan_accepted",
          _("%(title)s: rectification plan accepted", title=rect.evaluation.center_name),
          _("Carry out the plan and file the rectification report by %(date)s.",
            date=rect.ends_on.isoformat()),
          link=f"/rectifications/{rect.id}")


def reevaluate(app: Application, *, score, opinion: str, actor) -> Rectification:
    """The re-evaluation of the filed report: qualified or better ends the rectification
    (END_RECTIFICATION: the center operates again); 不合格 fails it and the leadership is told
    to decide the revocation."""
    _require(actor, "rectification.review")
    rect = open_rectification(app)
    if rect is None or rect.status != "report_filed":
        raise ServiceError(_("The re-evaluation follows the filed rectification report."))
    if not (opinion or "").strip():
        raise ServiceError(_("Write the expert review's opinion."))
    value = parse_score(score)
    grade = rect.evaluation.round.typed_settings.grade_of(value)
    rect.rescore, rect.regrade, rect.reopinion = value, grade, opinion.strip()[:4000]
    rect.reevaluated_at, rect.reevaluated_by_id = now(), actor.id
    comment = f"{value} {GRADE_NAMES[Grade(grade)]}：{rect.reopinion}"
    if grade in PASSING_GRADES:
        transitions.transition(app, Action.END_RECTIFICATION, actor=actor, comment=comment)
        return rect
    RECTIFICATION_MACHINE.move(rect, "fail", actor=actor, application=app, comment=comment)
    _tell(staff(Role.LEADER), app, "rectification_failed",
          _("%(title)s: rectification failed", title=rect.evaluation.center_name),
          _("“%(title)s” was re-evaluated unqualified after its rectification. Decide its "
            "revocation.", title=rect.evaluation.center_name))
    return rect


def end_rectification(app: Application, actor, comment: str = "") -> None:
    """END_RECTIFICATION's effect: the rectification is passed."""
    RECTIFICATION_MACHINE.move(open_rectification(app), "pass", actor=actor, application=app,
                               comment=comment)


REMIND_DAYS = 14  # the lead unit is reminded of its plan or report this many days ahead


def _due(rect: Rectification) -> tuple[str, date] | None:
    """What the lead unit owes now and by when: the plan, or the report."""
    if rect.status == "plan_due":
        return "plan", rect.plan_due_on
    if rect.status == "rectifying":
        return "report", rect.ends_on
    return None


def remind_and_flag_late() -> int:
    """`flask tick`'s work on rectifications: the lead unit reminded once REMIND_DAYS before
    its plan or report is due; once the day has passed, the rectification flagged late (an
    audit row) and the lead unit and the officers told. Returns how many were told."""
    today, told = _today(), 0
    for rect in db.session.scalars(select(Rectification).where(
            Rectification.status.in_(["plan_due", "rectifying"])).order_by(Rectification.id)):
        what, day = _due(rect)
        app, name = rect.application, rect.evaluation.center_name
        late_column = "plan_late_at" if what == "plan" else "report_late_at"
        if day < today and getattr(rect, late_column) is None:
            setattr(rect, late_column, now())
            audit.record(actor=SYSTEM, action=f"rectification_{what}_late", application=app,
                         comment=day.isoformat())
            told += notify(lead_users(app) + staff(Role.OFFICER), kind="rectification_late",
                           application=app, link=f"/rectifications/{rect.id}",
                           compose=_late(name, what, day))
        elif today <= day <= today + timedelta(days=REMIND_DAYS):
            told += notify(lead_users(app), kind="reminder", application=app,
                           link=f"/rectifications/{rect.id}", compose=_reminder(name, what, day),
                           dedupe_key=f"rectification-{what}:{rect.id}:{day:%Y%m%d}")
    db.session.flush()
    return told


def _late(name: str, what: str, day: date):
    def compose(user):
        text = (_("The rectification plan of “%(name)s” was due on %(date)s and is late.",
                  name=name, date=day.isoformat()) if what == "plan" else
                _("The rectification report of “%(name)s” was due on %(date)s and is late.",
                  name=name, date=day.isoformat()))
        return _("%(name)s: rectification late", name=name), text
    return compose


def _reminder(name: str, what: str, day: date):
    def compose(user):
        text = (_("File the rectification plan of “%(name)s” by %(date)s.", name=name,
                  date=day.isoformat()) if what == "plan" else
                _("File the rectification report of “%(name)s” by %(date)s.", name=name,
                  date=day.isoformat()))
        return _("Rectification due on %(date)s: %(name)s", date=day.isoformat(),
                 name=name), text
    return compose
