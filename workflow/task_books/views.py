"""The task book's pages: the list of books, one book with the step its reader may take,
the lead unit's edit page (indicator table, tasks, budget, liability), the review steps of
the city and the department, both signatures and the signed PDF."""
from io import BytesIO

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.task_books import ConfirmForm, DecisionForm, StepForm, TaskBookForm
from workflow.centers.indicators import INDICATORS
from workflow.core.storage import DamagedFile
from workflow.intake.models import Application
from workflow.lifecycle.permissions import can
from workflow.task_books import operations as task_books
from workflow.task_books import queries
from workflow.task_books.models import TaskBook
from workflow.task_books.rules import (
    BOOK_STATE_LABELS,
    BUDGET_SOURCES,
    MAX_TASKS,
    STEP_LABELS,
    read_content,
)
from workflow.web.views.helpers import load_or_404, require
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("task_books", __name__)


@bp.context_processor
def _labels():
    return {"state_labels": BOOK_STATE_LABELS, "step_labels": STEP_LABELS}


@bp.get("/task-books")
@login_required
def index():
    require("taskbook.list")
    waiting = (queries.approved_without_book(current_user.organization_id)
               if getattr(current_user, "organization_id", None) else [])
    return render_template("task_books/index.html", books=queries.books_for(current_user),
                           waiting=[a for a in waiting if can(current_user, "taskbook.start", a)],
                           form=StepForm())


@bp.post("/applications/<int:app_id>/task-book")
@login_required
def start(app_id: int):
    app = load_or_404(Application, app_id)
    require("taskbook.start", app)
    if not StepForm().validate_on_submit():
        flash(_("This form was open for too long. Please try again."), "danger")
        return redirect(url_for(".index"))
    with unit_of_work() as work:
        book = task_books.start_task_book(app, actor=current_user)
    if work.failed:
        return redirect(url_for(".index"))
    return redirect(url_for(".edit", book_id=book.id))


def _page(book: TaskBook, status: int = 200, decision_form=None, confirm_form=None):
    return render_template(
        "task_books/view.html", book=book, years=queries.years_of(book.application),
        indicators=INDICATORS, budget_sources=BUDGET_SOURCES, history=queries.history(book),
        confirm_form=confirm_form or ConfirmForm(formdata=None),
        decision_form=decision_form or DecisionForm(formdata=None)), status


@bp.get("/task-books/<int:book_id>")
@login_required
def view(book_id: int):
    book = load_or_404(TaskBook, book_id)
    require("taskbook.view", book)
    return _page(book)


def _field_values(book: TaskBook, years) -> dict:
    """The edit page's fields from the stored book, named as the form posts them."""
    values = {"liability": book.liability}
    for ind in INDICATORS:
        row = (book.indicators or {}).get(ind.code) or {}
        values[f"ind-{ind.code}-baseline"] = row.get("baseline")
        values[f"ind-{ind.code}-final"] = row.get("final")
        for year in years:
            values[f"ind-{ind.code}-{year}"] = (row.get("yearly") or {}).get(str(year))
    for n, task in enumerate(book.tasks or []):
        for key in ("title", "content", "year"):
            values[f"task-{n}-{key}"] = task.get(key, "")
    for key, _label in BUDGET_SOURCES:
        values[f"budget-{key}"] = (book.budget or {}).get(key)
    shown = {k: ("" if v is None else (f"{v:g}" if isinstance(v, float) else v))
             for k, v in values.items()}
    return shown


@bp.route("/task-books/<int:book_id>/edit", methods=["GET", "POST"])
@login_required
def edit(book_id: int):
    book = load_or_404(TaskBook, book_id)
    require("taskbook.edit", book)
    years = queries.years_of(book.application)
    form = TaskBookForm()
    values, problems = _field_values(book, years), {}
    if request.method == "POST":
        values = request.form.to_dict()  # what was typed is shown again whatever happens
        if form.validate_on_submit():
            checked = read_content(request.form, years)
            problems = checked.problems
            submit = form.then.data == "submit"
            # Wrong numbers are listed above the form and beside their fields: not flashed too.
            with unit_of_work(flash_errors=not problems) as work:
                task_books.save_task_book(book, checked, actor=current_user)
                if submit:
                    task_books.submit_task_book(book, actor=current_user)
            if not work.failed:
                flash(_("The task book is submitted to your city.") if submit
                      else _("The task book is saved."), "success")
                return redirect(url_for(".view", book_id=book.id) if submit
                                else url_for(".edit", book_id=book.id))
            if submit and not problems:
                flash(_("Nothing was saved: complete the task book first."), "warning")
        else:
            flash(_("The form could not be sent; what you typed is shown again. Please send "
                    "it once more."), "danger")
    tasks = max(len(book.tasks or []), sum(1 for k in values if k.endswith("-title")
                                           and k.startswith("task-"))) + 3
    return render_template(
        "task_books/edit.html", book=book, form=form, years=years, values=values,
        problems=problems, indicators=INDICATORS, budget_sources=BUDGET_SOURCES,
        task_rows=min(tasks, MAX_TASKS)), 422 if request.method == "POST" else 200


def _step(book: TaskBook, permission: str, run, done: str):
    require(permission, book)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm that you have read the task book."), "danger")
        return _page(book, 422, confirm_form=form)
    with unit_of_work() as work:
        run()
    if not work.failed:
        flash(done, "success")
    return redirect(url_for(".view", book_id=book.id))


@bp.post("/task-books/<int:book_id>/submit")
@login_required
def submit(book_id: int):
    book = load_or_404(TaskBook, book_id)
    return _step(book, "taskbook.edit",
                 lambda: task_books.submit_task_book(book, actor=current_user),
                 _("The task book is submitted to your city."))


def _decide(book: TaskBook, permission: str, forward, back, done_forward: str):
    require(permission, book)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(_("Choose to pass it on or to return it."), "danger")
        return _page(book, 422, decision_form=form)
    comment = form.comment.data or ""
    with unit_of_work() as work:
        if form.decision.data == "pass":
            forward(book, actor=current_user, comment=comment)
        else:
            back(book, actor=current_user, comment=comment)
    if work.failed:
        return _page(book, 422, decision_form=form)  # the reasons typed are kept
    flash(done_forward if form.decision.data == "pass"
          else _("The task book is returned to the lead unit with your reasons."), "success")
    return redirect(url_for(".view", book_id=book.id))


@bp.post("/task-books/<int:book_id>/city")
@login_required
def city_decision(book_id: int):
    book = load_or_404(TaskBook, book_id)
    return _decide(book, "taskbook.city_review", task_books.city_pass, task_books.city_return,
                   _("The task book is passed on to the department."))


@bp.post("/task-books/<int:book_id>/department")
@login_required
def department_decision(book_id: int):
    book = load_or_404(TaskBook, book_id)
    return _decide(book, "taskbook.department_review", task_books.department_agree,
                   task_books.department_return,
                   _("The department agreed: the lead unit is asked to sign."))


@bp.post("/task-books/<int:book_id>/unit-sign")
@login_required
def unit_sign(book_id: int):
    book = load_or_404(TaskBook, book_id)
    return _step(book, "taskbook.unit_sign",
                 lambda: task_books.unit_sign(book, actor=current_user),
                 _("Your unit signed the task book; the department signs next."))


@bp.post("/task-books/<int:book_id>/sign")
@login_required
def sign(book_id: int):
    book = load_or_404(TaskBook, book_id)
    return _step(book, "taskbook.department_sign",
                 lambda: task_books.department_sign(book, actor=current_user),
                 _("The task book is signed: the center is under construction."))


@bp.get("/task-books/<int:book_id>/signed.pdf")
@login_required
def download(book_id: int):
    book = load_or_404(TaskBook, book_id)
    require("taskbook.download", book)
    try:
        pdf = task_books.signed_pdf(book, actor=current_user)
    except DamagedFile:
        flash(_("The stored file is damaged. Please tell the department."), "danger")
        return redirect(url_for(".view", book_id=book.id))
    return send_file(BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=f"task-book-{book.application_id}.pdf")
