"""Slow work as jobs: with REDIS_URL the notice's documents, the mails and the tick are queued
in the machine's Redis and done by `flask worker` (run here in burst mode); without it the
app does them in-process as before. Each test asserts what the job changed in the database
and on disk, and what the officer's page says meanwhile and afterwards."""
import hashlib
import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.confirming import confirmed
from tests.inbox.test_mail_delivery import inbox  # noqa: F401 - a fixture
from workflow.accounts.operations import account_links
from workflow.calls.models import Call
from workflow.core import clock, storage
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.inbox.models import OutboxMail
from workflow.intake.models import Application
from workflow.jobs import queue as jobs
from workflow.jobs.worker import AppWorker
from workflow.lifecycle.permissions import notice_of
from workflow.notices.operations import drafts as notices
from workflow.notices.operations import issue as notice_issue


@pytest.fixture(autouse=True)
def own_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))


@pytest.fixture
def batch():
    """A call whose two applications wait for approval, its officer, and the draft signed."""
    officer, leader = factories.officer(), factories.leader()
    call = factories.call(actor=officer)
    apps = factories.approval_pending_batch(call, 2, officer)
    notices.sign_notice(call, actor=leader)
    db.session.commit()
    return call, apps, officer


def run_worker(app) -> str:
    """`flask worker --burst`: every queued job, then stop. The worker ends the session after
    each job, so the test reads its rows again afterwards."""
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    return result.output


def states(app_ids) -> set[str]:
    return set(db.session.scalars(select(Application.state).where(
        Application.id.in_(app_ids))))


def notice_page(client, call_id) -> str:
    return client.get(f"/officer/calls/{call_id}/notice").get_data(as_text=True)


def notice_of_call(call_id):
    return notice_of(db.session.get(Call, call_id))


def test_issuing_with_a_queue_is_done_by_the_worker(app, redis_queue, batch, login_as):
    call, apps, officer = batch
    call_id, app_ids = call.id, [a.id for a in apps]
    client = login_as(officer)
    assert confirmed(client, f"/officer/calls/{call_id}/notice/issue").status_code == 302
    notice = notice_of_call(call_id)
    assert (notice.state, notice_issue.progress(notice)) == ("issuing", (0, 3))
    assert jobs.work_queue().count == 1
    page = notice_page(client, call_id)
    assert 'data-job="queued"' in page and "data-issue-steps" not in page
    # Since when it waits: a job no worker takes stands out.
    assert re.search(r'data-job="queued">[^<]*\d{4}-\d\d-\d\d \d\d:\d\d', page)

    run_worker(app)

    notice = notice_of_call(call_id)
    assert notice.state == "issued" and states(app_ids) == {AppState.APPROVED}
    for doc in notice.documents:
        stored = (storage.documents_dir() / doc.stored_name).read_bytes()
        assert stored.startswith(b"%PDF") and hashlib.sha256(stored).hexdigest() == doc.sha256
    page = notice_page(client, call_id)
    assert page.count('href="/documents/') == 3 and "data-job" not in page


def test_a_failed_job_says_why_approves_nothing_and_issuing_again_goes_on(
        app, redis_queue, batch, login_as, monkeypatch):
    call, apps, officer = batch
    call_id, app_ids = call.id, [a.id for a in apps]

    def broken(jobs, **_):
        raise OSError("disk full")

    monkeypatch.setattr(notice_issue, "render_all", broken)
    client = login_as(officer)
    confirmed(client, f"/officer/calls/{call_id}/notice/issue")
    run_worker(app)

    notice = notice_of_call(call_id)
    assert (notice.state, notice_issue.progress(notice)) == ("issuing", (0, 3))
    assert states(app_ids) == {AppState.APPROVAL_PENDING}
    assert [p.name for p in storage.documents_dir().iterdir()
            if not p.name.startswith("publicity-")] == []
    page = notice_page(client, call_id)
    assert 'data-job="failed"' in page and "OSError: disk full" in page

    monkeypatch.setattr(notice_issue, "render_all",
                        lambda jobs, **_: [b"%PDF-1.4 %%EOF" for _ in jobs])
    again = client.post(f"/officer/notices/{notice.id}/step")
    assert again.status_code == 302 and notice_issue.progress(notice) == (0, 3)
    assert 'data-job="queued"' in notice_page(client, call_id)
    run_worker(app)
    assert notice_of_call(call_id).state == "issued"
    assert states(app_ids) == {AppState.APPROVED}


def test_a_mail_that_leaves_at_once_is_sent_by_the_worker(app, redis_queue, inbox,  # noqa: F811
                                                          monkeypatch):
    for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": inbox.port,
                       "MAIL_TIMEOUT_SECONDS": 5}.items():
        monkeypatch.setitem(app.config, key, value)
    handed_to_thread = []
    monkeypatch.setattr(app.extensions["outbox_sender"], "hand_over", handed_to_thread.append)
    user = factories.officer()
    email = user.email
    account_links.send_reset_link(user.id)
    db.session.commit()  # queues the job instead of waking this process's sender thread
    (job,) = jobs.work_queue().jobs
    assert job.func_name == "workflow.inbox.outbox.send_outbox" and handed_to_thread == []
    assert inbox.received == []

    run_worker(app)

    (received,) = inbox.wait_for(1)
    assert received["To"] == email
    (row,) = db.session.scalars(select(OutboxMail))
    assert row.sent_at is not None and row.attempts == 1


def test_the_tick_is_queued_once_and_run_by_the_worker(app, redis_queue):
    call = factories.call()
    draft_id = factories.application(call, complete=False).id
    db.session.commit()
    clock.freeze(call.closes_at + timedelta(minutes=1))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["worker", "--queue-tick"])
    second = runner.invoke(args=["worker", "--queue-tick"])
    assert "tick queued: job tick" in first.output and "tick queued: job tick" in second.output
    assert jobs.work_queue().count == 1
    assert db.session.get(Application, draft_id).state == AppState.DRAFT

    run_worker(app)

    assert db.session.get(Application, draft_id).state == AppState.EXPIRED
    assert jobs.state("tick").status == "finished"


def test_the_worker_stops_soon_after_its_last_job(app, redis_queue):
    """Stopping waits for the thread that listens for RQ's commands; RQ lets it wait a
    minute for one, so every burst run and every shutdown hung for up to 60 s."""
    worker = AppWorker([jobs.work_queue()], connection=jobs.connection())
    worker.subscribe()
    worker.pubsub.unsubscribe()
    # The listening thread reads the answer and, no longer subscribed, waits for a new
    # subscription as long as it would wait for a command: then the worker is stopped.
    time.sleep(0.3)
    started = time.monotonic()
    worker.unsubscribe()
    assert time.monotonic() - started < 5
    assert not worker.pubsub_thread.is_alive()


def test_without_redis_the_work_is_done_in_process(app, batch, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "")
    call, apps, officer = batch
    call_id, app_ids = call.id, [a.id for a in apps]
    assert jobs.enqueue(notice_issue.progress, None) is None
    assert jobs.submit(sum, [1, 2]) == 3

    refused = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert refused.exit_code != 0 and "REDIS_URL is not set" in refused.output
    ticked = app.test_cli_runner().invoke(args=["worker", "--queue-tick"])
    assert ticked.exit_code == 0 and '"mails_sent": 0' in ticked.output

    monkeypatch.setattr(notice_issue, "render_document", lambda doc: b"%PDF-1.4 %%EOF")
    client = login_as(officer)
    confirmed(client, f"/officer/calls/{call_id}/notice/issue")
    page = notice_page(client, call_id)
    assert "data-issue-steps" in page and "data-job" not in page
    notice = notice_of_call(call_id)
    client.post(f"/officer/notices/{notice.id}/step")
    db.session.expire_all()
    assert notice.state == "issued" and states(app_ids) == {AppState.APPROVED}


def test_when_redis_cannot_be_reached_the_officer_issues_on_the_page(app, batch, login_as,
                                                                       monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens
    monkeypatch.setattr(notice_issue, "render_document", lambda doc: b"%PDF-1.4 %%EOF")
    call, apps, officer = batch
    call_id, app_ids = call.id, [a.id for a in apps]
    client = login_as(officer)
    client.post("/language/en", data={"next": "/"})
    confirmed(client, f"/officer/calls/{call_id}/notice/issue")
    page = notice_page(client, call_id)
    assert "The background worker cannot be reached" in page and "data-job" not in page
    notice = notice_of_call(call_id)
    assert (notice.state, notice_issue.progress(notice)) == ("issuing", (0, 3))

    client.post(f"/officer/notices/{notice.id}/step")
    db.session.expire_all()
    assert notice.state == "issued" and states(app_ids) == {AppState.APPROVED}
