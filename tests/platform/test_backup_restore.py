"""The backup and restore of docs/deployment.md, tried once: scripts/backup.sh backs up the
PostgreSQL test database (with a call, its issued notice and announcement) and the upload
folder; scripts/restore.sh restores them into a fresh database and folder; an app on the
restored copy reads the same rows and every stored file matches its recorded SHA-256."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from tests import factories
from workflow import create_app
from workflow.core import storage
from workflow.core.db import Base
from workflow.core.extensions import db
from workflow.intake.models import Application
from workflow.notices.models import OfficialDocument
from workflow.notices.operations import drafts as notices
from workflow.notices.operations import issue as notice_issue
from workflow.serving import stored_files

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ("pg_dump", "pg_restore", "psql", "sha256sum", "tar")


@pytest.fixture
def postgres(app):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("the backup is of PostgreSQL: set TEST_DATABASE_URL to a PostgreSQL "
                    "database to try it")
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not found: install postgresql-client to try the "
                    f"backup")
    return url


@pytest.fixture
def fresh_database(postgres):
    """An empty database next to the test database, dropped afterwards."""
    target = make_url(postgres)
    restored = target.set(database=f"{target.database}_restored")
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{restored.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{restored.database}"'))
    yield restored.render_as_string(hide_password=False)
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{restored.database}" WITH (FORCE)'))
    server.dispose()


def script(name: str, *args, **variables) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "MAIL_SERVER")}
    return subprocess.run(["sh", str(ROOT / "scripts" / name), *map(str, args)], cwd=ROOT,
                          env={**env, **variables}, capture_output=True, text=True,
                          timeout=300)


def snapshot() -> dict:
    """Every row of every table, in a comparable form."""
    return {table.name: sorted(tuple(map(repr, row)) for row in db.session.execute(
        select(table))) for table in Base.metadata.sorted_tables}


def issued_call(monkeypatch):
    """A call with its announcement published and its notice issued: rows and files."""
    monkeypatch.setattr(notice_issue, "render_document",
                        lambda doc: b"%PDF-1.4 " + doc.verification_code.encode() + b" %%EOF")
    officer, leader = factories.officer(), factories.leader()
    call = factories.call(actor=officer)
    factories.approval_pending_batch(call, 2, officer)
    notices.sign_notice(call, actor=leader)
    notice = notice_issue.issue_notice(call, actor=officer)
    db.session.commit()
    while notice_issue.store_next_document(notice, actor=officer) is not None:
        db.session.commit()
    notice_issue.finish_issue(notice, actor=officer)
    db.session.commit()
    return call


def test_a_backup_restored_into_a_fresh_database_and_folder_reads_the_same(
        app, postgres, fresh_database, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    issued_call(monkeypatch)
    before, files_before = snapshot(), {
        path.name: path.read_bytes() for path, _sha in stored_files.recorded()}
    # Attachments, the announcement, the notice and two letters.
    assert len(files_before) >= 4 and any(name.startswith("notice-") for name in files_before)
    checked = len(files_before)

    backup = script("backup.sh", tmp_path / "backups", DATABASE_URL=postgres,
                    UPLOAD_DIR=str(tmp_path / "uploads"))
    assert backup.returncode == 0, backup.stderr
    folder = Path(backup.stdout.strip().splitlines()[-1])
    assert sorted(p.name for p in folder.iterdir()) == [
        "SHA256SUMS", "database.dump", "uploads.tar"]

    restored_uploads = tmp_path / "restored-uploads"
    restore = script("restore.sh", folder, DATABASE_URL=fresh_database,
                     UPLOAD_DIR=str(restored_uploads))
    assert restore.returncode == 0, restore.stderr
    assert f"{checked} of {checked} stored files match their SHA-256" in restore.stdout

    copy = create_app({"TESTING": True, "SECRET_KEY": "restored",
                       "SQLALCHEMY_DATABASE_URI": fresh_database,
                       "UPLOAD_DIR": str(restored_uploads)})
    with copy.app_context():
        try:
            assert snapshot() == before
            assert stored_files.problems() == []
            for doc in db.session.scalars(select(OfficialDocument)):
                assert notice_issue.document_bytes(doc) == files_before[doc.stored_name]
            assert db.session.scalar(select(Application.state).limit(1)) == "approved"
            # The check can fail: a changed file is named.
            changed = storage.documents_dir() / next(
                name for name in sorted(files_before) if name.startswith("notice-"))
            changed.chmod(0o644)
            changed.write_bytes(b"%PDF-1.4 changed %%EOF")
            assert stored_files.problems() == [
                f"{changed.name} no longer has its recorded SHA-256"]
        finally:
            db.session.remove()
            db.engine.dispose()


def test_a_damaged_backup_or_a_used_database_is_not_restored(
        app, postgres, fresh_database, tmp_path, monkeypatch):
    (tmp_path / "uploads").mkdir()
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    factories.call()
    db.session.commit()
    backup = script("backup.sh", tmp_path / "backups", DATABASE_URL=postgres,
                    UPLOAD_DIR=str(tmp_path / "uploads"))
    folder = Path(backup.stdout.strip())

    into_used = script("restore.sh", folder, DATABASE_URL=postgres,
                       UPLOAD_DIR=str(tmp_path / "elsewhere"))
    assert into_used.returncode == 2 and "restore into an empty database" in into_used.stderr

    with (folder / "uploads.tar").open("ab") as tar:
        tar.write(b"\0" * 512)
    damaged = script("restore.sh", folder, DATABASE_URL=fresh_database,
                     UPLOAD_DIR=str(tmp_path / "elsewhere"))
    assert damaged.returncode == 1 and "do not match SHA256SUMS" in damaged.stderr
    engine = create_engine(fresh_database)
    with engine.connect() as conn:
        assert conn.scalar(text(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")) == 0
    engine.dispose()
