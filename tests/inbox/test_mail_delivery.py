"""Mail really leaves (issue 9, point 14): against a real SMTP server started by the test
(aiosmtpd), with the app configured from the environment as in production, each test reads
what the server received. A failed mail stays queued with its error, is tried again after a
wait that doubles and is given up after the last attempt; two senders at once send each
mail once; account mails leave right after the commit, without the request waiting."""
import asyncio
import email
import email.policy
import json
import re
import socket
import threading
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import select

from tests import factories
from workflow import create_app
from workflow.accounts.operations import account_links
from workflow.core import clock
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Action, AppState, Role
from workflow.inbox import outbox
from workflow.inbox.models import OutboxMail
from workflow.inbox.notifications import notify
from workflow.lifecycle.permissions import SYSTEM
from workflow.lifecycle.transitions import transition

BASE = "https://kjt.example.gov.cn"
SENDER = "山东省科学技术厅 <noreply@kjt.example.gov.cn>"
REASONS = "请补充近三年研发费用专项审计报告。"


class Inbox:
    """An SMTP handler that keeps what it receives. `refuse` answers every recipient with
    that reply; `hold` (an Event) keeps a message waiting in DATA until it is set."""

    def __init__(self):
        self.messages: list[tuple[tuple, email.message.EmailMessage]] = []
        self.refuse: str | None = None
        self.hold: threading.Event | None = None
        self.delay = 0.0
        self.receiving = threading.Event()
        self.logins: list[tuple[bytes, bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.receiving.set()
        if self.hold is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.hold.wait, 20)
        await asyncio.sleep(self.delay)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((session.peer, parsed))
        return "250 Message accepted"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret-passw0rd")

    @property
    def received(self) -> list[email.message.EmailMessage]:
        return [message for _peer, message in self.messages]

    def wait_for(self, n: int, seconds: float = 10) -> list[email.message.EmailMessage]:
        deadline = time.monotonic() + seconds
        while len(self.messages) < n and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.received


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(),
                            authenticator=handler.authenticate, auth_require_tls=False)
    controller.start()
    handler.port = controller.port
    yield handler
    if handler.hold is not None:
        handler.hold.set()
    controller.stop()


@pytest.fixture
def production(app, inbox, monkeypatch):
    """Make an app as production does, from the environment: the test database, the mail
    server of `inbox` and the variables given; only TESTING is passed as an override. The
    app's context is pushed: factories and services write through it."""
    contexts = []

    def make(**variables):
        variables = {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                     "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(inbox.port),
                     "MAIL_DEFAULT_SENDER": SENDER, "PUBLIC_BASE_URL": BASE,
                     "MAIL_TIMEOUT_SECONDS": "5", **variables}
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        made = create_app({"TESTING": True})
        context = made.app_context()
        context.push()
        contexts.append(context)
        return made

    yield make
    for context in reversed(contexts):
        db.session.rollback()
        db.engine.dispose()
        context.pop()


def tick(made) -> dict:
    db.session.commit()
    result = made.test_cli_runner().invoke(args=["tick", "--json"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return json.loads(result.output)


def mails() -> list[OutboxMail]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def queue(n: int = 1) -> list:
    """`n` mails to `n` people, of a kind that waits for the tick."""
    people = [factories.user(Role.EXPERT) for _ in range(n)]
    for person in people:
        notify([person], kind="test", compose=lambda user: ("评审提醒", f"您好，{user.name}。"))
    db.session.commit()
    return people


def wait_until(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.expire_all()
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_tick_sends_the_outbox_through_the_server_set_in_the_environment(production, inbox):
    made = production()
    assert (made.config["MAIL_SERVER"], made.config["MAIL_PORT"]) == ("127.0.0.1", inbox.port)
    lead = factories.applicant()
    english = factories.user(Role.APPLICANT, organization=lead.organization)
    english.locale = "en"
    application = factories.application(lead=lead, state=AppState.SUBMITTED)
    transition(application, Action.RETURN, actor=factories.recommender(), comment=REASONS)
    db.session.commit()
    assert inbox.received == []  # a decision's mails wait for the tick

    assert tick(made)["mails_sent"] == 2

    received = {message["To"]: message for message in inbox.received}
    assert set(received) == {lead.email, english.email}
    link = f"{BASE}/applications/{application.id}"
    chinese = received[lead.email]
    assert chinese["From"] == SENDER
    assert chinese["Subject"] == f"{application.title}：已被退回修改"
    assert chinese.get_content_charset() == "utf-8"
    body = chinese.get_content()
    assert REASONS in body and "您单位的申报“" in body and link in body
    assert received[english.email]["Subject"] == f"{application.title}: returned for revision"
    assert link in received[english.email].get_content()
    assert re.fullmatch(r"<outbox-\d+\.\d{14}@kjt\.example\.gov\.cn>", chinese["Message-ID"])
    assert len({peer for peer, _message in inbox.messages}) == 1  # one connection per batch
    assert [(m.attempts, m.error, m.sent_at is not None) for m in mails()] == [(1, "", True)] * 2

    assert tick(made)["mails_sent"] == 0
    assert len(inbox.messages) == 2


def test_the_username_and_password_from_the_environment_log_in(production, inbox):
    made = production(MAIL_USERNAME="centerflow", MAIL_PASSWORD="s3cret-passw0rd")
    queue(1)
    assert tick(made)["mails_sent"] == 1
    assert inbox.logins == [(b"centerflow", b"s3cret-passw0rd")]


def test_a_refused_login_keeps_the_mail_queued_with_its_error(production, inbox):
    # smtplib tries the next mechanism after a refusal, which aiosmtpd leaves unanswered:
    # the error is then the timeout.
    made = production(MAIL_USERNAME="centerflow", MAIL_PASSWORD="wrong",
                      MAIL_TIMEOUT_SECONDS="1")
    queue(1)
    assert tick(made)["mails_sent"] == 0
    (row,) = mails()
    assert (row.status, row.attempts) == ("failed", 1) and row.error
    assert inbox.logins[0] == (b"centerflow", b"wrong") and inbox.received == []


def test_starttls_required_but_not_offered_sends_nothing_and_the_mail_waits(production, inbox):
    made = production(MAIL_USE_TLS="true")
    queue(1)
    clock.freeze(clock.now())

    assert tick(made)["mails_sent"] == 0

    (row,) = mails()
    assert "STARTTLS" in row.error
    assert (row.sent_at, row.given_up_at, row.attempts) == (None, None, 1)
    assert row.next_attempt_at == clock.now() + timedelta(minutes=10)
    assert row.status == "failed" and inbox.received == []


def test_a_server_that_cannot_be_reached_counts_an_attempt_for_every_due_mail(production):
    made = production(MAIL_PORT=str(free_port()))  # nothing listens there
    queue(2)
    assert tick(made)["mails_sent"] == 0
    assert [(m.attempts, m.sent_at is None, "refused" in m.error) for m in mails()] == [
        (1, True, True)] * 2


def test_a_failed_mail_is_tried_again_later_each_time_and_given_up_after_the_last(production,
                                                                                 inbox):
    made = production(MAIL_MAX_ATTEMPTS="3", MAIL_RETRY_MINUTES="10")
    inbox.refuse = "451 4.3.0 Mailbox busy, try later"
    queue(1)
    start = clock.now()

    def tick_at(minutes: int):
        clock.freeze(start + timedelta(minutes=minutes))
        tick(made)
        (row,) = mails()
        return row.attempts, row.next_attempt_at, row.given_up_at

    assert tick_at(0) == (1, start + timedelta(minutes=10), None)
    assert mails()[0].error.endswith("451 4.3.0 Mailbox busy, try later")
    assert tick_at(9) == (1, start + timedelta(minutes=10), None)  # not due yet
    assert tick_at(10) == (2, start + timedelta(minutes=30), None)
    assert tick_at(30) == (3, None, start + timedelta(minutes=30))
    assert tick_at(60 * 48) == (3, None, start + timedelta(minutes=30))
    assert mails()[0].status == "given_up" and inbox.received == []

    # The officer retries once the server is well again: it leaves at once, in the background.
    inbox.refuse = None
    officer = factories.officer()
    outbox.retry_mail(mails()[0], actor=officer)
    db.session.commit()
    assert len(inbox.wait_for(1)) == 1
    assert wait_until(lambda: mails()[0].status == "sent")
    assert mails()[0].attempts == 4
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "retry_mail"))
    assert entry.actor_id == officer.id and "451" in entry.comment


def test_a_permanent_refusal_is_given_up_at_once(production, inbox):
    made = production()
    inbox.refuse = "550 5.1.1 No such user"
    queue(1)
    tick(made)
    (row,) = mails()
    assert (row.status, row.attempts, row.next_attempt_at) == ("given_up", 1, None)
    assert "550 5.1.1 No such user" in row.error


def test_two_senders_at_once_send_each_mail_once(production, inbox):
    made = production()
    people = queue(12)
    inbox.delay = 0.03  # long enough for the two senders to overlap
    counts, errors = [], []

    def send():
        try:
            with made.app_context():
                counts.append(outbox.send_outbox())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == [] and sum(counts) == 12
    assert sorted(m["To"] for m in inbox.received) == sorted(p.email for p in people)
    assert {(m.attempts, m.status) for m in mails()} == {(1, "sent")}


def test_account_mails_leave_after_the_commit_without_waiting_for_the_tick(production, inbox):
    production()
    expert = factories.user(Role.EXPERT)
    expert.password_hash = None
    lead = factories.applicant()
    application = factories.application(lead=lead, state=AppState.SUBMITTED)
    db.session.commit()

    url = account_links.invite(expert, actor=SYSTEM)
    transition(application, Action.RETURN, actor=factories.recommender(), comment=REASONS)
    db.session.commit()

    (message,) = inbox.wait_for(1)
    assert message["To"] == expert.email and url.startswith(f"{BASE}/account/activate/")
    assert url in message.get_content()
    assert wait_until(lambda: [m.status for m in mails()] == ["sent", "waiting"])
    time.sleep(0.2)
    assert len(inbox.messages) == 1  # the decision's mail waits for the tick


def test_an_account_mail_that_fails_in_the_background_is_sent_by_a_later_tick(production,
                                                                             inbox):
    made = production()
    inbox.refuse = "451 4.3.0 Try later"
    expert = factories.user(Role.EXPERT)
    expert.password_hash = None
    account_links.invite(expert, actor=SYSTEM)
    db.session.commit()
    assert wait_until(lambda: mails()[0].status == "failed")

    inbox.refuse = None
    clock.freeze(clock.now() + timedelta(minutes=10))
    assert tick(made)["mails_sent"] == 1
    assert [m["To"] for m in inbox.received] == [expert.email]


def _reset(client, address: str) -> float:
    page = client.get("/account/reset").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    started = time.perf_counter()
    response = client.post("/account/reset", data={"email": address, "csrf_token": token})
    assert response.status_code == 200
    taken = time.perf_counter() - started
    response.close()  # the link is made once the answer is sent, as a server closes it
    return taken


def test_a_reset_answers_while_the_mail_server_still_holds_the_mail(production, inbox):
    made = production()
    user = factories.applicant()
    db.session.commit()
    inbox.hold = threading.Event()
    client = made.test_client()

    unknown = _reset(client, "nobody@example.com")
    known = _reset(client, user.email)

    assert inbox.receiving.wait(10)  # the server holds the mail in DATA...
    assert inbox.received == []
    assert known < unknown + 0.5  # ...and the answer did not wait for it
    inbox.hold.set()
    (message,) = inbox.wait_for(1)
    assert message["To"] == user.email
    assert re.search(re.escape(BASE) + r"/account/reset/[\w-]{40,}", message.get_content())
    assert wait_until(lambda: [m.status for m in mails()] == ["sent"])
