"""What every view does the same way: load or 404, ask the permission table or 403."""
from flask import abort, flash
from flask_login import current_user

from workflow.extensions import db
from workflow.permissions import can


def load_or_404(model, ident: int):
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


def require(action: str, obj=None) -> None:
    if not can(current_user, action, obj):
        abort(403)


def flash_problems(error) -> None:
    for problem in error.problems:
        flash(problem, "danger")
