"""Wiring of the extensions to an app: database pragmas, login, locale, template helpers."""
import ctypes.util
import logging

from flask import Flask, g, has_request_context, request, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine

from workflow import clock, extensions
from workflow.extensions import babel, csrf, db, login_manager, migrate

log = logging.getLogger(__name__)
MIGRATIONS = str(__import__("workflow").ROOT / "migrations")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """WAL and a busy timeout: concurrent writers wait instead of failing (DOMAIN.md 10)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def select_locale() -> str | None:
    if not has_request_context():
        return None  # a service called from the CLI or a test: the default locale
    chosen = session.get("locale")
    if chosen in ("zh_CN", "en"):
        return chosen
    if current_user and getattr(current_user, "locale", None):
        return current_user.locale
    return "zh_CN"


def init_extensions(app: Flask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        from pathlib import Path

        Path(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///"):]).parent.mkdir(
            parents=True, exist_ok=True
        )
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: "Asia/Shanghai",
                   default_translation_directories=str(extensions.TRANSLATIONS))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        from workflow.models import User

        return db.session.get(User, int(user_id)) if user_id.isdigit() else None

    @app.context_processor
    def helpers():
        from workflow import reference
        from workflow.permissions import can

        return {"can": lambda action, obj=None: can(current_user, action, obj),
                "reference": reference, "now": clock.now, "locale": select_locale()}

    from workflow import formatting

    formatting.register(app)

    @app.before_request
    def _start_clock():
        g.request_started = clock.now()

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'",
        )
        if request.endpoint and request.endpoint.startswith("static"):
            return response
        response.headers.setdefault("Cache-Control", "no-store")
        return response


def check_environment(app: Flask) -> None:
    """Warn at start-up about what makes PDFs slow or wrong; never changes the database."""
    if not ctypes.util.find_library("harfbuzz-subset"):
        log.warning(
            "libharfbuzz-subset0 is missing: WeasyPrint cannot subset fonts and Chinese PDFs "
            "render about 35 times slower. Install it: apt-get install libharfbuzz-subset0"
        )
