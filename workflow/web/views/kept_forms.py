"""A form sent after its sender's session ended is not lost: what was typed is kept
(web/operations/form_stash.py) under a token in the new session's cookie, the sender logs in
again and lands on the page of the form, filled in (forms/base.py), with a message that it
is not saved yet. Only the same user gets it back."""
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login.utils import login_url
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from workflow.web.operations import form_stash
from workflow.web.views.helpers import safe_next
from workflow.web.views.unit_of_work import commit

KEY = "kept_form"


def _here() -> str:
    return request.full_path.rstrip("?")


def _page_of_form() -> str | None:
    """Where the form that was sent is shown: this address when it answers GET too, else the
    page it was sent from (the Referer, when it is a page of this site)."""
    if request.url_rule is not None and "GET" in request.url_rule.methods:
        return _here()
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host or not referrer.path.startswith("/"):
        return None
    page = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return page if safe_next(page) == page and _shows_a_page(referrer.path) else None


def _shows_a_page(path: str) -> bool:
    """The address answers GET (a confirmation page was the answer to a POST: not so)."""
    try:
        current_app.url_map.bind(request.host).match(path, method="GET")
    except HTTPException:
        return False
    return True


def on_unauthorized():
    """Flask-Login's answer to a request that needs a login: the login page, then back; for
    a form sent, back to the page of the form. A form sent by a user whose session has just
    ended (setup._check_session) is kept first."""
    page = _page_of_form() if request.method == "POST" else None
    ended = g.get("ended_user_id")
    token = page and ended is not None and form_stash.keep(ended, page,
                                                           request.form.items(multi=True))
    if token:
        commit()
        session[KEY] = token
        flash(_("What you typed is kept for an hour: log in again to finish sending the "
                "form."), "info")
    if page is None and request.method == "POST":
        return redirect(url_for("auth.login"))  # an address that only takes forms
    return redirect(login_url("auth.login", next_url=page or request.url))


def restore() -> None:
    """Before a page is shown: when it is the page of a form kept for this user, fill the
    form in with what was typed (g.kept_form, read by forms/base.py) and say so."""
    g.pop("kept_form", None)  # tests run requests in one app context, hence in one g
    token = session.get(KEY)
    if (token is None or request.method != "GET" or request.endpoint in (None, "static")
            or not current_user.is_authenticated):
        return
    data = form_stash.take(token, user_id=current_user.id, path=_here())
    commit()
    if data is None:
        if form_stash.page_of(token) is None:  # taken, expired or another user's
            session.pop(KEY, None)
        return
    session.pop(KEY, None)
    g.kept_form = MultiDict([tuple(pair) for pair in data])
    flash(_("What you typed before your session ended is filled in again. It is not saved "
            "yet: check it and send the form."), "warning")


def carry_over(clear) -> None:
    """Run `clear` (emptying the session at a login step or at logout) keeping a kept form's
    token, the messages not shown yet (a registration or a password set from a link says so
    on the page the login ends on) and the language chosen with the top bar's button."""
    kept = {key: session[key] for key in (KEY, "_flashes", "locale") if session.get(key)}
    clear()
    session.update(kept)
