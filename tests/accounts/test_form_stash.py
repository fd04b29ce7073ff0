"""A form sent after the session ended is not lost (web/views/kept_forms.py): what was typed is
kept server-side for an hour under a token in the new session's cookie (never files,
passwords or tokens), the user logs in again and finds the form filled in, told that it is
not saved yet. Only the same user gets it back."""
import io
import re
from datetime import datetime, timedelta
from html import unescape

import pytest
from flask_babel import refresh
from sqlalchemy import func, select

from tests import factories
from workflow.accounts.models.users import User
from workflow.core import clock
from workflow.core.extensions import db
from workflow.intake.models import Application, Attachment, CoBuilder
from workflow.web.models import KeptForm
from workflow.web.operations import form_stash

LOGIN_AT = datetime(2027, 4, 1, 9, 0, tzinfo=clock.LOCAL)
IDLE = timedelta(minutes=121)  # past SESSION_IDLE_MINUTES (120)
KEPT = "What you typed is kept for an hour"
FILLED = "What you typed before your session ended is filled in again"
TITLE = "山东省会话过期测试技术创新中心"


@pytest.fixture(autouse=True)
def real_timeouts(app, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 120)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def page(response) -> str:
    return unescape(response.get_data(as_text=True))


def logged_in(app, user):
    client = app.test_client()
    plain_open = client.open

    def open_fresh(*args, **kwargs):
        refresh()  # each request chooses its language anew (see tests/screens.py)
        return plain_open(*args, **kwargs)

    client.open = open_fresh
    with factories.clock_at(LOGIN_AT):
        client.post("/language/en", data={"next": "/"})
        assert client.post("/login", data={"email": user.email,
                                           "password": factories.PASSWORD}).status_code == 302
    return client


def log_in_again(client, user):
    response = client.post(client.last_next, data={"email": user.email,
                                                   "password": factories.PASSWORD})
    assert response.status_code == 302
    return response


def send_late(client, path, data, **kwargs):
    """Send a form after the session has ended; remember where the login page leads."""
    with factories.clock_at(LOGIN_AT + IDLE):
        response = client.post(path, data=data, **kwargs)
    assert response.status_code == 302 and response.location.startswith("/login")
    client.last_next = response.location
    return response


@pytest.fixture
def start(app):
    call = factories.call(opens_at=LOGIN_AT - timedelta(days=1),
                          closes_at=LOGIN_AT + timedelta(days=30))
    lead = factories.applicant()
    db.session.commit()
    return call, lead


def test_the_typed_form_comes_back_after_logging_in_again(app, start):
    call, lead = start
    client = logged_in(app, lead)
    typed = {"title": TITLE, "field_id": str(call.fields[1].id), "once": "x", "csrf_token": "y"}
    response = send_late(client, f"/calls/{call.id}/apply", typed)
    assert response.location == f"/login?next=%2Fcalls%2F{call.id}%2Fapply"
    row = db.session.scalar(select(KeptForm))
    assert row.user_id == lead.id and row.path == f"/calls/{call.id}/apply"
    assert dict(row.data) == {"title": TITLE, "field_id": str(call.fields[1].id)}
    assert row.expires_at - row.created_at == timedelta(hours=1)
    assert KEPT in page(client.get(response.location))

    with factories.clock_at(LOGIN_AT + IDLE + timedelta(minutes=5)):
        back = log_in_again(client, lead)
        assert back.location == f"/calls/{call.id}/apply"
        html = page(client.get(back.location))
    assert FILLED in html and "not saved yet" in html
    assert f'value="{TITLE}"' in html
    assert re.search(rf'<option selected value="{call.fields[1].id}"|'
                     rf'<option value="{call.fields[1].id}" selected', html)
    assert count(Application) == 0 and count(KeptForm) == 0
    again = page(client.get(f"/calls/{call.id}/apply"))
    assert FILLED not in again and TITLE not in again  # given back once


def test_another_user_logging_in_gets_nothing_and_the_form_is_dropped(app, start):
    call, lead = start
    client = logged_in(app, lead)
    send_late(client, f"/calls/{call.id}/apply", {"title": TITLE})
    other = factories.applicant()
    db.session.commit()
    with factories.clock_at(LOGIN_AT + IDLE):
        back = log_in_again(client, other)
        html = page(client.get(back.location))
    assert TITLE not in html and FILLED not in html
    assert count(KeptForm) == 0


def test_after_an_hour_the_form_is_gone(app, start):
    call, lead = start
    client = logged_in(app, lead)
    send_late(client, f"/calls/{call.id}/apply", {"title": TITLE})
    with factories.clock_at(LOGIN_AT + IDLE + timedelta(minutes=61)):
        back = log_in_again(client, lead)
        html = page(client.get(back.location))
    assert TITLE not in html and FILLED not in html


def test_a_form_of_a_page_that_only_posts_returns_to_the_page_it_was_sent_from(app):
    draft = factories.application(complete=False)
    partner = factories.org(name="测试研究院", kind="institute")
    lead = db.session.get(User, draft.created_by_id)
    db.session.commit()
    client = logged_in(app, lead)
    response = send_late(client, f"/applications/{draft.id}/cobuilders",
                         {"credit_code": partner.credit_code, "name": "测试研究院",
                          "division": "联合攻关"},
                         headers={"Referer": f"http://localhost/applications/{draft.id}"})
    assert response.location == f"/login?next=%2Fapplications%2F{draft.id}"
    with factories.clock_at(LOGIN_AT + IDLE):
        html = page(client.get(log_in_again(client, lead).location))
    assert f'value="{partner.credit_code}"' in html and '联合攻关</textarea>' in html
    assert count(CoBuilder) == 0


@pytest.mark.parametrize("referer", ["http://evil.example/applications/1", "javascript:x",
                                     "//evil.example/x", ""])
def test_a_foreign_referer_is_never_where_the_login_leads(app, referer):
    draft = factories.application(complete=False)
    lead = db.session.get(User, draft.created_by_id)
    db.session.commit()
    client = logged_in(app, lead)
    response = send_late(client, f"/applications/{draft.id}/cobuilders", {"name": "某单位"},
                         headers={"Referer": referer} if referer else {})
    assert "evil" not in response.location and count(KeptForm) == 0


def test_files_passwords_and_tokens_are_never_kept(app):
    draft = factories.application(complete=False)
    lead = db.session.get(User, draft.created_by_id)
    db.session.commit()
    client = logged_in(app, lead)
    send_late(client, f"/applications/{draft.id}/attachments",
              {"kind": "licence", "file": (io.BytesIO(factories.PDF), "营业执照.pdf")},
              headers={"Referer": f"http://localhost/applications/{draft.id}"})
    assert [dict(r.data) for r in db.session.scalars(select(KeptForm))] == [{"kind": "licence"}]
    assert count(Attachment) == 0
    db.session.execute(KeptForm.__table__.delete())
    db.session.commit()
    send_late(client, "/account/password", {"current_password": factories.PASSWORD,
                                            "password": "new-long-password-1",
                                            "confirm": "new-long-password-1"},
              headers={"Referer": "http://localhost/account"})
    assert count(KeptForm) == 0
    assert form_stash.keepable([("api_token", "t"), ("secret_answer", "s"), ("note", " "),
                                ("note", "留言")]) == [["note", "留言"]]


def test_a_form_too_large_to_keep_is_not_kept(app, start):
    call, lead = start
    client = logged_in(app, lead)
    response = send_late(client, f"/calls/{call.id}/apply", {"title": "x" * 250_000})
    assert count(KeptForm) == 0
    assert KEPT not in page(client.get(response.location))


def test_a_session_still_alive_keeps_nothing(app, start):
    call, lead = start
    client = logged_in(app, lead)
    with factories.clock_at(LOGIN_AT + timedelta(minutes=5)):
        response = client.post(f"/calls/{call.id}/apply", data={"title": TITLE,
                                                                 "field_id": call.fields[0].id})
    assert response.status_code == 302 and count(Application) == 1 and count(KeptForm) == 0


def test_a_form_sent_from_a_confirmation_page_leads_to_the_plain_login(app):
    officer = factories.officer()
    call = factories.call(actor=officer, opens_at=LOGIN_AT - timedelta(days=1),
                          closes_at=LOGIN_AT + timedelta(days=30))
    db.session.commit()
    client = logged_in(app, officer)
    action = f"/officer/calls/{call.id}/advance/closed"
    with factories.clock_at(LOGIN_AT + IDLE):
        response = client.post(action, data={"confirmed": "0" * 64},
                               headers={"Referer": f"http://localhost{action}"})
    assert response.location == "/login"  # not back to an address that only takes forms
    assert count(KeptForm) == 0
