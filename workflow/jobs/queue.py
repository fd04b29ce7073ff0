"""The one way to hand work to the queue: `enqueue` (or None without REDIS_URL, when the
caller does the work in-process as it always did), `submit` (enqueue, or run it now) and
`state` (what became of a job, for the page that waits for it).

A job is a module-level function and plain arguments: the worker imports it by name and
calls it inside its app context (`worker.py`). Jobs keep their result or error in Redis
for a week, so a page can still say how it ended.
"""
import logging
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from rq.job import Job, JobStatus

log = logging.getLogger(__name__)

QUEUE_NAME = "centerflow"
KEEP_SECONDS = 7 * 24 * 3600
WAITING = {s.value for s in (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED,
                          JobStatus.DEFERRED, JobStatus.RATE_LIMITED)}
ENDED_BADLY = {s.value for s in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED)}


@dataclass(frozen=True)
class JobState:
    status: str  # queued, started, finished, failed, ... (RQ's JobStatus)
    error: str = ""  # the last line of the failed job's traceback: its exception
    since: datetime | None = None  # when it was queued, or started

    @property
    def waiting(self) -> bool:
        return self.status in WAITING

    @property
    def failed(self) -> bool:
        return self.status in ENDED_BADLY


def enabled() -> bool:
    """Whether slow work goes to the queue (REDIS_URL is set)."""
    return bool(current_app.config.get("REDIS_URL"))


def connection() -> Redis:
    """One client (and its connection pool) per app and address. A Redis that does not
    answer fails a request within seconds instead of holding it (the worker lengthens the
    read timeout for its own blocking reads)."""
    url = current_app.config["REDIS_URL"]
    clients = current_app.extensions.setdefault("jobs_redis", {})
    if url not in clients:
        clients[url] = Redis.from_url(url, socket_connect_timeout=3, socket_timeout=10)
    return clients[url]


def work_queue() -> Queue:
    return Queue(QUEUE_NAME, connection=connection())


def enqueue(task, *args, job_id: str | None = None, timeout: int = 600, **kwargs) -> Job | None:
    """Queue `task(*args, **kwargs)`; None when there is no queue. With `job_id`, a job of
    that id still queued or running is returned instead of a second one."""
    if not enabled():
        return None
    queue = work_queue()
    if job_id is not None:
        current = queue.fetch_job(job_id)
        if current is not None and current.get_status().value in WAITING:
            return current
    return queue.enqueue_call(task, args=args, kwargs=kwargs, job_id=job_id, timeout=timeout,
                              result_ttl=KEEP_SECONDS, failure_ttl=KEEP_SECONDS)


def submit(task, *args, job_id: str | None = None, timeout: int = 600, **kwargs):
    """Queue `task` when there is a queue (returns the job), else run it now (returns what
    it returns)."""
    job = enqueue(task, *args, job_id=job_id, timeout=timeout, **kwargs)
    return job if job is not None else task(*args, **kwargs)


def state(job_id: str) -> JobState | None:
    """What became of the job `job_id`; None without a queue, for a job unknown (never
    queued, or forgotten after a week) or when Redis cannot be reached (logged)."""
    if not enabled():
        return None
    try:
        job = work_queue().fetch_job(job_id)
        if job is None:
            return None
        status = job.get_status().value
        result = job.latest_result() if status in ENDED_BADLY else None
        since = job.started_at or job.enqueued_at
    except RedisError as error:
        log.warning("job %s: %s", job_id, error)
        return None
    error = ""
    if result is not None and result.exc_string:
        error = result.exc_string.strip().splitlines()[-1]
    return JobState(status, error, since)
