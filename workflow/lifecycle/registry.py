"""The action registry: every action on an application, declared once by its feature.

Each feature's `actions.py` calls `register(ActionSpec(...))`; `workflow/actions.py` imports
them all (create_app imports it). The transition function, `can()`, the buttons, the
notifications, the labels and docs/lifecycle.md read the registry. It imports no feature.

A guard returns the problems that stop the action (empty when it may go ahead); an effect
runs after the state is set, inside the same transaction. Those with `reads_comment` also
get the action's comment (keyword `comment`).
"""
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from workflow.core.states import TRANSITIONS, Action, AppState, Role, Transition


@dataclass(frozen=True)
class ActionSpec:
    action: Action
    sources: tuple[AppState, ...]
    target: AppState
    role: Role  # the role named in the audit row
    permission: Callable[[object, object], bool]  # (user, application) -> may they?
    label: object  # a lazy_gettext string
    guard: Callable | None = None
    effect: Callable | None = None
    needs_comment: bool = False
    reads_comment: bool = False
    own_form: str | None = None  # endpoint of the page that takes it; no generic button
    tells_lead: object | None = None  # lazy text "Your application was ..."; None: silent
    hands_over: Callable | None = None  # (app, actor): tells whoever acts next (handoffs.py)
    # (app) -> what the lead unit has to do now and by when, added to `tells_lead`'s mail
    next_step: Callable | None = None
    # Offered on its role's lists for several applications at once (lifecycle/bulk.py): for
    # an action that needs nothing but an optional reason shared by all.
    in_bulk: bool = False


_SPECS: dict[Action, ActionSpec] = {}


def register(spec: ActionSpec) -> ActionSpec:
    if spec.action in _SPECS:
        raise ValueError(f"action {spec.action} is declared twice")
    _SPECS[spec.action] = spec
    TRANSITIONS.extend(Transition(s, spec.action, spec.target, spec.role, spec.needs_comment)
                       for s in spec.sources)
    return spec


def spec_of(action) -> ActionSpec | None:
    return _SPECS.get(action)


def bulk_actions(role: Role) -> tuple[Action, ...]:
    """The actions `role` is offered on its lists for several applications at once, in the
    order the features declared them."""
    return tuple(s.action for s in _SPECS.values() if s.in_bulk and s.role == role)


def specs() -> list[ActionSpec]:
    return list(_SPECS.values())


def own_form(action) -> str | None:
    spec = _SPECS.get(action)
    return spec.own_form if spec else None


def final_states() -> frozenset[AppState]:
    """States from which nothing leads on (for the lifecycle diagram and dashboards)."""
    return frozenset(s for s in AppState if not any(t.source == s for t in TRANSITIONS))


class _Labels(Mapping):
    """The actions' labels, read from the registry when asked (the specs register later)."""

    def __getitem__(self, key):
        return _SPECS[key].label

    def __iter__(self) -> Iterator[Action]:
        return iter(_SPECS)

    def __len__(self) -> int:
        return len(_SPECS)


LABELS: Mapping = _Labels()
