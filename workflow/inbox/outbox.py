"""The mail outbox: sending it with Flask-Mail, trying failed mails again, and what officers
see of it.

Mails wait in `outbox_mails` (notifications.notify queues them). `send_outbox`, run by
`flask tick`, sends the due ones over one SMTP connection. Each mail is claimed before it is
sent, by an UPDATE that succeeds only for whoever saw its attempt count first, so two ticks
(or a tick and the background sender) never send one mail twice. A failed mail keeps its
error and is due again after a wait that doubles each time; after MAIL_MAX_ATTEMPTS it is
given up, and an officer can retry it. Account mails do not wait for the tick: once the
transaction that queued them commits, they are sent in the background (`send_soon`): by a
job of the queue's workers when REDIS_URL is set, else by a thread of this process.
"""
import logging
import queue
import re
import smtplib
import ssl
import threading
from contextlib import ExitStack, suppress
from datetime import timedelta
from email.utils import parseaddr

from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_mail import BadHeaderError, Connection, Message
from redis.exceptions import RedisError
from sqlalchemy import and_, case, event, func, or_, select, update

from workflow.accounts.models.users import User
from workflow.core import audit
from workflow.core.clock import now
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db, mail
from workflow.inbox.models import OutboxMail
from workflow.jobs import queue as jobs
from workflow.lifecycle.permissions import can
from workflow.web.queries.lists import Page, paginate

log = logging.getLogger(__name__)

BATCH = 100
LONGEST_WAIT = timedelta(days=1)
# What one mail can fail with: the server's answers and network errors (smtplib's errors
# are OSErrors), a header Flask-Mail refuses, an address that cannot be encoded.
SEND_ERRORS = (OSError, BadHeaderError, ValueError)
STATUS = {
    "waiting": and_(OutboxMail.sent_at.is_(None), OutboxMail.given_up_at.is_(None),
                    OutboxMail.error == ""),
    "failed": and_(OutboxMail.sent_at.is_(None), OutboxMail.given_up_at.is_(None),
                   OutboxMail.error != ""),
    "given_up": and_(OutboxMail.sent_at.is_(None), OutboxMail.given_up_at.is_not(None)),
    "sent": OutboxMail.sent_at.is_not(None),
}
_SOON = "outbox_send_soon"  # key in the session's info: mail ids to send after the commit


def init_app(app) -> None:
    mail.init_app(app)
    app.extensions["outbox_sender"] = _BackgroundSender(app)


def backoff(attempts: int) -> timedelta:
    """How long a mail waits after its `attempts`-th attempt: MAIL_RETRY_MINUTES, doubled
    for each attempt before, at most a day."""
    first = timedelta(minutes=current_app.config["MAIL_RETRY_MINUTES"])
    return min(first * 2 ** min(max(attempts - 1, 0), 16), LONGEST_WAIT)


class _Connection(Connection):
    """Flask-Mail's connection, opened with a timeout (Flask-Mail sets none, so a silent
    server would hang the tick) and checking the server's certificate (smtplib's STARTTLS
    checks none unless given a context)."""

    def configure_host(self) -> smtplib.SMTP:
        server, timeout = self.mail, current_app.config["MAIL_TIMEOUT_SECONDS"]
        context = ssl.create_default_context()
        if server.use_ssl:
            host = smtplib.SMTP_SSL(server.server, server.port, timeout=timeout,
                                    context=context)
        else:
            host = smtplib.SMTP(server.server, server.port, timeout=timeout)
        try:
            if server.use_tls:
                host.starttls(context=context)
            if server.username and server.password:
                host.login(server.username, server.password)
        except BaseException:
            host.close()
            raise
        return host

    def __exit__(self, *exc_info) -> None:
        with suppress(OSError):  # the connection broke already: nothing left to close
            super().__exit__(*exc_info)


def _message(row: OutboxMail) -> Message:
    message = Message(subject=row.subject, recipients=[row.to_address], body=row.body,
                      sender=current_app.config["MAIL_DEFAULT_SENDER"],
                      extra_headers={"Auto-Submitted": "auto-generated"})
    # One id per outbox row: a mail sent again after a crash is recognisably the same mail.
    domain = parseaddr(message.sender)[1].rpartition("@")[2] or "localhost"
    message.msgId = f"<outbox-{row.id}.{row.created_at:%Y%m%d%H%M%S}@{domain}>"
    return message


def _describe(error: Exception) -> str:
    """The server's answer (code and text) where there is one, else the error itself."""
    def text(answer) -> str:
        return answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)

    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{address}: {code} {text(answer)}"
                         for address, (code, answer) in error.recipients.items())
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {text(error.smtp_error)}"
    return str(error) or type(error).__name__


def _permanent(error: Exception) -> bool:
    """A refusal that trying again cannot change: the server refused the address for good
    (5xx), or the mail cannot be written."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _text in error.recipients.values())
    return isinstance(error, BadHeaderError | ValueError)


def _broken(error: Exception) -> bool:
    """Whether the connection is lost, so that the rest of the batch waits for the next one."""
    return isinstance(error, smtplib.SMTPServerDisconnected) or (
        isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException))


def _due(limit: int, only: list[int] | None) -> list[tuple[int, int]]:
    stmt = (select(OutboxMail.id, OutboxMail.attempts)
            .where(OutboxMail.sent_at.is_(None), OutboxMail.given_up_at.is_(None),
                   or_(OutboxMail.next_attempt_at.is_(None), OutboxMail.next_attempt_at <= now()))
            .order_by(OutboxMail.id).limit(limit))
    if only is not None:
        stmt = stmt.where(OutboxMail.id.in_(only))
    due = [tuple(row) for row in db.session.execute(stmt)]
    db.session.commit()  # end the read: each claim is a transaction of its own
    return due


def _claim(mail_id: int, attempts: int) -> OutboxMail | None:
    """Count an attempt and move the next try past its wait, unless someone else did since
    `attempts` was read (then None). Committed at once, so other senders see it."""
    claimed = db.session.execute(
        update(OutboxMail)
        .where(OutboxMail.id == mail_id, OutboxMail.attempts == attempts,
               OutboxMail.sent_at.is_(None), OutboxMail.given_up_at.is_(None))
        .values(attempts=attempts + 1, next_attempt_at=now() + backoff(attempts + 1))
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return db.session.get(OutboxMail, mail_id) if claimed else None


def _record_failure(row: OutboxMail, error: Exception) -> None:
    row.error = _describe(error)[:500]
    if _permanent(error) or row.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        row.given_up_at, row.next_attempt_at = now(), None
    db.session.commit()


def send_outbox(*, limit: int = BATCH, only: list[int] | None = None) -> int:
    """Send the mails that are due (among `only` when given) over one connection; returns
    how many the server accepted. Without MAIL_SERVER nothing is sent.

    Side effects, each committed on its own since a mail that left cannot be called back:
    every mail is claimed before it is sent, then marked sent, or keeps the error and waits
    (given up after its last attempt or a permanent refusal). When the server cannot be
    reached, every due mail counts a failed attempt; when the connection breaks, the mails
    not tried yet stay as they were."""
    if not current_app.config["MAIL_SERVER"]:
        return 0
    due, sent = _due(limit, only), 0
    if not due:
        return 0
    with ExitStack() as stack:
        try:
            # The settings as they are now (Flask-Mail keeps those of start-up).
            server = mail.init_mail(current_app.config)
            connection = stack.enter_context(_Connection(server))
        except SEND_ERRORS as error:
            log.warning("mail server %s: %s", current_app.config["MAIL_SERVER"], error)
            for mail_id, attempts in due:
                if (row := _claim(mail_id, attempts)) is not None:
                    _record_failure(row, error)
            return 0
        for mail_id, attempts in due:
            if (row := _claim(mail_id, attempts)) is None:
                continue  # another sender has it
            try:
                connection.send(_message(row))
            except SEND_ERRORS as error:
                _record_failure(row, error)
                if _broken(error):
                    break
                continue
            row.sent_at, row.error, row.next_attempt_at = now(), "", None
            db.session.commit()
            sent += 1
    return sent


def send_soon(row: OutboxMail) -> None:
    """Send `row` in the background as soon as the current transaction commits (when a
    mail server is set); `flask tick` sends it otherwise, or when this attempt fails."""
    db.session.info.setdefault(_SOON, []).append(row.id)


@event.listens_for(db.session, "after_commit")
def _hand_over(session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint was released: the rows are not committed yet
    ids = session.info.pop(_SOON, None)
    if ids and has_app_context() and current_app.config["MAIL_SERVER"] and not _queued(ids):
        current_app.extensions["outbox_sender"].hand_over(ids)


def _queued(ids: list[int]) -> bool:
    """Hand the mails to the queue's workers; False without a queue, or when Redis cannot be
    reached (this process's thread sends them then)."""
    try:
        return jobs.enqueue(send_outbox, limit=len(ids), only=ids) is not None
    except RedisError as error:
        log.warning("mails %s not queued, sent from here: %s", ids, error)
        return False


@event.listens_for(db.session, "after_rollback")
def _forget(session) -> None:
    if session.get_nested_transaction() is None:
        session.info.pop(_SOON, None)


class _BackgroundSender:
    """One thread per process that sends the mails handed to it, so that a request does not
    wait for the mail server: handing over costs the same whatever happens next."""

    def __init__(self, app):
        self.app, self.queue, self.lock, self.thread = app, queue.SimpleQueue(), \
            threading.Lock(), None

    def hand_over(self, ids: list[int]) -> None:
        self.queue.put(ids)
        with self.lock:
            if self.thread is None or not self.thread.is_alive():  # first use, or forked
                self.thread = threading.Thread(target=self._run, name="centerflow-mail",
                                               daemon=True)
                self.thread.start()

    def _run(self) -> None:
        while True:
            ids = self.queue.get()
            with self.app.app_context():
                try:
                    send_outbox(limit=len(ids), only=ids)
                except Exception:  # noqa: BLE001 - the thread lives on; the tick sends them
                    log.exception("sending mails %s in the background failed", ids)


# What officers see and do.


def counts() -> dict[str, int]:
    """How many mails are in each status, in one query."""
    row = db.session.execute(select(*[func.count(case((condition, 1))).label(name)
                                      for name, condition in STATUS.items()])).one()
    return dict(row._mapping)


def listing(status: str | None, *, page: int = 1, per_page: int = 25) -> Page:
    """The mails in `status` (all when None), newest first."""
    stmt = select(OutboxMail).order_by(OutboxMail.created_at.desc(), OutboxMail.id.desc())
    if status is not None:
        stmt = stmt.where(STATUS[status])
    return paginate(stmt, page=page, per_page=per_page)


# The one-time links of accounts/operations/account_links.py (link_url).
_ONE_TIME_LINK = re.compile(r"(/account/(?:activate|reset)/)[\w-]+")


def readable_body(row: OutboxMail) -> str:
    """The body as officers may read it. Where mails really leave (a mail server is set, or
    in production) a one-time account link is hidden: whoever opens it sets the recipient's
    password. Without a server, in development, the outbox is the only mailbox there is."""
    config = current_app.config
    if config["MAIL_SERVER"] or config["ENV_NAME"] == "production":
        return _ONE_TIME_LINK.sub(r"\1…", row.body)
    return row.body


def _recipient(row: OutboxMail) -> User | None:
    return db.session.get(User, row.notification.user_id) if row.notification else None


def retry_mail(row: OutboxMail, *, actor) -> None:
    """Make a failed or given-up mail due now: one more attempt, at once in the background
    when a mail server is set. Side effects: the row, an audit row; flushed."""
    if not can(actor, "outbox.retry", row):
        raise PermissionDenied("outbox.retry")
    if row.status not in ("failed", "given_up"):
        raise ServiceError(_("Only a mail that failed or was given up can be retried."))
    row.given_up_at, row.next_attempt_at = None, now()
    audit.record(actor=actor, action="retry_mail", subject=_recipient(row),
                 comment=f"{row.id} {row.to_address}: {row.error}"[:1000])
    send_soon(row)
    db.session.flush()


def retry_given_up(*, actor) -> int:
    """Make every given-up mail due now (after the mail server was down, say); returns how
    many. Side effects: the rows, one audit row; flushed."""
    if not can(actor, "outbox.retry"):
        raise PermissionDenied("outbox.retry")
    rows = list(db.session.scalars(select(OutboxMail).where(STATUS["given_up"])))
    for row in rows:
        row.given_up_at, row.next_attempt_at = None, now()
        send_soon(row)
    if rows:
        audit.record(actor=actor, action="retry_given_up_mails",
                     comment=_("%(n)d mails", n=len(rows)))
    db.session.flush()
    return len(rows)
