"""Panel results: aggregation of the submitted sheets, the dispersion alarm, the chair's
confirmation, later stages (defense, site visit), the ranking and the review's progress.

Settings come from the call's ReviewSettings (workflow/review/settings.py).
"""
import statistics
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, literal, select
from sqlalchemy.orm import joinedload

from workflow.calls.models import Call
from workflow.core import audit
from workflow.core.clock import now
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.states import SCORED_STATES, Action, AppState
from workflow.experts.models import Exclusion
from workflow.inbox.notifications import notify
from workflow.intake.models import Application
from workflow.lifecycle import transitions
from workflow.lifecycle.permissions import SYSTEM, can
from workflow.review.models import PanelResult, PanelSeat, ScoreSheet
from workflow.review.queries import panel_overview, panel_seats
from workflow.review.rules.rubric import grade, rubric_of
from workflow.review.settings import ReviewSettings, review_settings_of
from workflow.web.queries import search
from workflow.web.queries.lists import Page, paginate

DEFAULT = ReviewSettings()
STAGES = ("defense", "site_visit")
STAGE_ACTIONS = {"defense": Action.RECORD_DEFENSE, "site_visit": Action.RECORD_SITE_VISIT}
STAGE_LABELS = {"defense": _l("defense"), "site_visit": _l("site visit")}


def weighted_stages(call: Call) -> list[str]:
    """The later stages the call's settings weigh (weight above 0): only their scores count,
    so only they are recorded."""
    weights = review_settings_of(call).weights
    return [stage for stage in STAGES if (weights.get(stage) or 0) > 0]


def stage_label(stage: str) -> str:
    return str(STAGE_LABELS[stage])


def stage_columns(call: Call, rows: list["RankingRow"]) -> list[str]:
    """The later stages the ranking shows: those weighed, and any with a score recorded."""
    weighted = weighted_stages(call)
    return [stage for stage in STAGES if stage in weighted or any(
        getattr(row.result, f"{stage}_score") is not None for row in rows)]


def panel_score(totals: list[float], settings: ReviewSettings = DEFAULT) -> float | None:
    """The panel's score: the trimmed mean with enough sheets, else the plain mean."""
    if not totals:
        return None
    kept = sorted(totals)
    if settings.aggregation == "trimmed" and len(kept) >= settings.trim_from:
        kept = kept[1:-1]
    return round(statistics.fmean(kept), 2)


def dispersion_alarm(totals: list[float], settings: ReviewSettings = DEFAULT) -> bool:
    """True when the sheets disagree: max - min above the range limit, or the sample
    standard deviation (statistics.stdev, n >= 2) above the deviation limit."""
    if len(totals) < 2:
        return False
    return (max(totals) - min(totals) > settings.alarm_range
            or statistics.stdev(totals) > settings.alarm_stdev)


def result_of(app: Application) -> PanelResult | None:
    return db.session.scalar(select(PanelResult).where(PanelResult.application_id == app.id))


def _result(app: Application) -> PanelResult:
    row = result_of(app)
    if row is None:
        row = PanelResult(application_id=app.id)
        db.session.add(row)
    return row


def final_score(row: PanelResult, settings: ReviewSettings) -> float | None:
    """The weighted score over the stages present (weights renormalised), else the review's."""
    scores = {"review": row.review_score, "defense": row.defense_score,
              "site_visit": row.site_visit_score}
    weights = {k: w for k, w in settings.weights.items()
               if scores.get(k) is not None and w}
    if row.review_score is None or not weights or set(weights) == {"review"}:
        return row.review_score
    return round(sum(scores[k] * w for k, w in weights.items()) / sum(weights.values()), 2)


def _regrade(row: PanelResult, settings: ReviewSettings) -> None:
    row.final_score = final_score(row, settings)
    row.grade = grade(row.final_score, vetoed=row.vetoed)


def counted_sheets(app: Application) -> list:
    """The submitted sheets that make the panel's result: those of accepted seats, except a
    seat whose expert a conflict rule excludes (until the department releases it)."""
    excluded = panel_overview.excluded_seats(app)
    return [s.sheet for s in panel_seats.accepted_seats(app)
            if s.sheet and s.sheet.submitted_at and s not in excluded]


def recompute(app: Application) -> PanelResult:
    """Write the panel result from the counted sheets: score, grade, sheets, veto, alarm.
    A new computation needs a new alarm resolution and confirmation. Flushes."""
    settings = review_settings_of(app.call)
    sheets = counted_sheets(app)
    totals = [s.total for s in sheets]
    row = _result(app)
    row.review_score = panel_score(totals, settings)
    row.sheets = len(sheets)
    row.vetoed = any(s.vetoes for s in sheets)
    row.dispersion_alarm = dispersion_alarm(totals, settings)
    row.alarm_note, row.alarm_resolved_by_id, row.chair_confirmed_at = "", None, None
    _regrade(row, settings)
    db.session.flush()
    return row


def rescore_changed(call: Call) -> list[Application]:
    """Compute again the result of each panel of `call` at work whose stored result no longer
    has the sheets that count (a conflict rule excluded a seat since, or no longer does);
    its alarm resolution and confirmation lapse. Returns those applications."""
    changed = [app for app in db.session.scalars(
        select(Application).join(PanelResult).where(
            Application.call_id == call.id, Application.state == AppState.EXPERT_REVIEW)
        .order_by(Application.id)) if result_of(app).sheets != len(counted_sheets(app))]
    for app in changed:
        recompute(app)
    return changed


def invalidate(app: Application) -> None:
    """A reopened sheet: the confirmation and the alarm's resolution no longer hold."""
    row = result_of(app)
    if row is not None:
        row.alarm_note, row.alarm_resolved_by_id, row.chair_confirmed_at = "", None, None


def alarm_unresolved(row: PanelResult | None) -> bool:
    return row is not None and row.dispersion_alarm and row.alarm_resolved_by_id is None


def resolve_alarm(app: Application, *, note: str, actor) -> PanelResult:
    """The chair records how the panel dealt with a dispersion alarm. One audit row."""
    if not can(actor, "panel.resolve_alarm", app):
        raise PermissionDenied("panel.resolve_alarm")
    note = (note or "").strip()
    row = result_of(app)
    if not note:
        raise ServiceError(_("Say how the panel dealt with the disagreement."))
    if not alarm_unresolved(row):
        raise ServiceError(_("There is no open dispersion alarm."))
    row.alarm_note, row.alarm_resolved_by_id = note, actor.id
    audit.record(actor=actor, action="resolve_alarm", application=app, comment=note)
    db.session.flush()
    return row


def seat_problems(app: Application) -> list[str]:
    """Seats that keep a panel at work from completing: an accepted expert a conflict rule
    excludes (the department releases the seat), an invitation still to answer (a refill).
    An excluded expert's invitation cannot be answered, so it is not waited for."""
    return _seat_problems(panel_overview.seats_of(app), panel_overview.excluded_seats(app))


def _seat_problems(seats: list[PanelSeat], excluded: dict[PanelSeat, list[str]]) -> list[str]:
    problems = panel_overview.excluded_problems(excluded, "accepted")
    invited = [s for s in seats if s.status == "invited" and s not in excluded]
    if invited:
        problems.append(_("%(n)d invitation(s) to this panel are not answered yet.",
                          n=len(invited)))
    return problems


def close_problems(app: Application) -> list[str]:
    """What keeps the review of `app` open (the CLOSE_REVIEW guard)."""
    row = result_of(app)
    if problems := seat_problems(app):
        return problems
    if not panel_seats.all_submitted(app):
        return [_("Not every expert of the panel has submitted a score sheet.")]
    if alarm_unresolved(row):
        return [_("The panel's dispersion alarm is not resolved.")]
    if row is None or row.chair_confirmed_at is None:
        return [_("The panel chair has not confirmed the result.")]
    return []


def confirm_panel(app: Application, *, actor) -> PanelResult:
    """The chair confirms the panel's result; the review then closes. One audit row."""
    if not can(actor, "panel.confirm", app):
        raise PermissionDenied("panel.confirm")
    if app.state != AppState.EXPERT_REVIEW:
        raise ServiceError(_("This panel's review is not open."))
    if problems := seat_problems(app):
        raise ServiceError(*problems)
    row = result_of(app)
    if not panel_seats.all_submitted(app) or row is None:
        raise ServiceError(_("Not every expert of the panel has submitted a score sheet."))
    if alarm_unresolved(row):
        raise ServiceError(_("Resolve the dispersion alarm before confirming."))
    row.chair_confirmed_at = now()
    audit.record(actor=actor, action="confirm_panel", application=app)
    db.session.flush()
    transitions.transition(app, Action.CLOSE_REVIEW, actor=SYSTEM)
    return row


def ready_reviews(call: Call | None = None) -> list[int]:
    """Ids of the applications in expert review whose chair has confirmed (for `flask tick`,
    which closes each with CLOSE_REVIEW; the guard decides)."""
    query = (select(Application.id).join(PanelResult)
             .where(Application.state == AppState.EXPERT_REVIEW,
                    PanelResult.chair_confirmed_at.is_not(None)).order_by(Application.id))
    if call is not None:
        query = query.where(Application.call_id == call.id)
    return list(db.session.scalars(query))


def record_stage_score(app: Application, stage: str, score: float, *, actor) -> PanelResult:
    """The officer records a defense or site-visit score (0-100) through the stage's
    transition (its audit row); the final score and grade are recomputed. Flushes."""
    if stage not in STAGES:
        raise ServiceError(_("Unknown stage."))
    if not can(actor, STAGE_ACTIONS[stage], app):
        raise PermissionDenied(STAGE_ACTIONS[stage])
    if stage not in weighted_stages(app.call):
        raise ServiceError(_("The review settings of this call give the %(stage)s no weight, "
                             "so its score would not count. Give it a weight first.",
                             stage=stage_label(stage)))
    if isinstance(score, bool) or not (0 <= score <= 100):
        raise ServiceError(_("Give a score from 0 to 100."))
    transitions.transition(app, STAGE_ACTIONS[stage], actor=actor, comment=f"{score:g}")
    row = _result(app)
    setattr(row, f"{stage}_score", round(float(score), 2))
    _regrade(row, review_settings_of(app.call))
    db.session.flush()
    return row


@dataclass(frozen=True)
class RankedApp:
    """What the ranking, and the selection's rules over the whole ranking, read of each
    application (a row of columns, not the whole application: a call ranks thousands)."""

    id: int
    state: str
    field_id: int | None
    title: str
    submitted_at: datetime | None


@dataclass
class RankingRow:
    rank: int
    app: RankedApp | Application  # the whole application once `hydrate`d (the rows shown)
    result: PanelResult
    tie_breaks: tuple


def _dimension_points(rubric: dict, code: str):
    """The points of dimension `code` on one sheet, in SQL: the sum of its items' points read
    from the sheet's JSON, an item not scored counting 0 (rubric.dimension_totals)."""
    (dimension,) = [d for d in rubric["dimensions"] if d["code"] == code]
    return sum((func.coalesce(ScoreSheet.scores[i["code"]].as_float(), 0.0)
                for i in dimension["items"]), literal(0.0))


def _dimension_means(call: Call, ranked, dimensions: list[str]) -> dict[int, tuple]:
    """Per application of `ranked` (a select of application ids), the mean points of each of
    `dimensions` over its counted sheets (counted_sheets: submitted, of an accepted seat whose
    expert no conflict rule excludes): one aggregate statement for the whole call, the
    database reading the sheets' points (the same means as rubric.dimension_totals gives,
    without decoding thousands of sheets in Python)."""
    rubric = rubric_of(call)
    if not dimensions:
        return {}
    means = [func.avg(_dimension_points(rubric, d)) for d in dimensions]
    rows = db.session.execute(
        select(PanelSeat.application_id, *means)
        .join(ScoreSheet, ScoreSheet.seat_id == PanelSeat.id)
        .where(PanelSeat.application_id.in_(ranked), PanelSeat.status == "accepted",
               ScoreSheet.submitted_at.is_not(None),
               ~select(Exclusion.id).where(Exclusion.application_id == PanelSeat.application_id,
                                           Exclusion.expert_id == PanelSeat.expert_id)
               .exists())
        .group_by(PanelSeat.application_id))
    return {row[0]: tuple(round(float(v or 0), 2) for v in row[1:]) for row in rows}


def ranking(call: Call) -> list[RankingRow]:
    """The call's applications with a panel result, best first, vetoed ones last; ties break on the
    innovation capacity, then the industry leadership means, then the earlier submission.
    Two statements, whatever the number of applications; each row's `app` is a RankedApp
    until `hydrate` loads the rows to be shown."""
    scored = (Application.call_id == call.id, PanelResult.final_score.is_not(None))
    pairs = db.session.execute(
        select(PanelResult, Application.id, Application.state, Application.field_id,
               Application.title, Application.submitted_at)
        .join(Application, PanelResult.application_id == Application.id).where(*scored)).all()
    dimensions = review_settings_of(call).tie_breaks
    means = _dimension_means(call, select(PanelResult.application_id).join(
        Application, PanelResult.application_id == Application.id).where(*scored), dimensions)
    none = tuple(0.0 for _d in dimensions)
    rows = [RankingRow(0, RankedApp(*columns), result, means.get(columns[0], none))
            for result, *columns in pairs]
    rows.sort(key=lambda r: (r.result.vetoed, -r.result.final_score,
                             *(-v for v in r.tie_breaks), r.app.submitted_at or now(),
                             r.app.id))
    for rank, row in enumerate(rows, start=1):
        row.rank = rank
    return rows


def hydrate(rows: list[RankingRow]) -> list[RankingRow]:
    """The rows with their whole applications (with the lead unit and the field), for the
    rows a page shows or an export writes: one statement, whatever their number."""
    apps = {app.id: app for app in db.session.scalars(
        select(Application).where(Application.id.in_([r.app.id for r in rows]))
        .options(joinedload(Application.lead_org), joinedload(Application.field)))}
    for row in rows:
        row.app = apps[row.app.id]
    return rows


@dataclass
class ProgressRow:
    app: Application
    seats: list[PanelSeat]
    missing: list[PanelSeat]
    result: PanelResult | None
    problems: list[str]  # excluded seats to release, invitations not answered


def _under_review(call: Call, text: str = ""):
    stmt = select(Application).where(Application.call_id == call.id,
                                     Application.state.in_(SCORED_STATES))
    return stmt.where(search.application_matches(text)) if text else stmt


def _progress_rows(apps: list[Application]) -> list[ProgressRow]:
    panels = panel_overview.panels_of([app.id for app in apps])
    rows = []
    for app in apps:
        own, excluded = panels.seats.get(app.id, []), panels.excluded.get(app.id, {})
        seats = [s for s in own if s.status == "accepted"]
        missing = [s for s in seats if s.sheet is None or s.sheet.submitted_at is None]
        problems = (_seat_problems(own, excluded) if app.state == AppState.EXPERT_REVIEW
                    else [])
        rows.append(ProgressRow(app, seats, missing, panels.results.get(app.id), problems))
    return rows


def progress(call: Call, *, text: str = "", page: int = 1, per_page: int = 50) -> Page:
    """A page of the applications under review (by id), found by `text`: their accepted
    seats, who has not submitted, and the seats that keep the panel from completing. Six
    statements, whatever the number of applications."""
    found = paginate(_under_review(call, text).order_by(Application.id), page=page,
                     per_page=per_page)
    return Page(items=_progress_rows(found.items), total=found.total, page=found.page,
                per_page=found.per_page)


def remind_missing(call: Call, *, actor) -> int:
    """Notify every expert with an unsubmitted sheet in expert review (once a day each).
    Returns how many were queued."""
    if not can(actor, "call.review_progress", call):
        raise PermissionDenied("call.review_progress")
    sent, day = 0, now().strftime("%Y%m%d")
    at_work = list(db.session.scalars(_under_review(call).where(
        Application.state == AppState.EXPERT_REVIEW).order_by(Application.id)))
    for row in _progress_rows(at_work):
        for seat in row.missing:
            # Only who can still submit; an expert excluded since accepting is not told
            # about the application (nor is anyone, by name: see assignment._invite).
            if seat.expert.user is None or not can(seat.expert.user, "sheet.edit", seat):
                continue
            sent += notify([seat.expert.user], kind="reminder",
                           dedupe_key=f"sheet:{seat.id}:{day}",
                           link=f"/expert/seats/{seat.id}/sheet",
                           compose=_sheet_reminder(call, seat))
    return sent


def _sheet_reminder(call: Call, seat: PanelSeat):
    def compose(user):
        return (_("Please submit your score sheet"),
                _("One of your score sheets of “%(call)s” is not submitted yet. Score every "
                  "item and submit the sheet: the panel's result waits for it.",
                  call=call.title))
    return compose


def close_review(app_id: int) -> None:
    """Close one ready review as the system; ServiceError when it is not ready (any more)."""
    transitions.transition(db.session.get(Application, app_id), Action.CLOSE_REVIEW,
                           actor=SYSTEM)
