"""The leader's selection: the call's ranking with its quota, at most one center per technical
field, and a reason for every departure from the ranking.

Decisions are the transitions SHORTLIST and NOT_SELECT, taken back by RECONSIDER_SELECTION;
their guards (selection/actions.py) call the rules here, so every path to a decision is held to
them. Decisions stay inside the department, and can be reconsidered, until the announcement is
published (permissions.visible_state).
"""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
from workflow.departments.rules import calls_of
from workflow.intake.models import Application
from workflow.lifecycle.permissions import selection_released
from workflow.review.models import PanelResult
from workflow.review.operations import results
from workflow.web.queries.lists import Page, page_of


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


def calls_to_select(user=None) -> list[CallToSelect]:
    """Every call (a leader's: their department's) with reviewed applications to decide, or
    with decisions taken, or past its filing: those with something to decide first, then the
    newest. One statement."""
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
               | (func.coalesce(counts.c.not_selected, 0) > 0) | Call.state.in_(CALLS_PAST_FILING),
               calls_of(user))
        .order_by((waiting > 0).desc(), Call.year.desc(), Call.id.desc()))
    return [CallToSelect(*row) for row in rows]


def _row_of(app: Application, ranked: list["results.RankingRow"]) -> "results.RankingRow | None":
    return next((r for r in ranked if r.app.id == app.id), None)


def _better_ranked_left(app: Application, ranked: list["results.RankingRow"]) -> list:
    """The rows that shortlisting `app` passes over: better ranked and not selected, or of
    the same field and still undecided."""
    mine = _row_of(app, ranked)
    if mine is None:
        return []
    return [row for row in ranked if row.rank < mine.rank
            and (row.app.state == AppState.NOT_SELECTED
                 or (row.app.state == AppState.REVIEWED and row.app.field_id == app.field_id))]


def _shortlist_departure(row) -> str:
    if row.app.state == AppState.NOT_SELECTED:
        return _("%(title)s (place %(rank)d) is not selected", title=row.app.title,
                 rank=row.rank)
    return _("%(title)s (place %(rank)d) of the same field is ranked higher",
             title=row.app.title, rank=row.rank)


def _shortlisted_below(app: Application, ranked: list["results.RankingRow"]) -> list:
    mine = _row_of(app, ranked)
    return [row for row in ranked if mine is not None and row.rank > mine.rank
            and row.app.state in SELECTED_STATES]


def _not_select_departure(row) -> str:
    return _("%(title)s (place %(rank)d) ranked lower is shortlisted", title=row.app.title,
             rank=row.rank)


def shortlist_departures(app: Application, ranked: list["results.RankingRow"]) -> list[str]:
    """How shortlisting `app` departs from the ranking: a better-ranked application was not
    selected, or one of the same field is better ranked and still undecided (shortlisting
    `app` would take its field)."""
    return [_shortlist_departure(row) for row in _better_ranked_left(app, ranked)]


def not_select_departures(app: Application, ranked: list["results.RankingRow"]) -> list[str]:
    """Shortlisted applications ranked below `app`: not selecting it departs from the ranking
    (NOT_SELECT always needs reasons; the page says which)."""
    return [_not_select_departure(row) for row in _shortlisted_below(app, ranked)]


SHOWN_DEPARTURES = 3  # a row of the page names this many; the rest are counted


RELEASED = _l("The announcement of this call is published; the selection can no longer change.")


def decision_problems(app: Application) -> list[str]:
    return [str(RELEASED)] if selection_released(app) else []


def shortlist_problems(app: Application, comment: str | None = None, *,
                       ranked: list["results.RankingRow"] | None = None) -> list[str]:
    """What stops shortlisting `app`: the published announcement, no review result, the full
    quota, a field already taken; and, when `comment` is given (the action itself, not a
    page asking), a departure from the ranking without a reason."""
    ranked = results.ranking(app.call) if ranked is None else ranked
    taken = app.field_id is not None and db.session.scalars(
        _selected(app).where(Application.field_id == app.field_id)).first()
    problems = _refusals(app, ranked, released=selection_released(app),
                         selected=selected_count(app.call), taken=taken.title if taken else None)
    departures = shortlist_departures(app, ranked)
    if comment is not None and not comment.strip() and departures:
        problems.append(_("Shortlisting this application departs from the ranking (%(why)s): "
                          "give a reason.", why="; ".join(departures)))
    return problems


def _refusals(app: Application, ranked: list["results.RankingRow"], *, released: bool,
              selected: int, taken: str | None) -> list[str]:
    """Why shortlisting `app` is refused, from what was read: whether the announcement is
    published, how many places are taken, and the title of the center holding its field."""
    problems = [str(RELEASED)] if released else []
    if _row_of(app, ranked) is None:
        return problems + [_("This application has no review result to rank.")]
    if selected >= app.call.quota:
        problems.append(_("All %(quota)d places of the call are taken.", quota=app.call.quota))
    if taken is not None:
        problems.append(_("The field %(field)s already has a shortlisted center: %(title)s.",
                          field=app.field.name, title=taken))
    return problems


def fields_taken(call: Call) -> dict[int, str]:
    """The title of the (first) shortlisted center of each technical field of `call`."""
    return dict(db.session.execute(
        select(Application.field_id, Application.title)
        .where(Application.call_id == call.id, Application.state.in_(SELECTED_STATES),
               Application.field_id.is_not(None))
        .order_by(Application.id.desc())).all())


def decision_reasons(call: Call, app_ids: list[int] | None = None) -> dict[int, str]:
    """The reasons of each application's last selection decision (of those of `app_ids`, if
    given), as its audit row keeps them."""
    stmt = (select(AuditEntry.application_id, AuditEntry.comment)
            .where(AuditEntry.call_id == call.id,
                   AuditEntry.action.in_([Action.SHORTLIST, Action.NOT_SELECT]))
            .order_by(AuditEntry.id))
    if app_ids is not None:
        stmt = stmt.where(AuditEntry.application_id.in_(app_ids))
    return dict(db.session.execute(stmt).all())


@dataclass
class BoardRow:
    rank: int
    app: Application
    result: PanelResult
    reason: str = ""
    # For an undecided application: what shortlisting or not selecting it departs from,
    # and why shortlisting is refused now.
    shortlist_departures: list[str] = field(default_factory=list)  # the first few
    not_select_departures: list[str] = field(default_factory=list)  # the first few
    more_shortlist_departures: int = 0  # those not named
    more_not_select_departures: int = 0
    refused: list[str] = field(default_factory=list)
    # For a decided application: whether the decision can still be taken back (it is not
    # yet published; the guard of RECONSIDER_SELECTION says the same).
    reconsiderable: bool = False


@dataclass
class Board:
    call: Call
    rows: Page  # of BoardRow
    selected: int
    released: bool


def board(call: Call, *, shown: set[int] | None = None, page: int = 1,
          per_page: int = 50) -> Board:
    """The selection page: a page of the ranking (of the applications in `shown`, if given,
    each keeping its place in the whole ranking), each row with its decision's reasons or,
    while undecided, the departures and refusals the guards would find. A fixed number of
    statements, whatever the number of applications."""
    ranked = results.ranking(call)
    found = page_of([r for r in ranked if shown is None or r.app.id in shown], page=page,
                    per_page=per_page)
    results.hydrate(found.items)
    reasons = decision_reasons(call, [r.app.id for r in found.items])
    released, selected, taken = selection_released(call), selected_count(call), fields_taken(call)
    rows = []
    for r in found.items:
        row = BoardRow(r.rank, r.app, r.result, reason=reasons.get(r.app.id, ""))
        if r.app.state == AppState.REVIEWED:
            passed_over, below = _better_ranked_left(r.app, ranked), _shortlisted_below(r.app,
                                                                                        ranked)
            row.shortlist_departures = [_shortlist_departure(d)
                                        for d in passed_over[:SHOWN_DEPARTURES]]
            row.more_shortlist_departures = max(0, len(passed_over) - SHOWN_DEPARTURES)
            row.not_select_departures = [_not_select_departure(d)
                                         for d in below[:SHOWN_DEPARTURES]]
            row.more_not_select_departures = max(0, len(below) - SHOWN_DEPARTURES)
            row.refused = _refusals(r.app, ranked, released=released, selected=selected,
                                    taken=taken.get(r.app.field_id))
        row.reconsiderable = not released and find_transition(
            r.app.state, Action.RECONSIDER_SELECTION) is not None
        rows.append(row)
    return Board(call, Page(items=rows, total=found.total, page=found.page,
                            per_page=found.per_page), selected, released)
