"""Accounts created by someone else start with an invitation; forgotten passwords are reset
by mail (issue 9 points 1 and 2). Links are one-time, expire, and say why when refused."""
import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import clock_at
from tests.timing import post, quickest, served
from workflow.accounts.models.credentials import AccountToken, UserSession
from workflow.accounts.models.users import User
from workflow.accounts.operations import account_links
from workflow.accounts.operations.accounts import create_user
from workflow.core import clock
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Role
from workflow.inbox.models import OutboxMail

NEW_PASSWORD = "lantern-quarry-velvet"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="[^"]*"|name="csrf_token" value="[^"]*"')
LINK = re.compile(r"http://127\.0\.0\.1:5000(/account/(?:activate|reset)/[\w-]+)")


def link_in_last_mail(to: str) -> str:
    mail = db.session.scalars(select(OutboxMail).where(OutboxMail.to_address == to)
                              .order_by(OutboxMail.id.desc())).first()
    return LINK.search(mail.body).group(1)


def ask_reset(app, email: str) -> None:
    """Ask for a reset link; the link is made once the answer is closed, as a server does
    after sending it."""
    app.test_client().post("/account/reset", data={"email": email}).close()


def set_password(client, path, password=NEW_PASSWORD, confirm=None):
    return client.post(path, data={"password": password, "confirm": confirm or password})


@pytest.fixture
def officer_client(login_as, make):
    officer = make.officer()
    db.session.commit()
    return login_as(officer)


def invite(client, email="wang.kexue@example.com", roles=("officer",), **extra):
    return client.post("/officer/users/new", data={"name": "王科学", "email": email,
                                                   "roles": list(roles), **extra})


def test_an_invited_officer_sets_a_password_once_and_logs_in(app, officer_client):
    response = invite(officer_client)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "wang.kexue@example.com"))
    assert user.password_hash is None and user.roles == {Role.OFFICER}
    path = link_in_last_mail(user.email)
    mail = db.session.scalars(select(OutboxMail).where(OutboxMail.to_address == user.email)).one()
    assert "7" in mail.body or "2026" in mail.body  # the deadline is named

    visitor = app.test_client()
    assert visitor.get(path).status_code == 200
    weak = set_password(visitor, path, "password1234")
    assert weak.status_code == 200 and "password1234" not in weak.get_data(as_text=True)
    assert db.session.get(User, user.id).password_hash is None
    assert set_password(visitor, path, NEW_PASSWORD, "different-words-here").status_code == 200

    done = set_password(visitor, path)
    assert done.status_code == 302 and visitor.get("/officer/calls").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(NEW_PASSWORD)
    again = app.test_client().get(path)
    assert again.status_code == 410
    assert "used" in again.get_data(as_text=True) or "已使用" in again.get_data(as_text=True)
    actions = set(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.subject_user_id == user.id)))
    assert {"create_user", "invite_user", "activated"} <= actions


@pytest.mark.parametrize(("language", "greeting"), [
    (None, "王科学，您好"), ("zh_CN", "王科学，您好"), ("en", "Hello 王科学,")])
def test_the_invitation_is_in_the_language_the_officer_chose_as_are_later_mails(
        officer_client, language, greeting):
    invite(officer_client, **({"language": language} if language else {}))
    mail = db.session.scalars(select(OutboxMail).where(
        OutboxMail.to_address == "wang.kexue@example.com")).one()
    assert mail.body.startswith(greeting)
    assert db.session.scalar(select(User.locale).where(
        User.email == "wang.kexue@example.com")) == (language or "zh_CN")


def test_an_invitation_in_a_language_not_offered_is_refused(officer_client):
    refused = invite(officer_client, language="fr")
    assert refused.status_code == 422 and "王科学" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User).where(
        User.email == "wang.kexue@example.com")) == 0


def test_an_invitation_link_expires_after_seven_days(app, officer_client):
    start = clock.now()
    with clock_at(start):
        invite(officer_client)
    path = link_in_last_mail("wang.kexue@example.com")
    with clock_at(start + timedelta(days=7, seconds=1)):
        response = app.test_client().get(path)
        refused = set_password(app.test_client(), path)
    assert response.status_code == 410 and refused.status_code == 410
    assert db.session.scalar(select(User.password_hash).where(
        User.email == "wang.kexue@example.com")) is None


def test_a_resent_invitation_replaces_the_earlier_link(app, officer_client):
    invite(officer_client)
    first = link_in_last_mail("wang.kexue@example.com")
    user = db.session.scalar(select(User).where(User.email == "wang.kexue@example.com"))
    assert officer_client.post(f"/officer/users/{user.id}/invitation").status_code == 302
    second = link_in_last_mail("wang.kexue@example.com")
    assert first != second
    assert app.test_client().get(first).status_code == 410
    assert app.test_client().get(second).status_code == 200


def test_a_link_that_comes_with_another_mail_leaves_the_first_working_until_one_is_used(
        app, officer_client):
    invite(officer_client)
    first = link_in_last_mail("wang.kexue@example.com")
    user = db.session.scalar(select(User).where(User.email == "wang.kexue@example.com"))
    token, _row = account_links.issue_link(user, account_links.ACTIVATE, replaces_earlier=False)
    db.session.commit()
    second = f"/account/activate/{token}"
    assert app.test_client().get(first).status_code == 200
    assert app.test_client().get(second).status_code == 200
    assert set_password(app.test_client(), second).status_code == 302
    assert app.test_client().get(first).status_code == 410  # one password, one link used


def test_nobody_invites_without_the_right_role_or_with_bad_input(app, officer_client, make):
    bad = invite(officer_client, email="not-an-address", roles=())
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert "王科学" in page  # what was typed stays
    applicant = make.applicant()
    db.session.commit()
    applicant_client = app.test_client()
    applicant_client.post("/login", data={"email": applicant.email, "password": make.PASSWORD})
    assert invite(applicant_client).status_code == 403
    recommender_without_unit = invite(officer_client, email="rec@example.com",
                                      roles=("recommender",))
    assert recommender_without_unit.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(User).where(
        User.email.in_(["not-an-address", "rec@example.com", "wang.kexue@example.com"]))) == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == 0


def test_reset_gives_the_same_answer_whether_the_address_exists_or_not(app, make,
                                                                      monkeypatch):
    monkeypatch.setitem(app.config, "RESET_MAILS_PER_HOUR", 100)  # a mail for each request
    user = create_user(email="known@example.com", name="已知", password=NEW_PASSWORD,
                       roles=[Role.APPLICANT], organization=make.org())
    db.session.commit()
    pages = {"known": set(), "unknown": set()}

    with served(app) as port:
        def ask(kind, email):
            page = post(port, "/account/reset", {"email": email})
            pages[kind].add(CSRF.sub("", page.replace(email, "EMAIL")))

        known, unknown = quickest(lambda n: ask("known", user.email),
                                 lambda n: ask("unknown", "unknown@example.com"))
    assert pages["known"] == pages["unknown"] and len(pages["known"]) == 1
    assert abs(known - unknown) < 0.02, (known, unknown)
    mailed = 0
    for _ in range(50):  # the last link is made after the last answer: wait for it
        db.session.rollback()
        mailed = db.session.scalar(select(func.count()).select_from(OutboxMail).where(
            OutboxMail.to_address == user.email))
        if mailed == 12:
            break
        time.sleep(0.1)
    assert mailed == 12  # the warm-up and 11 rounds: every request for the known address
    assert db.session.scalar(select(func.count()).select_from(OutboxMail).where(
        OutboxMail.to_address.like("unknown%"))) == 0


def test_a_reset_link_sets_a_new_password_ends_sessions_and_lifts_a_lock(app, make):
    user = create_user(email="forgetful@example.com", name="健忘", password=NEW_PASSWORD,
                       roles=[Role.APPLICANT], organization=make.org())
    db.session.commit()
    laptop = app.test_client()
    laptop.post("/login", data={"email": user.email, "password": NEW_PASSWORD})
    for _ in range(10):
        app.test_client().post("/login", data={"email": user.email, "password": "wrong-one-9"})
    ask_reset(app, user.email)
    path = link_in_last_mail(user.email)
    assert path.startswith("/account/reset/")

    visitor = app.test_client()
    assert set_password(visitor, path, "marble-orchard-tunnel").status_code == 302
    assert laptop.get("/my").status_code == 302  # the old session is over
    assert visitor.get("/my").status_code == 200  # and the lock is lifted
    assert set_password(app.test_client(), path, "another-phrase-entirely").status_code == 410
    ended = db.session.scalars(select(UserSession.end_reason).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_not(None))).all()
    assert "password" in ended


def test_an_address_gets_a_few_reset_mails_an_hour_however_often_anyone_asks(app, make):
    user = create_user(email="target@example.com", name="目标", password=NEW_PASSWORD,
                       roles=[Role.APPLICANT], organization=make.org())
    db.session.commit()
    start = clock.now()

    def mails() -> int:
        return db.session.scalar(select(func.count()).select_from(OutboxMail).where(
            OutboxMail.to_address == user.email))

    with clock_at(start):
        for _ in range(app.config["RESET_MAILS_PER_HOUR"] + 5):
            ask_reset(app, user.email)
    assert mails() == 3
    last = link_in_last_mail(user.email)
    assert app.test_client().get(last).status_code == 200  # the last link sent still works
    with clock_at(start + timedelta(minutes=61)):
        ask_reset(app, user.email)
    assert mails() == 4


def test_a_reset_link_expires_in_hours(app, make):
    user = create_user(email="slow@example.com", name="慢", password=NEW_PASSWORD,
                       roles=[Role.APPLICANT], organization=make.org())
    db.session.commit()
    start = clock.now()
    with clock_at(start):
        ask_reset(app, user.email)
    path = link_in_last_mail(user.email)
    with clock_at(start + timedelta(hours=app.config["RESET_HOURS"], seconds=1)):
        assert app.test_client().get(path).status_code == 410


def test_an_invited_user_asking_for_a_reset_gets_a_new_invitation(app, officer_client):
    invite(officer_client)
    first = link_in_last_mail("wang.kexue@example.com")
    ask_reset(app, "wang.kexue@example.com")
    second = link_in_last_mail("wang.kexue@example.com")
    assert second.startswith("/account/activate/") and second != first
    assert app.test_client().get(first).status_code == 410


def test_links_are_stored_only_as_hashes(officer_client):
    invite(officer_client)
    path = link_in_last_mail("wang.kexue@example.com")
    token = path.rsplit("/", 1)[1]
    stored = db.session.scalars(select(AccountToken.token_sha256)).all()
    assert token not in stored and account_links._digest(token) in stored


def test_a_deactivated_users_link_does_not_work(app, officer_client):
    invite(officer_client)
    path = link_in_last_mail("wang.kexue@example.com")
    user = db.session.scalar(select(User).where(User.email == "wang.kexue@example.com"))
    officer_client.post(f"/officer/users/{user.id}/active", data={"active": "0"})
    assert app.test_client().get(path).status_code == 410
