"""Wiring of the extensions to an app: database pragmas, login, locale, template helpers."""
import ctypes.util
import logging

import click
from flask import Flask, current_app, flash, g, has_request_context, request, session
from flask_babel import gettext as _
from flask_babel import refresh as refresh_locale
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine

from workflow import schema  # noqa: F401  (every table in the metadata, for Alembic)
from workflow.accounts.operations import sessions
from workflow.core import clock, extensions, reference
from workflow.core.config import ROOT, links_lead_nowhere
from workflow.core.extensions import babel, csrf, db, limiter, login_manager
from workflow.inbox import outbox
from workflow.lifecycle.permissions import can
from workflow.web import formatting
from workflow.web.views import kept_forms

log = logging.getLogger(__name__)
MIGRATIONS = str(ROOT / "migrations")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """WAL and a busy timeout: concurrent writers wait instead of failing (DOMAIN.md 10)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


@event.listens_for(Engine, "connect")
def _postgres_without_jit(dbapi_connection, _record):
    """No JIT compilation on PostgreSQL: it pays for long analytic queries, not for a page's
    short ones, yet a query the planner costs high enough (the panels page's counts) spent
    876 ms compiling for 70 ms of work. (The connection's own setting: the database's and
    the server's stay as they are.)"""
    if type(dbapi_connection).__module__.startswith("psycopg"):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        dbapi_connection.commit()


def select_locale() -> str | None:
    """The language chosen with the top bar's button, else the user's own, else Chinese.

    The user's language is read when the user is loaded (g.user_locale), never from the
    database here: an error message composed after a failed flush must not query."""
    if not has_request_context():
        return None  # a service called from the CLI or a test: the default locale
    chosen = session.get("locale")
    if chosen in ("zh_CN", "en"):
        return chosen
    return g.get("user_locale") or "zh_CN"


SESSION_ENDED = {
    "idle": lambda: _("Your session ended after a long time without activity. Log in again."),
    "expired": lambda: _("Your session reached its maximum length. Log in again."),
    "password": lambda: _("Your password was changed; log in again with the new one."),
    "deactivated": lambda: _("Your account was deactivated."),
    "second_factor": lambda: _("Your second factor was reset; log in again to set it up."),
    "roles": lambda: _("Your roles changed; log in again."),
    "ended_by_user": lambda: _("This session was ended from another one. Log in again."),
}


def _load_user(user_id: str):
    """The user of a live server-side session (accounts/operations/sessions.py), else nobody."""
    if not user_id.isdigit():
        return None
    row = sessions.current_session(int(user_id), session.get("sid"))
    if row is None:
        return None
    g.user_locale = row.user.locale
    return row.user


@limiter.request_filter
def _limits_off() -> bool:
    """Exempt every request of an app whose RATE_LIMITS is off (the tests' default)."""
    return not current_app.config["RATE_LIMITS"]


def _check_session() -> None:
    """Load the user before the view changes anything (loading may end a timed-out session
    and commit that), and forget a cookie whose session ended, saying why.

    The user is loaded anew for every request even where requests share an app context
    (as tests do), so each request's own cookie decides who is logged in."""
    g.pop("_login_user", None)
    g.pop("user_locale", None)
    g.pop("ended_user_id", None)
    if current_user.is_authenticated or "_user_id" not in session:
        return
    reason = sessions.ended_reason(session.get("sid"))
    if reason is not None and str(session["_user_id"]).isdigit():
        # Whose form it was, should this request bring one (web/views/kept_forms.py).
        g.ended_user_id = int(session["_user_id"])
    locale = session.get("locale")
    session.clear()
    if locale:  # the language chosen outlives the login, so the message is read in it
        session["locale"] = locale
    message = SESSION_ENDED.get(reason or "")
    if message is not None:
        flash(message(), "warning")


class _Migrations:
    """Flask-Migrate's entry in app.extensions until something reads it: Flask-Migrate imports
    Alembic (a third of a second, tens of MB), which only `flask db` and the upgrades of the
    tests and benchmarks need, not every web worker and `flask tick`."""

    def __init__(self, app: Flask):
        self.app = app

    def __getattr__(self, name: str):
        from flask_migrate import Migrate

        Migrate(self.app, db, directory=MIGRATIONS, render_as_batch=True, compare_type=True)
        return getattr(self.app.extensions["migrate"], name)


class _MigrationCommands(click.Group):
    """`flask db`: Flask-Migrate's group of commands, imported when one of them is run."""

    def make_context(self, info_name, args, parent=None, **extra):
        from flask_migrate.cli import db as commands

        return commands.make_context(info_name, args, parent=parent, **extra)


def init_extensions(app: Flask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        from pathlib import Path

        Path(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///"):]).parent.mkdir(
            parents=True, exist_ok=True
        )
    # First of all request hooks: the limiter's, the CSRF check's, the session's and the
    # view's reads of the time all get the request's arrival (workflow/core/clock.py).
    app.before_request(clock.arrive)
    # The language is chosen per request: Flask-Babel caches it on `g`, which outlives a
    # request wherever an application context was already open (a test, a job).
    app.before_request(refresh_locale)
    db.init_app(app)
    app.extensions["migrate"] = _Migrations(app)
    app.cli.add_command(_MigrationCommands("db", help="Perform database migrations."))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: "Asia/Shanghai",
                   default_translation_directories=str(extensions.TRANSLATIONS))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(kept_forms.on_unauthorized)
    limiter.init_app(app)
    outbox.init_app(app)

    @app.context_processor
    def helpers():
        return {"can": lambda action, obj=None: can(current_user, action, obj),
                "reference": reference, "now": clock.now, "locale": select_locale()}

    formatting.register(app)

    app.before_request(_check_session)
    app.before_request(kept_forms.restore)

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
        if app.config["ENV_NAME"] == "production":
            response.headers.setdefault("Strict-Transport-Security",
                                        "max-age=31536000; includeSubDomains")
        if request.endpoint and request.endpoint.startswith("static"):
            return response
        response.headers.setdefault("Cache-Control", "no-store")
        return response


def check_environment(app: Flask) -> None:
    """Warn at start-up about what makes PDFs slow or wrong and, in production, links that
    lead nowhere; never changes the database."""
    if links_lead_nowhere(app.config):
        log.warning(
            "PUBLIC_BASE_URL is %s, a loopback address: the links in invitation, reset and "
            "reminder mails lead nowhere and notices cannot be issued. Set PUBLIC_BASE_URL to "
            "the address people reach this site at (docs/deployment.md).",
            app.config["PUBLIC_BASE_URL"])
    if not ctypes.util.find_library("harfbuzz-subset"):
        log.warning(
            "libharfbuzz-subset0 is missing: WeasyPrint cannot subset fonts and Chinese PDFs "
            "render about 35 times slower. Install it: apt-get install libharfbuzz-subset0"
        )
