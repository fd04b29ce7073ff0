"""Reads of the task book: a center's book, its construction years, the content prefilled
from the application, the signed book the annual reports read, and the lists of books
waiting for someone."""
import hashlib
import json

from sqlalchemy import func, or_, select

from workflow.calls.models import Call
from workflow.centers.indicators import INDICATORS
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import NOTICE_ISSUED_STATES, AppState
from workflow.departments.rules import calls_of
from workflow.intake.models import Application
from workflow.lifecycle.permissions import is_leader, is_officer, is_recommender, notice_of
from workflow.task_books.models import TaskBook, TaskBookState
from workflow.task_books.rules import DEFAULT_LIABILITY, construction_years


def book_of(app: Application) -> TaskBook | None:
    return db.session.scalar(select(TaskBook).where(TaskBook.application_id == app.id))


def signed_book(application_id: int) -> TaskBook | None:
    """The signed (frozen) task book of an application, or None: the annual reports read
    its targets through `TaskBook.target(code, year)`."""
    return db.session.scalar(select(TaskBook).where(
        TaskBook.application_id == application_id, TaskBook.state == TaskBookState.SIGNED))


def first_year(app: Application) -> int:
    """Construction starts the year after the approval notice (after the call's year when
    the notice carries no date)."""
    notice = notice_of(app.call)
    issued = notice.issued_on if notice is not None else None
    return (issued.year if issued is not None else app.call.year) + 1


def years_of(app: Application) -> list[int]:
    return construction_years(first_year(app), app.call.construction_years)


def _section(app: Application, key: str) -> dict:
    return next((s.data for s in app.sections if s.key == key), None) or {}


def _number(value) -> float | None:
    try:
        number = float(str(value).replace(",", ""))
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def prefilled(app: Application) -> dict:
    """The book's first draft from the application: each indicator's baseline where the
    application gives one (targets left for the unit to set), the key tasks, the budget by
    source and the default liability clause."""
    indicators = {}
    years = years_of(app)
    for ind in INDICATORS:
        baseline = None
        if ind.baseline_from is not None:
            section, field = ind.baseline_from
            baseline = _number(_section(app, section).get(field))
        indicators[ind.code] = {"baseline": baseline,
                                "yearly": {str(y): None for y in years}, "final": None}
    lines = [line.strip() for line in str(_section(app, "tasks").get("tasks") or "").splitlines()]
    tasks = [{"title": line[:200], "content": "", "year": ""} for line in lines if line][:30]
    budget_section = _section(app, "budget")
    own = _number(budget_section.get("own_funds"))
    local = _number(budget_section.get("local_match")) or 0.0
    total = _number(budget_section.get("total_budget"))
    provincial = None
    if total is not None:
        provincial = max(total - (own or 0.0) - local, 0.0)
    return {"indicators": indicators, "tasks": tasks,
            "budget": {"own_funds": own, "provincial_funds": provincial, "local_match": local},
            "liability": DEFAULT_LIABILITY}


def content_of(book: TaskBook) -> dict:
    """What both sides sign: the content and the construction period."""
    return {"application_id": book.application_id, "indicators": book.indicators,
            "tasks": book.tasks, "budget": book.budget, "liability": book.liability,
            "years": years_of(book.application)}


def digest(content: dict) -> str:
    """The SHA-256 of the content, as canonical JSON."""
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def books_in(state: str, *, region_code: str | None = None) -> list[TaskBook]:
    """The books in `state` (of one city when `region_code`), oldest change first."""
    stmt = select(TaskBook).join(TaskBook.application).where(TaskBook.state == state)
    if region_code is not None:
        stmt = stmt.where(Application.region_code == region_code)
    return list(db.session.scalars(stmt.order_by(TaskBook.updated_at, TaskBook.id)))


def count_in(states, *, region_code: str | None = None, lead_org_id: int | None = None) -> int:
    stmt = select(func.count()).select_from(TaskBook).join(TaskBook.application).where(
        TaskBook.state.in_([str(s) for s in states]))
    if region_code is not None:
        stmt = stmt.where(Application.region_code == region_code)
    if lead_org_id is not None:
        stmt = stmt.where(Application.lead_org_id == lead_org_id)
    return db.session.scalar(stmt) or 0


def approved_without_book(lead_org_id: int) -> list[Application]:
    """The unit's approved applications whose task book is not started yet."""
    return list(db.session.scalars(
        select(Application).outerjoin(TaskBook, TaskBook.application_id == Application.id)
        .where(Application.lead_org_id == lead_org_id, Application.state == AppState.APPROVED,
               TaskBook.id.is_(None)).order_by(Application.id)))


def all_books() -> list[TaskBook]:
    """Every task book, for the department's list (its application joined: one statement)."""
    return list(db.session.scalars(select(TaskBook).order_by(TaskBook.state, TaskBook.id)))


def books_for(user) -> list[TaskBook]:
    """The books `user` reads on the list page: all for the department, its region's for a
    city, its own unit's for a lead unit (the application joined: one statement)."""
    stmt = select(TaskBook).join(TaskBook.application)
    if is_officer(user) or is_leader(user):
        stmt = stmt.where(Application.call_id.in_(select(Call.id).where(calls_of(user))))
    elif is_recommender(user):
        stmt = stmt.where(Application.region_code == user.organization.region_code,
                          Application.state.in_([str(s) for s in NOTICE_ISSUED_STATES]))
    elif getattr(user, "organization_id", None) is not None:
        stmt = stmt.where(Application.lead_org_id == user.organization_id)
    else:
        return []
    return list(db.session.scalars(stmt.order_by(TaskBook.id)))


def history(book: TaskBook) -> list[AuditEntry]:
    """The book's audit trail, oldest first: who did what, in which role, with what reasons
    (each entry's actor joined: one statement)."""
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.application_id == book.application_id,
        or_(AuditEntry.action.like("task_book%"), AuditEntry.action == "sign_task_book"),
        AuditEntry.action != "task_book_save").order_by(AuditEntry.id)))
