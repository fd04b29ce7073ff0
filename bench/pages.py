"""Load each main page of each role, served by gunicorn, against a bare page; one JSON object.

    python -m bench.pages                        # 10,000 applications on SQLite
    python -m bench.pages --applications 2000 --experts 400 --requests 40
    python -m bench.pages --database-url postgresql+psycopg://postgres@127.0.0.1/centerflow
    python -m bench.pages --keep                 # keep the database, reuse it next time

Builds a database with the generator of `flask bench-data` (workflow/demo/bench_data.py:
`--applications` in every state, city and field, `--experts` in the pool, panels with
sheets), or reuses the one an earlier run kept (--keep) for the same numbers: an SQLite file
in the temporary folder, or with --database-url a scratch database next to the one named (its
name plus `_pages_bench`; the one named is not touched). Serves the app with gunicorn (2 sync
workers) on a free port, and then, the same way, a bare Flask page rendering 50 rows of the
same database with SQLAlchemy Core (bench/bare.py). Each page is requested `--requests`
times by `--threads` client threads, each logged in as the page's role, after one unmeasured
request per thread. For every page: requests per second, its ratio to the bare page's, p50
and p99 latency in ms, the SQL statements of one request (counted in-process through the
test client with an event hook) and the size of the response in bytes; `errors` counts the
responses other than 200 (the first one's status in `error`).
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash

from workflow import create_app
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.demo.bench_command import BATCH, PASSWORD
from workflow.demo.bench_data import add, build
from workflow.intake.models import Application

ROOT = Path(__file__).resolve().parent.parent
FOLDER = Path(tempfile.gettempdir()) / "centerflow-bench-pages"
# name: (role or None, path with {open}, {review} call ids and {detail} application id)
PAGES = {
    "login": (None, "/login"),
    "desk_applicant": ("applicant", "/desk"),
    "desk_recommender": ("recommender", "/desk"),
    "desk_expert": ("expert", "/desk"),
    "desk_officer": ("officer", "/desk"),
    "desk_leader": ("leader", "/desk"),
    "officer_applications": ("officer", "/officer/calls/{review}"),
    "application_detail": ("officer", "/applications/{detail}"),
    "formal_review_queue": ("officer", "/officer/calls/{review}/formal-review"),
    "recommender_queue": ("recommender", "/recommender/calls/{open}"),
    "officer_panels": ("officer", "/officer/calls/{review}/panels"),
    "results": ("officer", "/officer/calls/{review}/results"),
    "selection": ("leader", "/leader/calls/{review}/selection"),
    "ranking_xlsx": ("officer", "/officer/calls/{review}/ranking.xlsx"),
    "expert_home": ("expert", "/expert"),
}


def _config(url: str) -> dict:
    return {"SECRET_KEY": "bench-pages", "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False, "FORM_TOKEN_REQUIRED": False, "RATE_LIMITS": False,
            "MFA_REQUIRED_ROLES": (), "SESSION_IDLE_MINUTES": 60 * 24, "SESSION_MAX_HOURS": 24,
            "UPLOAD_DIR": os.environ.get("BENCH_UPLOAD_DIR", str(FOLDER / "uploads"))}


def served_app():
    """The app gunicorn serves: `bench.pages:served_app()`, on BENCH_DATABASE_URL."""
    return create_app(_config(os.environ["BENCH_DATABASE_URL"]))


def _world(app, args, saved: Path) -> tuple[dict, float | None]:
    """The people, calls and detail page of the database, built unless `saved` has them."""
    if saved.exists():
        return json.loads(saved.read_text()), None
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        world = build(pool=args.experts, password_hash=generate_password_hash(PASSWORD))
        for done in range(0, args.applications, BATCH):
            add(world, min(BATCH, args.applications - done))
        if db.engine.dialect.name == "postgresql":  # as autovacuum would by now
            # (committed: in a transaction rolled back, the statistics would be lost)
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        detail = db.session.scalar(select(Application.id).filter_by(
            call_id=world.calls["review"].id, state=AppState.EXPERT_REVIEW).limit(1))
        found = {"people": {role: p.email for role, p in world.people.items()},
                 "calls": {key: ref.id for key, ref in world.calls.items()}, "detail": detail}
        db.session.remove()
    saved.write_text(json.dumps(found))
    return found, round(time.perf_counter() - started, 1)


def _path(world: dict, template: str) -> str:
    return template.format(detail=world["detail"], **world["calls"])


def _statements(app, world: dict) -> dict[str, int]:
    """The SQL statements of one warm request of each page, through the test client."""
    counted = {}
    with app.app_context():
        clients = {None: app.test_client()}
        for role, email in world["people"].items():
            clients[role] = app.test_client()
            clients[role].post("/login", data={"email": email, "password": PASSWORD})
        for name, (role, template) in PAGES.items():
            clients[role].get(_path(world, template))
            seen = []

            def note(*_args, seen=seen):
                seen.append(1)

            event.listen(db.engine, "before_cursor_execute", note)
            try:
                db.session.remove()
                clients[role].get(_path(world, template))
            finally:
                event.remove(db.engine, "before_cursor_execute", note)
            counted[name] = len(seen)
        db.session.remove()
        db.engine.dispose()
    return counted


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with 2 sync workers serving `target` on a free port, while in a with block."""

    def __init__(self, target: str, url: str):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "BENCH_DATABASE_URL": url,
               "BENCH_UPLOAD_DIR": str(FOLDER / "uploads")}
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--worker-class",
             "sync", "--timeout", "300", "--log-level", "warning", "--bind",
             f"127.0.0.1:{self.port}", target], cwd=ROOT, env=env)

    def __enter__(self) -> "Server":
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/", timeout=5).close()
                return self
            except urllib.error.HTTPError:
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"gunicorn stopped with {self.process.returncode}") from None
                time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer in 2 minutes")

    def __exit__(self, *_exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _client(base: str, email: str | None):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    if email:
        data = urllib.parse.urlencode({"email": email, "password": PASSWORD}).encode()
        with opener.open(base + "/login", data=data, timeout=60) as response:
            if urllib.parse.urlsplit(response.url).path == "/login":
                raise RuntimeError(f"login of {email} failed")
    return opener


def _get(opener, url: str) -> tuple[int, int, float]:
    start = time.perf_counter()
    try:
        with opener.open(url, timeout=300) as response:
            status, size = response.status, len(response.read())
    except urllib.error.HTTPError as error:
        status, size = error.code, len(error.read())
    return status, size, time.perf_counter() - start


def _load(openers: list, url: str, requests: int) -> dict:
    """`requests` GETs of `url` shared by one thread per opener, after one each unmeasured."""
    times, statuses, sizes = [], [], []
    lock = threading.Lock()
    share = [requests // len(openers) + (i < requests % len(openers))
             for i in range(len(openers))]

    def work(opener, n):
        _get(opener, url)
        for _ in range(n):
            status, size, seconds = _get(opener, url)
            with lock:
                times.append(seconds)
                statuses.append(status)
                sizes.append(size)

    threads = [threading.Thread(target=work, args=pair) for pair in zip(openers, share,
                                                                         strict=True)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    ordered = sorted(times)
    errors = [s for s in statuses if s != 200]
    return {"rps": round(len(times) / wall, 1),
            "p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p99_ms": round(ordered[round(0.99 * (len(ordered) - 1))] * 1000, 1),
            "bytes": max(sizes), "errors": len(errors),
            **({"error": errors[0]} if errors else {})}


def measure(url: str, args, saved: Path) -> dict:
    app = create_app(_config(url))
    world, built = _world(app, args, saved)
    statements = _statements(app, world)
    with Server("bench.bare:app()", url) as bare:
        floor = _load([_client(bare.base, None) for _ in range(args.threads)],
                      bare.base + "/", args.requests)
    pages = {}
    with Server("bench.pages:served_app()", url) as served:
        clients = {role: [_client(served.base, world["people"][role] if role else None)
                          for _ in range(args.threads)]
                   for role in {role for role, _path in PAGES.values()}}
        for name, (role, template) in PAGES.items():
            load = _load(clients[role], served.base + _path(world, template), args.requests)
            pages[name] = {"rps": load["rps"],
                           "ratio_to_bare": round(load["rps"] / floor["rps"], 3),
                           **{k: v for k, v in load.items() if k != "rps"},
                           "statements": statements[name]}
    return {"build_seconds": built if built is not None else "reused", "bare": floor,
            "pages": pages}


def _scratch_postgres(url: str, fresh: bool) -> str:
    """The scratch database next to the one of `url`, made empty when `fresh`."""
    target = make_url(url)
    scratch = target.set(database=f"{target.database}_pages_bench")
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        if fresh:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{scratch.database}"'))
    server.dispose()
    return scratch.render_as_string(hide_password=False)


def _drop_postgres(url: str) -> None:
    target = make_url(url)
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    server.dispose()


def run(argv: list[str] | None = None) -> dict:
    args = _parser().parse_args(argv)
    FOLDER.mkdir(exist_ok=True)
    name = f"pages-{args.applications}-{args.experts}"
    if args.database_url:
        saved = FOLDER / f"{name}-{make_url(args.database_url).database}.json"
        url = _scratch_postgres(args.database_url, fresh=not saved.exists())
    else:
        saved = FOLDER / f"{name}.json"
        if not saved.exists():
            for file in FOLDER.glob(f"{name}.db*"):
                file.unlink()
        url = f"sqlite:///{FOLDER / f'{name}.db'}"
    try:
        result = measure(url, args, saved)
    finally:
        if not args.keep:
            saved.unlink(missing_ok=True)
            if args.database_url:
                _drop_postgres(url)
            else:
                for file in FOLDER.glob(f"{name}.db*"):  # with SQLite's -wal and -shm
                    file.unlink()
    return {"applications": args.applications, "experts": args.experts,
            "requests": args.requests, "threads": args.threads,
            "database": make_url(url).get_backend_name(), **result}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--experts", type=int, default=2_120)
    parser.add_argument("--requests", type=int, default=60, help="per page")
    parser.add_argument("--threads", type=int, default=3, help="concurrent clients")
    parser.add_argument("--database-url", default="",
                        help="a PostgreSQL database; the scratch one is made next to it")
    parser.add_argument("--keep", action="store_true",
                        help="keep the database (and reuse it when run again)")
    return parser


def main(argv: list[str] | None = None) -> None:
    print(json.dumps(run(argv), ensure_ascii=False))


if __name__ == "__main__":
    main()
