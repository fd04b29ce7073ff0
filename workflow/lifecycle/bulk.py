"""Work on several at once, exactly as one by one: one action applied to several
applications (each through `transition`, with its permission check, guard, audit row and
notifications), several experts invited to one panel (each through `assignment.add_seat`).
Each one either happens whole or not at all (a savepoint), and the result says which
happened and why the others were refused. Flushed; the caller commits.

Only actions that need nothing but an optional shared reason are offered in bulk, those
declared `in_bulk` (registry.bulk_actions): passing the formal review (the checklist says
the rest), opening the expert review (the panel says the rest), and a recommender's return
or decline with one reason for all. Recommending needs a rank and an opinion each, a
correction request its own list; they stay one by one."""
from dataclasses import dataclass, field

from flask_babel import gettext as _

from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.states import Action
from workflow.experts.models import Expert
from workflow.intake.models import Application
from workflow.lifecycle.transitions import transition
from workflow.review.operations import assignment

MAX_AT_ONCE = 100


@dataclass
class Outcome:
    """What happened to each of the items asked for, in their order."""

    done: list = field(default_factory=list)
    refused: list[tuple[object, list[str]]] = field(default_factory=list)


def _problems(error: Exception) -> list[str]:
    if isinstance(error, PermissionDenied):
        return [_("You may not do this.")]
    return list(error.problems)


def apply_action(apps: list[Application], action: Action, *, actor,
                 comment: str = "") -> Outcome:
    """`transition(app, action)` for each of `apps`, in order; a refused one changes nothing
    of itself and keeps its reasons. Side effects: those of each transition."""
    outcome = Outcome()
    for app in apps:
        try:
            with db.session.begin_nested():
                transition(app, action, actor=actor, comment=comment)
        except (ServiceError, PermissionDenied) as error:
            outcome.refused.append((app, _problems(error)))
        else:
            outcome.done.append(app)
    return outcome


def invite_experts(app: Application, experts: list[Expert], *, actor) -> Outcome:
    """`assignment.add_seat(app, expert)` for each of `experts`, in order: the experts seated
    (with their audit rows and invitations) in `done`, each refused one with the reason (a
    conflict rule names itself). Side effects: those of each add_seat."""
    outcome = Outcome()
    for expert in experts:
        try:
            with db.session.begin_nested():
                assignment.add_seat(app, expert, actor=actor)
        except (ServiceError, PermissionDenied) as error:
            outcome.refused.append((expert, _problems(error)))
        else:
            outcome.done.append(expert)
    return outcome
