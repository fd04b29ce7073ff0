"""The department's outcome of an acceptance, recorded by an officer from the panel's
confirmed result and issued as a numbered decision document (notices/operations/decisions.py):
pass or pass with conditions (PASS_ACCEPTANCE: the center operates, its
name drops "（筹）"), defer (the center stays under construction and may apply again until
`rectify_by`), or fail (FAIL_ACCEPTANCE). The guard and effect of the two actions live here.
Functions flush; the caller commits."""
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from workflow.acceptance import queries
from workflow.acceptance.models import (
    OUTCOME_LABELS,
    PASSING,
    REQUEST_MACHINE,
    AcceptanceRequest,
    Outcome,
    RequestState,
)
from workflow.acceptance.rules import suggested_outcome
from workflow.centers.operations import open_center
from workflow.core import clock
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.regions import city_name
from workflow.core.states import Action
from workflow.inbox.notifications import lead_users, notify
from workflow.lifecycle.permissions import can
from workflow.lifecycle.transitions import transition
from workflow.notices.models import DecisionKind
from workflow.notices.operations.decisions import issue_decision

LONGEST_DEFERRAL = timedelta(days=2 * 366)


def _today() -> date:
    return clock.local(clock.now()).date()


def confirmed_request(app) -> AcceptanceRequest | None:
    """The center's submitted request whose panel result the chair confirmed."""
    return db.session.scalar(select(AcceptanceRequest).where(
        AcceptanceRequest.application_id == app.id,
        AcceptanceRequest.state == RequestState.SUBMITTED,
        AcceptanceRequest.chair_confirmed_at.is_not(None)))


def outcome_problems(app, actor, comment: str = "") -> list[str]:
    """The guard of PASS_ACCEPTANCE and FAIL_ACCEPTANCE: an outcome rests on a confirmed
    panel result."""
    if confirmed_request(app) is None:
        return [_("The center's acceptance panel has not confirmed a result.")]
    return []


def fail_problems(app, actor) -> list[str]:
    """The guard of FAIL_ACCEPTANCE: a confirmed panel result, or a deferral whose date to
    apply again has passed without a new request."""
    if confirmed_request(app) is None and queries.lapsed_deferral(app, _today()) is None:
        return [_("The center's acceptance panel has not confirmed a result, and no deferral "
                  "of it has lapsed.")]
    return []


def fail_lapsed(app, *, reason: str, actor) -> None:
    """Fail the acceptance of a deferred center that did not apply again in time: the
    center's transition (its audit row, the lead unit told) and a numbered decision
    document."""
    if not can(actor, "acceptance.manage", app):
        raise PermissionDenied("acceptance.manage")
    last = queries.lapsed_deferral(app, _today())
    reason = (reason or "").strip()[:4000]
    if last is None:
        raise ServiceError(_("No deferral of this center has lapsed."))
    if not reason:
        raise ServiceError(_("Please give your reasons."))
    center = queries.center_of(app)
    name = center.display_name if center else app.title
    lead = center.lead_org.name if center else app.lead_org.name
    transition(app, Action.FAIL_ACCEPTANCE, actor=actor, comment=reason)
    issue_decision(DecisionKind.ACCEPTANCE_RESULT, applications=[app], actor=actor,
                   title=f"关于{name}建设验收结果的通知", addressee=lead,
                   paragraphs=[f"{name}于{chinese_day(last.decided_at.date())}暂缓通过验收，"
                               f"应于{chinese_day(last.rectify_by)}前重新提出验收申请，逾期"
                               "未申请。", f"经研究，{name}未通过验收。", reason, "特此通知。"],
                   cc=f"{city_name(app.region_code)}科学技术局", note="（此件依申请公开）")


def start_operating(app, actor, comment: str = "") -> None:
    """The effect of PASS_ACCEPTANCE: the center operates from today."""
    open_center(app, actor=actor).operating_since = _today()


def _checked(request, outcome: str, conditions: str, rectify_by: date | None,
             opinion: str) -> Outcome:
    if outcome not in tuple(Outcome):
        raise ServiceError(_("Choose the outcome."))
    outcome = Outcome(outcome)
    problems = []
    if outcome == Outcome.PASS_WITH_CONDITIONS and not conditions:
        problems.append(_("Write the conditions the center must meet."))
    if outcome == Outcome.DEFER:
        today = _today()
        if rectify_by is None or not today < rectify_by <= today + LONGEST_DEFERRAL:
            problems.append(_("Set the date by which the center applies again, within two "
                              "years."))
    suggested = suggested_outcome(request.score, vetoed=request.vetoed)
    if not opinion and (outcome != suggested or outcome == Outcome.FAIL):
        problems.append(_("Give the reasons: the outcome fails the center or departs from "
                          "the panel's result (%(suggested)s).",
                          suggested=OUTCOME_LABELS[suggested] if suggested else "-"))
    if problems:
        raise ServiceError(*problems)
    return outcome


def record_outcome(request: AcceptanceRequest, outcome: str, *, conditions: str = "",
                   rectify_by: date | None = None, opinion: str = "",
                   actor) -> AcceptanceRequest:
    """Decide the request: the center's transition for pass and fail (its audit row and the
    lead unit's notification), an audit row and a notification for a deferral; the request
    is decided, the conditions or the deadline kept; the result issued as a numbered
    decision document about the center (its number, PDF and audit row)."""
    if not can(actor, "acceptance.manage", request):
        raise PermissionDenied("acceptance.manage")
    if request.state != RequestState.SUBMITTED or request.chair_confirmed_at is None:
        raise ServiceError(_("Record the outcome once the panel's chair has confirmed the "
                             "result."))
    conditions, opinion = (conditions or "").strip()[:4000], (opinion or "").strip()[:4000]
    outcome = _checked(request, outcome, conditions, rectify_by, opinion)
    app = request.application
    center = queries.center_of(app)
    preparatory_name = center.display_name if center else app.title
    comment = "; ".join(part for part in (str(OUTCOME_LABELS[outcome]), conditions, opinion)
                        if part)
    if outcome in PASSING:
        transition(app, Action.PASS_ACCEPTANCE, actor=actor, comment=comment)
    elif outcome == Outcome.FAIL:
        transition(app, Action.FAIL_ACCEPTANCE, actor=actor, comment=opinion)
    REQUEST_MACHINE.move(
        request, "decide", actor=actor, application=app, comment=comment, outcome=outcome,
        conditions=conditions if outcome == Outcome.PASS_WITH_CONDITIONS else "",
        rectify_by=rectify_by if outcome == Outcome.DEFER else None, opinion=opinion,
        decided_at=clock.now(), decided_by_id=actor.id)
    request.document_id = issue_decision(
        DecisionKind.ACCEPTANCE_RESULT, applications=[app], actor=actor,
        **result_text(request, preparatory_name)).id
    db.session.flush()
    if outcome == Outcome.DEFER:
        _tell_deferred(request)
    return request


def result_text(request: AcceptanceRequest, name: str) -> dict:
    """The title, addressee, paragraphs and copy line of the acceptance result: the center
    (by its name under construction), the panel's score, the outcome with its conditions or
    deadline, the department's opinion."""
    app, center = request.application, queries.center_of(request.application)
    lead = center.lead_org.name if center else app.lead_org.name
    plain = center.name if center else app.title
    outcome = Outcome(request.outcome)
    decided = {
        Outcome.PASS: f"经研究，{name}通过验收，自本通知印发之日起转为运行，名称为“{plain}”。",
        Outcome.PASS_WITH_CONDITIONS: f"经研究，{name}有条件通过验收，自本通知印发之日起转为"
                                      f"运行，名称为“{plain}”。请{lead}按以下要求落实整改："
                                      f"{request.conditions.rstrip('。')}。",
        Outcome.DEFER: f"经研究，{name}暂缓通过验收。请{lead}对照专家意见认真整改，于"
                       f"{chinese_day(request.rectify_by)}前重新提出验收申请。",
        Outcome.FAIL: f"经研究，{name}未通过验收，自本通知印发之日起不得再以“{plain}”名义开展"
                      "活动。",
    }[outcome]
    paragraphs = [f"根据省级创新平台管理有关规定，我厅组织专家对{lead}牵头建设的{name}进行了"
                  f"建设期满验收，专家组综合评分{request.score:g}分。", decided]
    if request.opinion:
        paragraphs.append(request.opinion)
    paragraphs.append("特此通知。")
    return {"title": f"关于{name}建设验收结果的通知", "addressee": lead,
            "paragraphs": paragraphs, "cc": f"{city_name(app.region_code)}科学技术局",
            "note": "（此件依申请公开）"}


def chinese_day(day: date | None) -> str:
    return "" if day is None else f"{day.year}年{day.month}月{day.day}日"


def _tell_deferred(request: AcceptanceRequest) -> None:
    day, reasons = request.rectify_by.isoformat(), request.opinion

    def compose(user):
        return (_("Your center's acceptance was deferred"),
                _("The department deferred the acceptance of your center: rectify what the "
                  "panel found and apply again by %(day)s.", day=day)
                + ("\n\n" + _("Reasons:") + "\n" + reasons if reasons else ""))

    notify(lead_users(request.application), kind="acceptance_deferred", compose=compose,
           application=request.application,
           link=f"/acceptance/centers/{request.application_id}")


def remind_ending(*, days: int = 90) -> int:
    """Tell the lead unit of each center whose construction period ends within `days` and
    that has not applied yet to apply for acceptance (once per center). Returns how many
    were queued."""
    sent = 0
    for app, center in queries.ending_soon(_today(), days):
        day = center.construction_ends_on.isoformat()

        def compose(user, day=day):
            return (_("Apply for acceptance"),
                    _("The construction period of your center ends on %(day)s. Write its "
                      "self-assessment and apply for acceptance.", day=day))

        sent += notify(lead_users(app), kind="acceptance_due", compose=compose, application=app,
                       dedupe_key=f"acceptance_due:{app.id}",
                       link=f"/acceptance/centers/{app.id}")
    return sent

