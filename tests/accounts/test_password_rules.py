"""The password rules (issue 9 point 5): at least 12 characters (a setting), at most 200, and
refused when common or easy to guess, the person's own name and address included."""
import pytest
from flask_babel import force_locale

from workflow.accounts.rules import passwords


def password_problems(password: str, **options) -> list[str]:
    """The problems, in English."""
    with force_locale("en"):
        return [str(p) for p in passwords.password_problems(password, **options)]


@pytest.mark.parametrize("password, inputs, says", [
    ("short-pass1", (), "at least 12 characters"),
    ("password1234", (), "common or easy to guess"),
    ("qwertyuiop123", (), "common or easy to guess"),
    ("zhangwei19800101", ("zhangwei@example.com", "张伟"), "common or easy to guess"),
    ("x" * 201, (), "at most 200 characters"),
])
def test_a_weak_password_is_refused_with_the_reason(password, inputs, says):
    (problem,) = password_problems(password, user_inputs=inputs)
    assert says in problem


@pytest.mark.parametrize("password", ["lantern-quarry-velvet", "蓝色激光-泉城-officer-2026"])
def test_a_long_unguessable_password_is_accepted(password):
    assert password_problems(password, user_inputs=("someone@example.com",)) == []


def test_the_least_length_is_a_setting(app, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_MIN_LENGTH", 16)
    assert password_problems("lantern-quarry-velvet") == []  # 21 characters
    (problem,) = password_problems("lantern-quarry")  # 14 characters
    assert "at least 16 characters" in problem
