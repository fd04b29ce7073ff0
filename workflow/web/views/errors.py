"""Error pages that say what happened and show nothing of the object asked for."""
from flask import Flask, current_app, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from workflow.core.errors import PermissionDenied
from workflow.core.extensions import db

MESSAGES = {
    400: lambda: _("The request could not be understood."),
    403: lambda: _("You do not have access to this page."),
    404: lambda: _("This page does not exist."),
    405: lambda: _("This page cannot be used that way."),
    409: lambda: _("Someone else changed this a moment ago, so your change was not saved. "
                   "Reload the page and try again."),
    410: lambda: _("This link is no longer valid."),
    413: lambda: _("The upload is too large."),
    429: lambda: _("Too many requests from your address in a short time. Wait a minute and "
                   "try again."),
    500: lambda: _("Something went wrong on our side; nothing was saved."),
}


def _page(code: int, message: str | None = None):
    db.session.rollback()
    return render_template("errors/error.html", code=code,
                           message=message or MESSAGES[code]()), code


def _too_many(error):
    """A limit with a message of its own (a public form's limit per contact) says it."""
    own = getattr(getattr(error, "limit", None), "error_message", None)
    return _page(429, str(error.description) if own else None)


def _lost_race(error):
    """A unique constraint or a version check that a concurrent request won reached the view
    (the operations turn the races they expect into ServiceErrors). _page rolls the session
    back before anything else: the page and its language must not query a failed session."""
    current_app.logger.warning("concurrent change refused: %s", error.__class__.__name__)
    return _page(409)


def register(app: Flask) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, lambda e, c=code: _page(c))
    app.register_error_handler(429, _too_many)
    app.register_error_handler(IntegrityError, _lost_race)
    app.register_error_handler(StaleDataError, _lost_race)
    app.register_error_handler(PermissionDenied, lambda e: _page(403))
    app.register_error_handler(
        CSRFError,
        lambda e: _page(400, _("The form had expired. Go back, reload the page and try again.")),
    )
