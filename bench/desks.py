"""Benchmark the desks at scale; prints one JSON object.

    python -m bench.desks --apps 10000 --experts 300 --repeat 30

Builds a database of `--apps` applications inserted in bulk (workflow/demo/bench_data.py: every
state, every city, co-builders, corrections, panels of five with sheets and results,
announcements with objections, notices and letters, units to verify, mails that failed) and
`--experts` experts on their panels, then renders each role's desk through the test client:
the SQL statements of one request and the median and 95th percentile of `--repeat` warm
requests (after two unmeasured ones). Runs on a temporary SQLite file, and also on
PostgreSQL when DATABASE_URL names a PostgreSQL database: on a scratch database next to it
(its name plus `_desks_bench`), made, analyzed once filled (as autovacuum would) and dropped
by the run; the one named is not touched.
"""
import argparse
import json
import os
import re
import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash

from workflow import create_app
from workflow.core.extensions import db
from workflow.demo.bench_command import PASSWORD
from workflow.demo.bench_data import add, build

BATCH = 2000


def _app(url: str, folder: Path):
    return create_app({
        "TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False, "FORM_TOKEN_REQUIRED": False, "RATE_LIMITS": False,
        "MFA_REQUIRED_ROLES": (), "UPLOAD_DIR": str(folder / "uploads"),
        "SESSION_IDLE_MINUTES": 60 * 24, "SESSION_MAX_HOURS": 24,
    })


@contextmanager
def _scratch_postgres(url: str):
    """A new empty database named after the one of `url`, dropped afterwards."""
    target = make_url(url)
    scratch = target.set(database=f"{target.database}_desks_bench")
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{scratch.database}"'))
    try:
        yield scratch.render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)'))
        server.dispose()


def _login(app, email: str):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, f"login of {email} failed"
    return client


def _statements(client) -> tuple[int, str]:
    count = []

    def note(*_args):
        count.append(1)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        response = client.get("/desk")
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert response.status_code == 200
    return len(count), response.get_data(as_text=True)


def _timed(client, repeat: int) -> list[float]:
    for _ in range(2):
        client.get("/desk")
    times = []
    for _ in range(repeat):
        db.session.remove()
        start = time.perf_counter()
        response = client.get("/desk")
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
    return times


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(url: str, args) -> dict:
    with tempfile.TemporaryDirectory(prefix="centerflow-bench-desks-") as folder:
        app = _app(url, Path(folder))
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            world = build(pool=args.experts, password_hash=generate_password_hash(PASSWORD))
            for done in range(0, args.apps, BATCH):
                add(world, min(BATCH, args.apps - done))
            built = time.perf_counter() - started
            if db.engine.dialect.name == "postgresql":  # as autovacuum would by now
                # (committed: in a transaction rolled back, the statistics would be lost)
                with db.engine.begin() as conn:
                    conn.execute(text("ANALYZE"))
            desks = {}
            for role, person in world.people.items():
                client = _login(app, person.email)
                db.session.remove()
                statements, html = _statements(client)
                times = _timed(client, args.repeat)
                desks[role] = {
                    "statements": statements,
                    "median_ms": round(statistics.median(times) * 1000, 1),
                    "p95_ms": round(_p95(times) * 1000, 1),
                    "waiting": dict((g, int(n)) for g, n in re.findall(
                        rf'id="{role}-(\w+)" data-group="\w+" data-count="(\d+)"', html)),
                }
            db.session.remove()
            db.engine.dispose()
    return {"build_seconds": round(built, 1), "desks": desks}


def run(argv: list[str] | None = None) -> dict:
    args = _parser().parse_args(argv)
    result = {"apps": args.apps, "experts": args.experts, "repeat": args.repeat,
              "databases": {}}
    with tempfile.TemporaryDirectory(prefix="centerflow-bench-sqlite-") as folder:
        result["databases"]["sqlite"] = measure(f"sqlite:///{Path(folder) / 'desks.db'}", args)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgresql"):
        with _scratch_postgres(url) as scratch:
            result["databases"]["postgresql"] = measure(scratch, args)
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.desks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--apps", type=int, default=10_000)
    parser.add_argument("--experts", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=30)
    return parser


def main(argv: list[str] | None = None) -> None:
    print(json.dumps(run(argv), ensure_ascii=False))


if __name__ == "__main__":
    main()
