"""Start-up configuration and the security settings that follow from it."""
import re

import pytest
from sqlalchemy import text

from workflow import create_app
from workflow.accounts.models.users import User
from workflow.accounts.operations.accounts import create_user
from workflow.accounts.operations.login import Attempt, check_password
from workflow.core.config import ConfigError
from workflow.core.extensions import db
from workflow.core.states import Role
from workflow.inbox.models import OutboxMail


def other_app(app, *, drop=(), **changes):
    """An app like the test app (same database), without the settings in `drop` and with
    `changes`."""
    config = {k: v for k, v in app.config.items() if k.isupper() and k not in drop}
    config.update(changes)
    return create_app(config)


def test_production_without_secret_key_stops_with_a_clear_message(monkeypatch, tmp_path):
    monkeypatch.setenv("CENTERFLOW_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app()


def test_production_with_secret_key_starts_with_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("CENTERFLOW_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a" * 64)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    production = create_app()
    assert production.config["SECRET_KEY"] == "a" * 64
    assert production.config["SESSION_COOKIE_SECURE"] is True


def test_a_malformed_number_in_the_environment_stops_start_up(monkeypatch):
    monkeypatch.setenv("MAX_ATTACHMENT_MB", "twenty")
    with pytest.raises(ConfigError, match="MAX_ATTACHMENT_MB"):
        create_app({"TESTING": True})


def test_session_cookie_is_httponly_and_samesite_lax(client, make):
    user = make.applicant()
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": make.PASSWORD})
    assert response.status_code == 302
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_csrf_is_on_by_default(app, make):
    user = make.applicant()
    db.session.commit()
    protected = other_app(app, drop=("WTF_CSRF_ENABLED",))
    assert protected.config["WTF_CSRF_ENABLED"] is True  # the default of the extension
    client = protected.test_client()
    credentials = {"email": user.email, "password": make.PASSWORD}

    assert client.post("/login", data=credentials).status_code == 400
    assert client.post("/language/en", data={"next": "/"}).status_code == 400

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={**credentials, "csrf_token": token}).status_code == 302


def test_passwords_are_stored_hashed(app):
    user = create_user(email="Hash@Example.com", name="哈希", password="lantern-quarry-velvet",
                       roles=[Role.OFFICER])
    db.session.commit()
    stored = db.session.get(User, user.id).password_hash
    assert "lantern-quarry-velvet" not in stored
    assert stored.startswith(("scrypt:", "pbkdf2:"))
    def login(password):
        return check_password("hash@example.com", password, attempt=Attempt()).user

    assert login("lantern-quarry-velvet") == user
    assert login("lantern-quarry-velvex") is None


def test_cli_create_user_invites_by_mail_and_prints_the_link(app, client):
    runner = app.test_cli_runner()
    done = runner.invoke(args=["create-user", "Officer@Example.com", "--role", "officer",
                               "--role", "leader"])
    assert done.exit_code == 0, done.output
    user = db.session.query(User).one()
    assert user.roles == {Role.OFFICER, Role.LEADER} and user.password_hash is None
    link = re.search(r"(http://\S+/account/activate/\S+)", done.output).group(1)
    (mail,) = db.session.query(OutboxMail).all()
    assert mail.to_address == "officer@example.com" and link in mail.body
    path = link.split("5000", 1)[1]
    assert client.get(path).status_code == 200

    again = runner.invoke(args=["create-user", "officer@example.com", "--role", "officer"])
    assert again.exit_code != 0
    assert db.session.query(User).count() == 1
    assert "您好" in mail.body  # Chinese unless told otherwise

    english = runner.invoke(args=["create-user", "leader@example.com", "--role", "leader",
                                  "--language", "en"])
    assert english.exit_code == 0, english.output
    mail = db.session.query(OutboxMail).filter_by(to_address="leader@example.com").one()
    assert mail.body.startswith("Hello leader,")
    assert runner.invoke(args=["create-user", "x@example.com", "--role", "leader",
                               "--language", "fr"]).exit_code != 0


@pytest.mark.postgres_only
def test_postgresql_connections_compile_no_query_with_jit(app, is_postgres):
    """A page's queries are short: JIT compiling them cost more than running them."""
    if not is_postgres:
        pytest.skip("JIT is PostgreSQL's: set TEST_DATABASE_URL to a PostgreSQL database")
    db.session.remove()
    db.engine.dispose()  # new connections, each through the connect hook
    assert db.session.scalar(text("SHOW jit")) == "off"


def test_sqlite_uses_wal_and_a_busy_timeout(app, tmp_path):
    sqlite_app = other_app(app, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'wal.db'}")
    with sqlite_app.app_context():
        with db.engine.connect() as conn:
            assert conn.scalar(text("PRAGMA journal_mode")) == "wal"
            assert conn.scalar(text("PRAGMA busy_timeout")) >= 5000
            assert conn.scalar(text("PRAGMA foreign_keys")) == 1
        db.engine.dispose()


def test_responses_carry_the_security_headers(client):
    response = client.get("/login")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
