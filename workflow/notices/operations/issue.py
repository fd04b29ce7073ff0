"""Issuing a call's approval notice: one number, one notice PDF and one letter per approved
application, each stored once; then the applications are approved and the call decided.

The work is split so that a crash loses nothing. `issue_notice` takes the number and
creates every document row as pending, in one transaction. `store_next_document` renders
and stores one pending document; the caller commits after each. `finish_issue` approves
the applications once every document is stored. Running the steps again after a crash
goes on where they stopped: a stored document is never rendered again and the number is
never taken twice.
"""
import base64
import os
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select, update

from workflow.calls.models import Call
from workflow.calls.operations.calls import advance_call
from workflow.core import audit, clock, storage
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.filenames import download_name
from workflow.core.pdf import pdf_setup
from workflow.core.states import CALLS_ANNOUNCED, Action, CallState
from workflow.core.verification_codes import new_code, normalize_code
from workflow.departments.rules import calls_of
from workflow.inbox.notifications import absolute_url, lead_users, notify
from workflow.intake.models import Application
from workflow.lifecycle.permissions import can, notice_of
from workflow.lifecycle.transitions import transition
from workflow.notices.documents.batch import DocumentJob, render_all, render_job
from workflow.notices.documents.content import letter_data, notice_data
from workflow.notices.documents.official import (
    chinese_date,
    render_letter,
    render_notice,
)
from workflow.notices.models import (
    NOTICE_MACHINE,
    DecisionDocument,
    Notice,
    NoticeState,
    OfficialDocument,
    number_text,
)
from workflow.notices.operations import numbers
from workflow.notices.queries import (
    approval_pending,
    draft_content,
    draft_problems,
    issue_problems,
    label,
    revocations,
    signature_current,
)


def verify_url(code: str) -> str:
    return absolute_url(f"/verify/{code}")


def overview(call) -> dict:
    """What the notice page of `call` shows: the draft and what stops it while it is open,
    the documents and their progress once it is issued."""
    notice = notice_of(call)
    if notice is not None and notice.state != NoticeState.SIGNED:
        return {"notice": notice, "progress": progress(notice)}
    return {"notice": notice, "draft": draft_content(call), "draft_number": draft_number(call),
            "units": approval_pending(call), "problems": draft_problems(call),
            "issue_problems": issue_problems(call),
            "signature_current": notice is not None and signature_current(call, notice)}


def issue_notice(call, *, actor) -> Notice:
    """Take the next number of the office and year and create the notice's documents, all
    pending, in one transaction. Side effects: the number row, the document rows, one
    audit row; flushed. On a ServiceError the caller rolls back, which gives the number
    back."""
    if not can(actor, "notice.issue", call):
        raise PermissionDenied("notice.issue")
    problems = issue_problems(call)
    if problems:
        raise ServiceError(*problems)
    notice = notice_of(call)
    content, today = notice.content, clock.local(clock.now()).date()
    number = numbers.allocate_number(content["office_code"], today.year,
                                     title=content["title"], actor=actor)
    claimed = NOTICE_MACHINE.claim(
        notice, "number", actor=actor, call=call, comment=f"{number.text} {content['title']}",
        where=[Notice.content_sha256 == notice.content_sha256],
        number_id=number.id, issued_on=today, issued_by_id=actor.id, issued_at=clock.now())
    if not claimed:
        raise ServiceError(_("Someone else issued or signed this notice a moment ago. Reload "
                             "the page."))
    db.session.add(OfficialDocument(notice_id=notice.id, kind="notice", position=0,
                                    verification_code=new_code()))
    for position, unit in enumerate(content["units"], start=1):
        db.session.add(OfficialDocument(notice_id=notice.id, kind="letter", position=position,
                                        application_id=unit["application_id"],
                                        verification_code=new_code()))
    db.session.flush()
    return notice


def progress(notice: Notice) -> tuple[int, int]:
    """(documents stored, documents in all)."""
    return sum(d.stored_at is not None for d in notice.documents), len(notice.documents)


def seal_uri(content: dict) -> str | None:
    """The seal the content names as a data: image, read back only if unchanged."""
    seal = content.get("seal")
    if not seal:
        return None
    data = storage.read_verified(storage.seals_dir() / seal["stored_name"], seal["sha256"])
    return "data:image/png;base64," + base64.b64encode(data).decode()


def document_job(doc: OfficialDocument) -> DocumentJob:
    """What rendering `doc` needs, as plain data: the content the leader signed, its number
    and date, and its verification code and URL; the seal is added where it is rendered."""
    notice = doc.notice
    content = notice.content
    options = {"number": notice.number.text, "date": chinese_date(notice.issued_on),
               "seal_uri": None, "verification": None}
    if doc.kind == "notice":
        data = notice_data(content, **options)
    else:
        unit = next(u for u in content["units"] if u["application_id"] == doc.application_id)
        data = letter_data(content, unit, **options)
    return DocumentJob(data, doc.code_groups, verify_url(doc.verification_code))


def render_document(doc: OfficialDocument) -> bytes:
    """The PDF of one document of an issued notice, from the content the leader signed."""
    return render_job(document_job(doc), seal_uri=seal_uri(doc.notice.content))


def draft_number(call) -> str:
    """The number line of the draft: this year's, its sequence left blank."""
    office = draft_content(call)["office_code"]
    return number_text(office, clock.local(clock.now()).year, None)


def render_preview(call, *, letter: bool = False) -> bytes:
    """The current draft as a PDF marked as a draft: no number, no verification code."""
    content = draft_content(call)
    options = {"number": draft_number(call), "date": chinese_date(clock.local(clock.now())),
               "seal_uri": seal_uri(content), "verification": None}
    if letter and content["units"]:
        return render_letter(letter_data(content, content["units"][0], **options))
    return render_notice(notice_data(content, **options))


def _pending(notice: Notice):
    return (select(OfficialDocument)
            .where(OfficialDocument.notice_id == notice.id, OfficialDocument.stored_at.is_(None))
            .order_by(OfficialDocument.position))


def store_next_document(notice: Notice, *, actor) -> OfficialDocument | None:
    """Render and store the first pending document of `notice`; None when none is left.
    Side effects: the file, the row; flushed (see `_store`)."""
    if not can(actor, "notice.issue", notice.call):
        raise PermissionDenied("notice.issue")
    doc = db.session.scalar(_pending(notice).limit(1))
    if doc is None:
        return None
    _store(notice, doc, render_document(doc))
    return doc


def store_documents(notice: Notice, *, actor, processes: int | None = None,
                    limit: int | None = None) -> int:
    """Render and store the pending documents of `notice` (the first `limit` of them, or
    all), many at a time in worker
    processes (documents/batch.py), each stored here as it comes back, in order; the
    number stored. The workers only render: the files, the rows and their flush stay in
    this process and in the caller's transaction. An error stops at the document it hit,
    those before it stored (a later call goes on from there), nothing approved. Side
    effects: the files, the rows; flushed."""
    if not can(actor, "notice.issue", notice.call):
        raise PermissionDenied("notice.issue")
    pending = list(db.session.scalars(_pending(notice).limit(limit)))
    if not pending:
        return 0
    rendered = render_all([document_job(doc) for doc in pending], setup=pdf_setup(),
                          seal_uri=seal_uri(notice.content), processes=processes)
    for doc, data in zip(pending, rendered, strict=True):
        _store(notice, doc, data)
    return len(pending)


def _store(notice: Notice, doc: OfficialDocument, data: bytes) -> None:
    """Store the PDF of a pending document. The file is written under a temporary name
    first; the row is then claimed with an UPDATE that only a pending row matches, so of
    two concurrent steps one stores the document and the other drops its copy."""
    folder = storage.documents_dir()
    staged = storage.write_temporary(folder, data)
    name = f"{doc.kind}-{notice.id}-{doc.position:03d}-{doc.verification_code}.pdf"
    claimed = db.session.execute(
        update(OfficialDocument)
        .where(OfficialDocument.id == doc.id, OfficialDocument.stored_at.is_(None))
        .values(stored_name=name, sha256=staged.sha256, size_bytes=staged.size,
                stored_at=clock.now())).rowcount
    if claimed != 1:
        storage.discard(staged)
    else:
        # Named by its row, which is still pending: a copy of that name is one a step that
        # crashed before its commit left, and no committed row names it.
        storage.move_into_place(staged, folder / name, replace_leftover=True)
    db.session.flush()
    db.session.refresh(doc)


def finish_issue(notice: Notice, *, actor) -> bool:
    """Once every document is stored: approve each listed application (ISSUE_NOTICE), tell
    its lead unit, and move the call to decided. False when documents are still pending or
    the notice was finished already. Side effects: states, audit rows, notifications."""
    stored, total = progress(notice)
    if stored < total:
        return False
    if not NOTICE_MACHINE.claim(notice, "complete", actor=actor, call=notice.call,
                                comment=notice.number.text, completed_at=clock.now()):
        return False
    number = notice.number.text
    for doc in notice.documents:
        if doc.application is not None:
            _approve(doc.application, number, actor)
    if notice.call.state == CallState.PUBLICITY:
        advance_call(notice.call, CallState.DECIDED, actor=actor, comment=number)
    db.session.flush()
    return True


def _approve(app: Application, number: str, actor) -> None:
    transition(app, Action.ISSUE_NOTICE, actor=actor, comment=number)

    def compose(user):
        return (_("%(title)s: approved by %(number)s", title=app.title, number=number),
                _("Your application “%(title)s” was approved by the notice %(number)s. "
                  "Download the notice and your unit's letter from the application page.",
                  title=app.title, number=number))

    notify(lead_users(app), kind=str(Action.ISSUE_NOTICE), compose=compose, application=app,
           link=f"/applications/{app.id}")


def revoke_document(doc: OfficialDocument, *, reason: str, actor) -> list[OfficialDocument]:
    """Revoke an issued document with a reason; revoking the notice revokes its letters too.
    The files and the number stay; the verification page shows the revocation. Side
    effects: the rows, one audit row per document; flushed. Returns what was revoked."""
    if not can(actor, "document.revoke", doc):
        raise PermissionDenied("document.revoke")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ServiceError(_("Please give your reasons."))
    if len(reason) > 1000:
        raise ServiceError(_("The reason is longer than %(n)d characters.", n=1000))
    if doc.notice.state != NoticeState.ISSUED:
        # While letters are still being stored, a revoked notice would approve anyway.
        raise ServiceError(_("Documents can be revoked once the notice is issued in full."))
    targets = doc.notice.documents if doc.kind == "notice" else [doc]
    revoked = []
    for target in targets:
        changed = db.session.execute(
            update(OfficialDocument)
            .where(OfficialDocument.id == target.id, OfficialDocument.revoked_at.is_(None),
                   OfficialDocument.stored_at.is_not(None))
            .values(revoked_at=clock.now(), revoked_by_id=actor.id, revoke_reason=reason)
            .execution_options(synchronize_session=False)).rowcount
        if changed:
            db.session.refresh(target)
            revoked.append(target)
            audit.record(actor=actor, action="revoke_document", call=doc.notice.call,
                         application=target.application,
                         comment=f"{label(target)}: {reason}")
    if not revoked:
        raise ServiceError(_("This document is revoked already."))
    db.session.flush()
    return revoked


def find_by_code(text: str) -> OfficialDocument | None:
    """The issued document with this verification code; None for unknown or pending ones."""
    code = normalize_code(text)
    if code is None:
        return None
    return db.session.scalar(select(OfficialDocument).where(
        OfficialDocument.verification_code == code, OfficialDocument.stored_at.is_not(None)))


def document_bytes(doc: OfficialDocument) -> bytes:
    """The stored file, exactly as issued; DamagedFile when it was changed or lost."""
    return storage.read_verified(storage.documents_dir() / doc.stored_name, doc.sha256)


def export_name(doc: OfficialDocument) -> str:
    """鲁科字〔2022〕154号.pdf for the notice, 鲁科字〔2022〕154号-山东…有限公司.pdf for a letter
    (one letter per unit and notice, so the names in an export folder differ)."""
    number = doc.notice.number.text if doc.notice.number else ""
    unit = doc.application.lead_org.name if doc.kind == "letter" else ""
    return download_name(number, unit, fallback=f"document-{doc.id}")


def issued_documents() -> list[OfficialDocument]:
    return list(db.session.scalars(
        select(OfficialDocument).where(OfficialDocument.stored_at.is_not(None))
        .order_by(OfficialDocument.notice_id, OfficialDocument.position)))


def issued_decisions() -> list[DecisionDocument]:
    return list(db.session.scalars(select(DecisionDocument).order_by(DecisionDocument.id)))


def decision_export_name(doc: DecisionDocument) -> str:
    """鲁科字〔2025〕12号.pdf: one number per decision, so the names differ."""
    return download_name(doc.number.text, "", fallback=f"decision-{doc.id}")


def calls_with_notices(user=None) -> list[tuple]:
    """Every call from its announcement on, with its notice (or None), newest first; for an
    officer or a leader `user`, their department's."""
    return [tuple(row) for row in db.session.execute(
        select(Call, Notice).outerjoin(Notice, Notice.call_id == Call.id)
        .where(Call.state.in_(CALLS_ANNOUNCED)
               | Notice.id.is_not(None), calls_of(user))
        .order_by(Call.year.desc(), Call.id.desc()))]


def describe(doc: OfficialDocument) -> dict:
    """What the public verification page shows of an issued document."""
    notice, content = doc.notice, doc.notice.content
    units = content["units"] if doc.kind == "notice" else [
        u for u in content["units"] if u["application_id"] == doc.application_id]
    title = content["title"]
    if doc.kind == "letter":
        title = letter_data(content, units[0], number=notice.number.text,
                            date=chinese_date(notice.issued_on), seal_uri=None,
                            verification=None).title
    return {"number": notice.number.text, "date": chinese_date(notice.issued_on),
            "agency": content["agency"], "title": title, "units": units,
            "kind_label": _("Approval notice") if doc.kind == "notice" else _("Approval letter"),
            "revoked_centers": revoked_centers(units)}


def revoked_centers(units: list[dict]) -> list[dict]:
    """The listed units whose center was revoked since, with when: {"center", "on"}."""
    revoked = revocations(u["application_id"] for u in units)
    return [{"center": u["center"], "on": revoked[u["application_id"]]}
            for u in units if u["application_id"] in revoked]


def compare_upload(doc: OfficialDocument, stream) -> dict:
    """The SHA-256 of an uploaded file and whether it is the issued file."""
    value = storage.sha256_of_stream(stream)
    return {"sha256": value, "matches": value == doc.sha256}


def notice_to_resume(call_id: int) -> Notice:
    """The notice of a call whose issue may need finishing, or ServiceError."""
    call = db.session.get(Call, call_id)
    notice = notice_of(call) if call is not None else None
    if notice is None or notice.state == NoticeState.SIGNED:
        raise ServiceError(_("Call %(id)d has no notice being issued.", id=call_id))
    return notice


def export_documents(folder: Path) -> list[Path]:
    """Copy every issued PDF (notices, letters, decision documents) into `folder` (made if
    its parent exists), each checked against its recorded SHA-256; ServiceError for a
    folder that cannot be written or a stored file that was changed."""
    try:
        folder.mkdir(exist_ok=True)
        if not os.access(folder, os.W_OK):
            raise PermissionError(folder)
    except FileExistsError as exc:
        raise ServiceError(_("%(path)s is a file, not a folder.", path=folder)) from exc
    except OSError as exc:
        raise ServiceError(_("Cannot write into %(path)s: %(reason)s", path=folder,
                             reason=exc.strerror or "permission denied")) from exc
    written, damaged = [], []
    for doc, name in [*((d, export_name(d)) for d in issued_documents()),
                      *((d, decision_export_name(d)) for d in issued_decisions())]:
        try:
            data = storage.read_verified(storage.documents_dir() / doc.stored_name, doc.sha256)
        except storage.DamagedFile as exc:
            damaged.append(str(exc))
            continue
        target = folder / name
        target.write_bytes(data)
        written.append(target)
    if damaged:
        raise ServiceError(*damaged)
    return written
