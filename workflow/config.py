"""Configuration: safe defaults, secrets and URLs from the environment, fail fast when missing."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


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


def load_config(overrides: dict | None = None) -> dict:
    """Build the config dict from defaults, the environment and explicit overrides."""
    env = os.environ.get("CENTERFLOW_ENV", "development")
    overrides = dict(overrides or {})
    testing = overrides.get("TESTING", False)
    secret = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY")
    if not secret:
        if env == "production" and not testing:
            raise ConfigError(
                "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
                "string before starting Centerflow in production."
            )
        secret = "dev-only-insecure-key"
    upload_dir = Path(os.environ.get("UPLOAD_DIR", INSTANCE / "uploads"))
    config = {
        "ENV_NAME": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{INSTANCE / 'centerflow.db'}"
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "UPLOAD_DIR": str(upload_dir),
        "MAX_ATTACHMENT_MB": _env_int("MAX_ATTACHMENT_MB", 20),
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
        "PAGE_SIZE": 25,
        # The address printed under the verification QR code of issued PDFs.
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
    }
    config.update(overrides)
    # The request cap sits a little above the attachment limit so the form data around a
    # maximal file still fits; the attachment limit itself is checked per file.
    config.setdefault("MAX_CONTENT_LENGTH", (config["MAX_ATTACHMENT_MB"] + 1) * 1024 * 1024)
    return config
