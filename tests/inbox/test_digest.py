"""The daily digest (issue 10, point 2): a person who chooses it gets no mail per
notification but one mail a day, at DIGEST_HOUR Beijing time, listing every notification
since the last digest with its absolute link; immediate readers are unaffected; account mails
are never held; in-app notifications are the same either way; the choice is made on the
person's own account page."""
import json
import re
import threading
from datetime import datetime, timedelta

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from tests import factories
from workflow.accounts.models.users import User
from workflow.accounts.operations import account_links
from workflow.cli import tick_command
from workflow.core import clock
from workflow.core.clock import LOCAL
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.states import Role
from workflow.inbox import digest, notifications
from workflow.inbox.models import Notification, OutboxMail

BASE = "https://kjt.example.gov.cn"
EVENING = datetime(2026, 3, 2, 19, 0, tzinfo=LOCAL)  # a Monday
NEXT_MORNING = datetime(2026, 3, 3, 8, 0, tzinfo=LOCAL)


@pytest.fixture(autouse=True)
def public_address(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE)


def tick(app) -> dict:
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["tick", "--json"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return json.loads(result.output)


def person(delivery: str = "daily", language: str | None = None, *roles: Role) -> User:
    user = factories.user(*(roles or (Role.APPLICANT,)))
    user.mail_delivery, user.locale = delivery, language
    return user


def tell(users, subject: str, link: str | None = "/my", kind: str = "test") -> None:
    notifications.notify(users, kind=kind, link=link, compose=lambda user: (subject, "正文"))


def mails_to(user: User) -> list[OutboxMail]:
    return list(db.session.scalars(select(OutboxMail).where(
        OutboxMail.to_address == user.email).order_by(OutboxMail.id)))


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_digest_reader_gets_the_notifications_but_no_mail_until_the_digest(app):
    clock.freeze(EVENING)
    reader, immediate = person("daily"), person("immediate")

    tell([reader, immediate], "第一条")
    tell([reader, immediate], "第二条", link="/applications/7")

    assert [n.subject for n in db.session.scalars(select(Notification).where(
        Notification.user_id == reader.id))] == ["第一条", "第二条"]
    assert mails_to(reader) == [] and len(mails_to(immediate)) == 2
    assert tick(app)["digests"] == 0 and mails_to(reader) == []


def test_the_morning_digest_lists_every_item_with_its_link_once(app):
    clock.freeze(EVENING)
    reader = person("daily", "en")
    tell([reader], "第一条")
    clock.freeze(EVENING + timedelta(hours=3))
    tell([reader], "第二条", link="/applications/7")
    tell([reader], "没有链接", link=None)

    clock.freeze(NEXT_MORNING - timedelta(minutes=1))
    assert tick(app)["digests"] == 0
    clock.freeze(NEXT_MORNING + timedelta(minutes=5))
    first, second = tick(app), tick(app)

    assert (first["digests"], second["digests"]) == (1, 0)
    (mail,) = mails_to(reader)
    assert mail.subject == "Centerflow: 3 notifications" and mail.notification_id is None
    lines = mail.body.splitlines()
    assert lines.index("2026-03-02 19:00  第一条") + 1 == lines.index(f"    {BASE}/my")
    assert f"    {BASE}/applications/7" in lines and f"    {BASE}/notifications" in lines
    assert f"{BASE}/account#mail" in mail.body
    assert count(Notification, Notification.user_id == reader.id,
                 Notification.digested_at.is_(None)) == 0


def test_what_comes_after_the_digest_waits_for_the_next_one(app):
    clock.freeze(EVENING)
    reader = person("daily")
    tell([reader], "昨晚")
    clock.freeze(NEXT_MORNING + timedelta(minutes=5))
    tick(app)
    clock.freeze(NEXT_MORNING + timedelta(hours=2))
    tell([reader], "上午")

    assert tick(app)["digests"] == 0
    clock.freeze(NEXT_MORNING + timedelta(days=1, minutes=1))
    assert tick(app)["digests"] == 1
    digests = mails_to(reader)
    assert len(digests) == 2 and "上午" in digests[1].body and "昨晚" not in digests[1].body


def test_the_digest_is_in_the_readers_language_and_at_the_configured_hour(app, monkeypatch):
    monkeypatch.setitem(app.config, "DIGEST_HOUR", 18)
    clock.freeze(EVENING - timedelta(hours=3))  # 16:00
    reader = person("daily", "zh_CN")
    tell([reader], "一条")
    clock.freeze(EVENING - timedelta(hours=1))  # 18:00
    assert tick(app)["digests"] == 1

    (mail,) = mails_to(reader)
    with force_locale("zh_CN"):
        assert mail.subject == _("Centerflow: %(n)d notifications", n=1)
        assert _("Hello %(name)s,", name=reader.name) in mail.body


def test_account_mails_are_never_held(app):
    reader = person("daily")
    reader.password_hash = None

    account_links.invite(reader, actor=factories.officer())
    account_links.send_reset_link(reader.id)

    kinds = {m.notification.kind for m in mails_to(reader)}
    assert kinds == {"invitation", "password_reset"}
    assert count(Notification, Notification.user_id == reader.id,
                 Notification.held_for_digest) == 0


def test_a_long_digest_lists_fifty_and_counts_the_rest(app):
    clock.freeze(EVENING)
    reader = person("daily", "en")
    for n in range(digest.LISTED + 7):
        tell([reader], f"通知{n}")
    clock.freeze(NEXT_MORNING)
    tick(app)

    (mail,) = mails_to(reader)
    assert "通知49" in mail.body and "通知50" not in mail.body
    assert f"… and 7 more: {BASE}/notifications" in mail.body


def test_an_inactive_person_gets_no_digest(app):
    clock.freeze(EVENING)
    reader = person("daily")
    tell([reader], "一条")
    reader.active = False
    clock.freeze(NEXT_MORNING)

    assert tick(app)["digests"] == 0 and mails_to(reader) == []


def test_a_grouped_notification_updated_after_the_digest_goes_into_the_next(app):
    clock.freeze(EVENING)
    reader = person("daily")
    notifications.notify([reader], kind="test", compose=lambda user: ("1 件", ""),
                         dedupe_key="group", refresh=True)
    clock.freeze(NEXT_MORNING)
    tick(app)
    clock.freeze(NEXT_MORNING + timedelta(hours=1))
    notifications.notify([reader], kind="test", compose=lambda user: ("2 件", ""),
                         dedupe_key="group", refresh=True)
    clock.freeze(NEXT_MORNING + timedelta(days=1))
    tick(app)

    first, second = mails_to(reader)
    assert "1 件" in first.body and "2 件" in second.body


def _tick_in_own_context(flask_app, barrier, errors):
    with flask_app.app_context():
        try:
            barrier.wait(timeout=10)
            tick_command.callback(as_json=True)
        except Exception as unexpected:  # noqa: BLE001 - reported by the test below
            errors.append(unexpected)
        finally:
            db.session.remove()


def test_two_concurrent_ticks_send_each_digest_once(app):
    clock.freeze(EVENING)
    readers = [person("daily") for _ in range(3)]
    for reader in readers:
        tell([reader], "一条")
    db.session.commit()
    clock.freeze(NEXT_MORNING)
    barrier, errors = threading.Barrier(2), []

    threads = [threading.Thread(target=_tick_in_own_context, args=(app, barrier, errors))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    db.session.expire_all()
    assert errors == []
    assert [len(mails_to(reader)) for reader in readers] == [1, 1, 1]


# The choice, on the person's own account page


def test_the_account_page_sets_the_digest_and_back(login_as):
    reader = person("immediate")
    db.session.commit()
    client = login_as(reader)

    page = client.get("/account").get_data(as_text=True)
    response = client.post("/account/mail", data={"delivery": "daily"})
    db.session.expire_all()

    assert 'id="mail"' in page and re.search(r'<input checked[^>]*value="immediate"', page)
    assert response.status_code == 302 and response.location.endswith("/account#mail")
    assert db.session.get(User, reader.id).mail_delivery == "daily"
    assert client.post("/account/mail", data={"delivery": "immediate"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, reader.id).mail_delivery == "immediate"


@pytest.mark.parametrize("data", [
    {}, {"delivery": ""}, {"delivery": "weekly"}, {"delivery": "daily" * 100},
    {"delivery": "<script>alert(1)</script>"}, {"delivery": "DAILY"},
])
def test_bad_choices_change_nothing_and_say_why(login_as, data):
    reader = person("immediate")
    db.session.commit()
    client = login_as(reader)

    response = client.post("/account/mail", data=data)
    html = response.get_data(as_text=True)

    db.session.expire_all()
    assert response.status_code == 422
    assert db.session.get(User, reader.id).mail_delivery == "immediate"
    assert "invalid-feedback" in html and "<script>alert(1)" not in html


def test_only_the_person_sets_their_own_delivery():
    reader, other = person("immediate"), person("immediate")
    with pytest.raises(PermissionDenied):
        notifications.set_mail_delivery(reader, "daily", actor=other)
    with pytest.raises(ServiceError):
        notifications.set_mail_delivery(reader, "weekly", actor=reader)
    assert reader.mail_delivery == "immediate"
