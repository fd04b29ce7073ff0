"""What an action that cannot be undone will do, in words, for its confirmation page
(web/views/confirm.py): closing filing early, publishing the announcement, issuing the notice,
voiding a number, revoking a document, running an assignment over existing seats.

Each function counts with aggregate queries and returns the facts its words rest on: a
confirmation given for other facts (another officer acted meanwhile) is asked again. None
means there is nothing to confirm: the action is refused anyway (the service says why) or
leaves nothing lasting. Read-only."""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import distinct, func, select

from workflow.core.clock import local, now
from workflow.core.extensions import db
from workflow.core.states import AppState, CallState
from workflow.intake.models import Application
from workflow.lifecycle.permissions import notice_of
from workflow.notices import queries as notice_queries
from workflow.notices.models import DocumentNumber, OfficialDocument, number_text
from workflow.publicity import queries as publicity
from workflow.review.models import PanelSeat
from workflow.review.settings import review_settings_of

LISTED_NAMES = 10


@dataclass(frozen=True)
class Consequences:
    title: str
    points: tuple[str, ...]  # what will happen, and to whom
    confirm_label: str
    facts: tuple  # what the points rest on


def _when(moment) -> str:
    return local(moment).strftime("%Y-%m-%d %H:%M")


def _names(names: list[str]) -> str:
    shown = _("、").join(names[:LISTED_NAMES])
    if len(names) > LISTED_NAMES:
        shown += _(" and %(n)d more", n=len(names) - LISTED_NAMES)
    return shown


def close_filing(call) -> Consequences | None:
    """Closing the filing window of an open call before its end."""
    if call.state != CallState.OPEN or call.closes_at <= now():
        return None
    drafts, units, filed = db.session.execute(select(
        func.count(Application.id).filter(Application.state == AppState.DRAFT),
        func.count(distinct(Application.lead_org_id)).filter(
            Application.state == AppState.DRAFT),
        func.count(Application.id).filter(Application.state.not_in(
            [AppState.DRAFT, AppState.EXPIRED, AppState.WITHDRAWN])),
    ).where(Application.call_id == call.id)).one()
    points = [_("Filing closes now, before its planned end at %(end)s (Beijing time); the "
                "public call page shows the time it really closed.",
                end=_when(call.closes_at))]
    points.append(_("%(drafts)d drafts of %(units)d units expire at once and their units are "
                    "told: they can no longer be submitted.", drafts=drafts, units=units)
                  if drafts else _("No draft is open: no unit loses an application."))
    points.append(_("%(n)d filed applications go on as they are.", n=filed))
    points.append(_("A closed call cannot be opened again."))
    return Consequences(title=_("Close the filing of “%(title)s” now?", title=call.title),
                        points=tuple(points), confirm_label=_("Close filing now"),
                        facts=("close", call.id, call.closes_at.isoformat(), drafts, filed))


def publish(call) -> Consequences | None:
    """Publishing the call's announcement (公示)."""
    if publicity.publication_problems(call):
        return None
    listed = publicity.proposed(call)
    start = publicity.period_start(now())
    end = publicity.period_end(start, call.publicity_workdays)
    points = (
        _("The list of %(n)d centers becomes public: anyone can read it and download its PDF.",
          n=len(listed)),
        _("The announcement period lasts %(days)d working days, from %(start)s to %(end)s; "
          "written objections can be filed until its end.", days=call.publicity_workdays,
          start=start.isoformat(), end=end.isoformat()),
        _("The lead units of %(names)s are told that they are listed; units not selected "
          "learn the leader's decision and its reasons.",
          names=_names([a.lead_org.name for a in listed])),
        _("The list and its PDF are frozen: they cannot be changed or withdrawn."),
    )
    return Consequences(title=_("Publish the announcement of “%(title)s”?", title=call.title),
                        points=points, confirm_label=_("Publish now"),
                        facts=("publish", call.id, tuple(a.id for a in listed), start, end))


def issue(call) -> Consequences | None:
    """Issuing the signed approval notice: a number is taken for good."""
    if notice_queries.issue_problems(call):
        return None
    notice = notice_of(call)
    office, year = notice.content["office_code"], local(now()).year
    series = notice_queries.series(office, year)
    number = number_text(office, year, series.next_number if series else 1)
    units = [u["lead_unit"] for u in notice.content["units"]]
    points = (
        _("Number %(number)s is taken for good: it stays in the registry of %(office)s "
          "whatever happens to the notice later.", number=number, office=office),
        _("The notice and %(n)d letters are issued, to %(names)s; each gets a verification "
          "code, and their PDFs can never be changed, only revoked.",
          n=len(units), names=_names(units)),
        _("The %(n)d applications are approved and their lead units told once every "
          "document is stored.", n=len(units)),
    )
    return Consequences(title=_("Issue the approval notice of “%(title)s”?", title=call.title),
                        points=points, confirm_label=_("Take the number and issue"),
                        facts=("issue", call.id, notice.id, notice.content_sha256, number))


def void(number: DocumentNumber, reason: str) -> Consequences | None:
    """Voiding a reserved number."""
    if number.status != "issued" or number.notice is not None:
        return None
    points = (
        _("Number %(number)s, taken for “%(title)s”, is voided for good, with the reason: "
          "%(reason)s", number=number.text, title=number.title, reason=reason),
        _("It is never handed out again; the registry keeps it with the reason, so the gap "
          "in the numbers is explained."),
    )
    return Consequences(title=_("Void %(number)s?", number=number.text), points=points,
                        confirm_label=_("Void the number"),
                        facts=("void", number.id, reason))


def revoke(doc: OfficialDocument, reason: str) -> Consequences | None:
    """Revoking an issued document (a notice revokes its letters too)."""
    if doc.notice.state != "issued" or doc.revoked_at is not None:
        return None
    label = notice_queries.label(doc)
    if doc.kind == "notice":
        letters = db.session.scalar(select(func.count()).select_from(OfficialDocument).where(
            OfficialDocument.notice_id == doc.notice_id, OfficialDocument.kind == "letter",
            OfficialDocument.revoked_at.is_(None)))
        first = _("%(document)s and its %(n)d letters still in force are revoked, with the "
                  "reason: %(reason)s", document=label, n=letters, reason=reason)
    else:
        letters = 1
        first = _("%(document)s is revoked, with the reason: %(reason)s", document=label,
                  reason=reason)
    points = (
        first,
        _("Anyone who checks a revoked document's verification code sees the revocation and "
          "the reason; the files and the number stay as issued."),
        _("A revocation cannot be taken back."),
    )
    return Consequences(title=_("Revoke %(document)s?", document=label), points=points,
                        confirm_label=_("Revoke"), facts=("revoke", doc.id, letters, reason))


def assign(call, method: str, seed: int | None = None) -> Consequences | None:
    """An assignment run (optimal or draw) while panels already have seats."""
    seats, accepted, panels = db.session.execute(select(
        func.count(PanelSeat.id), func.count(PanelSeat.id).filter(PanelSeat.status == "accepted"),
        func.count(distinct(PanelSeat.application_id))).join(Application).where(
        Application.call_id == call.id, PanelSeat.status != "declined")).one()
    if not seats:
        return None
    waiting, open_places = _open(call, review_settings_of(call).k)
    how = (_("by the optimal assignment") if method == "optimal"
           else _("by a random draw with the seed %(seed)d (the same seed on the same data "
                  "draws the same experts)", seed=seed))
    points = (
        _("%(seats)d seats on %(panels)d panels exist (%(accepted)d accepted); they stay as "
          "they are.", seats=seats, panels=panels, accepted=accepted),
        _("The run fills the %(places)d open places of %(n)d applications waiting for their "
          "panels, %(how)s.", places=open_places, n=waiting, how=how),
        _("Each expert it seats is told at once: an invitation cannot be taken back, only "
          "removed while it is not answered."),
    )
    return Consequences(title=_("Run the assignment of “%(title)s” over its seats?",
                                title=call.title),
                        points=points, confirm_label=_("Run it"),
                        facts=("assign", call.id, method, seed, seats, accepted, open_places))


def _open(call, k: int) -> tuple[int, int]:
    """Applications waiting for their panels, and the places open on them (k each, less the
    seats not declined)."""
    rows = db.session.execute(select(Application.id, func.count(PanelSeat.id)).outerjoin(
        PanelSeat, (PanelSeat.application_id == Application.id)
        & (PanelSeat.status != "declined")).where(
        Application.call_id == call.id, Application.state == AppState.FORMAL_PASSED)
        .group_by(Application.id)).all()
    return len(rows), sum(max(k - taken, 0) for _id, taken in rows)

