"""Fixtures: the app on SQLite (default) or on PostgreSQL when TEST_DATABASE_URL is set.

The schema is built once per run by the migrations, as in production; each test then runs
against empty tables (rows are deleted afterwards), so tests may commit and may use several
connections at once.
"""
import os
import tempfile
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from tests import factories
from workflow import clock, create_app
from workflow.extensions import db
from workflow.models import Base

KEEP = {"platform_types", "alembic_version"}


def _database_url(tmp: Path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp / 'test.db'}"


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def app():
    tmp = Path(tempfile.mkdtemp(prefix="centerflow-test-"))
    url = _database_url(tmp)
    if url.startswith("postgresql"):
        _reset_postgres(url)
    application = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "UPLOAD_DIR": str(tmp / "uploads"),
        "MAX_ATTACHMENT_MB": 1,
    })
    with application.app_context():
        upgrade()
    return application


@pytest.fixture(autouse=True)
def _context(app):
    with app.app_context():
        yield
        db.session.rollback()
        clock.freeze(None)
        _empty_tables()
        db.session.remove()


def _empty_tables() -> None:
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in KEEP]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(t.name for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login_as(client):
    """Log a user in through the real login form."""
    def login(user):
        client.post("/logout")
        response = client.post("/login", data={"email": user.email,
                                               "password": factories.PASSWORD})
        assert response.status_code == 302, "login failed"
        return client
    return login


@pytest.fixture
def make():
    return factories


@pytest.fixture
def is_postgres(app) -> bool:
    return db.engine.dialect.name == "postgresql"
