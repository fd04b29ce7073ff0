"""Confirmation pages before what cannot be undone (web/queries/consequences.py). The action's
own POST route asks: without the confirmation of exactly what the page said, it answers
with the page, which sends the same form back confirmed. So neither a stale form nor a
crafted request skips it, and it works without JavaScript:

    if (page := unconfirmed(consequences.publish(call), cancel=url_for(...))) is not None:
        return page
"""
import hmac

from flask import current_app, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

FIELD = "confirmed"


def _seal(consequences) -> str:
    """What the confirmation field carries: the page's facts, signed for this user and URL."""
    message = repr((current_user.get_id(), request.path, consequences.facts)).encode()
    return hmac.new(current_app.config["SECRET_KEY"].encode(), message, "sha256").hexdigest()


def unconfirmed(consequences, *, cancel: str):
    """None when there is nothing to confirm, or the request confirms exactly these
    consequences; else the confirmation page (nothing was changed)."""
    if consequences is None:
        return None
    seal = _seal(consequences)
    given = request.form.get(FIELD, "")
    if hmac.compare_digest(given.encode(), seal.encode()):
        return None
    if given:
        flash(_("What this action does has changed since the confirmation was shown (someone "
                "else acted meanwhile): read it again."), "warning")
    carried = [(name, value) for name, value in request.form.items(multi=True)
               if name not in (FIELD, "csrf_token")]
    return render_template("confirm/page.html", consequences=consequences, seal=seal,
                           carried=carried, action=request.path, cancel=cancel)
