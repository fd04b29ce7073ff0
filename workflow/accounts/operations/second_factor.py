"""The second factor (ASVS 5.0 V6.5, V6.6): time-based one-time codes (RFC 6238, pyotp) from
an authenticator app, each accepted once, and ten single-use recovery codes.

The department's roles (officers, leaders) must use it; everyone else may."""
import hashlib
import secrets

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from workflow.accounts.models.credentials import RecoveryCode
from workflow.accounts.models.users import User
from workflow.core import audit
from workflow.core.clock import now
from workflow.core.errors import ServiceError
from workflow.core.extensions import db
from workflow.core.states import Role

ISSUER = "Centerflow"
RECOVERY_CODES = 10
REQUIRED_ROLES = frozenset({Role.OFFICER, Role.LEADER})


def required_for(user: User) -> bool:
    roles = current_app.config.get("MFA_REQUIRED_ROLES", REQUIRED_ROLES)
    return any(user.has_role(Role(r)) for r in roles)


def new_secret() -> str:
    import pyotp

    return pyotp.random_base32()


def secret_to_enrol(user: User) -> str:
    """The secret `user` enrols with: kept across the enrolment page's visits, new when none
    is pending (or the user has a second factor already and sets up another)."""
    if user.totp_secret is None or user.has_totp:
        user.totp_secret = new_secret()
    return user.totp_secret


def provisioning_uri(user: User, secret: str) -> str:
    import pyotp

    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The enrolment QR code as an SVG data URI (the page's CSP allows data: images)."""
    import segno

    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4, dark="#000",
                                                    light="#fff")


def _clean(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isalnum()).lower()


def _totp_step(secret: str, code: str) -> int | None:
    """The time step `code` belongs to (now, or one step either side), or None."""
    import pyotp

    totp, at = pyotp.TOTP(secret), now()
    if not (code.isdigit() and len(code) == 6):
        return None
    for drift in (0, -1, 1):
        moment = at.timestamp() + drift * totp.interval
        if secrets.compare_digest(totp.at(moment), code):
            return totp.timecode(at) + drift
    return None


def _digest(code: str) -> str:
    return hashlib.sha256(_clean(code).encode()).hexdigest()


def check_code(user: User, code: str) -> bool:
    """True when `code` is the user's current TOTP code not used before, or one of their
    unused recovery codes (then used up). Flushes what it consumes."""
    if not user.has_totp:
        return False
    code = _clean(code)
    step = _totp_step(user.totp_secret, code)
    if step is not None:
        if user.totp_last_step is not None and step <= user.totp_last_step:
            return False  # a code is good once, even within its 30 seconds
        user.totp_last_step = step
        db.session.flush()
        return True
    row = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_sha256 == _digest(code),
        RecoveryCode.used_at.is_(None)))
    if row is None:
        return False
    row.used_at = now()
    audit.record(actor=user, action="use_recovery_code", subject=user)
    db.session.flush()
    return True


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_sha256=_digest(c)) for c in codes)
    return codes


def enable(user: User, secret: str, code: str) -> list[str]:
    """Turn the second factor on with `secret` once `code` shows the app has it. Returns the
    recovery codes, shown once. Side effects: the secret, fresh recovery codes, an audit row."""
    code = _clean(code)
    step = _totp_step(secret, code)
    if step is None:
        raise ServiceError(_("The code does not match. Check the time of your phone and type "
                             "the 6 digits the app shows now."))
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = secret, now(), step
    codes = _new_recovery_codes(user)
    audit.record(actor=user, action="enable_second_factor", subject=user)
    db.session.flush()
    return codes


def regenerate_recovery_codes(user: User, *, password: str) -> list[str]:
    """Ten new recovery codes replace the old ones, with the password typed again."""
    if not user.has_totp:
        raise ServiceError(_("Turn the second factor on first."))
    if not user.check_password(password or ""):
        raise ServiceError(_("The password is wrong; nothing was changed."))
    codes = _new_recovery_codes(user)
    audit.record(actor=user, action="regenerate_recovery_codes", subject=user)
    db.session.flush()
    return codes


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def clear(user: User) -> None:
    """Forget the user's second factor and recovery codes (the caller audits)."""
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def disable(user: User, *, password: str) -> bool:
    """The user turns their own second factor off, with their password; refused for the
    roles that must use it. An audit row."""
    if required_for(user):
        raise ServiceError(_("Your role requires the second factor; it cannot be turned off."))
    if not user.check_password(password or ""):
        raise ServiceError(_("The password is wrong; nothing was changed."))
    clear(user)
    audit.record(actor=user, action="disable_second_factor", subject=user)
    db.session.flush()
    return True

