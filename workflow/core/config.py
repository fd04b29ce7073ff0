"""Configuration: safe defaults, secrets and URLs from the environment, fail fast when missing."""
import ipaddress
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from workflow.core import regions

ROOT = Path(__file__).resolve().parent.parent.parent
INSTANCE = ROOT / "instance"
DEFAULT_BASE_URL = "http://127.0.0.1:5000"
DEFAULT_PROVINCE = "370000"  # Shandong


class ConfigError(RuntimeError):
    """Raised at start-up when the environment cannot run the app safely."""


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def development_secret(folder: Path = INSTANCE) -> str:
    """A random key made once and kept in `instance/secret_key` (readable by the owner
    only), so that no two installations sign their cookies with a key anyone knows."""
    path = folder / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it a moment ago
        return path.read_text().strip()
    with os.fdopen(fd, "w") as out:
        out.write(key)
    return key


def _secret(env: str, testing: bool, overrides: dict) -> str:
    secret = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY")
    if secret:
        return secret
    if env == "production" and not testing:
        raise ConfigError(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string before starting Centerflow in production."
        )
    return development_secret()


def _mail() -> dict:
    """The outgoing mail server, as the README documents it; no server: mails stay queued.

    The MAIL_* names are Flask-Mail's. Its MAIL_SUPPRESS_SEND follows TESTING unless set;
    it is off here, so a test app configured with a server really sends (without a server
    nothing is sent anyway, inbox/outbox.py)."""
    use_tls, use_ssl = _env_bool("MAIL_USE_TLS", False), _env_bool("MAIL_USE_SSL", False)
    if use_tls and use_ssl:
        raise ConfigError("MAIL_USE_TLS (STARTTLS, usually port 587) and MAIL_USE_SSL (TLS "
                          "from the start, usually port 465) exclude each other: set one.")
    return {
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": _env_int("MAIL_PORT", 465 if use_ssl else 587 if use_tls else 25),
        "MAIL_USE_TLS": use_tls,
        "MAIL_USE_SSL": use_ssl,
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "centerflow@localhost"),
        "MAIL_SUPPRESS_SEND": False,
        "MAIL_TIMEOUT_SECONDS": _env_int("MAIL_TIMEOUT_SECONDS", 30),
        # A failed mail is tried again after MAIL_RETRY_MINUTES, then after twice as long
        # each time (at most a day), and given up after MAIL_MAX_ATTEMPTS attempts.
        "MAIL_RETRY_MINUTES": _env_int("MAIL_RETRY_MINUTES", 10),
        "MAIL_MAX_ATTEMPTS": _env_int("MAIL_MAX_ATTEMPTS", 8),
    }


def is_loopback_url(url: str) -> bool:
    """Whether `url` leads back to the reader's own computer: localhost, 127.0.0.0/8, ::1."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def links_lead_nowhere(config) -> bool:
    """Whether, in production, PUBLIC_BASE_URL is still a loopback address: every link in a
    mail and under an issued PDF's QR code would lead back to its reader's own computer."""
    return config["ENV_NAME"] == "production" and is_loopback_url(config["PUBLIC_BASE_URL"])


def _public_base_url() -> str:
    """The address in mails and under the QR code of issued PDFs: http(s)://host[:port]."""
    url = (os.environ.get("PUBLIC_BASE_URL") or DEFAULT_BASE_URL).strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"PUBLIC_BASE_URL must be an address such as "
                          f"https://kjt.example.gov.cn, got {url!r}")
    return url


def _accounts() -> dict:
    """Sessions, logins and one-time links (OWASP ASVS 5.0 level 2)."""
    redis_url = os.environ.get("REDIS_URL", "")
    return {
        "SESSION_IDLE_MINUTES": _env_int("SESSION_IDLE_MINUTES", 120),
        "SESSION_MAX_HOURS": _env_int("SESSION_MAX_HOURS", 12),
        "LOGIN_MAX_FAILURES": _env_int("LOGIN_MAX_FAILURES", 10),
        "LOGIN_LOCK_MINUTES": _env_int("LOGIN_LOCK_MINUTES", 15),
        "INVITATION_DAYS": _env_int("INVITATION_DAYS", 7),
        "RESET_HOURS": _env_int("RESET_HOURS", 2),
        # Reset mails to one address, whoever asks: the requests are limited per client
        # address (PUBLIC_FORM_*), this per recipient.
        "RESET_MAILS_PER_HOUR": _env_int("RESET_MAILS_PER_HOUR", 3),
        "PASSWORD_MIN_LENGTH": _env_int("PASSWORD_MIN_LENGTH", 12),
        # Flask-Limiter: per client address; an office behind one address stays far below.
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # Our switch, read per app on each request (workflow/setup.py): Flask-Limiter's own
        # RATELIMIT_ENABLED would switch the one limiter of the process for every app.
        "RATE_LIMITS": _env_bool("RATE_LIMITS", True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "60 per minute; 600 per hour"),
        "PUBLIC_FORM_RATE_LIMIT": os.environ.get("PUBLIC_FORM_RATE_LIMIT",
                                                 "10 per minute; 60 per hour"),
        "PUBLIC_FORM_CONTACT_LIMIT": os.environ.get("PUBLIC_FORM_CONTACT_LIMIT",
                                                    "5 per hour; 20 per day"),
        # How many proxies in front of the app set X-Forwarded-For (0: none).
        "PROXY_COUNT": _env_int("PROXY_COUNT", 0),
    }


def _uploads() -> dict:
    upload_dir = Path(os.environ.get("UPLOAD_DIR", INSTANCE / "uploads"))
    return {
        "UPLOAD_DIR": str(upload_dir),
        "MAX_ATTACHMENT_MB": _env_int("MAX_ATTACHMENT_MB", 20),
        # A PDF is refused past these (core/pdf_check.py).
        "PDF_MAX_PAGES": _env_int("PDF_MAX_PAGES", 300),
        "PDF_MAX_DECOMPRESSED_MB": _env_int("PDF_MAX_DECOMPRESSED_MB", 300),
    }


def _hour(name: str, default: int) -> int:
    hour = _env_int(name, default)
    if not 0 <= hour <= 23:
        raise ConfigError(f"{name} is an hour of the day, 0 to 23, got {hour}")
    return hour


def _handoffs() -> dict:
    """When the daily digest leaves, when waiting work is recalled, when a period starts."""
    return {
        # The daily digest of notifications is queued at this hour (Beijing time).
        "DIGEST_HOUR": _hour("DIGEST_HOUR", 8),
        # A leader (or officer) still waiting to act this many working days after being
        # told is reminded once.
        "WAITING_REMINDER_WORKDAYS": _env_int("WAITING_REMINDER_WORKDAYS", 3),
        # An announcement published at or after this hour (Beijing time), or on a day off,
        # starts its period on the next working day.
        "PUBLICITY_LATEST_START_HOUR": _hour("PUBLICITY_LATEST_START_HOUR", 17),
    }


def province_setting(raw: str | None) -> str:
    """The installation's province (CENTERFLOW_PROVINCE): the code of a province-level region
    with cities (Shandong 370000 by default, Liaoning 210000, ...). Its cities are the ones
    recommenders, units and experts choose from (core/reference.py)."""
    code = (raw or DEFAULT_PROVINCE).strip()
    found = regions.region(code)
    if found is None or found.level is not regions.Level.PROVINCE or not regions.cities(code):
        raise ConfigError(f"CENTERFLOW_PROVINCE must be the six-digit code of a province with "
                          f"cities, such as 370000 (Shandong) or 210000 (Liaoning), got {code!r}")
    return code


def load_config(overrides: dict | None = None) -> dict:
    """Build the config dict from defaults, the environment and explicit overrides."""
    env = os.environ.get("CENTERFLOW_ENV", "development")
    overrides = dict(overrides or {})
    testing = overrides.get("TESTING", False)
    config = {
        "ENV_NAME": env,
        "SECRET_KEY": _secret(env, testing, overrides),
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{INSTANCE / 'centerflow.db'}"
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "TIMEZONE": "Asia/Shanghai",
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "LANGUAGES": ["zh_CN", "en"],
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        # A create form sent without its one-time token is refused (forms/base.py); tests
        # of other features post without the tokens a page renders, as without CSRF tokens.
        "FORM_TOKEN_REQUIRED": True,
        "PAGE_SIZE": 25,
        # `make run` sets it to the address it serves on; issuing a notice in production
        # refuses a loopback address (notices/operations/issue.py).
        "PUBLIC_BASE_URL": _public_base_url(),
        **_uploads(),
        **_mail(),
        **_accounts(),
        **_handoffs(),
    }
    config.update(overrides)
    config["PROVINCE_CODE"] = province_setting(
        config.get("PROVINCE_CODE") or os.environ.get("CENTERFLOW_PROVINCE"))
    # The request cap sits a little above the attachment limit so the form data around a
    # maximal file still fits; the attachment limit itself is checked per file.
    config.setdefault("MAX_CONTENT_LENGTH", (config["MAX_ATTACHMENT_MB"] + 1) * 1024 * 1024)
    return config
