"""Error pages that say what happened and show nothing of the object asked for."""
from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from workflow.extensions import db
from workflow.services.errors import PermissionDenied

MESSAGES = {
    400: lambda: _("The request could not be understood."),
    403: lambda: _("You do not have access to this page."),
    404: lambda: _("This page does not exist."),
    405: lambda: _("This page cannot be used that way."),
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


def register(app: Flask) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, lambda e, c=code: _page(c))
    app.register_error_handler(PermissionDenied, lambda e: _page(403))
    app.register_error_handler(
        CSRFError,
        lambda e: _page(400, _("The form had expired. Go back, reload the page and try again.")),
    )
