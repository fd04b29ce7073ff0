"""The leader's selection: the call's ranking with its quota, at most one center per technical
field, and a reason for every departure from the ranking.

Decisions are the transitions SHORTLIST and NOT_SELECT, taken back by RECONSIDER_SELECTION;
their guards (selection/actions.py) call the rules here, so every path to a decision is held to
them. Decisions stay inside the department, and can be reconsidered, until the announcement is
published (permissions.visible_state).
"""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from workflow.calls.models import Call
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import (
    CALLS_PAST_FILING,
    SELECTED_STATES,
    Action,
    AppState,
    find_transition,
)
from workflow.intake.models import Application
from workflow.lifecycle.permissions import selection_released
from workflow.review.models import PanelResult
from workflow.review.operations import results


def _selected(app: Application):
    return select(Application).where(Application.call_id == app.call_id,
                                     Application.id != app.id,
                                     Application.state.in_(SELECTED_STATES))


def selected_count(call: Call) -> int:
    return db.session.scalar(select(func.count()).select_from(Application).where(
        Application.call_id == call.id, Application.state.in_(SELECTED_STATES)))


@dataclass(frozen=True)
class CallToSelect:
    call: Call
    waiting: int  # reviewed, to be decided
    selected: int
    not_selected: int


def calls_to_select() -> list[CallToSelect]:
    """Every call with reviewed applications to decide, or with decisions taken, or past its
    filing: those with something to decide first, then the newest. One statement."""
    counts = (select(
        Application.call_id,
        func.count().filter(Application.state == AppState.REVIEWED).label("waiting"),
        func.count().filter(Application.state.in_(SELECTED_STATES)).label("selected"),
        func.count().filter(Application.state == AppState.NOT_SELECTED).label("not_selected"))
        .group_by(Application.call_id).subquery())
    waiting = func.coalesce(counts.c.waiting, 0)
    rows = db.session.execute(
        select(Call, waiting, func.coalesce(counts.c.selected, 0),
               func.coalesce(counts.c.not_selected, 0))
        .outerjoin(counts, counts.c.call_id == Call.id)
        .where((waiting > 0) | (func.coalesce(counts.c.selected, 0) > 0)
               | (func.coalesce(counts.c.not_selected, 0) > 0) | Call.state.in_(CALLS_PAST_FILING))
        .order_by((waiting > 0).desc(), Call.year.desc(), Call.id.desc()))
    return [CallToSelect(*row) for row in rows]


def _row_of(app: Application, ranked: list["results.RankingRow"]) -> "results.RankingRow | None":
    return next((r for r in ranked if r.app.id == app.id), None)


def shortlist_departures(app: Application, ranked: list["results.RankingRow"]) -> list[str]:
    """How shortlisting `app` departs from the ranking: a better-ranked application was not
    selected, or one of the same field is better ranked and still undecided (shortlisting
    `app` would take its field)."""
    mine = _row_of(app, ranked)
    found = []
    for row in ranked:
        if mine is None or row.rank >= mine.rank:
            break
        if row.app.state == AppState.NOT_SELECTED:
            found.append(_("%(title)s (place %(rank)d) is not selected",
                           title=row.app.title, rank=row.rank))
        elif row.app.state == AppState.REVIEWED and row.app.field_id == app.field_id:
            found.append(_("%(title)s (place %(rank)d) of the same field is ranked higher",
                           title=row.app.title, rank=row.rank))
    return found


def not_select_departures(app: Application, ranked: list["results.RankingRow"]) -> list[str]:
    """Shortlisted applications ranked below `app`: not selecting it departs from the ranking
    (NOT_SELECT always needs reasons; the page says which)."""
    mine = _row_of(app, ranked)
    return [_("%(title)s (place %(rank)d) ranked lower is shortlisted",
              title=row.app.title, rank=row.rank)
            for row in ranked if mine is not None and row.rank > mine.rank
            and row.app.state in SELECTED_STATES]


def decision_problems(app: Application) -> list[str]:
    if selection_released(app):
        return [_("The announcement of this call is published; the selection can no longer "
                  "change.")]
    return []


def shortlist_problems(app: Application, comment: str | None = None, *,
                       ranked: list["results.RankingRow"] | None = None) -> list[str]:
    """What stops shortlisting `app`: the published announcement, no review result, the full
    quota, a field already taken; and, when `comment` is given (the action itself, not a
    page asking), a departure from the ranking without a reason."""
    problems = decision_problems(app)
    ranked = results.ranking(app.call) if ranked is None else ranked
    if _row_of(app, ranked) is None:
        return problems + [_("This application has no review result to rank.")]
    if selected_count(app.call) >= app.call.quota:
        problems.append(_("All %(quota)d places of the call are taken.", quota=app.call.quota))
    taken = app.field_id is not None and db.session.scalars(
        _selected(app).where(Application.field_id == app.field_id)).first()
    if taken:
        problems.append(_("The field %(field)s already has a shortlisted center: %(title)s.",
                          field=app.field.name, title=taken.title))
    departures = shortlist_departures(app, ranked)
    if comment is not None and not comment.strip() and departures:
        problems.append(_("Shortlisting this application departs from the ranking (%(why)s): "
                          "give a reason.", why="; ".join(departures)))
    return problems


def decision_reasons(call: Call) -> dict[int, str]:
    """The reasons of each application's last selection decision, as its audit row keeps them."""
    rows = db.session.execute(
        select(AuditEntry.application_id, AuditEntry.comment)
        .where(AuditEntry.call_id == call.id,
               AuditEntry.action.in_([Action.SHORTLIST, Action.NOT_SELECT]))
        .order_by(AuditEntry.id))
    return dict(rows.all())


@dataclass
class BoardRow:
    rank: int
    app: Application
    result: PanelResult
    reason: str = ""
    # For an undecided application: what shortlisting or not selecting it departs from,
    # and why shortlisting is refused now.
    shortlist_departures: list[str] = field(default_factory=list)
    not_select_departures: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    # For a decided application: whether the decision can still be taken back (it is not
    # yet published; the guard of RECONSIDER_SELECTION says the same).
    reconsiderable: bool = False


@dataclass
class Board:
    call: Call
    rows: list[BoardRow]
    selected: int
    released: bool


def board(call: Call) -> Board:
    """The selection page: the ranking once, each row with its decision's reasons or, while
    undecided, the departures and refusals the guards would find."""
    ranked = results.ranking(call)
    reasons = decision_reasons(call)
    released = selection_released(call)
    rows = []
    for r in ranked:
        row = BoardRow(r.rank, r.app, r.result, reason=reasons.get(r.app.id, ""))
        if r.app.state == AppState.REVIEWED:
            row.shortlist_departures = shortlist_departures(r.app, ranked)
            row.not_select_departures = not_select_departures(r.app, ranked)
            row.refused = shortlist_problems(r.app, ranked=ranked)
        row.reconsiderable = not released and find_transition(
            r.app.state, Action.RECONSIDER_SELECTION) is not None
        rows.append(row)
    return Board(call, rows, selected_count(call), released)
