"""Migration e14b00000001: the installation's department is created and every existing call,
officer and leader assigned to it; nobody else gets a department; the downgrade takes it all
away again."""
from pathlib import Path

from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tests import factories
from tests.platform.test_migrations import separate_database
from workflow.core.extensions import db
from workflow.core.states import Role

REVISION = "e14b00000001"


def before_departments(app) -> str:
    scripts = ScriptDirectory(str(Path(app.root_path).parent / "migrations"))
    return scripts.get_revision(REVISION).down_revision


def test_the_backfill_gives_every_call_officer_and_leader_the_installations_department(
        app, tmp_path):
    with separate_database(app, tmp_path) as engine:
        upgrade()
        officer, leader = factories.officer(), factories.leader()
        both = factories.user(Role.OFFICER, Role.LEADER, Role.EXPERT)
        applicant, expert = factories.applicant(), factories.user(Role.EXPERT)
        calls = [factories.call(actor=officer, title=f"申报{n}") for n in range(2)]
        db.session.commit()
        ids = {"staff": {officer.id, leader.id, both.id},
               "others": {applicant.id, expert.id}, "calls": {c.id for c in calls}}
        db.session.remove()

        downgrade(revision=before_departments(app))
        assert "departments" not in inspect(engine).get_table_names()
        assert "department_id" not in {c["name"] for c in inspect(engine).get_columns("calls")}
        assert "department_id" not in {c["name"] for c in inspect(engine).get_columns("users")}

        upgrade()
        with engine.connect() as conn:
            departments = conn.execute(text(
                "SELECT id, name, office_code, agency_name, level, region_code, active, "
                "runs_installation FROM departments")).all()
            users = dict(conn.execute(text("SELECT id, department_id FROM users")).all())
            calls = dict(conn.execute(text("SELECT id, department_id FROM calls")).all())
    ((home, *row),) = departments
    assert tuple(row) == ("山东省科学技术厅", "鲁科字", "山东省科学技术厅", "province", "370000",
                          True, True)
    assert calls == dict.fromkeys(ids["calls"], home)
    assert {u: users[u] for u in ids["staff"] | ids["others"]} == {
        **dict.fromkeys(ids["staff"], home), **dict.fromkeys(ids["others"])}
