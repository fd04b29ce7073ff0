"""The results of a closed round, made public and final (DOMAIN.md sections 7 and 11): the
announcement (公示) for a period of working days by the official calendar, as the approval
announcement's; objections filed under the same rules (publicity's checks of a filing); the
officer's decision of each, with reasons, which may regrade the center; the end of the
period by `flask tick`; and, once the results are final, the numbered 运行评估结果 document,
with which the rectification of each center graded 不合格 starts."""

from flask_babel import gettext as _
from sqlalchemy import select

from workflow.core import audit, storage
from workflow.core.clock import local, now
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.states import Action, AppState, Role
from workflow.evaluation.models import (
    ANNOUNCEMENT_MACHINE,
    EVALUATION_OBJECTION_MACHINE,
    GRADE_NAMES,
    OBJECTION_OUTCOMES,
    AnnouncementStatus,
    EvaluationAnnouncement,
    EvaluationObjection,
    EvaluationRound,
    Grade,
)
from workflow.evaluation.queries import open_objection_count
from workflow.evaluation.rules import issue_problems, publication_problems
from workflow.inbox.notifications import lead_users, notify, staff
from workflow.lifecycle import transitions
from workflow.lifecycle.permissions import SYSTEM, can
from workflow.notices.models import DecisionKind
from workflow.notices.operations.decisions import issue_decision
from workflow.publicity.operations.objections import (
    Filing,
    checked_letter,
    filer_columns,
    filing_problems,
    receipt_number,
)
from workflow.publicity.queries import ends_at, period_end, period_start

TEXT_KEYS = ("objection_address", "business_phone", "supervision_phone")


def _require(actor, name: str, obj=None) -> None:
    if not can(actor, name, obj):
        raise PermissionDenied(name)


def default_texts(row: EvaluationRound) -> dict[str, str]:
    """The department's usual contacts, those of the approval announcement."""
    department = row.platform_type.issuing_department
    return {"objection_address": f"{department}（济南市历下区解放路166号）",
            "business_phone": "0531-51751234", "supervision_phone": "0531-51751000"}


def publish_results(row: EvaluationRound, *, workdays: int, texts: dict[str, str],
                    actor) -> EvaluationAnnouncement:
    """Announce the closed round's results for `workdays` working days (from today, or the
    next working day in the evening or on a day off), with the objection address and the
    phones in `texts`. Side effects: the row, an audit row per center, the lead units told."""
    _require(actor, "evaluation.manage")
    problems = publication_problems(row)
    if not 1 <= workdays <= 30:
        problems.append(_("Give 1 to 30 working days."))
    clean = {k: " ".join(str(texts.get(k) or "").split())[:200] for k in TEXT_KEYS}
    if not all(clean.values()):
        problems.append(_("Give the objection address and both phones."))
    if problems:
        raise ServiceError(*problems)
    start = period_start(now())
    announcement = EvaluationAnnouncement(
        round=row, title=f"关于{row.title}结果的公示", start_date=start,
        end_date=period_end(start, workdays), workdays=workdays, published_by_id=actor.id,
        published_at=now(), texts={**clean,
                                   "department": row.platform_type.issuing_department})
    db.session.add(announcement)
    db.session.flush()
    period = f"{announcement.start_date.isoformat()} – {announcement.end_date.isoformat()}"
    for evaluation in row.evaluations:
        app = evaluation.application
        audit.record(actor=actor, action="publish_evaluation_results", application=app,
                     comment=f"{announcement.title}：{period}")
        notify(lead_users(app), kind="evaluation_announced", application=app,
               link=f"/evaluation-results/{announcement.id}",
               compose=lambda user: (
                   _("%(title)s: results announced", title=row.title),
                   _("The results of “%(title)s” are announced from %(start)s to %(end)s; "
                     "objections may be filed until then.", title=row.title,
                     start=announcement.start_date.isoformat(),
                     end=announcement.end_date.isoformat())))
    return announcement


def file_objection(announcement: EvaluationAnnouncement, filing: Filing, *,
                   actor) -> EvaluationObjection:
    """Record an objection to a center's announced grade and return it with its receipt
    number; refused with the reasons, storing nothing, on the approval announcement's rules
    (anonymous, early, late, an organization without its sealed letter as a PDF). Side
    effects: the row, the letter under UPLOAD_DIR, an audit row, the officers told."""
    _require(actor, "evaluation.object", announcement)
    problems = filing_problems(announcement, filing)
    if announcement.status != AnnouncementStatus.RUNNING and not problems:
        problems.append(_("The announcement period is over; late objections are not "
                          "accepted."))
    letter = checked_letter(filing, problems)
    row = EvaluationObjection(announcement=announcement, evaluation_id=filing.entry_id,
                              receipt_no=receipt_number("PG"),
                              content=filing.content.strip()[:5000],
                              **filer_columns(filing, letter))
    db.session.add(row)
    db.session.flush()
    audit.record(actor=actor, role="public", action="file_evaluation_objection",
                 application=row.evaluation.application,
                 comment=f"{row.receipt_no}: {row.evaluation.center_name}")
    day = local(now()).date().isoformat()
    notify(staff(Role.OFFICER), kind="objection_filed",
           link=f"/officer/evaluations/{announcement.round_id}/objections",
           dedupe_key=f"evaluation-objections:{announcement.id}:{day}",
           compose=lambda user: (
               _("Objection %(receipt)s: %(center)s", receipt=row.receipt_no,
                 center=row.evaluation.center_name),
               _("An objection to the announced grade of “%(center)s” was filed. Decide it "
                 "on the round's objections page.", center=row.evaluation.center_name)))
    if letter is not None:
        storage.write_once(storage.uploads_dir(), row.letter_name, letter.data)
    return row


def decide_objection(row: EvaluationObjection, *, outcome: str, reason: str,
                     grade: str | None = None, actor) -> EvaluationObjection:
    """The officer decides an open objection with reasons: not admissible, dismissed, or
    upheld, which gives the center `grade` (another grade than its announced one). Side
    effects: the objection's audit row, a regrade's own audit row and the lead unit told;
    the last decision after the period makes the results final."""
    _require(actor, "evaluation.manage")
    reason = (reason or "").strip()[:4000]
    problems = [] if outcome in OBJECTION_OUTCOMES else [_("Choose the decision.")]
    if not reason:
        problems.append(_("Please give your reasons."))
    evaluation, new_grade = row.evaluation, None
    if outcome == "upheld":
        if grade not in tuple(Grade) or grade == evaluation.grade:
            problems.append(_("An upheld objection changes the grade: choose the grade the "
                              "center is given."))
        else:
            new_grade = grade
    if row.announcement.status == AnnouncementStatus.FINAL:
        problems = [_("The results are final; this objection is decided.")]
    if problems:
        raise ServiceError(*problems)
    app = evaluation.application
    EVALUATION_OBJECTION_MACHINE.move(
        row, OBJECTION_OUTCOMES[outcome], actor=actor, application=app,
        comment=f"{row.receipt_no}: {reason}", reason=reason, decided_by_id=actor.id,
        decided_at=now(), old_grade=evaluation.grade if new_grade else None,
        new_grade=new_grade)
    if new_grade:
        _regrade(evaluation, new_grade, row, actor)
    announcement = row.announcement
    if (announcement.status == AnnouncementStatus.OBJECTION_REVIEW
            and not open_objection_count(announcement)):
        _final(announcement, "finish_review", actor)
    return row


def _regrade(evaluation, new_grade: str, row: EvaluationObjection, actor) -> None:
    old, new = GRADE_NAMES[Grade(evaluation.grade)], GRADE_NAMES[Grade(new_grade)]
    evaluation.grade = new_grade
    app = evaluation.application
    audit.record(actor=actor, action="regrade_center", application=app,
                 comment=f"{evaluation.round.title}：{old} → {new}（{row.receipt_no}）")
    db.session.flush()
    notify(lead_users(app), kind="evaluation_graded", application=app,
           link=f"/evaluation-results/{row.announcement_id}",
           compose=lambda user: (
               _("%(title)s: graded %(grade)s", title=evaluation.round.title, grade=new),
               _("An objection to your center's announced grade was upheld: it is graded "
                 "%(grade)s instead of %(old)s.", grade=new, old=old)))


def _final(announcement: EvaluationAnnouncement, event: str, actor) -> None:
    ANNOUNCEMENT_MACHINE.move(announcement, event, actor=actor, comment=announcement.title,
                              final_at=now())
    notify(staff(Role.OFFICER), kind="evaluation_final",
           link=f"/officer/evaluations/{announcement.round_id}",
           dedupe_key=f"evaluation-final:{announcement.id}",
           compose=lambda user: (
               _("%(title)s: results final", title=announcement.round.title),
               _("The announced results of “%(title)s” are final. Issue the results "
                 "document; it starts the rectifications.", title=announcement.round.title)))


def end_periods() -> int:
    """`flask tick`'s work on the announcements whose period is over: final when no
    objection is open, else to the officer's objection review. Returns how many ended."""
    ended = 0
    for announcement in db.session.scalars(select(EvaluationAnnouncement).where(
            EvaluationAnnouncement.status == AnnouncementStatus.RUNNING)
            .order_by(EvaluationAnnouncement.id)):
        if now() < ends_at(announcement):
            continue
        if open_objection_count(announcement):
            ANNOUNCEMENT_MACHINE.move(announcement, "review", actor=SYSTEM,
                                      comment=announcement.title)
        else:
            _final(announcement, "end", SYSTEM)
        ended += 1
    return ended


def results_text(row: EvaluationRound) -> dict:
    """The 运行评估结果 document's title, addressee, paragraphs and table of centers and
    grades, with the rectification it orders."""
    settings = row.typed_settings
    counts = {g: sum(e.grade == g for e in row.evaluations) for g in Grade}
    said = "，".join(f"{GRADE_NAMES[g]}{counts[g]}家" for g in Grade if counts[g])
    paragraphs = [
        f"根据省级创新平台管理有关规定，我厅组织对{len(row.evaluations)}家处于运行期的"
        f"{row.platform_type.name}开展了{row.year}年度运行评估。经年度报告审核、第三方机构专家"
        f"评估和结果公示，现将评估结果通知如下：{said}（名单见附表）。",
        "评估结果为优秀的，在后续项目安排和资金支持中予以优先支持；评估结果为良好、合格的，"
        "请对照专家意见进一步加强运行管理。"]
    if counts[Grade.UNQUALIFIED]:
        paragraphs.append(
            f"评估结果为不合格的，自本通知印发之日起进行为期{settings.rectification_years}年的"
            f"整改，并于{settings.plan_days}日内报送整改方案；整改期满后重新评估，仍不合格的，"
            "撤销其省级平台资格。")
    paragraphs.append("特此通知。")
    table = {"title": f"{row.title}结果", "columns": ["序号", "中心名称", "牵头单位", "所在市",
                                                    "评估结果"],
             "rows": [[str(n), e.center_name, e.lead_unit, e.city, GRADE_NAMES[Grade(e.grade)]]
                      for n, e in enumerate(row.evaluations, start=1)]}
    return {"title": f"关于{row.title}结果的通知",
            "addressee": "各有关单位，各市科学技术局", "paragraphs": paragraphs, "table": table,
            "note": "（此件公开发布）"}


def issue_results(row: EvaluationRound, *, actor):
    """Issue the round's numbered 运行评估结果 document once its announced results are final,
    and start the rectification of each operating center graded 不合格 (START_RECTIFICATION,
    from the document's date). Side effects: the document (number, PDF, audit rows), the
    transitions, the lead units told."""
    _require(actor, "evaluation.manage")
    problems = issue_problems(row)
    if problems:
        raise ServiceError(*problems)
    apps = [e.application for e in row.evaluations]
    document = issue_decision(DecisionKind.EVALUATION_RESULT, applications=apps, actor=actor,
                              **results_text(row))
    row.results_document_id = document.id
    db.session.flush()
    for evaluation in row.evaluations:
        app = evaluation.application
        if evaluation.grade == Grade.UNQUALIFIED and app.state == AppState.OPERATING:
            transitions.transition(
                app, Action.START_RECTIFICATION, actor=actor,
                comment=f"{document.number.text}：{GRADE_NAMES[Grade.UNQUALIFIED]}。"
                        f"{evaluation.opinion}")
    return document
