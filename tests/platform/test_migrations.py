"""The migrations build exactly the schema the models describe, and go down and up again.

Downgrading runs on a database of its own (a temporary SQLite file, or a separate schema on
PostgreSQL), so the shared test database is never without its tables."""
import uuid
from contextlib import contextmanager

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select, text

from workflow import create_app
from workflow.calls.models import PlatformType
from workflow.core.db import Base
from workflow.core.extensions import db

TABLES = {t.name for t in Base.metadata.sorted_tables}


def differences(engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_models_and_migrations_agree(app):
    assert differences(db.engine) == []


@contextmanager
def separate_database(app, tmp_path):
    """An app on an empty database of its own, in its own app context."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    options = {}
    schema = None
    if url.startswith("postgresql"):
        schema = f"migrations_{uuid.uuid4().hex[:8]}"
        with db.engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        options = {"connect_args": {"options": f"-csearch_path={schema}"}}
    else:
        url = f"sqlite:///{tmp_path / 'migrations.db'}"
    other = create_app({**{k: v for k, v in app.config.items() if k.isupper()},
                        "SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options})
    try:
        with other.app_context():
            yield db.engine
            db.session.remove()
            db.engine.dispose()
    finally:
        if schema:
            with db.engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


def tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def platform_types(engine) -> int:
    # On a connection of its own: a session left in a transaction would block the DROPs.
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(PlatformType))


def test_downgrade_to_base_and_upgrade_to_head(app, tmp_path):
    with separate_database(app, tmp_path) as engine:
        assert tables(engine) == set()

        upgrade()
        assert tables(engine) == TABLES | {"alembic_version"}
        assert platform_types(engine) == 4

        downgrade(revision="base")
        assert tables(engine) == {"alembic_version"}

        upgrade()
        assert tables(engine) == TABLES | {"alembic_version"}
        assert differences(engine) == []
        assert platform_types(engine) == 4

    assert differences(db.engine) == []  # the shared database is untouched


def test_migrated_schema_enforces_the_state_constraints(app, tmp_path):
    """A CHECK constraint the models declare is in the migrated schema, not only in Python."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        found = {c["name"] for c in inspect(db.engine).get_check_constraints("applications")}
    else:
        with db.engine.connect() as conn:
            sql = conn.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'applications'"))
        found = {n for n in ("ck_applications_filed_has_time",
                             "ck_applications_version_count_positive") if n in sql}
    assert {"ck_applications_filed_has_time", "ck_applications_version_count_positive"} <= found


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_table_has_a_primary_key_named_by_convention(app, table):
    assert inspect(db.engine).get_pk_constraint(table)["name"] == f"pk_{table}"


def test_migrations_round_trip_on_a_database_holding_data(app, tmp_path):
    """Rebuilding tables (SQLite batch mode) must work while other rows refer to them: a
    database in use always holds data. The first revision's data survives a round trip."""
    from tests import factories
    from workflow.core.states import AppState

    with separate_database(app, tmp_path) as engine:
        upgrade()
        application = factories.application(state=AppState.SUBMITTED)
        db.session.commit()
        title, lead = application.title, application.lead_org_id
        db.session.remove()

        downgrade(revision="213220ef3428")
        upgrade()

        with engine.connect() as conn:
            row = conn.execute(text("SELECT title, lead_org_id, state FROM applications")).one()
            if engine.dialect.name == "sqlite":
                assert conn.execute(text("PRAGMA foreign_key_check")).fetchall() == []
                assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert tuple(row) == (title, lead, "submitted")
        assert differences(engine) == []
