"""Two-factor login for the department (issue 9 point 6): officers and leaders enrol TOTP
before their first login completes and use it at every login; codes work once; recovery
codes stand in for a lost phone; an officer resets someone else's second factor."""
import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import func, select

from tests.factories import clock_at
from workflow.accounts.models.credentials import LoginEvent, RecoveryCode
from workflow.accounts.models.users import User
from workflow.accounts.operations import second_factor, users
from workflow.core import clock
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry


@pytest.fixture(autouse=True)
def department_needs_a_second_factor(app, monkeypatch):
    """The default of workflow/core/config.py, which the other tests turn off."""
    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", second_factor.REQUIRED_ROLES)


def password_step(client, user, password):
    return client.post("/login?next=/officer/calls", data={"email": user.email,
                                                          "password": password})


def enrol(client, user, make) -> tuple[str, list[str]]:
    """Log in with the password, set up the app, return its secret and the recovery codes."""
    response = password_step(client, user, make.PASSWORD)
    assert response.status_code == 302 and response.location == "/login/enrol"
    page = client.get("/login/enrol").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert "data:image/svg+xml;charset=utf-8," in page  # the QR code, made by the page itself
    done = client.post("/login/enrol", data={"code": pyotp.TOTP(secret).at(clock.now())})
    assert done.status_code == 200
    codes = re.findall(r"<li class=\"col\">([0-9a-f]{8}-[0-9a-f]{8})</li>", done.get_data(
        as_text=True))
    return secret, codes


def test_an_officer_enrols_before_the_first_login_completes(app, client, make):
    officer = make.officer()
    db.session.commit()
    password_step(client, officer, make.PASSWORD)
    assert client.get("/officer/calls").status_code == 302  # not logged in yet
    assert client.post("/login/enrol", data={"code": "000000"}).status_code == 200
    assert db.session.get(User, officer.id).totp_enabled_at is None

    secret, codes = enrol(app.test_client(), officer, make)
    assert len(codes) == 10 and len(set(codes)) == 10
    db.session.expire_all()
    stored = db.session.get(User, officer.id)
    assert stored.totp_secret == secret and stored.totp_enabled_at is not None
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == officer.id)) == 10
    assert db.session.scalar(select(AuditEntry.action).where(
        AuditEntry.subject_user_id == officer.id)) == "enable_second_factor"


def test_the_next_login_asks_for_a_code_that_works_once(app, make):
    leader = make.leader()
    db.session.commit()
    start = clock.now()
    with clock_at(start):
        secret, _codes = enrol(app.test_client(), leader, make)
    client = app.test_client()
    with clock_at(start + timedelta(seconds=61)):
        assert password_step(client, leader, make.PASSWORD).location == "/login/code"
        assert client.get("/officer/calls").status_code == 302
        wrong = client.post("/login/code", data={"code": "123456"})
        assert wrong.status_code == 200 and client.get("/selection").status_code != 200
        code = pyotp.TOTP(secret).at(clock.now())
        right = client.post("/login/code", data={"code": code})
        assert right.status_code == 302 and right.location == "/officer/calls"
        replay = app.test_client()
        password_step(replay, leader, make.PASSWORD)
        assert replay.post("/login/code", data={"code": code}).status_code == 200
    outcomes = db.session.scalars(select(LoginEvent.outcome).where(
        LoginEvent.user_id == leader.id).order_by(LoginEvent.id)).all()
    assert outcomes.count("second_factor_failure") == 2 and outcomes.count("success") == 2


def test_a_recovery_code_logs_in_once(app, make):
    officer = make.officer()
    db.session.commit()
    _secret, codes = enrol(app.test_client(), officer, make)
    first = app.test_client()
    password_step(first, officer, make.PASSWORD)
    assert first.post("/login/code", data={"code": codes[0].upper()}).status_code == 302
    second = app.test_client()
    password_step(second, officer, make.PASSWORD)
    assert second.post("/login/code", data={"code": codes[0]}).status_code == 200
    assert recovery_left(officer) == 9


def recovery_left(user) -> int:
    return second_factor.recovery_codes_left(db.session.get(User, user.id))


def test_wrong_codes_count_towards_the_lock(app, make):
    officer = make.officer()
    db.session.commit()
    enrol(app.test_client(), officer, make)
    client = app.test_client()
    password_step(client, officer, make.PASSWORD)
    for _ in range(10):
        client.post("/login/code", data={"code": "000000"})
    assert password_step(app.test_client(), officer, make.PASSWORD).status_code == 200


def test_the_half_way_login_expires(app, make):
    officer = make.officer()
    db.session.commit()
    start = clock.now()
    with clock_at(start):
        secret, _codes = enrol(app.test_client(), officer, make)
    client = app.test_client()
    with clock_at(start + timedelta(minutes=1)):
        password_step(client, officer, make.PASSWORD)
    with clock_at(start + timedelta(minutes=12)):
        late = client.post("/login/code", data={"code": pyotp.TOTP(secret).at(clock.now())})
    assert late.status_code == 302 and late.location == "/login"


def test_an_officer_resets_a_lost_second_factor_but_not_their_own(app, make):
    officer, colleague = make.officer(), make.officer()
    db.session.commit()
    enrol(app.test_client(), colleague, make)
    enrol(app.test_client(), officer, make)
    with pytest.raises(ServiceError):
        users.reset_second_factor(db.session.get(User, officer.id), actor=officer)
    with pytest.raises(PermissionDenied):
        users.reset_second_factor(db.session.get(User, officer.id), actor=make.applicant())
    users.reset_second_factor(db.session.get(User, colleague.id), actor=officer)
    db.session.commit()
    row = db.session.get(User, colleague.id)
    assert row.totp_secret is None and second_factor.recovery_codes_left(row) == 0
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "reset_second_factor")).actor_id == officer.id
    again = app.test_client()
    assert password_step(again, colleague, make.PASSWORD).location == "/login/enrol"


def test_an_applicant_may_turn_the_second_factor_on_and_off(app, login_as, make):
    applicant = make.applicant()
    db.session.commit()
    client = login_as(applicant)
    page = client.get("/account/second-factor").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert client.post("/account/second-factor",
                       data={"code": pyotp.TOTP(secret).at(clock.now())}).status_code == 200
    other = app.test_client()
    assert password_step(other, applicant, make.PASSWORD).location == "/login/code"
    wrong = client.post("/account/second-factor/disable", data={"password": "not-it-at-all"})
    assert wrong.status_code == 302 and db.session.get(User, applicant.id).has_totp
    client.post("/account/second-factor/disable", data={"password": make.PASSWORD})
    db.session.expire_all()
    assert not db.session.get(User, applicant.id).has_totp


def test_a_department_account_cannot_turn_it_off(app, make):
    officer = make.officer()
    db.session.commit()
    client = app.test_client()
    enrol(client, officer, make)
    client.post("/account/second-factor/disable", data={"password": make.PASSWORD})
    db.session.expire_all()
    assert db.session.get(User, officer.id).has_totp


def test_a_role_that_needs_the_second_factor_is_used_only_after_a_new_login_with_it(app,
                                                                                    make):
    """Given the leader role while logged in, an applicant is logged out: the open session
    (which passed no second factor) never reaches the leadership's pages."""
    officer, person = make.officer(), make.applicant()
    db.session.commit()
    theirs = app.test_client()
    theirs.post("/login", data={"email": person.email, "password": make.PASSWORD})
    assert theirs.get("/my").status_code == 200

    users.grant_role(person, "leader", actor=officer)
    db.session.commit()
    assert theirs.get("/leader/selection").status_code == 302
    assert theirs.get("/my").status_code == 302  # the open session has ended
    assert password_step(theirs, person, make.PASSWORD).location == "/login/enrol"
    assert theirs.get("/leader/selection").status_code == 302
