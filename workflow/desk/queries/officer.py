"""The desk of a department officer: formal reviews waiting, corrections awaiting the lead
units, units to verify, panels to fill or to open, dispersion alarms, objections to handle,
notices to issue and mails that failed. Each group reads the definition of its own page:
the formal-review queue (FORMAL_REVIEW_STATES), the verification queue, the panel guard
(assignment.panel_problems), the results page's alarm (results.alarm_unresolved), the
objections' open state, the notice's states and the outbox's statuses."""
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, case, exists, func, select

from workflow.calls.models import Call
from workflow.core.config import links_lead_nowhere
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.departments.rules import calls_of
from workflow.desk.queries.items import CAP, Group, Item, Link, More, capped, capped_groups
from workflow.desk.queries.organizations import waiting_units
from workflow.experts.models import Exclusion
from workflow.formal_review.models import CorrectionRequest
from workflow.formal_review.queries import open_correction
from workflow.inbox import outbox
from workflow.inbox.models import OutboxMail
from workflow.intake.models import Application
from workflow.notices.models import Notice
from workflow.publicity.models import Objection, Publicity
from workflow.recommendation.models import Recommendation
from workflow.review.models import PanelResult, PanelSeat
from workflow.review.settings import review_settings_of


def _per_call(rows, endpoint: str, detail, **args) -> list[Item]:
    return [Item(r.title, Link(endpoint, {"call_id": r.id, **args}), since=r.since,
                 detail=detail(r)) for r in rows]


def formal_reviews(user) -> Group:
    """Per call, the recommended applications whose formal review waits, the longest
    waiting first."""
    count = func.count(Application.id)
    since = func.min(Recommendation.recommended_at)
    rows, total, partial = capped_groups(
        select(Call.id, Call.title, count.label("n"), since.label("since"))
        .select_from(Application).join(Call, Application.call_id == Call.id)
        .outerjoin(Recommendation, Recommendation.application_id == Application.id)
        .where(Application.state == AppState.RECOMMENDED, calls_of(user))
        .group_by(Call.id, Call.title).order_by(since, Call.id), count)
    return Group("formal_reviews", total, _per_call(
        rows, "formal_review.queue", lambda r: _("%(n)d to check", n=r.n),
        state=AppState.RECOMMENDED), partial=partial)


def corrections(user) -> Group:
    """Corrections the lead units owe, the nearest deadline first, with a link per call to
    the formal-review queue of those waiting."""
    waiting = (Application.state == AppState.CORRECTION_REQUESTED)
    rows, total, partial = capped(
        select(Application.id, Application.title, Application.call_id, Call.title.label("call"),
               CorrectionRequest.deadline_at)
        .join(Call, Application.call_id == Call.id).join(CorrectionRequest, open_correction())
        .where(waiting, calls_of(user)).order_by(CorrectionRequest.deadline_at, Application.id))
    calls = db.session.execute(
        select(Call.id, Call.title, func.count(Application.id).label("n"))
        .select_from(Application).join(Call, Application.call_id == Call.id)
        .where(waiting, calls_of(user))
        .group_by(Call.id, Call.title).order_by(Call.id).limit(CAP)).all()
    return Group("awaiting_corrections", total, [
        Item(r.title, Link("formal_review.checklist_page", {"app_id": r.id}),
             deadline=r.deadline_at, detail=r.call) for r in rows],
        [More(c.title, Link("formal_review.queue", {"call_id": c.id,
                                                     "state": AppState.CORRECTION_REQUESTED}),
              c.n) for c in calls], partial=partial)


def units(user) -> Group:
    """Every unit waiting for its verification; a disputed code only officers decide."""
    items, total, disputed = waiting_units()
    return Group("units", total, items, [More(
        _("disputed credit codes"), Link("organizations.queue", {"disputed": "1"}), disputed)]
        if disputed else [], partial=total > len(items))


def panels(user) -> list[Group]:
    """Applications that passed the formal review, per call: panels not complete and panels
    complete whose review can open. Complete as assignment.panel_problems has it: k accepted
    experts (the call's k), one of them the chair, no seat held by an excluded expert."""
    excluded = exists().where(Exclusion.application_id == PanelSeat.application_id,
                              Exclusion.expert_id == PanelSeat.expert_id)
    accepted = PanelSeat.status == "accepted"
    seats = (select(PanelSeat.application_id,
                    func.count(case((accepted, 1))).label("accepted"),
                    func.max(case((and_(accepted, PanelSeat.is_chair), 1), else_=0))
                    .label("chair"),
                    func.count(case((and_(PanelSeat.status != "declined", excluded), 1)))
                    .label("excluded"))
             .join(Application, PanelSeat.application_id == Application.id)
             .where(Application.state == AppState.FORMAL_PASSED)
             .group_by(PanelSeat.application_id).subquery())
    shapes = [seats.c.accepted, seats.c.chair, seats.c.excluded]
    rows = db.session.execute(
        select(Call.id, Call.title, Call.review_settings, Call.eligibility,
               *[func.coalesce(c, 0).label(c.name) for c in shapes],
               func.count(Application.id).label("n"),
               func.min(Application.updated_at).label("since"))
        .select_from(Application).join(Call, Application.call_id == Call.id)
        .outerjoin(seats, seats.c.application_id == Application.id)
        .where(Application.state == AppState.FORMAL_PASSED, calls_of(user))
        .group_by(Call.id, Call.title, *shapes).order_by(Call.id)).all()
    # Per call and completeness: [applications, the earliest passed the formal review].
    calls: dict[tuple[int, bool], list] = {}
    for r in rows:
        complete = bool(r.accepted >= review_settings_of(r).k and r.chair and not r.excluded)
        entry = calls.setdefault((r.id, complete), [r.title, 0, r.since])
        entry[1], entry[2] = entry[1] + r.n, min(entry[2], r.since)

    def group(key: str, complete: bool, text) -> Group:
        waiting = [(call_id, c) for (call_id, done), c in calls.items() if done == complete]
        return Group(key, sum(n for _id, (_t, n, _s) in waiting), [
            Item(title, Link("panels.call_panels", {"call_id": call_id}), since=since,
                 detail=text(n)) for call_id, (title, n, since) in waiting[:CAP]],
            partial=len(waiting) > CAP)

    return [group("panels_to_fill", False, lambda n: ngettext(
                "%(num)d panel not complete", "%(num)d panels not complete", n)),
            group("reviews_to_open", True, lambda n: ngettext(
                "%(num)d panel complete", "%(num)d panels complete", n))]


def alarms(user) -> Group:
    """Open dispersion alarms of panels at work, per call (the chairs resolve them)."""
    count = func.count(Application.id)
    rows, total, partial = capped_groups(
        select(Call.id, Call.title, count.label("n"), func.min(PanelResult.updated_at)
               .label("since"))
        .select_from(Application).join(Call, Application.call_id == Call.id)
        .join(PanelResult, PanelResult.application_id == Application.id)
        .where(Application.state == AppState.EXPERT_REVIEW, PanelResult.dispersion_alarm,
               PanelResult.alarm_resolved_by_id.is_(None), calls_of(user))
        .group_by(Call.id, Call.title).order_by(Call.id), count)
    return Group("alarms", total, _per_call(
        rows, "review_results.call_results",
        lambda r: ngettext("%(num)d panel disagrees", "%(num)d panels disagree", r.n)),
        partial=partial)


def objections(user) -> Group:
    """Open objections whose handling no officer has recorded, per announcement."""
    count = func.count(Objection.id)
    since = func.min(Objection.received_at)
    rows, total, partial = capped_groups(
        select(Publicity.id, Call.title, count.label("n"), since.label("since"))
        .select_from(Objection).join(Publicity, Objection.publicity_id == Publicity.id)
        .join(Call, Publicity.call_id == Call.id)
        .where(Objection.status == "open", Objection.handled_at.is_(None), calls_of(user))
        .group_by(Publicity.id, Call.title).order_by(since, Publicity.id), count)
    return Group("objections", total, [
        Item(r.title, Link("publicity.objections_page", {"publicity_id": r.id}), since=r.since,
             detail=ngettext("%(num)d objection to handle", "%(num)d objections to handle",
                             r.n)) for r in rows], partial=partial)


def notices(user) -> Group:
    """Notices signed by a leader for a call with applications waiting for approval, and
    notices whose issue stopped half-way (the page resumes it)."""
    pending = exists().where(Application.call_id == Notice.call_id,
                             Application.state == AppState.APPROVAL_PENDING)
    rows, total, partial = capped(
        select(Call.id, Call.title, Notice.state, Notice.signed_at)
        .join(Notice, Notice.call_id == Call.id)
        .where((Notice.state == "issuing") | ((Notice.state == "signed") & pending),
               calls_of(user))
        .order_by(Notice.signed_at, Call.id))
    return Group("notices_to_issue", total, [
        Item(r.title, Link("notices.notice_page", {"call_id": r.id}), since=r.signed_at,
             detail=(_("Issuing stopped half-way: open the page to finish it.")
                     if r.state == "issuing" else _("Signed by a leader; ready to issue.")))
        for r in rows], partial=partial)


def _links_lead_nowhere() -> list[Item]:
    """In production, a PUBLIC_BASE_URL that is a loopback address: every mail's link would
    lead back to its reader's own computer (notices refuse to be issued meanwhile)."""
    if not links_lead_nowhere(current_app.config):
        return []
    base = current_app.config["PUBLIC_BASE_URL"]
    return [Item(_("Links in mails lead nowhere"), Link("notifications.outbox"),
                 detail=_("Mails link to %(url)s, which leads back to each reader's own "
                          "computer. Ask the administrator to set PUBLIC_BASE_URL to this "
                          "site's public address and to restart it.", url=base),
                 flag=_("Set PUBLIC_BASE_URL"))]


def mails(user) -> Group:
    """Mails that failed (tried again later) and mails given up (retried by hand), with the
    outbox's definitions of both (outbox.STATUS), counted among the mails not sent; first,
    in production, a public address that makes every mail's link lead nowhere."""
    statuses = ("given_up", "failed")
    counts = db.session.execute(
        select(*[func.count(case((outbox.STATUS[s], 1))).label(s) for s in statuses])
        .where(OutboxMail.sent_at.is_(None))).one()._mapping
    items = [Item(label, Link("notifications.outbox", {"status": status}),
                  detail=ngettext("%(num)d mail", "%(num)d mails", counts[status]))
             for status, label in zip(statuses, (_("Mails given up"),
                                                  _("Mails that failed and are tried again")),
                                      strict=True) if counts[status]]
    warning = _links_lead_nowhere()
    return Group("mails", counts["given_up"] + counts["failed"] + len(warning),
                 warning + items)
