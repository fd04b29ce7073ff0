"""What the task book (建设任务书) asks of each role on their desk: the lead unit starts it
for an approved center, completes it (also after a return) and signs it; the city reviews
its region's submitted books; the officer reviews the books the cities passed on and signs
those the lead unit signed. Each group is one statement (desk/queries/items.py)."""
from flask_babel import gettext as _
from sqlalchemy import Integer, cast, literal, null, select

from workflow.core.states import AppState
from workflow.desk.queries.items import Group, Item, Link, capped
from workflow.intake.models import Application
from workflow.task_books.models import TaskBook, TaskBookState

S = TaskBookState


def _books(*states, **where):
    stmt = (select(TaskBook.id, Application.title, TaskBook.updated_at, TaskBook.state,
                   TaskBook.return_reason)
            .join(Application, TaskBook.application_id == Application.id)
            .where(TaskBook.state.in_([str(s) for s in states])))
    for column, value in where.items():
        stmt = stmt.where(getattr(Application, column) == value)
    return stmt.order_by(TaskBook.updated_at, TaskBook.id)


def to_lead(user) -> list[Group]:
    """The unit's approved centers whose book is not started or is being drafted (first, or
    after a return), and its books agreed by the department, waiting for its signature."""
    started = (select(TaskBook.id, Application.title, TaskBook.updated_at.label("since"),
                      TaskBook.return_reason)
               .join(Application, TaskBook.application_id == Application.id)
               .where(TaskBook.state == S.DRAFTING,
                      Application.lead_org_id == user.organization_id))
    missing = (select(cast(null(), Integer).label("id"), Application.title,
                      Application.updated_at.label("since"), literal("").label("return_reason"))
               .outerjoin(TaskBook, TaskBook.application_id == Application.id)
               .where(Application.lead_org_id == user.organization_id,
                      Application.state == AppState.APPROVED, TaskBook.id.is_(None)))
    union = started.union_all(missing).subquery()
    rows, total, partial = capped(select(union).order_by(union.c.since, union.c.title))
    draft = Group("task_books_to_draft", total, [
        Item(r.title, Link("task_books.edit", {"book_id": r.id}) if r.id is not None
             else Link("task_books.index"), since=r.since,
             flag=_("returned") if r.return_reason else "",
             detail=r.return_reason[:120] if r.return_reason else "") for r in rows],
        partial=partial)
    rows, total, partial = capped(_books(S.AGREED, lead_org_id=user.organization_id))
    sign = Group("task_books_to_sign_unit", total, [
        Item(r.title, Link("task_books.view", {"book_id": r.id}), since=r.updated_at)
        for r in rows], partial=partial)
    return [draft, sign]


def to_city(user) -> Group:
    """The region's submitted books, waiting to be passed on or returned."""
    rows, total, partial = capped(_books(S.SUBMITTED,
                                         region_code=user.organization.region_code))
    return Group("task_books_city", total, [
        Item(r.title, Link("task_books.view", {"book_id": r.id}), since=r.updated_at)
        for r in rows], partial=partial)


def to_officer(user) -> list[Group]:
    """Books the cities passed on (to agree or return), and books the lead unit signed (to
    sign for the department)."""
    groups = []
    for key, state in (("task_books_department", S.CITY_PASSED),
                       ("task_books_department_sign", S.UNIT_SIGNED)):
        rows, total, partial = capped(_books(state))
        groups.append(Group(key, total, [
            Item(r.title, Link("task_books.view", {"book_id": r.id}), since=r.updated_at)
            for r in rows], partial=partial))
    return groups
