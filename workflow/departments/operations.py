"""The writers of departments: created and edited by the installation's officers, officers
and leaders assigned to one. Each change writes an audit row."""
from dataclasses import asdict

from flask_babel import gettext as _

from workflow.accounts.models.users import User
from workflow.core import audit
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.departments.models import Department, DepartmentLevel
from workflow.departments.rules import (
    DepartmentData,
    check_department,
    holds_department_role,
    home_department,
)
from workflow.lifecycle.permissions import can

# The installation's department as the migration creates it (e14b00000001).
HOME = DepartmentData(name="山东省科学技术厅", short_name="省科技厅", office_code="鲁科字",
                      agency_name="山东省科学技术厅", level=DepartmentLevel.PROVINCE,
                      region_code="370000")


def ensure_home_department() -> Department:
    """The department that runs the installation, created as the migration does when the
    table is empty (the demo and the tests start from empty tables)."""
    found = home_department()
    if found is None:
        found = Department(**asdict(HOME), runs_installation=True)
        db.session.add(found)
        db.session.flush()
    return found


def _require(actor) -> None:
    if not can(actor, "department.manage"):
        raise PermissionDenied("department.manage")


def create_department(data: DepartmentData, *, actor) -> Department:
    """A new department from checked `data`; writes an audit row."""
    _require(actor)
    row = Department(**asdict(check_department(data)))
    db.session.add(row)
    db.session.flush()
    audit.record(actor=actor, action="department_create", comment=f"{row.id} {row.name}")
    return row


def update_department(department: Department, data: DepartmentData, *, actor) -> Department:
    """Change a department's names, office code, level, region or activity. The office code
    of documents already numbered stays in them; the next numbers take the new one. The
    department running the installation stays active. Writes an audit row naming the
    fields changed."""
    _require(actor)
    clean = check_department(data, current=department)
    if department.runs_installation and not clean.active:
        raise ServiceError(_("The department that runs the installation stays active."))
    changed = [k for k, v in asdict(clean).items() if getattr(department, k) != v]
    for key in changed:
        setattr(department, key, getattr(clean, key))
    db.session.flush()
    audit.record(actor=actor, action="department_edit",
                 comment=f"{department.id} {' '.join(changed) or '-'}")
    return department


def assign_department(user: User, department: Department | None, *, actor) -> None:
    """Let an officer or a leader work for `department` (an active one) from now on; None
    takes them out of every department. Writes an audit row about the user."""
    _require(actor)
    if department is not None and not holds_department_role(user):
        raise ServiceError(_("Only officers and leaders work for a department; give the role "
                             "first."))
    if department is not None and not department.active:
        raise ServiceError(_("%(name)s is not active.", name=department.name))
    if user.id == actor.id:
        raise ServiceError(_("Nobody changes their own account here: ask another officer."))
    before = user.department.office_code if user.department else "-"
    user.department = department
    db.session.flush()
    audit.record(actor=actor, action="department_assign", subject=user,
                 comment=f"{before} -> {department.office_code if department else '-'}")
