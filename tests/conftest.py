"""Fixtures: the app on SQLite (default) or on PostgreSQL when TEST_DATABASE_URL is set.

The schema is built once per run by the migrations, as in production; each test then runs
against empty tables (rows are deleted afterwards), so tests may commit and may use several
connections at once.
"""
import os
import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, fields, is_dataclass, replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import current_app
from flask_migrate import upgrade
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import event, inspect, select, text
from sqlalchemy.engine import Engine

from tests import factories
from workflow import create_app
from workflow.core import clock
from workflow.core.db import Base
from workflow.core.extensions import db
from workflow.vocabulary import rules as vocabulary

KEEP = {"platform_types", "alembic_version"}


def _database_url(tmp: Path) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp / 'test.db'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    # Each pytest-xdist worker gets a database of its own next to the one given.
    return f"{url}_{worker}" if worker else url


def _reset_postgres(url: str) -> None:
    """An empty public schema in the database of `url`, which is created when missing."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    target = make_url(url)
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                       {"n": target.database}) is None:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    server.dispose()
    engine = create_engine(target)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _drop_worker_database(url: str) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    target = make_url(url)
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    server.dispose()


def _engine_options(url: str) -> dict:
    """No ping before each use of a pooled connection (the test database does not go away).
    (Commits without waiting for the disk on PostgreSQL measured no faster, and their option
    reached the SQLite apps some tests make from the same settings.)"""
    return {"pool_pre_ping": False}


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
        # Like the CSRF token: tests/lifecycle/test_double_submission.py sends and requires them.
        "FORM_TOKEN_REQUIRED": False,
        "UPLOAD_DIR": str(tmp / "uploads"),
        "MAX_ATTACHMENT_MB": 1,
        # Tests of the second factor and of the rate limits turn them on for themselves
        # (tests/accounts/); the rest log in with a password, many times a second.
        "MFA_REQUIRED_ROLES": (),
        "RATE_LIMITS": False,
        # Many tests move the clock by days while a client stays logged in; the session
        # timeouts are tested with their real defaults in tests/accounts/test_sessions.py.
        "SESSION_IDLE_MINUTES": 60 * 24 * 3650,
        "SESSION_MAX_HOURS": 24 * 3650,
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(url),
    })
    with application.app_context():
        upgrade()
    yield application
    if url.startswith("postgresql") and os.environ.get("PYTEST_XDIST_WORKER"):
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
        _drop_worker_database(url)


class _Kept:
    """Rows a test left behind for the next test that asks `kept` for the same key."""
    key: object = None
    value: object = None


def _forget_kept() -> None:
    if _Kept.key is not None:
        _Kept.key = _Kept.value = None
        _empty_tables()


@contextmanager
def emptied_afterwards(app, *, keep: bool = False):
    """An app context whose rows are all deleted when it ends (unless `keep`: see `kept`)."""
    with app.app_context():
        if not keep:
            _forget_kept()
        yield
        db.session.rollback()
        clock.freeze(None)
        if not keep or _Kept.key is None:
            _empty_tables()
        db.session.remove()


@pytest.fixture(autouse=True)
def _context(app, request):
    """Each test in an app context of its own, against empty tables.

    A module whose tests only read, or undo what they write, may override this fixture to
    share rows built once (see test_access_table.py); a test that asks for `kept` may find
    the rows an earlier test built (see there)."""
    with emptied_afterwards(app, keep="kept" in request.fixturenames):
        yield


@pytest.fixture
def kept():
    """`kept(key, build, unchanged)`: the value `build()` returned, with its rows committed,
    for tests that only read them and check that they did not change them. The rows stay
    after the test; the next test asking for the same `key` gets the same value back while
    `unchanged(value)` holds (else the tables are emptied and it is built again), any other
    test starts on empty tables as usual. Building the same world for a hundred tests that
    each send one refused request costs more than the requests. After a test changed them,
    they are written back from the copy `restored` keeps rather than built again."""
    def get(key, build, unchanged):
        if _Kept.key == key and unchanged(_Kept.value):
            return _Kept.value
        _Kept.key = _Kept.value = None
        value = _built_or_restored(key, build)
        _Kept.key, _Kept.value = key, value
        return value
    return get


def kept_unchanged(kept, key, build, fingerprint) -> dict:
    """`kept` for a world (a dict) checked by `fingerprint()`: the value `build()` returned,
    with the fingerprint taken once built under "fingerprint", kept while it still holds."""
    def built():
        value = build()
        value["fingerprint"] = fingerprint()
        return value
    return kept(key, built, lambda value: fingerprint() == value["fingerprint"])


class _Ref:
    """Where a mapped object of a world stood: its class and primary key."""
    def __init__(self, obj):
        self.cls, self.key = type(obj), inspect(obj).identity


def _refs(value):
    """`value` with every mapped object in it (in dicts, lists, tuples, dataclasses and
    namespaces) replaced by a _Ref; everything else as it is."""
    if hasattr(type(value), "__mapper__") and not isinstance(value, type):
        return _Ref(value)
    if isinstance(value, dict):
        return {k: _refs(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_refs(v) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: _refs(getattr(value, f.name)) for f in fields(value)
                                 if f.init})
    if isinstance(value, SimpleNamespace):
        return SimpleNamespace(**{k: _refs(v) for k, v in vars(value).items()})
    return value


def _loaded(value):
    """The inverse of _refs: each _Ref loaded again from the (restored) database."""
    if isinstance(value, _Ref):
        return db.session.get(value.cls, value.key)
    if isinstance(value, dict):
        return {k: _loaded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_loaded(v) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: _loaded(getattr(value, f.name)) for f in fields(value)
                                 if f.init})
    if isinstance(value, SimpleNamespace):
        return SimpleNamespace(**{k: _loaded(v) for k, v in vars(value).items()})
    return value


def _stored_files() -> dict[str, bytes]:
    folder = Path(current_app.config["UPLOAD_DIR"])
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@dataclass
class _Snapshot:
    rows: dict  # table name -> rows, as the tables' types read them
    files: dict  # path under UPLOAD_DIR -> bytes, the files the world stored
    value: object  # what build() returned, with _Refs for its mapped objects


_SNAPSHOTS: dict[object, _Snapshot] = {}


def _take(value, files_before: dict) -> _Snapshot:
    rows = {}
    for table in Base.metadata.sorted_tables:
        if table.name in KEEP:
            continue
        found = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        if found:
            rows[table.name] = [dict(r._mapping) for r in found]
    files = {name: data for name, data in _stored_files().items()
             if files_before.get(name) != data}
    return _Snapshot(rows, files, _refs(value))


def _restore(snapshot: _Snapshot) -> None:
    """The world's rows back in the emptied tables, with their own ids (the sequences have
    counted past them already), and its files back under this test's UPLOAD_DIR."""
    db.session.remove()
    _empty_tables()
    tables = Base.metadata.tables
    if VOCABULARY in snapshot.rows:
        db.session.execute(tables[VOCABULARY].delete())
    for table in Base.metadata.sorted_tables:
        if table.name in snapshot.rows:
            db.session.execute(table.insert(), snapshot.rows[table.name])
    db.session.commit()
    _Vocabulary.written = False
    folder = Path(current_app.config["UPLOAD_DIR"])
    for name, data in snapshot.files.items():
        path = folder / name
        if path.exists() and path.read_bytes() == data:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            path.chmod(0o644)
        path.write_bytes(data)
        path.chmod(0o444)


@pytest.fixture
def restored():
    """`restored(key, build)`: the world `build()` makes, for a test that may change it. The
    first test asking for `key` builds it through the real operations and a copy of its rows
    and stored files is taken; each later test gets the same rows and files written back into
    the emptied tables, and the objects of the value loaded again from them. A world whose
    making drives applications through the whole procedure (PDFs included) takes seconds;
    writing its rows back, milliseconds."""
    return _built_or_restored


def _built_or_restored(key, build):
    """The world of `key`: built the first time (from emptied tables), restored after."""
    snapshot = _SNAPSHOTS.get(key)
    if snapshot is not None:
        _restore(snapshot)
        return _loaded(snapshot.value)
    _empty_tables()
    before = _stored_files()
    value = build()
    db.session.commit()
    _SNAPSHOTS[key] = _take(value, before)
    return value


def _empty_tables() -> None:
    """DELETE the rows of the tables that hold any, child tables first, on both backends: one
    query finds them (most tests fill a few of the 46 tables). On PostgreSQL a TRUNCATE of
    the tables costs about 33 ms per test, a DELETE of each about 23 ms, this about 2 ms. Ids
    keep counting up; no test relies on them. The field vocabulary is emptied and seeded
    again only when a statement wrote to it."""
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in KEEP]
    quote = db.engine.dialect.identifier_preparer.quote
    probe = " UNION ALL ".join(
        f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM {quote(t.name)})"
        for t in tables if t.name != VOCABULARY)
    filled = set(db.session.scalars(text(probe)))
    if _Vocabulary.written:
        filled.add(VOCABULARY)
    for table in tables:
        if table.name in filled:
            db.session.execute(table.delete())
    _seed_vocabulary()
    db.session.commit()
    _Vocabulary.written = False


VOCABULARY = "field_terms"
_WRITES_VOCABULARY = re.compile(rf'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?{VOCABULARY}\b',
                                re.IGNORECASE)


class _Vocabulary:
    """Whether a statement wrote to the vocabulary since the tables were last emptied (at
    first: not known)."""
    written = True


@event.listens_for(Engine, "before_cursor_execute")
def _note_vocabulary_writes(conn, cursor, statement, parameters, context, executemany):
    if not _Vocabulary.written and _WRITES_VOCABULARY.match(statement):
        _Vocabulary.written = True


def _seed_vocabulary() -> None:
    """The field vocabulary a new installation has (its migration inserts it), again for
    the next test: tests add, merge and retire terms."""
    vocabulary.ensure_defaults()


# Redis (the machine's, on 127.0.0.1:6379): the queue's tests and the rate limits' shared
# storage.
def _redis_url() -> str:
    """A database of Redis for each pytest-xdist worker (15, 14, ...): flushed freely."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return f"redis://127.0.0.1:6379/{15 - int(worker.removeprefix('gw') or 0) % 8}"


@pytest.fixture
def redis_queue(app, monkeypatch):
    url = _redis_url()
    client = Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
    except RedisError as error:
        pytest.skip(f"Redis is not reachable at {url} ({error}): the queue is not tested")
    client.flushdb()
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    yield client
    client.flushdb()



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


# Modules whose tests take seconds each (a browser, the whole demo): run first, so that the
# parallel workers share them out at the start and end together on the quick tests.
SLOW_MODULES = {"test_demo.py"}


def pytest_collection_modifyitems(items):
    def slow(item) -> bool:
        return item.get_closest_marker("browser") is not None or item.path.name in SLOW_MODULES
    items.sort(key=lambda item: not slow(item))
