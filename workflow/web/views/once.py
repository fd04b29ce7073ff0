"""Create forms are done once whatever the clicks (web/operations/once.py). A view that creates
something calls `repeated(form, back)` once the form is valid and before it acts, then runs
the operation through `created`, the request's unit of work for such forms:

    if (answer := repeated(form, back=url_for(...))) is not None:
        return answer
    answer, error = created(form, lambda: operation(..., actor=current_user),
                            path=url_for(...), note=lambda row: _("Done."))
    if error is None:
        return answer
    form.field.errors.extend(error.problems)   # refused: nothing stays, the token is given back
"""
from collections.abc import Callable

from flask import flash, redirect
from flask_babel import gettext as _
from flask_login import current_user

from workflow.core.extensions import db
from workflow.web.operations import once
from workflow.web.views.unit_of_work import unit_of_work


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


def created(form, operation: Callable, *, path: str | Callable, note: Callable):
    """Run `operation` (it creates what `form` asks) as the request's unit of work, keeping
    its outcome for a repeated submission: (a redirect to `path` with `note`, None), both
    given the operation's result; or, when the operation refuses, (None, its ServiceError),
    with nothing of it kept and the form's token given back (the view shows the problems)."""
    with unit_of_work(flash_errors=False) as work:
        row = operation()
        where, said = (path(row) if callable(path) else path), note(row)
        keep_outcome(form, where, said)
    if work.failed:
        return None, work.error
    flash(said, "success")
    return redirect(where), None
