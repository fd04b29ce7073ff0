"""Score sheets: an expert saves and submits one sheet per seat; the chair reopens one.

Sheets are sealed: `visible_sheets` and `panel_totals` decide who sees which scores.
"""
import math

from flask_babel import gettext as _

from workflow.core import audit
from workflow.core.clock import now
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.states import Action
from workflow.inbox.notifications import notify
from workflow.intake.models import Application
from workflow.lifecycle import handoffs
from workflow.lifecycle.permissions import can, expert_id_of
from workflow.review.models import PanelSeat, ScoreSheet
from workflow.review.operations import results
from workflow.review.queries.panel_seats import accepted_seats, all_submitted
from workflow.review.rules.rubric import item_maxima, rubric_of, veto_codes


def _number(value) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError
    number = float(value)
    if not math.isfinite(number):
        raise ValueError
    return number


def _checked_scores(rubric: dict, scores: dict) -> dict[str, float]:
    maxima, problems, checked = item_maxima(rubric), [], {}
    for code, value in scores.items():
        if code not in maxima:
            problems.append(_("“%(code)s” is not an item of this rubric.", code=code))
            continue
        try:
            number = _number(value)
        except (TypeError, ValueError):
            problems.append(_("%(item)s: give a number.", item=_label(rubric, code)))
            continue
        if number is not None and not 0 <= number <= maxima[code]:
            problems.append(_("%(item)s: give 0 to %(max)s points.",
                              item=_label(rubric, code), max=maxima[code]))
        elif number is not None:
            checked[code] = number
    if problems:
        raise ServiceError(*problems)
    return checked


def _label(rubric: dict, code: str) -> str:
    return next(i["label"] for d in rubric["dimensions"] for i in d["items"] if i["code"] == code)


def save_sheet(seat: PanelSeat, scores: dict, comments: dict, vetoes: list, overall: str, *,
               actor) -> ScoreSheet:
    """Save what the expert has scored so far (items left empty stay unscored).

    Refused whole when any score is not a number within 0 to the item's maximum. Flushes."""
    if not can(actor, "sheet.edit", seat):
        raise PermissionDenied("sheet.edit")
    rubric = rubric_of(seat.application.call)
    checked = _checked_scores(rubric, scores)
    unknown = [v for v in vetoes if v not in veto_codes(rubric)]
    if unknown:
        raise ServiceError(_("Unknown veto items: %(codes)s", codes=", ".join(unknown)))
    sheet = seat.sheet or ScoreSheet(seat=seat)
    sheet.scores = checked
    sheet.comments = {code: (text or "").strip() for code, text in comments.items()
                      if code in item_maxima(rubric) and (text or "").strip()}
    sheet.vetoes = sorted(set(vetoes))
    sheet.overall_comment = (overall or "").strip()
    db.session.add(sheet)
    db.session.flush()
    return sheet


def submit_sheet(seat: PanelSeat, *, actor) -> ScoreSheet:
    """Lock the sheet with its total; one audit row. When it is the panel's last sheet, the
    panel result is computed and the chair told to confirm it. Flushes."""
    if not can(actor, "sheet.edit", seat):
        raise PermissionDenied("sheet.edit")
    rubric, sheet = rubric_of(seat.application.call), seat.sheet
    scores = sheet.scores if sheet is not None else {}
    missing = [_label(rubric, code) for code in item_maxima(rubric) if code not in scores]
    if missing:
        raise ServiceError(_("Score every item before submitting; missing: %(items)s",
                             items="、".join(missing)))
    sheet.total = round(sum(float(v) for v in scores.values()), 2)
    sheet.submitted_at = now()
    audit.record(actor=actor, action="submit_sheet", application=seat.application,
                 comment=_("Total %(total)s", total=sheet.total)
                 + ("; " + _("vetoes: %(codes)s", codes=", ".join(sheet.vetoes))
                    if sheet.vetoes else ""))
    db.session.flush()
    if all_submitted(seat.application):
        results.recompute(seat.application)
        handoffs.panel_complete(seat.application, actor)
    return sheet


def reopen_sheet(seat: PanelSeat, *, reason: str, actor) -> ScoreSheet:
    """The chair reopens a submitted sheet with a reason: the expert may change it again and
    is notified; the panel's confirmation and alarm resolution lapse. One audit row."""
    if not can(actor, "sheet.reopen", seat):
        raise PermissionDenied("sheet.reopen")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason for reopening the sheet."))
    sheet = seat.sheet
    sheet.submitted_at, sheet.total = None, None
    sheet.reopened_at, sheet.reopen_reason, sheet.reopened_by_id = now(), reason, actor.id
    results.invalidate(seat.application)
    audit.record(actor=actor, action="reopen_sheet", application=seat.application,
                 comment=reason)
    if seat.expert.user is not None:
        # Not naming the application: a mail outlives the seat (see assignment._invite).
        def compose(user):
            return (_("Your score sheet was reopened"),
                    _("The panel chair reopened one of your score sheets. Change it where "
                      "needed and submit it again.")
                    + "\n\n" + _("Reason:") + "\n" + reason)

        notify([seat.expert.user], kind="sheet_reopened", compose=compose,
               link=f"/expert/seats/{seat.id}/sheet")
    db.session.flush()
    return sheet


def visible_sheets(app: Application, user) -> list[ScoreSheet]:
    """The sheets whose scores `user` may read: an officer all of them, an expert only their
    own (before and after submitting); anyone else none."""
    seats = accepted_seats(app)
    if can(user, "panel.read_all_sheets", app):
        return [s.sheet for s in seats if s.sheet is not None]
    expert_id = expert_id_of(user)
    return [s.sheet for s in seats if s.sheet is not None and expert_id is not None
            and s.expert_id == expert_id]


def panel_totals(app: Application, user) -> list[tuple[PanelSeat, ScoreSheet]]:
    """The totals of every sheet for the chair (to judge a dispersion alarm), only once every
    sheet is in; officers see them too. Empty for everyone else."""
    if not can(user, "panel.read_totals", app) or not all_submitted(app):
        return []
    return [(s, s.sheet) for s in accepted_seats(app)]


# What the lead unit, its co-builders, the recommenders and the panel's experts read of an
# application's trail: its state changes and the unit's own filing. How the panel was formed
# and how it works (seats, invitations, sheets, alarms: they name experts), the scores of
# later stages and the leader's reconsiderations stay inside the department.
FILING_ACTIONS = frozenset({"create_application", "edit_basics", "edit_section",
                            "add_cobuilder", "remove_cobuilder", "confirm_cobuilding",
                            "link_cobuilder", "upload_attachment"})
SHARED_ACTIONS = FILING_ACTIONS | (frozenset(Action) - {
    Action.RECORD_DEFENSE, Action.RECORD_SITE_VISIT, Action.RECONSIDER_SELECTION})
SELECTION_ACTIONS = frozenset({Action.SHORTLIST, Action.NOT_SELECT})
# The experts' own rows, which name panel members: only officers read them.
EXPERT_ACTIONS = frozenset({"accept_seat", "decline_seat", "declare_conflict", "submit_sheet",
                            "reopen_sheet", "resolve_alarm", "confirm_panel"})


def timeline_for(app: Application, user) -> list:
    """The application's audit trail as `user` may read it: officers all of it; leaders all
    but the experts' own rows; everyone else (the lead unit, co-builders, recommenders,
    experts) the SHARED_ACTIONS only, the leader's decision once the announcement is
    published, and then only the last one."""
    entries = audit.timeline(app)
    if can(user, "panel.read_all_sheets", app):
        return entries
    if can(user, "call.select", app.call):
        return [e for e in entries if e.action not in EXPERT_ACTIONS]
    released = can(user, "application.read_selection", app)
    decided = [e.id for e in entries if e.action in SELECTION_ACTIONS]
    return [e for e in entries if e.action in SHARED_ACTIONS and (
        e.action not in SELECTION_ACTIONS or (released and e.id == decided[-1]))]
