"""Which department an object belongs to, and whether a person acts inside it.

Officers and leaders work for one department (User.department_id) and act only on its calls
and on what hangs off them: applications, panels, publicity, notices, letters, task books,
reports, acceptance, centers; on the evaluation and report rounds of the platform types it
runs calls of; on the document numbers of its office code. `lifecycle/permissions.can` asks
`outside_department` for every permission, so no view or operation has to.
"""
import re
from dataclasses import asdict, dataclass

from flask_babel import gettext as _
from sqlalchemy import select, true

from workflow.calls.models import Call, PlatformType
from workflow.core import regions
from workflow.core.errors import ServiceError
from workflow.core.extensions import db
from workflow.core.states import Role
from workflow.departments.models import LEVELS, Department, DepartmentLevel

DEPARTMENT_ROLES = frozenset({Role.OFFICER, Role.LEADER})

# The relationships through which an object hangs off a call, tried in this order: an
# application's `call`; a seat's, task book's, report's, center's or letter's `application`;
# a notice document's `notice`; an objection's `publicity`; an acceptance seat's `request`;
# a change's `center`; a score sheet's `seat`; an evaluation objection's `evaluation` or
# `announcement`; an announcement's `round`.
_TOWARDS_CALL = ("call", "application", "notice", "publicity", "request", "center", "seat",
                 "evaluation", "announcement", "round")
_NOT_SCOPED = object()


def holds_department_role(user) -> bool:
    has_role = getattr(user, "has_role", None)
    return has_role is not None and any(has_role(role) for role in DEPARTMENT_ROLES)


def _owner(obj, depth: int = 0):
    """The department id `obj` belongs to, a set of them (a platform type's), or
    _NOT_SCOPED for what belongs to no department (units, experts, accounts)."""
    if obj is None or depth > 6:
        return _NOT_SCOPED
    if isinstance(obj, Call):
        return obj.department_id
    if isinstance(obj, Department):  # managed by the installation's officers
        return _NOT_SCOPED
    if isinstance(obj, PlatformType):
        return platform_departments(obj.id) or _NOT_SCOPED
    office = getattr(obj, "office", None)
    if isinstance(office, str) and hasattr(obj, "year"):  # a document number or its series
        found = db.session.scalar(select(Department.id).where(Department.office_code == office))
        return _NOT_SCOPED if found is None else found
    for name in _TOWARDS_CALL:
        linked = getattr(obj, name, None)
        if linked is not None and not isinstance(linked, (str, int, float)):
            found = _owner(linked, depth + 1)
            if found is not _NOT_SCOPED:
                return found
    applications = getattr(obj, "applications", None)  # a decision document
    if isinstance(applications, list) and applications and hasattr(obj, "number_id"):
        return _owner(applications[0], depth + 1)
    platform_type = getattr(obj, "platform_type", None)  # evaluation and report rounds
    if isinstance(platform_type, PlatformType):
        return _owner(platform_type, depth + 1)
    return _NOT_SCOPED


def platform_departments(platform_type_id: int) -> frozenset[int]:
    """The departments that run calls of the platform type."""
    return frozenset(db.session.scalars(select(Call.department_id).distinct().where(
        Call.platform_type_id == platform_type_id)))


def department_of(obj) -> int | frozenset[int] | None:
    """The department (or the departments) `obj` belongs to; None for what belongs to none."""
    owner = _owner(obj)
    return None if owner is _NOT_SCOPED else owner


def outside_department(user, obj) -> bool:
    """Whether `user`, an officer or a leader, would act on an object of another department
    (or of any department while they belong to none)."""
    if obj is None or not holds_department_role(user):
        return False
    owner = _owner(obj)
    if owner is _NOT_SCOPED:
        return False
    mine = getattr(user, "department_id", None)
    return mine not in owner if isinstance(owner, frozenset) else mine != owner


class WithoutDepartmentRoles:
    """`user` as seen by another department: the same person without the officer and leader
    roles, who still reads what they hold as an applicant, an expert or a recommender."""

    def __init__(self, user):
        object.__setattr__(self, "_user", user)

    def __getattr__(self, name):
        return getattr(self._user, name)

    def __setattr__(self, name, value):
        setattr(self._user, name, value)

    @property
    def roles(self) -> frozenset:
        return frozenset(self._user.roles) - DEPARTMENT_ROLES

    def has_role(self, role) -> bool:
        return role not in DEPARTMENT_ROLES and self._user.has_role(role)


def calls_of(user):
    """The SQL condition on Call of the calls `user` works on: an officer's or a leader's
    department's; everyone else's lists are not narrowed by department."""
    if not holds_department_role(user):
        return true()
    return Call.department_id == getattr(user, "department_id", None)


def runs_installation(user) -> bool:
    """An officer of the department that runs the installation (the role first: nobody else's
    department is read)."""
    if not getattr(user, "has_role", lambda r: False)(Role.OFFICER):
        return False
    department = getattr(user, "department", None)
    return department is not None and department.runs_installation


def home_department() -> Department | None:
    """The department that runs the installation."""
    return db.session.scalar(select(Department).where(Department.runs_installation)
                             .order_by(Department.id).limit(1))


def active_departments() -> list[Department]:
    return list(db.session.scalars(select(Department).where(Department.active)
                                   .order_by(Department.id)))


def all_departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.id)))


# An issuing-office code is a few Chinese characters: 鲁科字, 鲁工信技, 锦科发.
OFFICE_CODE = re.compile(r"[\u4e00-\u9fff]{2,12}\Z")
LENGTHS = {"name": 100, "short_name": 30, "agency_name": 50}


@dataclass(frozen=True)
class DepartmentData:
    """What an administrator gives for a department."""

    name: str
    short_name: str
    office_code: str
    agency_name: str
    level: str
    region_code: str
    active: bool = True


def check_department(data: DepartmentData, *, current: Department | None = None) -> DepartmentData:
    """`data` cleaned, or ServiceError naming every problem: lengths, the office code (2-12
    Chinese characters, no other department's), the name (no other department's), the level
    and a region of that level (a province, or a city) of today."""
    clean = DepartmentData(**{k: " ".join(str(v).split()) if isinstance(v, str) else v
                              for k, v in asdict(data).items()})
    problems = []
    labels = {"name": _("Department name"), "short_name": _("Short name"),
              "agency_name": _("Agency name")}
    for key, limit in LENGTHS.items():
        value = getattr(clean, key)
        if not value:
            problems.append(_("Fill in “%(field)s”.", field=labels[key]))
        elif len(value) > limit:
            problems.append(_("“%(field)s” is longer than %(n)d characters.", field=labels[key],
                              n=limit))
    if not OFFICE_CODE.match(clean.office_code):
        problems.append(_("The office code is 2 to 12 Chinese characters, e.g. 鲁科字."))
    if clean.level not in LEVELS:
        problems.append(_("Choose whether the department is a province's or a city's."))
    else:
        found = regions.region(clean.region_code)
        wanted = regions.Level.PROVINCE if clean.level == DepartmentLevel.PROVINCE \
            else regions.Level.CITY
        if found is None or found.level is not wanted:
            problems.append(_("Choose a province for a provincial department and a city for a "
                              "city bureau."))
    others = select(Department).where(Department.id != (current.id if current else -1))
    if clean.name and db.session.scalar(others.where(Department.name == clean.name)):
        problems.append(_("Another department has this name."))
    if clean.office_code and db.session.scalar(
            others.where(Department.office_code == clean.office_code)):
        problems.append(_("Another department uses the office code %(code)s: each department "
                          "numbers its documents in its own series.", code=clean.office_code))
    if problems:
        raise ServiceError(*problems)
    return clean


def foreign_office_code(office: str, department_id: int | None) -> bool:
    """Whether `office` is the office code of a department other than `department_id`: its
    number series is that department's alone."""
    return db.session.scalar(select(Department.id).where(
        Department.office_code == office, Department.id != (department_id or -1))) is not None


def foreign_offices(user) -> frozenset[str]:
    """The office codes of the departments other than an officer's or leader's own, whose
    numbers they neither see nor take; none for anyone else."""
    if not holds_department_role(user):
        return frozenset()
    return frozenset(db.session.scalars(select(Department.office_code).where(
        Department.id != (getattr(user, "department_id", None) or -1))))
