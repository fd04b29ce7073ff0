"""The password rules (ASVS 5.0 V6.2): long enough, and not common or easy to guess as
zxcvbn estimates it (its dictionaries hold the common passwords, names and keyboard
patterns); and a stand-in hash so a login for an unknown address costs the same time."""
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

MAX_LENGTH = 200
# zxcvbn's score: 0 too guessable ... 4 very unguessable; 3 resists an offline attack on a
# slow hash, which is what ASVS asks of a password that stands alone.
MIN_SCORE = 3
_DUMMY_HASH: str | None = None


def min_length() -> int:
    return current_app.config.get("PASSWORD_MIN_LENGTH", 12)


def password_problems(password: str, *, user_inputs=()) -> list[str]:
    """Why `password` cannot be used, in words for the user; empty when it can.

    `user_inputs` (the email, the name) count as easy to guess."""
    password = password or ""
    if len(password) < min_length():
        return [_("The password needs at least %(n)d characters.", n=min_length())]
    if len(password) > MAX_LENGTH:
        return [_("The password may have at most %(n)d characters.", n=MAX_LENGTH)]
    from zxcvbn import zxcvbn

    inputs = [str(i) for i in user_inputs if i]
    inputs += [part for i in inputs for part in str(i).replace("@", " ").split()]
    result = zxcvbn(password[:100], user_inputs=inputs)
    if result["score"] < MIN_SCORE:
        return [_("This password is common or easy to guess. Use a longer phrase of several "
                  "unrelated words, not your name, email or a keyboard pattern.")]
    return []


def dummy_check(password: str) -> None:
    """Spend the time a real password check takes, for an address without a usable
    password, so the answer's timing does not tell whether the account exists."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = generate_password_hash("not-a-password-of-anyone")
    check_password_hash(_DUMMY_HASH, password or "")
