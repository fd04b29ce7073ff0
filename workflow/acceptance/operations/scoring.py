"""Sealed scoring of an acceptance panel with the call's acceptance rubric: each expert
saves and submits their own sheet and sees no other score; once every accepted expert has
submitted, the panel's result is computed as the review's (the trimmed mean and the
dispersion alarm of review/operations/results.py, with the call's review settings) and the
chair, who alone then sees the totals, confirms it (saying how a dispersion alarm was dealt
with). Functions flush; the caller commits."""
import math

from flask_babel import gettext as _

from workflow.acceptance import queries
from workflow.acceptance.models import (
    OUTCOME_LABELS,
    AcceptanceRequest,
    AcceptanceSeat,
    AcceptanceSheet,
)
from workflow.acceptance.rules import is_chair, is_member, suggested_outcome
from workflow.core import audit, clock
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.states import Role
from workflow.inbox.notifications import notify, staff
from workflow.lifecycle.permissions import can
from workflow.review.operations.results import dispersion_alarm, panel_score
from workflow.review.rules.rubric import item_maxima, items, veto_codes
from workflow.review.settings import review_settings_of


def _require(actor, action: str, obj) -> None:
    if not can(actor, action, obj):
        raise PermissionDenied(action)


def _label(rubric: dict, code: str) -> str:
    return next(i["label"] for _d, i in items(rubric) if i["code"] == code)


def checked_scores(rubric: dict, scores: dict) -> dict[str, float]:
    """The points typed per item, each a number from 0 to the item's maximum (empty ones
    left out); ServiceError naming every bad one."""
    maxima, problems, checked = item_maxima(rubric), [], {}
    for code, value in scores.items():
        if code not in maxima:
            problems.append(_("“%(code)s” is not an item of this rubric.", code=code))
            continue
        if value is None or str(value).strip() == "":
            continue
        try:
            number = float(str(value).strip())
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            problems.append(_("%(item)s: give a number.", item=_label(rubric, code)))
        elif not 0 <= number <= maxima[code]:
            problems.append(_("%(item)s: give 0 to %(max)s points.", item=_label(rubric, code),
                              max=maxima[code]))
        else:
            checked[code] = number
    if problems:
        raise ServiceError(*problems)
    return checked


def save_sheet(seat: AcceptanceSeat, scores: dict, comments: dict, vetoes: list,
               overall: str, *, actor) -> AcceptanceSheet:
    """Keep what the expert has scored so far; refused whole on a bad score. Flushes."""
    _require(actor, "acceptance.score", seat)
    rubric = queries.rubric_of(seat.request.application.call)
    checked = checked_scores(rubric, scores)
    unknown = [v for v in vetoes if v not in veto_codes(rubric)]
    if unknown:
        raise ServiceError(_("Unknown veto items: %(codes)s", codes=", ".join(unknown)))
    sheet = seat.sheet or AcceptanceSheet(seat=seat)
    sheet.scores = checked
    sheet.comments = {code: text.strip()[:2000] for code, text in comments.items()
                      if code in item_maxima(rubric) and (text or "").strip()}
    sheet.vetoes = sorted(set(vetoes))
    sheet.overall_comment = (overall or "").strip()[:4000]
    db.session.add(sheet)
    db.session.flush()
    return sheet


def submit_sheet(seat: AcceptanceSeat, *, actor) -> AcceptanceSheet:
    """Lock the sheet with its total (every item scored, an overall opinion written); one
    audit row. The panel's last sheet computes its result and tells the chair. Flushes."""
    _require(actor, "acceptance.score", seat)
    request = seat.request
    rubric, sheet = queries.rubric_of(request.application.call), seat.sheet
    scores = sheet.scores if sheet is not None else {}
    missing = [_label(rubric, code) for code in item_maxima(rubric) if code not in scores]
    if missing:
        raise ServiceError(_("Score every item before submitting; missing: %(items)s",
                             items="、".join(missing)))
    if not sheet.overall_comment:
        raise ServiceError(_("Write your overall opinion before submitting."))
    sheet.total = round(sum(float(v) for v in scores.values()), 2)
    sheet.submitted_at = clock.now()
    audit.record(actor=actor, action="submit_acceptance_sheet", application=request.application,
                 comment=_("Total %(total)s", total=sheet.total))
    db.session.flush()
    if queries.panel_complete(request):
        recompute(request)
        _tell_chair(request)
    return sheet


def recompute(request: AcceptanceRequest) -> AcceptanceRequest:
    """The panel's result from its submitted sheets: score, sheets, veto, alarm."""
    settings = review_settings_of(request.application.call)
    sheets = queries.counted_sheets(request)
    totals = [s.total for s in sheets]
    request.score = panel_score(totals, settings)
    request.sheets = len(sheets)
    request.vetoed = any(s.vetoes for s in sheets)
    request.dispersion_alarm = dispersion_alarm(totals, settings)
    request.alarm_note, request.chair_confirmed_at = "", None
    db.session.flush()
    return request


def _tell_chair(request: AcceptanceRequest) -> None:
    chair = next((s for s in request.seats if s.is_chair and s.status == "accepted"), None)
    if chair is None or chair.expert.user is None:
        return
    center = request.application.title

    def compose(user):
        return (_("An acceptance panel's result waits for your confirmation"),
                _("Every expert of the acceptance panel of “%(center)s” has submitted. As "
                  "its chair, check the result and confirm it.", center=center))

    notify([chair.expert.user], kind="acceptance_chair", compose=compose,
           link=f"/expert/acceptance/{chair.id}/sheet")


def totals_for(request: AcceptanceRequest, user) -> list[tuple[AcceptanceSeat, float]]:
    """The submitted sheets' totals: the department reads them at any time; the chair once
    every sheet is in (to judge an alarm); the panel's experts once the chair confirmed.
    Nobody else, and no expert before that, sees another expert's score."""
    submitted = [(s, s.sheet.total) for s in queries.seats_of(request)
                 if s.sheet is not None and s.sheet.submitted_at is not None]
    if can(user, "acceptance.manage"):
        return submitted
    if not queries.panel_complete(request):
        return []
    if is_chair(user, request) or (request.chair_confirmed_at is not None
                                   and is_member(user, request)):
        return submitted
    return []


def confirm_result(request: AcceptanceRequest, *, note: str = "", actor) -> AcceptanceRequest:
    """The chair confirms the panel's result; with a dispersion alarm, `note` says how the
    panel dealt with it. One audit row; the officers are told the outcome to record."""
    _require(actor, "acceptance.confirm", request)
    if not queries.panel_complete(request) or request.score is None:
        raise ServiceError(_("Not every expert of the panel has submitted a score sheet."))
    note = (note or "").strip()[:2000]
    if request.dispersion_alarm and not note:
        raise ServiceError(_("Say how the panel dealt with the disagreement."))
    request.alarm_note, request.chair_confirmed_at = note, clock.now()
    audit.record(actor=actor, action="confirm_acceptance_panel", application=request.application,
                 comment=f"{request.score:g}" + (f"; {note}" if note else ""))
    db.session.flush()
    center = request.application.title
    suggested = suggested_outcome(request.score, vetoed=request.vetoed)
    outcome = OUTCOME_LABELS[suggested] if suggested else ""

    def compose(user):
        return (_("An acceptance result waits for its outcome"),
                _("The panel of “%(center)s” confirmed its result: %(score)s points "
                  "(suggested: %(outcome)s). Record the outcome.", center=center,
                  score=format(request.score, "g"), outcome=outcome))

    notify(staff(Role.OFFICER), kind="acceptance_confirmed", compose=compose,
           application=request.application, link=f"/acceptance/{request.id}")
    return request
