"""The writers of the task book. The lead unit starts it (the center is made then, and the
book prefilled from the application), edits and submits it; its city passes it on or
returns it; an officer agrees or returns it; the lead unit signs; an officer signs for the
department with its seal (SIGN_TASK_BOOK, whose effect `freeze_signed` freezes, hashes and
stores the signed PDF and starts the construction period). Each step of the book goes
through `MACHINE` (an audit row each) and tells whoever acts next."""
import base64
import secrets

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workflow.centers.indicators import INDICATORS
from workflow.centers.models import Center
from workflow.centers.operations import open_center
from workflow.core import audit, clock, storage
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.machine import Machine, Move
from workflow.core.pdf import render_document
from workflow.core.states import Action, Role
from workflow.inbox.notifications import lead_users, notify, region_recommenders, staff
from workflow.intake.models import Application
from workflow.lifecycle.permissions import can, notice_of
from workflow.lifecycle.transitions import transition
from workflow.notices.settings import notice_settings_of
from workflow.task_books.models import TaskBook, TaskBookState
from workflow.task_books.queries import (
    book_of,
    content_of,
    digest,
    first_year,
    prefilled,
    years_of,
)
from workflow.task_books.rules import (
    BUDGET_SOURCES,
    DOCUMENT_NAMES,
    DOCUMENT_SOURCES,
    Checked,
    construction_dates,
    submission_problems,
)

S = TaskBookState
MACHINE = Machine(_l("task book"), TaskBook, "state", (
    Move("submit", frozenset({S.DRAFTING}), S.SUBMITTED, "task_book_submit"),
    Move("city_pass", frozenset({S.SUBMITTED}), S.CITY_PASSED, "task_book_city_pass"),
    Move("city_return", frozenset({S.SUBMITTED}), S.DRAFTING, "task_book_city_return"),
    Move("agree", frozenset({S.CITY_PASSED}), S.AGREED, "task_book_agree"),
    Move("department_return", frozenset({S.CITY_PASSED}), S.DRAFTING,
         "task_book_department_return"),
    Move("unit_sign", frozenset({S.AGREED}), S.UNIT_SIGNED, "task_book_unit_sign"),
    Move("department_sign", frozenset({S.UNIT_SIGNED}), S.SIGNED, "task_book_sign"),
))


def _require(actor, permission: str, obj) -> None:
    if not can(actor, permission, obj):
        raise PermissionDenied(permission)


def _link(book: TaskBook) -> str:
    return f"/task-books/{book.id}"


def _tell(users, book: TaskBook, actor, *, kind: str, subject, body) -> int:
    """Tell `users` (but the actor) in their language, with the link to the book."""
    title = book.application.title

    def compose(user):
        return subject(title), body(title)

    others = [u for u in users if u.id != getattr(actor, "id", None)]
    return notify(others, kind=kind, compose=compose, application=book.application,
                  link=_link(book))


def start_task_book(app: Application, *, actor) -> TaskBook:
    """The lead unit starts its task book: the center is made, the book prefilled from the
    application (baselines, tasks, budget by source, the liability clause)."""
    _require(actor, "taskbook.start", app)
    book = book_of(app)
    if book is not None:
        return book
    open_center(app, actor=actor)
    content = prefilled(app)
    book = TaskBook(application_id=app.id, state=S.DRAFTING, **content)
    db.session.add(book)
    db.session.flush()
    audit.record(actor=actor, action="task_book_start", application=app)
    db.session.flush()
    return book


def save_task_book(book: TaskBook, checked: Checked, *, actor) -> TaskBook:
    """Keep the content as typed (blanks allowed in a draft); a wrong number stops the save
    and changes nothing."""
    _require(actor, "taskbook.edit", book)
    if checked.problems:
        raise ServiceError(*checked.messages())
    book.indicators = checked.indicators
    book.tasks = checked.tasks
    book.budget = checked.budget
    book.liability = checked.liability
    audit.record(actor=actor, action="task_book_save", application=book.application)
    db.session.flush()
    return book


def submit_task_book(book: TaskBook, *, actor) -> None:
    """Send the complete book to the city; the city's recommenders are told."""
    _require(actor, "taskbook.edit", book)
    problems = submission_problems(book, years_of(book.application))
    if problems:
        raise ServiceError(*problems)
    MACHINE.move(book, "submit", actor=actor, application=book.application,
                 return_reason="", returned_by_role="")
    _tell(region_recommenders(book.application.region_code), book, actor,
          kind="task_book_review",
          subject=lambda t: _("Task book to review: %(title)s", title=t),
          body=lambda t: _("The task book of “%(title)s” waits for your review: pass it on to "
                           "the department or return it with your reasons.", title=t))


def _reasons(comment: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise ServiceError(_("Please give your reasons."))
    if len(comment) > 2000:
        raise ServiceError(_("The reasons are longer than %(max)d characters.", max=2000))
    return comment


def _returned(book: TaskBook, actor, event: str, comment: str, role: Role) -> None:
    MACHINE.move(book, event, actor=actor, application=book.application, comment=comment,
                 return_reason=comment, returned_by_role=str(role))
    _tell(lead_users(book.application), book, actor, kind="task_book_returned",
          subject=lambda t: _("Task book returned: %(title)s", title=t),
          body=lambda t: _("The task book of “%(title)s” was returned to you. Reasons:",
                           title=t) + "\n" + comment)


def city_pass(book: TaskBook, *, actor, comment: str = "") -> None:
    """The city passes the book on to the department; the officers are told."""
    _require(actor, "taskbook.city_review", book)
    MACHINE.move(book, "city_pass", actor=actor, application=book.application,
                 comment=(comment or "").strip()[:2000])
    _tell(staff(Role.OFFICER), book, actor, kind="task_book_department_review",
          subject=lambda t: _("Task book to review: %(title)s", title=t),
          body=lambda t: _("The city passed on the task book of “%(title)s”: agree to it or "
                           "return it with your reasons.", title=t))


def city_return(book: TaskBook, *, actor, comment: str) -> None:
    _require(actor, "taskbook.city_review", book)
    _returned(book, actor, "city_return", _reasons(comment), Role.RECOMMENDER)


def department_agree(book: TaskBook, *, actor, comment: str = "") -> None:
    """The department agrees to the content; the lead unit is asked to sign."""
    _require(actor, "taskbook.department_review", book)
    MACHINE.move(book, "agree", actor=actor, application=book.application,
                 comment=(comment or "").strip()[:2000])
    _tell(lead_users(book.application), book, actor, kind="task_book_sign",
          subject=lambda t: _("Task book to sign: %(title)s", title=t),
          body=lambda t: _("The department agreed to the task book of “%(title)s”. Sign it "
                           "for your unit; the department then signs it.", title=t))


def department_return(book: TaskBook, *, actor, comment: str) -> None:
    _require(actor, "taskbook.department_review", book)
    _returned(book, actor, "department_return", _reasons(comment), Role.OFFICER)


def unit_sign(book: TaskBook, *, actor) -> None:
    """The lead unit signs; the officers are told to sign for the department."""
    _require(actor, "taskbook.unit_sign", book)
    MACHINE.move(book, "unit_sign", actor=actor, application=book.application,
                 unit_signed_at=clock.now(), unit_signed_by_id=actor.id)
    _tell(staff(Role.OFFICER), book, actor, kind="task_book_department_sign",
          subject=lambda t: _("Task book to sign: %(title)s", title=t),
          body=lambda t: _("The lead unit signed the task book of “%(title)s”: sign it for "
                           "the department.", title=t))


def department_sign(book: TaskBook, *, actor) -> None:
    """The officer signs for the department: SIGN_TASK_BOOK (approved -> under
    construction), whose effect freezes the book."""
    _require(actor, "taskbook.department_sign", book)
    transition(book.application, Action.SIGN_TASK_BOOK, actor=actor)


# The action's guard and effect (workflow/task_books/actions.py).
def sign_guard(app: Application, actor) -> list[str]:
    book = book_of(app)
    if book is None or book.state != S.UNIT_SIGNED:
        return [_("The task book must be signed by the lead unit first.")]
    return []


def _seal(app: Application) -> dict | None:
    """The department's seal: the one its approval notice was issued with, else the call's."""
    notice = notice_of(app.call)
    seal = (notice.content or {}).get("seal") if notice is not None else None
    return seal or notice_settings_of(app.call).seal


def _seal_uri(seal: dict | None) -> str | None:
    if not seal:
        return None
    data = storage.read_verified(storage.seals_dir() / seal["stored_name"], seal["sha256"])
    return "data:image/png;base64," + base64.b64encode(data).decode()


def shown(value) -> str:
    """A number as the book prints it: no trailing zeros, blank when none."""
    if value is None:
        return ""
    return f"{float(value):,.2f}".rstrip("0").rstrip(".")


def render_pdf(book: TaskBook, center: Center, frozen: dict, content_digest: str) -> bytes:
    """The signed book as a PDF, in Chinese whatever the signer's language."""
    app = book.application
    years = frozen["years"]
    rows = []
    for ind in INDICATORS:
        row = frozen["indicators"].get(ind.code) or {}
        label, unit = DOCUMENT_NAMES[ind.code]
        rows.append({"label": label, "unit": unit, "baseline": shown(row.get("baseline")),
                     "yearly": [shown((row.get("yearly") or {}).get(str(y))) for y in years],
                     "final": shown(row.get("final"))})
    budget = [(DOCUMENT_SOURCES[key], shown(frozen["budget"].get(key)))
              for key, _label in BUDGET_SOURCES]
    total = shown(sum(frozen["budget"].get(key) or 0 for key, _label in BUDGET_SOURCES))
    return render_document(
        "task_books/pdf/task_book.html", book=frozen, rows=rows, budget=budget, total=total,
        center=center.name, unit=app.lead_org.name, years=years, digest=content_digest,
        seal_uri=_seal_uri(frozen.get("seal")))


def freeze_signed(app: Application, actor) -> None:
    """Effect of SIGN_TASK_BOOK: the signed content frozen and hashed, the PDF stored once,
    the construction period set on the center and the book moved to signed."""
    book = book_of(app)
    center = open_center(app, actor=actor)
    signed_at = clock.now()
    years = years_of(app)
    starts, ends = construction_dates(first_year(app), app.call.construction_years,
                                      clock.local(signed_at).date())
    content = content_of(book)
    frozen = {**content, "center": center.name, "unit": app.lead_org.name,
              "starts_on": starts.isoformat(), "ends_on": ends.isoformat(),
              "unit_signed_at": clock.local(book.unit_signed_at).isoformat(),
              "department_signed_at": clock.local(signed_at).isoformat(),
              "seal": _seal(app), "years": years}
    content_digest = digest(frozen)
    pdf = render_pdf(book, center, frozen, content_digest)
    name = f"task-book-{app.id}-{secrets.token_hex(8)}.pdf"
    stored = storage.write_once(storage.documents_dir(), name, pdf)
    center.construction_starts_on, center.construction_ends_on = starts, ends
    MACHINE.move(book, "department_sign", actor=actor, application=app,
                 frozen=frozen, sha256=content_digest, stored_name=name,
                 pdf_sha256=stored.sha256, starts_on=starts, ends_on=ends,
                 department_signed_at=signed_at, department_signed_by_id=actor.id)


def signed_pdf(book: TaskBook, *, actor) -> bytes:
    """The stored signed PDF, read back only while its SHA-256 still matches."""
    _require(actor, "taskbook.download", book)
    return storage.read_verified(storage.documents_dir() / book.stored_name, book.pdf_sha256)
