"""What every view does the same way: load or 404, ask the permission table or 403."""
from urllib.parse import urlsplit

from flask import abort, flash, url_for
from flask_login import current_user

from workflow.core.extensions import db
from workflow.lifecycle.permissions import can


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


def flash_outcome(outcome, *, done, refused, name) -> None:
    """Say what a bulk operation did (lifecycle/bulk.py Outcome): `done(names)` for the items
    done, `refused(name, reasons)` for each item refused; `name(item)` names an item."""
    if outcome.done:
        flash(done("、".join(name(item) for item in outcome.done)), "success")
    for item, reasons in outcome.refused:
        flash(refused(name(item), " ".join(reasons)), "warning")


def safe_next(target: str | None) -> str:
    """`target` when it is a path on this site, else the home page: an absolute or
    scheme-relative address, a backslash (which browsers read as a slash) or any control
    character (browsers drop tabs and newlines, so "/\\t/evil.example" would become
    "//evil.example"; CR/LF would split the header) is refused."""
    if (not target or not target.startswith("/") or target.startswith("//")
            or "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target)):
        return url_for("public.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return url_for("public.index")
    return target
