"""What an expert's home page lists: their seats, never one on an application a conflict
rule excludes them from, grouped by what is left to do, each with its score sheet's state
and the buttons the permission table allows; each group a page of its own.

The seats and what the conflict rules say of them are read once for the whole page
(permissions.seats_read_once), so every `can` below answers without a statement of its own."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload

from workflow.core.extensions import db
from workflow.core.states import PANEL_FORMING_STATES, AppState
from workflow.lifecycle.permissions import can, expert_id_of, seat_of, seats_read_once
from workflow.review.models import PanelSeat
from workflow.web.queries import search
from workflow.web.queries.lists import Page, page_of

GROUPS = ("invitations", "to_score", "done")
PER_PAGE = 20


@dataclass
class DeskRow:
    seat: PanelSeat
    sheet_state: str | None   # not_started, draft, reopened, submitted; None: not to score
    sheet_time: datetime | None
    sheet_button: str | None  # score, continue, view; None: no sheet to open
    chairs: bool              # may open the panel page (panel.confirm)
    answers: bool             # may accept or decline the invitation (panel.respond)
    opens: bool               # may open the application (application.view)
    declares: bool            # may declare a conflict (application.declare_conflict)


def _own_seats(user, text: str = "") -> list[PanelSeat]:
    """Every seat of the expert (on an application `text` finds, when given), newest first,
    with its application and sheet (the expert, the same on every seat, is read once if at
    all)."""
    stmt = select(PanelSeat).where(PanelSeat.expert_id == expert_id_of(user))
    if text:
        stmt = stmt.where(PanelSeat.application.has(search.application_matches(text)))
    return list(db.session.scalars(
        stmt.options(joinedload(PanelSeat.application), joinedload(PanelSeat.sheet),
                     lazyload(PanelSeat.expert))
        .order_by(PanelSeat.id.desc())).unique())


def _sheet_state(seat: PanelSeat) -> tuple[str | None, datetime | None]:
    sheet = seat.sheet
    if seat.status != "accepted":
        return None, None
    if sheet is None:
        return "not_started", None
    if sheet.submitted_at is not None:
        return "submitted", sheet.submitted_at
    if sheet.reopened_at is not None:
        return "reopened", sheet.reopened_at
    return "draft", sheet.updated_at


def _sheet_button(user, seat: PanelSeat) -> str | None:
    if can(user, "sheet.edit", seat):
        return "score" if seat.sheet is None else "continue"
    if seat.sheet is not None and can(user, "sheet.view", seat):
        return "view"
    return None


def row_of(user, seat: PanelSeat) -> DeskRow:
    state, time = _sheet_state(seat)
    app = seat.application
    return DeskRow(seat, state, time, _sheet_button(user, seat),
                   chairs=can(user, "panel.confirm", app),
                   answers=can(user, "panel.respond", seat),
                   opens=can(user, "application.view", app),
                   declares=can(user, "application.declare_conflict", app))


def group_of(row: DeskRow) -> str:
    """Invitations to answer; to score: a sheet to fill in, a panel whose review is yet to
    open, or (for its chair) a panel at work; done: everything else."""
    app = row.seat.application
    if row.answers:
        return "invitations"
    if app.state in PANEL_FORMING_STATES and (
            row.sheet_button in ("score", "continue") or app.state == AppState.FORMAL_PASSED
            or (row.chairs and app.state == AppState.EXPERT_REVIEW)):
        return "to_score"
    return "done"


def desk(user, pages: dict[str, int] | None = None, text: str = "") -> dict[str, Page]:
    """The expert's seats that are not declined nor excluded (on applications `text` finds
    by title, unit or credit code, when given), by group (GROUPS), each group newest first
    and cut to its page (`pages`: a group's page number, 1 when not given)."""
    seats = _own_seats(user, text)
    groups: dict[str, list[DeskRow]] = {name: [] for name in GROUPS}
    with seats_read_once(user, [seat.application for seat in seats]):
        for seat in seats:
            if seat_of(user, seat.application) is not None:
                row = row_of(user, seat)
                groups[group_of(row)].append(row)
    return {name: page_of(rows, page=(pages or {}).get(name, 1), per_page=PER_PAGE)
            for name, rows in groups.items()}
