"""What an expert's home page lists: their seats, never one on an application a conflict
rule excludes them from, grouped by what is left to do, each with its score sheet's state
and the buttons the permission table allows."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from workflow.core.extensions import db
from workflow.core.states import PANEL_FORMING_STATES, AppState
from workflow.lifecycle.permissions import can, expert_id_of, seat_of
from workflow.review.models import PanelSeat

GROUPS = ("invitations", "to_score", "done")


@dataclass
class DeskRow:
    seat: PanelSeat
    sheet_state: str | None   # not_started, draft, reopened, submitted; None: not to score
    sheet_time: datetime | None
    sheet_button: str | None  # score, continue, view; None: no sheet to open
    chairs: bool              # may open the panel page (panel.confirm)


def seats_of_expert(user) -> list[PanelSeat]:
    """The expert's seats that are not declined nor excluded, newest first."""
    seats = db.session.scalars(select(PanelSeat).where(
        PanelSeat.expert_id == expert_id_of(user)).order_by(PanelSeat.id.desc())).all()
    return [s for s in seats if seat_of(user, s.application) is not None]


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
    return DeskRow(seat, state, time, _sheet_button(user, seat),
                   can(user, "panel.confirm", seat.application))


def group_of(user, row: DeskRow) -> str:
    """Invitations to answer; to score: a sheet to fill in, a panel whose review is yet to
    open, or (for its chair) a panel at work; done: everything else."""
    app = row.seat.application
    if can(user, "panel.respond", row.seat):
        return "invitations"
    if app.state in PANEL_FORMING_STATES and (
            row.sheet_button in ("score", "continue") or app.state == AppState.FORMAL_PASSED
            or (row.chairs and app.state == AppState.EXPERT_REVIEW)):
        return "to_score"
    return "done"


def desk(user) -> dict[str, list[DeskRow]]:
    """The expert's seats by group (GROUPS), each group newest first."""
    groups = {name: [] for name in GROUPS}
    for seat in seats_of_expert(user):
        row = row_of(user, seat)
        groups[group_of(user, row)].append(row)
    return groups
