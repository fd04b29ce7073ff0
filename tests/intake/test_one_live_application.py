"""The migration that adds "one live application per unit and call" (revision d10b0b0b0b02)
copes with the duplicates a double click made before it: of a unit's live drafts in a call
the one changed last stays and the others expire, each with an audit row; a filed
application stays over any draft; two filed ones stop the upgrade, named."""
import importlib.util
from datetime import timedelta

import pytest
from sqlalchemy import inspect, select, text

from tests import factories
from tests.platform.test_migrations import separate_database
from workflow.core import clock
from workflow.core.config import ROOT
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState
from workflow.intake.models import Application

MIGRATION = next((ROOT / "migrations" / "versions").glob("*_d10b0b0b0b02_*.py"))
INDEX = "uq_applications_live_per_call"


def migration():
    spec = importlib.util.spec_from_file_location("one_live_application", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def copy_of(app_id: int, *, state: str, later: timedelta) -> int:
    """A second row like application `app_id` (what a double click made), in `state`."""
    columns = [c["name"] for c in inspect(db.engine).get_columns("applications")
               if c["name"] != "id"]
    listed = ", ".join(columns)
    chosen = ", ".join(f":{c}" if c in ("state", "updated_at", "submitted_at", "version_count")
                       else c for c in columns)
    db.session.execute(text(f"INSERT INTO applications ({listed}) SELECT {chosen} "
                            f"FROM applications WHERE id = :id"),
                       {"id": app_id, "state": state,
                        "updated_at": (clock.now() + later).replace(tzinfo=None),
                        "submitted_at": None if state == "draft" else clock.now().replace(
                            tzinfo=None),
                        "version_count": 0 if state == "draft" else 1})
    return db.session.scalar(select(Application.id).order_by(Application.id.desc()).limit(1))


@pytest.fixture
def unindexed(app, tmp_path):
    """A database of its own at the head revision, without the index, as before it."""
    with separate_database(app, tmp_path) as engine:
        from flask_migrate import upgrade
        upgrade()
        with engine.begin() as conn:
            conn.execute(text(f"DROP INDEX {INDEX}"))
        yield engine


def test_duplicate_drafts_expire_but_the_last_changed(unindexed):
    first = factories.application(complete=False)
    db.session.commit()
    second = copy_of(first.id, state="draft", later=timedelta(minutes=1))
    filed = factories.application(state=AppState.SUBMITTED)
    db.session.commit()
    stray = copy_of(filed.id, state="draft", later=timedelta(minutes=5))
    db.session.commit()

    with unindexed.begin() as conn:
        migration()._expire_duplicate_drafts(conn)
        conn.execute(text(f"CREATE UNIQUE INDEX {INDEX} ON applications (call_id, lead_org_id) "
                          "WHERE state NOT IN ('withdrawn', 'expired')"))

    db.session.expire_all()
    states = {i: db.session.get(Application, i).state for i in (first.id, second, filed.id,
                                                                 stray)}
    assert states == {first.id: AppState.EXPIRED, second: AppState.DRAFT,
                      filed.id: AppState.SUBMITTED, stray: AppState.EXPIRED}
    rows = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "expire")
                              .order_by(AuditEntry.application_id)).all()
    assert [(r.application_id, r.role, r.from_state, r.to_state) for r in rows] == [
        (first.id, "system", "draft", "expired"), (stray, "system", "draft", "expired")]
    assert f"application {second} stays" in rows[0].comment


def test_two_filed_applications_stop_the_upgrade_and_are_named(unindexed):
    filed = factories.application(state=AppState.SUBMITTED)
    db.session.commit()
    twin = copy_of(filed.id, state="submitted", later=timedelta(minutes=1))
    db.session.commit()
    with unindexed.begin() as conn, pytest.raises(RuntimeError, match=f"{filed.id}, {twin}"):
        migration()._expire_duplicate_drafts(conn)
