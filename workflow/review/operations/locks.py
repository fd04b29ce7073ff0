"""One writer at a time on a call's panels: assignment runs, refills, manual seats and the
exclusions they rest on all read "which slots are free" and then fill them, so two officers
acting at the same moment would both fill the same slot.

PostgreSQL locks the call's row (SELECT ... FOR UPDATE) until the transaction ends. SQLite
has no row locks (SQLAlchemy leaves FOR UPDATE out there): a write to the call's row takes
the database's write lock instead, which a second writer waits for (the busy timeout of
workflow/setup.py) and which is held until commit or rollback.
"""
from contextlib import contextmanager

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from workflow.calls.models import Call
from workflow.core.errors import ServiceError
from workflow.core.extensions import db


def _lock_row(call: Call) -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Call.id).where(Call.id == call.id).with_for_update())
    else:
        db.session.execute(update(Call).where(Call.id == call.id).values(id=Call.id)
                           .execution_options(synchronize_session=False))


@contextmanager
def panels_locked(call: Call):
    """Run the block holding the call's lock (taken again inside is harmless). A lock not
    obtained in time, or a unique constraint a writer without the lock broke anyway, becomes
    a ServiceError; the caller then rolls back, so nothing of the block is written."""
    try:
        _lock_row(call)
    except OperationalError as exc:
        raise ServiceError(_("Another assignment run for this call is in progress. Reload "
                             "the page in a moment and try again.")) from exc
    try:
        yield
    except IntegrityError as exc:
        raise ServiceError(_("Another assignment run for this call has just changed its "
                             "panels. Reload the page and try again.")) from exc
