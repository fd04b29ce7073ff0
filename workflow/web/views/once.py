"""Create forms are done once whatever the clicks (web/operations/once.py). A view that creates
something calls `repeated(form, back)` once the form is valid and before it acts, and ends a
success with `sent(form, path, note)`:

    if (answer := repeated(form, back=url_for(...))) is not None:
        return answer
    try: ... operation ...
    except ServiceError: db.session.rollback(); ...   # gives the token back
    else: return sent(form, url_for(...), _("Done."))
"""
from flask import flash, redirect
from flask_babel import gettext as _
from flask_login import current_user

from workflow.core.extensions import db
from workflow.web.operations import once
from workflow.web.views.unit_of_work import commit


def repeated(form, *, back: str):
    """None when this is the first submission of `form`: its token is now used up in the
    request's transaction. Otherwise the answer to a repeated one: back to where the first
    one led, with its message, when it was this person's (else to `back`), saying that
    nothing was done twice."""
    if not form.once.data:
        return None
    outcome = once.use(form.once.data, user_id=getattr(current_user, "id", None))
    if outcome is None:
        return None
    db.session.rollback()
    if outcome.note:
        flash(outcome.note, "success")
    flash(_("This form had been sent already: what it asks was done once, not again."), "info")
    return redirect(outcome.path or back)


def keep_outcome(form, path: str, note: str) -> None:
    """Keep where the form led and what it said, for a repeated submission."""
    if form.once.data:
        once.record(form.once.data, path=path, note=note)


def sent(form, path: str, note: str):
    """Commit what the form did, keep its outcome for a repeated submission, and answer
    with `note` and a redirect to `path`."""
    keep_outcome(form, path, note)
    commit()
    flash(note, "success")
    return redirect(path)
