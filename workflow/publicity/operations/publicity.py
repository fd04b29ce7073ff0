"""The public announcement (公示) of a call's proposed list: its settings, its publication
(the frozen list, the period in working days, the PDF stored once) and the end of its period.

The announcement is an official document in Chinese: its texts are the department's, edited
per call by an officer (Call.publicity_settings) until publication; the Publicity keeps the
texts as published.
"""
import secrets
from datetime import date
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from workflow.calls.models import Call
from workflow.calls.operations import calls
from workflow.core import audit, storage
from workflow.core.clock import local, now
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.pdf import render_document
from workflow.core.regions import city_name
from workflow.core.states import Action, AppState, CallState, Role
from workflow.inbox.notifications import lead_users, notify, staff
from workflow.intake.models import Application
from workflow.lifecycle import transitions
from workflow.lifecycle.permissions import SYSTEM, can
from workflow.publicity.models import Publicity, PublicityEntry
from workflow.publicity.operations import objections
from workflow.publicity.queries import (
    ends_at,
    period_end,
    period_start,
    proposed,
    publication_problems,
    publicity_of,
)
from workflow.publicity.settings import SETTING_KEYS, PublicitySettings, publicity_settings_of
from workflow.selection import operations as selection


def save_settings(call: Call, *, workdays_count: int, values: dict[str, str], actor) -> None:
    """Set the period (working days) and the texts of the call's announcement; one audit row.
    Refused once the announcement is published: it keeps what it said."""
    if not can(actor, "call.publicity", call):
        raise PermissionDenied("call.publicity")
    if publicity_of(call) is not None:
        raise ServiceError(_("The announcement is published; its settings can no longer "
                             "change."))
    if not 1 <= workdays_count <= 30:
        raise ServiceError(_("Give 1 to 30 working days."))
    clean = {k: (values.get(k) or "").strip() for k in SETTING_KEYS}
    if not all(clean.values()):
        raise ServiceError(_("Fill in every text of the announcement."))
    call.publicity_workdays = workdays_count
    call.publicity_settings = PublicitySettings(**clean).to_json()
    audit.record(actor=actor, action="publicity_settings", call=call,
                 comment=f"workdays={workdays_count} " + " | ".join(clean.values()))
    db.session.flush()


def cn_date(day: date) -> str:
    """The official way of writing a date: 2022年11月4日, no zero padding."""
    return f"{day.year}年{day.month}月{day.day}日"


def document_date(publicity: Publicity) -> str:
    """The date the announcement is signed with: the day it was published."""
    return cn_date(local(publicity.published_at).date())


def period_text(publicity: Publicity) -> str:
    return f"公示期：{cn_date(publicity.start_date)}至{cn_date(publicity.end_date)}"


def paragraphs(publicity: Publicity) -> list[str]:
    """The body of the announcement, as the PDF and the public page show it."""
    texts = publicity.texts
    return [
        texts["basis"] + texts["procedure"],
        period_text(publicity) + "。",
        "公示期间，任何单位或个人对公示名单有异议的，请以书面形式提出。个人提出异议的，须署"
        "真实姓名并提供联系电话或电子邮箱；单位提出异议的，须加盖本单位公章，并注明联系人和"
        "联系电话。匿名异议和逾期提出的异议不予受理。",
        f"异议材料请送达{texts['objection_address']}，或通过本系统公示页面在线提交。",
        f"业务咨询电话：{texts['business_phone']}",
        f"监督电话：{texts['supervision_phone']}",
    ]


def _entry(app: Application, position: int) -> PublicityEntry:
    partners = "、".join(c.name or (c.organization.name if c.organization else c.credit_code)
                         for c in app.cobuilders)
    return PublicityEntry(application=app, position=position, center_name=app.title,
                          lead_unit=app.lead_org.name, cobuilders=partners,
                          city=city_name(app.region_code),
                          field=app.field.name if app.field else "")


def publish_announcement(call: Call, *, actor) -> Publicity:
    """Publish the call's announcement: the frozen list, the period (from today, or from the
    next working day in the evening or on a day off: period_start), the PDF; each
    proposed application to publicity (PUBLISH_PUBLICITY), the call to publicity, the held
    decisions told to the lead units. Side effects: rows, audit rows, notifications, one
    file under the documents folder (written last)."""
    if not can(actor, "call.publicity", call):
        raise PermissionDenied("call.publicity")
    problems = publication_problems(call)
    if problems:
        raise ServiceError(*problems)
    start = period_start(now())
    publicity = Publicity(
        call=call, start_date=start, end_date=period_end(start, call.publicity_workdays),
        workdays=call.publicity_workdays, published_by_id=actor.id, published_at=now(),
        texts={**publicity_settings_of(call).to_json(),
               "department": call.department.agency_name})
    publicity.title = publicity.texts["title"]
    publicity.entries = [_entry(a, n) for n, a in enumerate(proposed(call), start=1)]
    document = render_announcement(publicity)
    publicity.document_name = f"publicity-{secrets.token_hex(16)}.pdf"
    publicity.document_sha256 = storage.sha256_of(document)
    publicity.document_size = len(document)
    db.session.add(publicity)
    try:
        db.session.flush()
    except IntegrityError as exc:  # another officer published this call a moment ago
        raise ServiceError(_("The announcement of this call is published.")) from exc
    for entry in publicity.entries:
        transitions.transition(entry.application, Action.PUBLISH_PUBLICITY, actor=actor,
                               comment=period_text(publicity))
    calls.advance_call(call, CallState.PUBLICITY, actor=actor,
                       comment=f"{publicity.title}；{period_text(publicity)}")
    _tell_decisions(call, publicity)
    write_file(document_path(publicity), document)
    return publicity


def render_announcement(publicity: Publicity) -> bytes:
    return render_document("publicity/pdf/announcement.html", publicity=publicity,
                           paragraphs=paragraphs(publicity), date=document_date(publicity))


def document_path(publicity: Publicity) -> Path:
    return storage.documents_dir() / publicity.document_name


def write_file(target: Path, data: bytes) -> None:
    """Write a stored file whole or not at all, read-only (the row naming it commits after)."""
    storage.write_once(target.parent, target.name, data)


def document_bytes(publicity: Publicity) -> bytes | None:
    """The PDF as published, or None when its file is gone or no longer has the SHA-256
    recorded at publication: what is served is always what was published."""
    try:
        return storage.read_verified(document_path(publicity), publicity.document_sha256)
    except storage.DamagedFile:
        return None


def _tell_decisions(call: Call, publicity: Publicity) -> None:
    """The decisions held until now reach the lead units: listed, or not selected with the
    leader's reasons."""
    for entry in publicity.entries:
        notify(lead_users(entry.application), kind="publicity", application=entry.application,
               compose=_listed(entry.application, publicity), link=f"/publicity/{publicity.id}")
    reasons = selection.decision_reasons(call)
    for app in db.session.scalars(select(Application).where(
            Application.call_id == call.id, Application.state == AppState.NOT_SELECTED)):
        notify(lead_users(app), kind=str(Action.NOT_SELECT), application=app,
               compose=_not_selected(app, reasons.get(app.id, "")),
               link=f"/applications/{app.id}")


def _listed(app: Application, publicity: Publicity):
    def compose(user):
        return (_("%(title)s: listed in the public announcement", title=app.title),
                _("Your application “%(title)s” is listed in “%(announcement)s”. "
                  "%(period)s.", title=app.title, announcement=publicity.title,
                  period=period_text(publicity)))
    return compose


def _not_selected(app: Application, reason: str):
    def compose(user):
        return (_("%(title)s: not selected", title=app.title),
                _("Your application “%(title)s” was not selected.", title=app.title)
                + "\n\n" + _("Reasons or remarks:") + "\n" + reason)
    return compose


def entry_of(app: Application) -> PublicityEntry | None:
    return db.session.scalar(select(PublicityEntry).where(
        PublicityEntry.application_id == app.id))


def listing_problems(app: Application) -> list[str]:
    if entry_of(app) is None:
        return [_("Applications enter publicity only with the call's published announcement.")]
    return []


def period_end_problems(app: Application, *, objection_open: bool) -> list[str]:
    """The period is over, and an objection is open (objection review) or none is (end)."""
    entry = entry_of(app)
    if entry is None:
        return [_("This application is not listed in a published announcement.")]
    if now() < ends_at(entry.publicity):
        return [_("The announcement period runs until %(end)s.",
                  end=entry.publicity.end_date.isoformat())]
    has_open = objections.has_open(app)
    if objection_open and not has_open:
        return [_("No open objection concerns this application.")]
    if has_open and not objection_open:
        return [_("An open objection concerns this application: it goes to objection review.")]
    return []


def due_period_ends() -> list[tuple[int, Action]]:
    """(application id, action) for each application still in publicity whose period is over:
    to objection review with an open objection, else on to approval."""
    today = local(now()).date()
    ids = db.session.scalars(
        select(PublicityEntry.application_id).join(Publicity)
        .join(Application, Application.id == PublicityEntry.application_id)
        .where(Publicity.end_date < today, Application.state == AppState.PUBLICITY)
        .order_by(PublicityEntry.application_id))
    return [(i, Action.RAISE_OBJECTION_REVIEW if objections.has_open(i) else Action.END_PUBLICITY)
            for i in ids]


def close_ended_periods() -> int:
    """Mark each announcement whose period is over and whose applications have all moved on as
    ended, with a call audit row; tell the officers and the leaders what comes next: the
    objection reviews, or the approval notice to sign and issue."""
    today, closed = local(now()).date(), 0
    for publicity in db.session.scalars(select(Publicity).where(
            Publicity.ended_at.is_(None), Publicity.end_date < today)):
        states = [e.application.state for e in publicity.entries]
        if AppState.PUBLICITY in states:
            continue
        publicity.ended_at = now()
        done, review = (states.count(AppState.APPROVAL_PENDING),
                        states.count(AppState.OBJECTION_REVIEW))
        audit.record(actor=SYSTEM, action="end_publicity_period", call=publicity.call,
                     comment=_period_summary(publicity, done, review))
        for role in (Role.OFFICER, Role.LEADER):
            notify(staff(role), kind="publicity_ended",
                   compose=_period_ended(publicity, done, review, role),
                   link=(f"/officer/publicity/{publicity.id}/objections" if review
                         else f"/officer/calls/{publicity.call_id}/notice"),
                   dedupe_key=f"publicity-ended:{publicity.id}:{role}")
        closed += 1
    db.session.flush()
    return closed


def _period_summary(publicity: Publicity, done: int, review: int) -> str:
    return _("The announcement “%(title)s” has ended: %(done)d to approval, %(review)d to "
             "objection review.", title=publicity.title, done=done, review=review)


def _period_ended(publicity: Publicity, done: int, review: int, role: Role):
    def compose(user):
        if review:
            step = (_("Decide each objection review: dismiss the objection or uphold it.")
                    if role == Role.LEADER else
                    _("The leadership decides the objection reviews; the notice follows."))
        else:
            step = (_("Read the approval notice's draft and sign it.") if role == Role.LEADER
                    else _("Check the approval notice's texts; once a leader signs, issue "
                           "it."))
        return publicity.title, _period_summary(publicity, done, review) + "\n\n" + step
    return compose
