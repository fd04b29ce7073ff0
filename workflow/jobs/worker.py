"""`flask worker`: the queue worker, and the timer's way of queueing the tick."""
import json

import click
from rq.worker import SimpleWorker

from workflow.core.extensions import db
from workflow.jobs import queue, tasks


class AppWorker(SimpleWorker):
    """Runs each job in this process, inside the app context the command runs in (RQ's
    default worker starts a fresh interpreter per job, without the app), with a fresh
    database session per job."""

    # How long the thread listening for RQ's commands (stop a job, shut down) waits for one at a
    # time. RQ waits 60 s, and stopping the worker waits for that thread: every `--burst` run
    # and every shutdown took up to a minute after the last job.
    COMMAND_WAIT_SECONDS = 0.5

    def subscribe(self):
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=self.COMMAND_WAIT_SECONDS, daemon=True,
            exception_handler=self._pubsub_exception_handler)

    def perform_job(self, job, queue, execution) -> bool:
        try:
            return super().perform_job(job, queue, execution)
        finally:
            db.session.remove()


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
@click.option("--queue-tick", is_flag=True,
              help="Queue one run of the tick and stop (the timer's command); without "
                   "REDIS_URL the tick runs here and now.")
def worker_command(burst, queue_tick):
    """Run the jobs the app servers queue in Redis (REDIS_URL): issuing notices, sending
    mails, the tick. Run as many as needed, on any machine that reaches the database, Redis
    and the upload folder."""
    if queue_tick:
        outcome = tasks.queue_tick()
        click.echo(json.dumps(outcome) if isinstance(outcome, dict)
                   else f"tick queued: job {outcome.id}")
        return
    if not queue.enabled():
        raise click.ClickException("REDIS_URL is not set: without a queue the app servers do "
                                   "the work themselves and no worker is needed")
    worker = AppWorker([queue.work_queue()], connection=queue.connection())
    worker.work(burst=burst, logging_level="INFO")
