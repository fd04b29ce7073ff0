"""The small lifecycles beside the application's (notices, seats, objections, numbers):
each declares its states and a table of moves, and changes its state only through its
Machine, which checks the table, sets the state, writes the audit row and flushes."""
from dataclasses import dataclass
from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import update

from workflow.core import audit
from workflow.core.errors import ServiceError
from workflow.core.extensions import db


@dataclass(frozen=True)
class Move:
    """`event` takes an object in one of `sources` to `target`; `action` names its audit
    row."""
    event: str
    sources: frozenset[StrEnum]
    target: StrEnum
    action: str


class Machine:
    """The table of one lifecycle: the model, its state column, its moves."""

    def __init__(self, noun, model, column: str, moves: tuple[Move, ...]):
        self.noun, self.model, self.column = noun, model, column
        self.moves = {move.event: move for move in moves}

    def step(self, state: str, event: str) -> Move:
        """The move `event` makes from `state`, or ServiceError saying why there is none."""
        move = self.moves.get(event)
        if move is None:
            raise ServiceError(_("A %(noun)s has no step “%(event)s”.", noun=self.noun,
                                 event=event))
        if state not in move.sources:
            raise ServiceError(_("A %(noun)s that is %(state)s cannot %(event)s.",
                                 noun=self.noun, state=str(state).replace("_", " "),
                                 event=event.replace("_", " ")))
        return move

    def move(self, obj, event: str, *, actor, comment: str = "", call=None,
             application=None, **values) -> Move:
        """Check the table, set the state and `values` on `obj`, write the audit row, flush."""
        move = self.step(getattr(obj, self.column), event)
        setattr(obj, self.column, move.target)
        for name, value in values.items():
            setattr(obj, name, value)
        audit.record(actor=actor, action=move.action, call=call, application=application,
                     comment=comment)
        db.session.flush()
        return move

    def claim(self, obj, event: str, *, actor, where=(), comment: str = "", call=None,
              application=None, **values) -> bool:
        """The same move as one conditional UPDATE, for moves two requests may race for:
        False (nothing written) when `obj` is no longer in a source state or `where` fails.
        On success `obj` is refreshed, the audit row written and the session flushed."""
        move = self.moves[event]
        state = getattr(self.model, self.column)
        changed = db.session.execute(
            update(self.model)
            .where(self.model.id == obj.id, state.in_([str(s) for s in move.sources]), *where)
            .values({self.column: str(move.target), **values})
            .execution_options(synchronize_session=False)).rowcount
        if changed != 1:
            return False
        db.session.refresh(obj)
        audit.record(actor=actor, action=move.action, call=call, application=application,
                     comment=comment)
        db.session.flush()
        return True
