"""What the departments' pages read."""
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from workflow.accounts.models.users import User, UserRole
from workflow.calls.models import Call
from workflow.core.extensions import db
from workflow.departments.models import Department
from workflow.departments.rules import DEPARTMENT_ROLES


def department_rows() -> list[tuple[Department, int, int]]:
    """(department, its officers and leaders, its calls), in the order they were made: one
    statement."""
    staff = (select(func.count(User.id)).where(User.department_id == Department.id)
             .scalar_subquery())
    calls = (select(func.count(Call.id)).where(Call.department_id == Department.id)
             .scalar_subquery())
    return [tuple(row) for row in db.session.execute(
        select(Department, staff, calls).order_by(Department.id))]


def department_staff() -> list[User]:
    """Every officer and leader with their roles and department, by name: two statements."""
    return list(db.session.scalars(
        select(User).where(User.role_rows.any(UserRole.role.in_([str(r) for r in
                                                                  DEPARTMENT_ROLES])))
        .options(selectinload(User.role_rows)).order_by(User.name, User.id)))
