"""The notification list (issue 10, point 2): each notification links to where its reader
acts; following the link marks it read (so does the button, and "all"); the list is
paginated on the server with a fixed number of SQL statements; a link leads only within the
site, and only the owner follows one."""
import re

import pytest
from sqlalchemy import insert, select

from tests import factories
from tests.web.test_queries import counted_statements
from workflow.core import clock
from workflow.core.extensions import db
from workflow.core.states import Role
from workflow.inbox import notifications
from workflow.inbox.models import Notification


def tell(user, subject: str, link: str | None) -> Notification:
    notifications.notify([user], kind="test", link=link, compose=lambda u: (subject, "正文"))
    return db.session.scalars(select(Notification).where(
        Notification.user_id == user.id).order_by(Notification.id.desc())).first()


def test_each_notification_links_to_its_place_and_opening_marks_it_read(login_as):
    reader = factories.applicant()
    note = tell(reader, "请确认共建", "/applications/42")
    plain = tell(reader, "没有链接", None)
    db.session.commit()
    client = login_as(reader)

    page = client.get("/notifications").get_data(as_text=True)
    response = client.get(f"/notifications/{note.id}/open")

    db.session.expire_all()
    assert f'href="/notifications/{note.id}/open"' in page
    assert f'href="/notifications/{plain.id}/open"' not in page
    assert response.status_code == 302 and response.location == "/applications/42"
    assert db.session.get(Notification, note.id).read_at is not None
    assert db.session.get(Notification, plain.id).read_at is None


def test_someone_elses_notification_is_refused_and_stays_unread(login_as):
    owner, other = factories.applicant(), factories.applicant()
    note = tell(owner, "私人通知", "/applications/42")
    db.session.commit()

    response = login_as(other).get(f"/notifications/{note.id}/open")

    db.session.expire_all()
    assert response.status_code == 403 and "私人通知" not in response.get_data(as_text=True)
    assert db.session.get(Notification, note.id).read_at is None


@pytest.mark.parametrize("hostile", ["//evil.example/x", "https://evil.example/", "javascript:x",
                                     "/\\evil.example", "/ok\r\nLocation: x", "/" + "a" * 400,
                                     "", None])
def test_a_link_never_leads_off_the_site(login_as, hostile):
    reader = factories.applicant()
    note = tell(reader, "通知", hostile)
    db.session.commit()

    response = login_as(reader).get(f"/notifications/{note.id}/open")

    assert note.link is None
    assert response.status_code == 302 and response.location == "/notifications"


def test_the_list_is_paginated_with_the_same_statements_for_10_and_100(login_as):
    reader = factories.user(Role.APPLICANT)
    db.session.commit()
    client = login_as(reader)

    def fill(n: int, start: int) -> None:
        db.session.execute(insert(Notification), [
            {"user_id": reader.id, "kind": "test", "subject": f"通知{i}", "body": "正文",
             "link": f"/applications/{i}", "created_at": clock.now()}
            for i in range(start, start + n)])
        db.session.commit()

    def measure(page: int = 1) -> tuple[int, str]:
        db.session.expire_all()
        with counted_statements() as statements:
            response = client.get(f"/notifications?page={page}")
        assert response.status_code == 200
        return len(statements), response.get_data(as_text=True)

    fill(10, 0)
    few, first = measure()
    fill(90, 10)
    many, listed = measure()
    _same, last = measure(4)

    assert many == few
    assert len(re.findall(r'data-note="\d+"', first)) == 10
    assert len(re.findall(r'data-note="\d+"', listed)) == 25
    assert len(re.findall(r'data-note="\d+"', last)) == 25
    assert "/notifications?page=2" in listed
