"""Benchmark the approval notice's PDFs; prints one JSON object.

    python -m bench.notices --letters 30 --repeat 7
    python -m bench.notices --letters 300 --repeat 3

Sizes (a letter, the notice, the batch), the warm time of one letter, the time of the whole
batch (issued through `store_documents`: worker processes from PROCESSES_FROM documents on)
and the peak resident memory of this process and of the largest worker.

On a temporary app and SQLite database of its own (instance/ is not touched): a call whose
applications wait for approval (built through the services, as the tests build them), the
leader's signature and the officer's issue. Reports the warm time of one letter rendered
through the app's path (the issued content, the seal, the QR code, the template,
workflow.core.pdf with its fetcher) against WeasyPrint alone on the same HTML and CSS in the same
run, the time of the whole batch (the letters and the notice stored, the applications
approved), the file sizes, and whether libharfbuzz-subset is there (DOMAIN.md section 10).
"""
import argparse
import io
import json
import resource
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from flask_migrate import upgrade
from weasyprint import CSS, HTML  # only to time it alone; the app renders through workflow.core.pdf

from workflow import create_app
from workflow.core import pdf
from workflow.core.extensions import db
from workflow.notices.documents import official
from workflow.notices.documents.batch import worker_count
from workflow.notices.documents.specimen import specimen_seal
from workflow.notices.operations import drafts as notices
from workflow.notices.operations import issue as notice_issue

STATIC = Path(pdf.__file__).resolve().parent / "static"


def _timed(work) -> tuple[float, object]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def _build_batch(letters: int):
    """A call with `letters` applications waiting for approval, signed by a leader."""
    from tests import factories

    officer = factories.officer()
    call = factories.call(actor=officer, fields=[f"领域{i + 1}" for i in range(letters)],
                          quota=max(30, letters))
    factories.approval_pending_batch(call, letters, officer)
    notices.store_seal(call, stream=io.BytesIO(specimen_seal()), actor=officer)
    notices.sign_notice(call, actor=factories.leader())
    db.session.commit()
    return call, officer


def _letter_html(doc) -> str:
    """The HTML the app renders for `doc`, as render_document builds it."""
    job = notice_issue.document_job(doc)
    data = replace(job.data, seal_uri=notice_issue.seal_uri(doc.notice.content),
                            verification=official.verification(job.code_groups, job.url))
    return official.letter_html(data)


def _weasyprint_alone(html: str) -> bytes:
    """The same HTML and CSS through WeasyPrint's own fetcher (the stylesheet as a file)."""
    css_file = (STATIC / "css" / "official.css").as_uri()
    return HTML(string=html.replace("static:css/official.css", css_file)).write_pdf(
        stylesheets=[CSS(string=pdf.font_css())])


def _compare(doc, repeat: int) -> dict:
    html = _letter_html(doc)
    notice_issue.render_document(doc)  # warm both: fonts, templates, caches
    _weasyprint_alone(html)
    app_path, alone = [], []
    for _ in range(repeat):  # interleaved, so drift of the machine hits both alike
        app_path.append(_timed(lambda: notice_issue.render_document(doc))[0])
        alone.append(_timed(lambda: _weasyprint_alone(html))[0])
    app_s, alone_s = statistics.median(app_path), statistics.median(alone)
    return {"letter_app_path_s": round(app_s, 4), "letter_weasyprint_only_s": round(alone_s, 4),
            "ratio": round(app_s / alone_s, 3)}


def run(letters: int, repeat: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="centerflow-bench-"))
    app = create_app({"TESTING": True, "SECRET_KEY": "bench",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
                      "UPLOAD_DIR": str(folder / "uploads")})
    with app.app_context():
        upgrade()
        setup_s, (call, officer) = _timed(lambda: _build_batch(letters))

        def issue_all():
            notice = notice_issue.issue_notice(call, actor=officer)
            db.session.commit()
            notice_issue.store_documents(notice, actor=officer)
            db.session.commit()
            notice_issue.finish_issue(notice, actor=officer)
            db.session.commit()
            return notice

        batch_s, notice = _timed(issue_all)
        sizes = [d.size_bytes for d in notice.documents]
        return {
            "harfbuzz_subset_available": pdf.harfbuzz_subset_available(),
            **_compare(notice.documents[1], repeat),
            "batch": {"letters": letters, "documents": len(notice.documents),
                      "processes": worker_count(), "seconds": round(batch_s, 2),
                      "seconds_per_document": round(batch_s / len(notice.documents), 3)},
            "bytes": {"notice": sizes[0], "letter_median": int(statistics.median(sizes[1:])),
                      "letter_max": max(sizes[1:]), "batch_total": sum(sizes)},
            # ru_maxrss is in KiB on Linux; the children's is that of the largest worker.
            "peak_rss_mb": {
                "parent": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "largest_worker": round(
                    resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)},
            "setup_seconds": round(setup_s, 1),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(json.dumps(run(args.letters, args.repeat), indent=2))


if __name__ == "__main__":
    main()
