"""The jobs: issuing a notice's documents, and the tick (`flask worker --queue-tick`). Mails
are queued by the outbox itself (`inbox/outbox.py`: its `send_outbox` is the job).

Each job commits its own work, as the command it replaces did; whatever fails rolls back
and is raised, so the queue records the error for the page that waits for it.
"""
from workflow import tick
from workflow.core.extensions import db
from workflow.jobs import queue
from workflow.notices.models import Notice
from workflow.notices.operations import issue as notice_issue

# A letter takes about two seconds to render, so a thousand fit; a job cut off by the timeout
# has committed what it stored, and continuing from the page goes on from there.
ISSUE_TIMEOUT_SECONDS = 3600
# Documents rendered at once on every core (notices/documents/batch.py) and committed
# together: the page's count moves every CHUNK documents; starting the worker processes
# costs a second or two per chunk.
CHUNK = 100
TICK_TIMEOUT_SECONDS = 1800


def issue_job_id(notice_id: int) -> str:
    return f"issue-notice-{notice_id}"


def issue_documents(notice_id: int) -> dict:
    """Store every pending document of the notice, then approve its applications, as the
    officer who issued it (what `flask notices resume` does). Side effects: files, rows,
    states, notifications, committed CHUNK documents at a time; nothing is approved unless
    every document is stored. Returns the progress."""
    notice = db.session.get(Notice, notice_id)
    try:
        while notice_issue.store_documents(notice, actor=notice.issued_by, limit=CHUNK):
            db.session.commit()
        notice_issue.finish_issue(notice, actor=notice.issued_by)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    stored, total = notice_issue.progress(notice)
    return {"notice": notice_id, "stored": stored, "total": total, "state": str(notice.state)}


def queue_issue(notice: Notice):
    """Hand the storing of `notice`'s documents to the queue; None without one (the page
    stores them a few per request instead)."""
    return queue.enqueue(issue_documents, notice.id, job_id=issue_job_id(notice.id),
                         timeout=ISSUE_TIMEOUT_SECONDS)


def issue_state(notice: Notice) -> queue.JobState | None:
    return queue.state(issue_job_id(notice.id))


def queue_tick():
    """Queue one tick (never a second while one waits or runs), or run it now without a
    queue; returns the job, or what the tick did."""
    return queue.submit(tick.run, job_id="tick", timeout=TICK_TIMEOUT_SECONDS)
