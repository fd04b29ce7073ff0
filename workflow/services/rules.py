"""Which guard and which effect belong to which action; the transition function reads this.

A guard returns the problems that stop the action (empty when it may go ahead); an effect
runs after the state is set, inside the same transaction.
"""
from collections.abc import Callable

from workflow.services import intake
from workflow.states import Action

GUARDS: dict[Action, Callable] = {
    Action.SUBMIT: intake.guard_submit,
    Action.RESUBMIT: intake.guard_resubmit,
}

EFFECTS: dict[Action, Callable] = {
    Action.SUBMIT: intake.record_version,
    Action.RESUBMIT: intake.record_version,
}
