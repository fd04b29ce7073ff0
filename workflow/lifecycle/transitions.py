"""The one function that changes an application's state.

It checks the action registry (state, permission, comment) and the action's guard, sets the
state, runs the action's effect (a version snapshot on submission, ...), writes the audit
row and flushes. The caller commits. There is no override: an exception is its own action.
"""
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from workflow.core import audit
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.states import Action, AppState, find_transition
from workflow.intake.models import Application
from workflow.lifecycle import alerts
from workflow.lifecycle.permissions import can
from workflow.lifecycle.registry import LABELS as ACTION_LABELS
from workflow.lifecycle.registry import spec_of
from workflow.web.formatting import STATE_LABELS


def _lock(app: Application) -> Application:
    """Re-read the row under a write lock so two concurrent requests cannot both move it."""
    if app.id is None:
        return app
    return db.session.scalars(
        select(Application)
        .where(Application.id == app.id)
        .with_for_update(of=Application)
        .execution_options(populate_existing=True)
    ).one()


def _apply(rule, spec, app: Application, actor, comment: str):
    """Run a guard or an effect; those that read the comment also get the reasons typed with
    the action (a departure from the ranking needs one; a decision on objections records it)."""
    if spec.reads_comment:
        return rule(app, actor, comment=comment)
    return rule(app, actor)


def transition(app: Application, action: Action | str, *, actor, comment: str = ""):
    """Apply `action` to `app` for `actor`. Raises PermissionDenied or ServiceError.

    Side effects: the state, the action's effect, one audit row; flushed, not committed.
    """
    action = Action(action)
    app = _lock(app)
    step = find_transition(AppState(app.state), action)
    if step is None:
        raise ServiceError(
            _("This application is %(state)s; “%(action)s” is not possible now.",
              state=STATE_LABELS.get(app.state, app.state),
              action=ACTION_LABELS.get(action, action))
        )
    if not can(actor, action, app):
        raise PermissionDenied(action)
    comment = (comment or "").strip()
    if step.needs_comment and not comment:
        raise ServiceError(_("Please give your reasons."))
    spec = spec_of(action)
    problems = _apply(spec.guard, spec, app, actor, comment) if spec.guard else []
    if problems:
        raise ServiceError(*problems)
    source = app.state
    # Any flush from here on (an effect's query autoflushes) writes the new state; where
    # another writer changed the row first (SQLite has no FOR UPDATE) it finds it stale.
    try:
        app.state = step.target
        if spec.effect:
            _apply(spec.effect, spec, app, actor, comment)
        entry = audit.record(
            actor=actor, action=action, application=app, role=step.role,
            from_state=source, to_state=step.target, comment=comment,
        )
        db.session.flush()
    except StaleDataError as exc:
        raise ServiceError(_("Someone else changed this application a moment ago. Reload the "
                             "page and try again.")) from exc
    alerts.after_transition(app, action, actor, comment)
    db.session.flush()
    return entry
