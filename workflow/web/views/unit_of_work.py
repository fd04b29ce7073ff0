"""Where a request's work is committed: the one place a view commits.

    with unit_of_work() as work:
        operation(obj, ..., actor=current_user)
    if work.failed:
        return page_again(form, status=422)   # the problems are flashed already
    flash(_("Done."), "success")
    return redirect(...)

Leaving the block normally commits. A ServiceError raised inside rolls back, flashes each of
its problems (as "danger") and is not raised further: `work.failed` says so, and the view
renders or redirects as it would. PermissionDenied rolls back and answers 403 (or, given
`denied`, flashes that message and fails like a ServiceError: for a refusal that an earlier
check could not foresee). Anything else rolls back and propagates.
"""
from contextlib import contextmanager
from dataclasses import dataclass

from flask import abort, flash

from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.web.views.helpers import flash_problems


@dataclass
class Work:
    failed: bool = False
    error: ServiceError | None = None


def commit() -> None:
    """Commit the request's transaction (for the web mechanisms that end a request's work
    themselves: once-only forms, kept forms, bulk actions)."""
    db.session.commit()


@contextmanager
def unit_of_work(*, flash_errors: bool = True, denied: str | None = None):
    """Run the block as the request's unit of work (see the module). With
    `flash_errors=False` the problems are not flashed: the view shows `work.error` itself."""
    work = Work()
    try:
        yield work
    except ServiceError as error:
        db.session.rollback()
        work.failed, work.error = True, error
        if flash_errors:
            flash_problems(error)
        return
    except PermissionDenied:
        db.session.rollback()
        if denied is None:
            abort(403)
        work.failed = True
        flash(denied, "danger")
        return
    except BaseException:
        db.session.rollback()
        raise
    commit()
