"""Rendering a notice's documents many at a time: in worker processes, one per CPU, each
from plain data (no app, no database, no request), the PDFs handed back in order.

A letter takes about half a second of one core, so 300 letters rendered one by one keep a
second core idle for two minutes. Starting the workers costs a few seconds (each imports
the app's modules and WeasyPrint), so a batch of fewer than PROCESSES_FROM documents is
rendered in this process, as it is when processes cannot be started at all. The bytes are
the same either way: WeasyPrint and the font compaction are deterministic.

What every document of a notice shares, the rendering setup and the seal (a data: URI of
some 40 KB), is given to each worker once when it starts, not with every document.
"""
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace

from workflow.core.pdf import PdfSetup, render_pdf
from workflow.notices.documents.official import (
    LetterData,
    NoticeData,
    letter_html,
    notice_html,
    verification,
)

PROCESSES_FROM = 16


@dataclass(frozen=True)
class DocumentJob:
    """One document to render: its data without the seal (shared by the batch) and
    without the QR code (made where it is rendered), and what the QR code says."""

    data: NoticeData | LetterData
    code_groups: str | None = None  # None: a draft, printed without verification
    url: str | None = None


def render_job(job: DocumentJob, setup: PdfSetup | None = None,
               seal_uri: str | None = None) -> bytes:
    """The PDF of one job; without a setup, the app's."""
    data = replace(job.data, seal_uri=seal_uri)
    if job.code_groups is not None:
        data = replace(data, verification=verification(job.code_groups, job.url))
    html = notice_html(data) if isinstance(data, NoticeData) else letter_html(data)
    return render_pdf(html, setup=setup)


_worker_shared: tuple[PdfSetup, str | None] | None = None


def _start_worker(setup: PdfSetup, seal_uri: str | None) -> None:
    global _worker_shared
    _worker_shared = (setup, seal_uri)


def _render_in_worker(job: DocumentJob) -> bytes:
    return render_job(job, *_worker_shared)


def worker_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)


def render_all(jobs: list[DocumentJob], *, setup: PdfSetup, seal_uri: str | None,
               processes: int | None = None) -> Iterator[bytes]:
    """The PDF of each job, in the order of `jobs`; rendered by `processes` workers (by
    default one per CPU) for a batch of PROCESSES_FROM documents or more, else here. An
    error while rendering a document is raised as it is raised here; the workers are
    stopped when the caller stops reading."""
    processes = processes or worker_count()
    done = 0
    if len(jobs) >= PROCESSES_FROM and processes > 1:
        try:
            # spawn, not fork: the parent may hold database connections and threads.
            pool = ProcessPoolExecutor(
                processes, mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker, initargs=(setup, seal_uri))
            try:
                for data in pool.map(_render_in_worker, jobs):
                    yield data
                    done += 1
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
        except (OSError, NotImplementedError, BrokenProcessPool):
            pass  # no processes to be had (or they died): the rest is rendered here
    for job in jobs[done:]:
        yield render_job(job, setup, seal_uri)
