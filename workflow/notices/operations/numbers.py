"""Document numbers (发文字号): per issuing office and year, unique and without gaps.

A number is taken by updating the counter row of its office and year and reading the new
value in the same statement (UPDATE ... RETURNING), inside the caller's transaction. On
PostgreSQL the UPDATE locks the row until commit; on SQLite the first write of a transaction
takes the database's write lock before anything is read. So two officers issuing at the same
moment get consecutive numbers, and a transaction that rolls back gives its number back.
"""

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from workflow.core import audit
from workflow.core.clock import now
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.lifecycle.permissions import can
from workflow.notices.models import (
    NUMBER_MACHINE,
    DocumentNumber,
    NumberSeries,
    NumberStatus,
    number_text,
)
from workflow.notices.queries import OFFICE_CODE, series

MAX_NUMBER = 99999


def check_office(office: str) -> str:
    office = (office or "").strip()
    if not OFFICE_CODE.match(office):
        raise ServiceError(_("The office code is 2 to 12 Chinese characters, e.g. 鲁科字."))
    return office


def check_year(year: int) -> int:
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ServiceError(_("The year must lie between 2000 and 2100."))
    return year


def _ensure_series(office: str, year: int, actor) -> None:
    """Create the counter row of office and year unless it exists (also when another
    transaction creates it at the same moment: the insert then does nothing)."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    db.session.execute(dialect.insert(NumberSeries).values(
        office=office, year=year, first_number=1, next_number=1,
        updated_by_id=getattr(actor, "id", None), updated_at=now(),
    ).on_conflict_do_nothing(index_elements=["office", "year"]))


def allocate_number(office: str, year: int, *, title: str, actor) -> DocumentNumber:
    """The next number of office and year, recorded as issued to `title`. No permission
    check: the callers (issuing a notice, reserving a number) check their own.

    Side effects: the counter row updated and a DocumentNumber row; flushed."""
    office, year = check_office(office), check_year(year)
    _ensure_series(office, year, actor)
    taken = db.session.execute(
        update(NumberSeries)
        .where(NumberSeries.office == office, NumberSeries.year == year)
        .values(next_number=NumberSeries.next_number + 1, updated_at=now())
        .returning(NumberSeries.next_number)
        .execution_options(synchronize_session=False)
    ).scalar_one() - 1
    row = DocumentNumber(office=office, year=year, sequence=taken, title=title[:300],
                         status=NumberStatus.ISSUED, allocated_by_id=actor.id, allocated_at=now())
    db.session.add(row)
    db.session.flush()
    return row


def reserve_number(office: str, year: int, *, title: str, actor) -> DocumentNumber:
    """Hand out a number for a document made outside the system, so the registry stays the
    one source of the office's numbers. Writes an audit row."""
    if not can(actor, "numbers.manage", NumberSeries(office=office, year=year)):
        raise PermissionDenied("numbers.manage")
    title = (title or "").strip()
    if not title:
        raise ServiceError(_("Say which document the number is for."))
    row = allocate_number(office, year, title=title, actor=actor)
    audit.record(actor=actor, action="reserve_number", comment=f"{row.text} {title}")
    return row


def set_first_number(office: str, year: int, first: int, *, actor) -> NumberSeries:
    """Let the numbers of office and year start at `first` (the department numbered
    documents outside this system before); only while none of them is handed out.
    Writes an audit row."""
    if not can(actor, "numbers.manage", NumberSeries(office=office, year=year)):
        raise PermissionDenied("numbers.manage")
    office, year = check_office(office), check_year(year)
    if not isinstance(first, int) or not 1 <= first <= MAX_NUMBER:
        raise ServiceError(_("The first number must lie between 1 and %(max)d.", max=MAX_NUMBER))
    _ensure_series(office, year, actor)
    changed = db.session.execute(
        update(NumberSeries)
        .where(NumberSeries.office == office, NumberSeries.year == year,
               NumberSeries.next_number == NumberSeries.first_number)
        .values(first_number=first, next_number=first, updated_by_id=actor.id,
                updated_at=now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        last = last_number(office, year)
        raise ServiceError(_("%(office)s numbers of %(year)d have been handed out already (the "
                             "last is %(last)s); the first number can no longer change.",
                             office=office, year=year, last=last.text if last else "-"))
    audit.record(actor=actor, action="number_start",
                 comment=f"{number_text(office, year, first)}")
    db.session.flush()
    return series(office, year)


def void_number(number: DocumentNumber, *, reason: str, actor) -> None:
    """Void a number that was reserved and not used; the row stays with the reason.
    A notice's number is not voided: the notice is revoked instead. Writes an audit row."""
    if not can(actor, "numbers.manage"):
        raise PermissionDenied("numbers.manage")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Please give your reasons."))
    if number.notice is not None:
        raise ServiceError(_("%(number)s is the number of an approval notice; revoke the notice "
                             "instead.", number=number.text))
    if number.decision is not None:
        raise ServiceError(_("%(number)s is the number of an issued decision document; it "
                             "stays.", number=number.text))
    if not NUMBER_MACHINE.claim(number, "void", actor=actor, comment=f"{number.text}: {reason}",
                                void_reason=reason[:1000], voided_by_id=actor.id,
                                voided_at=now()):
        raise ServiceError(_("%(number)s is voided already.", number=number.text))


def last_number(office: str, year: int) -> DocumentNumber | None:
    return db.session.scalar(select(DocumentNumber).where(
        DocumentNumber.office == office, DocumentNumber.year == year)
        .order_by(DocumentNumber.sequence.desc()).limit(1))


def registry(*, office: str | None = None, year: int | None = None) -> list[DocumentNumber]:
    """The numbers handed out, newest first, optionally of one office and year."""
    query = select(DocumentNumber).order_by(DocumentNumber.year.desc(), DocumentNumber.office,
                                            DocumentNumber.sequence.desc())
    if office:
        query = query.where(DocumentNumber.office == office)
    if year:
        query = query.where(DocumentNumber.year == year)
    return list(db.session.scalars(query))


def all_series() -> list[tuple[NumberSeries, int]]:
    """Every counter with how many numbers it handed out."""
    used = (select(func.count()).select_from(DocumentNumber)
            .where(DocumentNumber.office == NumberSeries.office,
                   DocumentNumber.year == NumberSeries.year).scalar_subquery())
    return [tuple(row) for row in db.session.execute(
        select(NumberSeries, used).order_by(NumberSeries.year.desc(), NumberSeries.office))]
