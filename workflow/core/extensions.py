"""Flask extensions, created unbound and initialised in create_app."""
from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_mail import Mail
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from workflow.core.db import Base

db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
mail = Mail()


def client_address() -> str:
    """The client's address (behind PROXY_COUNT proxies, ProxyFix has put it in place)."""
    return request.remote_addr or "unknown"


# Limits are set per route (accounts/views/auth.py, the public forms); storage from
# RATELIMIT_STORAGE_URI: memory by default, Redis when REDIS_URL is set.
limiter = Limiter(key_func=client_address)

TRANSLATIONS = __import__("pathlib").Path(__file__).resolve().parent.parent / "translations"
