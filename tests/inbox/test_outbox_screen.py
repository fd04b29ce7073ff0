"""The officers' outbox (issue 9, point 14): waiting, failed, given-up and sent mails with
their counts, the error, the attempts and the next try; "retry now" for a failed or given-up
mail, and for every given-up mail at once, each audited."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from workflow.accounts.models.users import User
from workflow.accounts.operations import account_links
from workflow.core import clock
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Role
from workflow.inbox.models import OutboxMail
from workflow.inbox.notifications import notify
from workflow.lifecycle.permissions import SYSTEM

BUSY = "451 4.3.0 Mailbox busy, try later"


def queued(subject: str, **state) -> OutboxMail:
    person = factories.user(Role.EXPERT)
    notify([person], kind="test", compose=lambda user: (subject, "正文"))
    row = db.session.scalar(select(OutboxMail).where(OutboxMail.subject == subject))
    for name, value in state.items():
        setattr(row, name, value)
    db.session.commit()
    return row


@pytest.fixture
def outbox():
    """One mail in each status."""
    clock.freeze(clock.now().replace(microsecond=0))
    at = clock.now()
    return {
        "waiting": queued("等待的邮件"),
        "failed": queued("失败的邮件", attempts=2, error=BUSY,
                         next_attempt_at=at + timedelta(minutes=20)),
        "given_up": queued("放弃的邮件", attempts=8, error="550 5.1.1 No such user",
                           given_up_at=at),
        "sent": queued("已发的邮件", attempts=1, sent_at=at),
    }


def rows(html: str) -> dict[str, str]:
    """subject -> the table row of that mail."""
    table = html.split('id="outbox"', 1)[1].split("</table>", 1)[0]
    found = re.findall(r'<tr data-mail="\d+" data-status="(\w+)">(.*?)</tr>', table, re.S)
    return {status: row for status, row in found}


def test_the_outbox_counts_and_filters_each_status(outbox, login_as):
    client = login_as(factories.officer())
    html = client.get("/officer/outbox").get_data(as_text=True)
    for key in ("waiting", "failed", "given_up", "sent"):
        assert f'data-count="{key}">1<' in html
    assert 'data-count="all">4<' in html
    assert set(rows(html)) == {"waiting", "failed", "given_up", "sent"}

    failed = client.get("/officer/outbox?status=failed").get_data(as_text=True)
    (row,) = rows(failed).values()
    assert "失败的邮件" in row and BUSY in row and "<td>2</td>" in row
    next_try = clock.local(outbox["failed"].next_attempt_at).strftime("%Y-%m-%d %H:%M")
    assert next_try in row and 'data-action="retry"' in row
    assert 'data-action="retry-given-up"' not in failed

    given_up = client.get("/officer/outbox?status=given_up").get_data(as_text=True)
    assert "550 5.1.1 No such user" in given_up and 'data-action="retry-given-up"' in given_up
    listing = rows(client.get("/officer/outbox").get_data(as_text=True))
    assert 'data-action="retry"' not in listing["waiting"] + listing["sent"]


def test_the_mail_page_shows_the_error_attempts_and_next_try(outbox, login_as):
    mail = outbox["failed"]
    html = login_as(factories.officer()).get(f"/officer/outbox/{mail.id}").get_data(
        as_text=True)
    assert f'<dd class="col-sm-10 text-danger" id="mail-error">{BUSY}</dd>' in html
    assert clock.local(mail.next_attempt_at).strftime("%Y-%m-%d %H:%M") in html
    assert 'data-action="retry"' in html


@pytest.mark.parametrize("status", ["failed", "given_up"])
def test_retry_now_makes_the_mail_due_at_once_and_is_audited(outbox, login_as, status):
    officer = factories.officer()
    mail = outbox[status]
    recipient = db.session.get(User, mail.notification.user_id)

    response = login_as(officer).post(f"/officer/outbox/{mail.id}/retry")

    assert response.status_code == 302
    db.session.expire_all()
    assert (mail.status, mail.next_attempt_at, mail.given_up_at) == ("failed", clock.now(), None)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "retry_mail"))
    assert (entry.actor_id, entry.subject_user_id) == (officer.id, recipient.id)
    assert mail.error in entry.comment


@pytest.mark.parametrize("status", ["waiting", "sent"])
def test_a_waiting_or_sent_mail_is_not_retried(outbox, login_as, status):
    mail = outbox[status]
    before = (mail.attempts, mail.next_attempt_at, mail.sent_at)
    client = login_as(factories.officer())
    client.post("/language/en")
    response = client.post(f"/officer/outbox/{mail.id}/retry", follow_redirects=True)
    assert "Only a mail that failed or was given up can be retried." in response.get_data(
        as_text=True)
    db.session.expire_all()
    assert (mail.attempts, mail.next_attempt_at, mail.sent_at) == before
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "retry_mail")) is None


def test_every_given_up_mail_is_retried_at_once(outbox, login_as):
    officer = factories.officer()
    second = queued("又一封放弃的邮件", attempts=8, error=BUSY, given_up_at=clock.now())
    failed_before = outbox["failed"].next_attempt_at

    assert login_as(officer).post("/officer/outbox/retry-given-up").status_code == 302

    db.session.expire_all()
    assert {(m.given_up_at, m.next_attempt_at) for m in (outbox["given_up"], second)} == {
        (None, clock.now())}
    assert outbox["failed"].next_attempt_at == failed_before
    (entry,) = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "retry_given_up_mails")).all()
    assert entry.actor_id == officer.id and "2" in entry.comment


def test_officers_do_not_read_one_time_links_where_mails_really_leave(app, login_as,
                                                                      monkeypatch):
    user = factories.user(Role.EXPERT)
    user.password_hash = None
    url = account_links.invite(user, actor=SYSTEM)
    db.session.commit()
    mail = db.session.scalar(select(OutboxMail).where(OutboxMail.to_address == user.email))
    client = login_as(factories.officer())
    token = url.rsplit("/", 1)[1]

    assert token in client.get(f"/officer/outbox/{mail.id}").get_data(as_text=True)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.com")
    html = client.get(f"/officer/outbox/{mail.id}").get_data(as_text=True)
    assert token not in html and "/account/activate/…" in html
