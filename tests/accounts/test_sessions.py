"""Sessions end on the server (issue 9 point 4), logins cannot be guessed or enumerated
(point 5), redirects stay on this site (point 8) and cookies are never signed with a known
key (point 7)."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import clock_at
from tests.platform.test_config import other_app
from tests.timing import quickest
from workflow.accounts.models.credentials import LoginEvent, UserSession
from workflow.accounts.models.users import User
from workflow.accounts.operations.accounts import create_user
from workflow.core import clock
from workflow.core.config import development_secret, load_config
from workflow.core.extensions import db
from workflow.core.states import Role

PASSWORD = "lantern-quarry-velvet"


def live_sessions(user) -> int:
    return db.session.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)))


def log_in(client, user, password=None):
    return client.post("/login", data={"email": user.email,
                                       "password": password or PASSWORD_OF[user.email]})


PASSWORD_OF: dict[str, str] = {}


@pytest.fixture(autouse=True)
def real_timeouts(app, monkeypatch):
    """The defaults of workflow/core/config.py (2 hours idle, 12 in all), which the other tests
    stretch."""
    defaults = load_config({"TESTING": True, "SECRET_KEY": "x"})
    assert (defaults["SESSION_IDLE_MINUTES"], defaults["SESSION_MAX_HOURS"]) == (120, 12)
    for key in ("SESSION_IDLE_MINUTES", "SESSION_MAX_HOURS"):
        monkeypatch.setitem(app.config, key, defaults[key])


@pytest.fixture
def person(make):
    user = make.applicant()
    db.session.commit()
    PASSWORD_OF[user.email] = make.PASSWORD
    return user


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_cookie_copied_before_logout_is_refused_afterwards(app, client, person):
    assert log_in(client, person).status_code == 302
    copied = session_cookie(client)
    assert client.get("/my").status_code == 200
    client.post("/logout")

    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/my")
    assert response.status_code == 302 and response.location.startswith("/login")
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == person.id))
    assert row.ended_at is not None and row.end_reason == "logout"


def test_login_renews_the_session_and_forgets_what_was_there(client, person):
    client.post("/language/en", data={"next": "/"})
    client.get("/login")
    with client.session_transaction() as planted:
        planted["planted"] = "by someone else before the login"
    before = session_cookie(client)
    log_in(client, person)
    after = session_cookie(client)
    assert before != after
    with client.session_transaction() as stored:
        assert "sid" in stored and "planted" not in stored
        assert stored["locale"] == "en"  # the language chosen on the login page stays
    log_in(client, person)
    with client.session_transaction() as again:
        assert again["sid"] != stored["sid"]


def test_an_idle_session_ends_after_the_idle_timeout(app, client, person):
    start = clock.now()
    with clock_at(start):
        log_in(client, person)
    with clock_at(start + timedelta(minutes=119)):
        assert client.get("/my").status_code == 200  # activity keeps it alive
    with clock_at(start + timedelta(minutes=119 + 121)):
        response = client.get("/my")
    assert response.status_code == 302 and response.location.startswith("/login")
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == person.id))
    assert row.end_reason == "idle"
    page = client.get(response.location).get_data(as_text=True)
    assert "长时间" in page or "long time" in page


def test_a_busy_session_still_ends_at_the_absolute_timeout(client, person):
    start = clock.now()
    with clock_at(start):
        log_in(client, person)
    for hours in range(1, 12):
        with clock_at(start + timedelta(hours=hours)):
            assert client.get("/my").status_code == 200
    with clock_at(start + timedelta(hours=12, minutes=1)):
        assert client.get("/my").status_code == 302
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == person.id))
    assert row.end_reason == "expired"


def test_changing_the_password_ends_the_other_sessions_only(app, person):
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, person)
    log_in(phone, person)
    response = laptop.post("/account/password", data={
        "current": PASSWORD_OF[person.email], "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    assert laptop.get("/my").status_code == 200
    assert phone.get("/my").status_code == 302
    assert live_sessions(person) == 1


def test_a_deactivated_user_is_out_at_once(app, make, person):
    officer = make.officer()
    db.session.commit()
    PASSWORD_OF[officer.email] = make.PASSWORD
    victim, admin = app.test_client(), app.test_client()
    log_in(victim, person)
    log_in(admin, officer)
    assert admin.post(f"/officer/users/{person.id}/active", data={"active": "0"}).status_code == 302
    assert victim.get("/my").status_code == 302
    assert log_in(app.test_client(), person).status_code == 200  # refused like a wrong password


def test_the_eleventh_attempt_is_refused_even_with_the_right_password(client, person):
    for _ in range(10):
        page = log_in(client, person, "wrong-password-1").get_data(as_text=True)
    assert "15" in page  # the lock and its length are said
    response = log_in(client, person)
    assert response.status_code == 200 and client.get("/my").status_code == 302
    outcomes = db.session.scalars(select(LoginEvent.outcome).where(
        LoginEvent.user_id == person.id).order_by(LoginEvent.id)).all()
    assert outcomes == ["failure"] * 10 + ["locked"]


def test_the_lock_lifts_after_its_period(client, person):
    start = clock.now()
    with clock_at(start):
        for _ in range(10):
            log_in(client, person, "wrong-password-1")
    with clock_at(start + timedelta(minutes=14)):
        assert log_in(client, person).status_code == 200
    with clock_at(start + timedelta(minutes=16)):
        assert log_in(client, person).status_code == 302


def test_an_unknown_address_locks_and_answers_like_a_known_one(client, person):
    known = [log_in(client, person, "wrong-password-1").get_data(as_text=True)
             for _ in range(10)]
    unknown = [client.post("/login", data={"email": "nobody@example.com",
                                           "password": "wrong-password-1"}).get_data(as_text=True)
               for _ in range(10)]
    strip = re.compile(r'name="csrf_token"[^>]*|value="[^"]*@[^"]*"')
    assert [strip.sub("", t) for t in known] == [strip.sub("", t) for t in unknown]


def test_login_takes_the_same_time_for_known_and_unknown_addresses(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 1000)  # no lock while measuring
    user = create_user(email="timing@example.com", name="计时", password=PASSWORD,
                       roles=[Role.APPLICANT])  # a real hash, not the tests' cheap one
    db.session.commit()
    client = app.test_client()
    wrong = "wrong-password-2"
    known, unknown = quickest(
        lambda n: client.post("/login", data={"email": user.email, "password": wrong}),
        lambda n: client.post("/login", data={"email": "nobody@example.com",
                                              "password": wrong}))
    assert abs(known - unknown) < 0.02, (known, unknown)


NEXT_VARIANTS = ["/%09/evil.example", "//evil.example", "/\\evil.example", "https://evil.example",
                 "/%0d%0aSet-Cookie:x=1", "/%0aLocation:%20https://evil.example",
                 "http:/evil.example", "/%5Cevil.example", "%2F%2Fevil.example",
                 "javascript:alert(1)", "/%E3%80%82/evil.example"]


@pytest.mark.parametrize("target", NEXT_VARIANTS)
def test_next_never_leads_off_site_and_never_fails(client, person, target):
    response = client.post(f"/login?next={target}",
                           data={"email": person.email, "password": PASSWORD_OF[person.email]})
    assert response.status_code == 302
    location = response.location
    assert location.startswith("/") and not location.startswith("//")
    assert "evil.example" not in location.split("?")[0].replace("%E3%80%82/evil.example", "")
    assert "\r" not in location and "\n" not in location
    language = client.post("/language/en", data={"next": target.replace("%0d%0a", "\r\n")})
    assert language.status_code == 302 and language.location.startswith("/")
    assert not language.location.startswith("//")


def test_next_keeps_a_path_of_this_site(client, person):
    response = client.post("/login?next=/my%3Fpage%3D2",
                           data={"email": person.email, "password": PASSWORD_OF[person.email]})
    assert response.location == "/my?page=2"


def test_development_keeps_a_random_key_of_its_own(tmp_path):
    first = development_secret(tmp_path)
    assert len(first) == 64 and first == development_secret(tmp_path)
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
    assert development_secret(tmp_path / "other") != first


def test_without_a_key_development_never_uses_a_known_one(app, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    dev = other_app(app, drop=("SECRET_KEY",))
    assert dev.config["SECRET_KEY"] not in ("dev-only-insecure-key", "", None)
    assert len(dev.config["SECRET_KEY"]) >= 32


def test_production_sends_hsts(app, monkeypatch):
    monkeypatch.setenv("CENTERFLOW_ENV", "production")
    production = other_app(app, ENV_NAME="production")
    response = production.test_client().get("/login")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    assert "Strict-Transport-Security" not in app.test_client().get("/login").headers


def test_login_is_rate_limited_per_client_address(app, person):
    limited = other_app(app, RATE_LIMITS=True, LOGIN_RATE_LIMIT="5 per minute")
    office, other_office = limited.test_client(), limited.test_client()
    wrong = {"email": "x@example.com", "password": "wrong-password-3"}
    codes = [office.post("/login", data=wrong).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    other = other_office.post("/login", data=wrong,
                              environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_the_limits_are_kept_in_redis_and_shared_by_app_servers(app, person, redis_queue):
    """With REDIS_URL, the counts live in Redis (RATELIMIT_STORAGE_URI): a second app server
    (another process, here another app) refuses the client the first one counted."""
    settings = {"RATE_LIMITS": True, "LOGIN_RATE_LIMIT": "5 per minute",
                "RATELIMIT_STORAGE_URI": app.config["REDIS_URL"]}
    first = other_app(app, **settings).test_client()
    wrong = {"email": "x@example.com", "password": "wrong-password-3"}
    assert [first.post("/login", data=wrong).status_code for _ in range(3)] == [200] * 3
    assert redis_queue.keys("LIMITS:*")  # the counts are in Redis
    second = other_app(app, **settings).test_client()
    codes = [second.post("/login", data=wrong).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    other_app(app)  # the process's one limiter back on the tests' memory storage

