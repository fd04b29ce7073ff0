"""The administration of departments by the installation's officers: the list, a new
department, a department's settings, and which department each officer and leader works
for."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.departments import AssignDepartmentForm, DepartmentForm, NewDepartmentForm
from workflow.accounts.models.users import User
from workflow.core.extensions import db
from workflow.departments import operations, queries
from workflow.departments.models import Department
from workflow.departments.rules import active_departments
from workflow.web.views.helpers import flash_problems, load_or_404, require
from workflow.web.views.once import created, repeated
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("departments", __name__, url_prefix="/admin/departments")


@bp.get("")
@login_required
def department_list():
    require("department.manage")
    return render_template("departments/department_list.html",
                           rows=queries.department_rows())


@bp.route("/new", methods=["GET", "POST"])
@login_required
def department_new():
    require("department.manage")
    form = NewDepartmentForm().offer_regions()
    if form.validate_on_submit():
        if (answer := repeated(form, back=request.path)) is not None:
            return answer
        answer, error = created(
            form, lambda: operations.create_department(form.department_data(),
                                                       actor=current_user),
            path=url_for(".department_list"),
            note=lambda row: _("%(name)s was added.", name=row.name))
        if error is None:
            return answer
        flash_problems(error)
    status = 422 if request.method == "POST" else 200
    return render_template("departments/department_form.html", form=form,
                           department=None), status


@bp.route("/<int:department_id>", methods=["GET", "POST"])
@login_required
def department_edit(department_id: int):
    require("department.manage")
    department = load_or_404(Department, department_id)
    form = DepartmentForm(obj=department if request.method == "GET" else None)
    form.offer_regions(department.region_code)
    if form.validate_on_submit():
        with unit_of_work(flash_errors=False) as work:
            operations.update_department(department, form.department_data(),
                                         actor=current_user)
        if not work.failed:
            flash(_("%(name)s was saved.", name=department.name), "success")
            return redirect(url_for(".department_list"))
        flash_problems(work.error)
    status = 422 if request.method == "POST" else 200
    return render_template("departments/department_form.html", form=form,
                           department=department), status


@bp.get("/staff")
@login_required
def staff():
    require("department.manage")
    departments = active_departments()
    return render_template("departments/staff.html", people=queries.department_staff(),
                           form=AssignDepartmentForm(formdata=None).offer(departments))


@bp.post("/staff/<int:user_id>")
@login_required
def assign(user_id: int):
    require("department.manage")
    user = load_or_404(User, user_id)
    form = AssignDepartmentForm().offer(active_departments())
    if not form.validate_on_submit():
        flash(_("Choose one of the departments."), "danger")
        return redirect(url_for(".staff"))
    with unit_of_work() as work:
        operations.assign_department(
            user, db.session.get(Department, form.department_id.data) if form.department_id.data
            else None, actor=current_user)
    if not work.failed:
        flash(_("%(name)s works for %(department)s now.", name=user.name,
                department=user.department.name if user.department else _("no department")),
              "success")
    return redirect(url_for(".staff"))
