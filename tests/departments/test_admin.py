"""The installation's officers manage the departments: every route asked as every role
(tests/departments/access.py); bad input refused with a message, kept as typed, nothing
changed; the lists in a fixed number of statements."""
import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests import factories
from tests.conftest import kept_unchanged
from tests.departments.access import CASES, ROLES, new_department
from tests.departments.test_cross_department import client_of
from tests.departments.world import department_b
from tests.web.test_queries import counted_statements
from workflow.accounts.models.users import User
from workflow.accounts.operations import users
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.departments import operations as departments
from workflow.departments.models import Department


@pytest.fixture(autouse=True)
def english_messages():
    """The texts asserted are the source texts (the default language is Chinese)."""
    with force_locale("en"):
        yield



def build() -> dict:
    home, b = departments.ensure_home_department(), department_b()
    users = {"officer": factories.officer(home), "leader": factories.leader(home),
             "officer_b": factories.officer(b), "applicant": factories.applicant()}
    leader_b = factories.leader(b)
    return {"users": {who: u.id for who, u in users.items()},
            "ids": {"department_a": home.id, "department_b": b.id, "leader_b": leader_b.id}}


def fingerprint() -> tuple:
    return (db.session.scalar(select(func.count()).select_from(AuditEntry)),
            tuple(db.session.execute(select(Department.id, Department.name,
                                            Department.office_code, Department.agency_name,
                                            Department.active).order_by(Department.id))),
            tuple(db.session.execute(select(User.id, User.department_id).order_by(User.id))))


def world_of(kept) -> dict:
    return kept_unchanged(kept, "departments_admin", build, fingerprint)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method}-{c.endpoint}")
def test_route_answers_each_role(app, case, kept):
    got = {}
    for who in ROLES:
        world = world_of(kept)
        client = app.test_client() if who == "anonymous" else client_of(app, world["users"][who])
        response = client.open(case.path.format(**world["ids"]), method=case.method,
                               data=case.data(world["ids"]) if case.data else None)
        got[who] = str(response.status_code)
        if who == "anonymous":
            assert response.location.startswith("/login")
        if who == "anonymous" or response.status_code in (403, 404):
            db.session.expire_all()
            assert fingerprint() == world["fingerprint"], f"{who} changed something"
    assert " ".join(got[who] for who in ROLES) == case.statuses, got


@pytest.fixture
def admin(app, kept):
    world = world_of(kept)
    return world, client_of(app, world["users"]["officer"])


def test_a_new_department_is_listed_with_its_office_code(admin):
    world, client = admin
    response = client.post("/admin/departments/new", data=new_department(world["ids"]))
    assert response.status_code == 302
    row = db.session.scalar(select(Department).where(Department.office_code == "锦科发"))
    assert (row.name, row.level, row.region_code, row.runs_installation) == (
        "锦州市科学技术局", "city", "370100", False)
    html = client.get("/admin/departments").get_data(as_text=True)
    assert "锦州市科学技术局" in html and "锦科发" in html
    assert db.session.scalar(select(AuditEntry.comment).where(
        AuditEntry.action == "department_create")) == f"{row.id} 锦州市科学技术局"


def tag_with(html: str, attribute: str) -> str:
    """The HTML tag that carries `attribute`."""
    before, after = html.split(attribute, 1)
    return before.rsplit("<", 1)[1] + attribute + after.split(">", 1)[0]


@pytest.mark.parametrize("change, problem", [
    ({"office_code": "LKZ"}, "2 to 12 Chinese characters"),
    ({"office_code": "鲁"}, "2 to 12 Chinese characters"),
    ({"office_code": "鲁科字<b>"}, "2 to 12 Chinese characters"),
    ({"office_code": "鲁科字"}, "uses the office code 鲁科字"),
    ({"office_code": "鲁工信技"}, "uses the office code 鲁工信技"),
    ({"name": "山东省科学技术厅"}, "Another department has this name"),
    ({"level": "province", "region_code": "370100"}, "a city for a city bureau"),
    # The form's own checks (their messages in the page's language): the field marked.
    ({"agency_name": "  "}, 'id="agency_name"'),
    ({"name": "局" * 101}, 'id="name"'),
    ({"region_code": "999999"}, 'id="region_code"'),
    ({"level": "county"}, 'id="level"'),
])
def test_bad_input_is_refused_and_kept(admin, change, problem):
    world, client = admin
    data = {**new_department(world["ids"]), **change}
    before = fingerprint()
    response = client.post("/admin/departments/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert problem in html
    if problem.startswith("id="):
        assert "is-invalid" in tag_with(html, problem)
    for key in ("name", "short_name", "agency_name"):
        assert f'value="{data[key].strip()}"' in html or not data[key].strip()
    db.session.expire_all()
    assert fingerprint() == before


def test_an_edit_refused_keeps_what_was_typed_and_changes_nothing(admin):
    world, client = admin
    before = fingerprint()
    data = {**new_department(world["ids"]), "name": "工信厅新名称", "office_code": "鲁科字",
            "level": "province", "region_code": "370000"}
    response = client.post(f"/admin/departments/{world['ids']['department_b']}", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="工信厅新名称"' in html and "uses the office code 鲁科字" in html
    db.session.expire_all()
    assert fingerprint() == before


def test_the_installations_department_stays_active(admin):
    world, client = admin
    home = db.session.get(Department, world["ids"]["department_a"])
    data = {"name": home.name, "short_name": home.short_name, "office_code": home.office_code,
            "agency_name": home.agency_name, "level": home.level,
            "region_code": home.region_code}  # "active" not ticked
    before = fingerprint()
    response = client.post(f"/admin/departments/{home.id}", data=data)
    assert response.status_code == 422
    assert "stays active" in response.get_data(as_text=True)
    db.session.expire_all()
    assert fingerprint() == before


def test_an_officer_is_assigned_to_a_department_and_sees_its_calls(admin, app):
    world, client = admin
    officer_b = world["users"]["officer_b"]
    response = client.post(f"/admin/departments/staff/{officer_b}",
                           data={"department_id": str(world["ids"]["department_a"])})
    assert response.status_code == 302
    assert db.session.get(User, officer_b).department_id == world["ids"]["department_a"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "department_assign"))
    assert (entry.subject_user_id, entry.comment) == (officer_b, "鲁工信技 -> 鲁科字")


@pytest.mark.parametrize("who, department, problem", [
    ("applicant", "department_b", "Only officers and leaders work for a department"),
    ("officer", "department_b", "alert-danger"),
])
def test_an_assignment_refused_changes_nothing(admin, who, department, problem):
    world, client = admin
    before = fingerprint()
    response = client.post(f"/admin/departments/staff/{world['users'][who]}",
                           data={"department_id": str(world["ids"][department])},
                           follow_redirects=True)
    assert problem in response.get_data(as_text=True)
    db.session.expire_all()
    assert fingerprint() == before


def test_the_lists_take_a_fixed_number_of_statements(admin):
    world, client = admin

    def measure(path) -> int:
        db.session.expire_all()
        with counted_statements() as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    few = {path: measure(path) for path in ("/admin/departments", "/admin/departments/staff")}
    for n in range(5):
        row = Department(name=f"测试市科学技术局{n}", short_name=f"测试{n}",
                         office_code=f"测试科{'甲乙丙丁戊'[n]}", agency_name=f"测试局{n}",
                         level="city", region_code="370200")
        db.session.add(row)
        db.session.flush()
        factories.officer(row)
        factories.leader(row)
    db.session.commit()
    assert {path: measure(path) for path in few} == few


def test_an_officer_invited_or_given_the_role_joins_the_inviters_department(app, make):
    b = department_b()
    officer_b = make.officer(b)
    invited = users.invite_user(email="new-officer@example.com", name="新处员",
                                roles=["officer"], actor=officer_b)
    assert invited.department == b
    applicant = make.applicant()
    users.grant_role(applicant, "leader", actor=officer_b)
    assert applicant.department == b
    users.revoke_role(applicant, "leader", actor=officer_b)
    assert applicant.department is None
