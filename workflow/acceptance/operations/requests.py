"""The lead unit's request for acceptance: started, its self-assessment written (the value
achieved for each indicator the signed task book sets a final target for, a narrative), its
PDF attachments stored, then submitted to the department. Functions flush; the caller
commits."""
import os
import secrets
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import func, select

from workflow.acceptance import queries
from workflow.acceptance.models import (
    REQUEST_MACHINE,
    AcceptanceAttachment,
    AcceptanceRequest,
)
from workflow.acceptance.rules import final_targets
from workflow.centers.indicators import BY_CODE
from workflow.core import audit, clock, storage
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.pdf_check import read_upload
from workflow.core.states import Role
from workflow.inbox.notifications import notify, staff
from workflow.lifecycle.permissions import can

NARRATIVE_LIMIT = 20000
MAX_ATTACHMENTS = 10


def _require(actor, action: str, obj) -> None:
    if not can(actor, action, obj):
        raise PermissionDenied(action)


def _today():
    return clock.local(clock.now()).date()


def start_request(app, *, actor) -> AcceptanceRequest:
    """A new request in drafting for the center `app` (its next attempt). One audit row."""
    _require(actor, "acceptance.apply", app)
    if problems := queries.start_problems(app, _today()):
        raise ServiceError(*problems)
    attempt = (db.session.scalar(select(func.max(AcceptanceRequest.attempt)).where(
        AcceptanceRequest.application_id == app.id)) or 0) + 1
    request = AcceptanceRequest(application=app, attempt=attempt)
    db.session.add(request)
    audit.record(actor=actor, action="start_acceptance", application=app,
                 comment=_("Attempt %(n)d", n=attempt))
    db.session.flush()
    return request


def checked_values(request: AcceptanceRequest, raw: dict) -> dict[str, float]:
    """The values typed for the indicators the task book sets targets for: each a number of
    0 or more; ServiceError naming every bad one (nothing is saved then)."""
    book = queries.signed_task_book(request.application)
    codes = final_targets(book.indicators if book else {})
    values, problems = {}, []
    for code in codes:
        text = str(raw.get(code) or "").strip().replace(",", "")
        if not text:
            continue
        try:
            value = float(text)
        except ValueError:
            value = None
        if value is None or value != value or value in (float("inf"), float("-inf")) \
                or value < 0:
            problems.append(_("%(indicator)s: give a number of 0 or more.",
                              indicator=BY_CODE[code].label))
            continue
        values[code] = value
    if problems:
        raise ServiceError(*problems)
    return values


def save_self_assessment(request: AcceptanceRequest, values: dict, narrative: str, *,
                         actor) -> AcceptanceRequest:
    """Keep the values achieved and the narrative (refused whole on a bad value). One audit
    row with the SHA-256 of what is kept."""
    _require(actor, "acceptance.edit", request)
    narrative = (narrative or "").strip()
    if len(narrative) > NARRATIVE_LIMIT:
        raise ServiceError(_("The narrative is longer than %(n)d characters.",
                             n=NARRATIVE_LIMIT))
    request.values = checked_values(request, values)
    request.narrative = narrative
    audit.record(actor=actor, action="edit_acceptance", application=request.application,
                 comment=audit.edit_comment("self_assessment",
                                            {"values": request.values,
                                             "narrative": narrative}))
    db.session.flush()
    return request


def upload_dir() -> Path:
    return storage.uploads_dir()


def read_attachment(row: AcceptanceAttachment) -> bytes:
    """The stored PDF as uploaded; storage.DamagedFile when it is gone or was changed."""
    return storage.read_verified(upload_dir() / row.stored_name, row.sha256)


def add_attachment(request: AcceptanceRequest, *, filename: str, stream,
                   actor) -> AcceptanceAttachment:
    """Check and store one PDF (core/pdf_check.py): a refused file leaves nothing behind.
    A read-only file under a random name, a row with its SHA-256, one audit row."""
    _require(actor, "acceptance.edit", request)
    if len(request.attachments) >= MAX_ATTACHMENTS:
        raise ServiceError(_("A request takes at most %(n)d attachments.", n=MAX_ATTACHMENTS))
    pdf = read_upload(stream)
    name = secrets.token_hex(20) + ".pdf"
    stored = storage.write_once(upload_dir(), name, pdf.data)
    clean = "".join(ch for ch in os.path.basename((filename or "").replace("\\", "/"))
                    if ch.isprintable()).strip() or "attachment.pdf"
    row = AcceptanceAttachment(request=request, original_name=clean[:255], stored_name=name,
                               sha256=stored.sha256, size_bytes=stored.size,
                               uploaded_by_id=actor.id)
    db.session.add(row)
    audit.record(actor=actor, action="upload_acceptance_attachment",
                 application=request.application, comment=f"{row.original_name} "
                                                          f"sha256:{stored.sha256}")
    db.session.flush()
    return row


def remove_attachment(row: AcceptanceAttachment, *, actor) -> None:
    """Take an attachment off a request in drafting (its file stays, unread). One audit
    row."""
    request = row.request
    _require(actor, "acceptance.edit", request)
    audit.record(actor=actor, action="remove_acceptance_attachment",
                 application=request.application, comment=row.original_name)
    request.attachments.remove(row)
    db.session.flush()


def submit_problems(request: AcceptanceRequest) -> list[str]:
    """What the request still lacks: a value for every indicator with a target, the
    narrative, at least one attachment."""
    book = queries.signed_task_book(request.application)
    missing = [str(BY_CODE[code].label) for code in final_targets(book.indicators if book
                                                                  else {})
               if code not in (request.values or {})]
    problems = []
    if missing:
        problems.append(_("Give the value achieved of: %(items)s", items="、".join(missing)))
    if not request.narrative:
        problems.append(_("Write the narrative of the self-assessment."))
    if not request.attachments:
        problems.append(_("Attach the acceptance report as a PDF."))
    return problems


def submit_request(request: AcceptanceRequest, *, actor) -> AcceptanceRequest:
    """Send the request to the department: the officers are told. One audit row."""
    _require(actor, "acceptance.edit", request)
    if problems := submit_problems(request):
        raise ServiceError(*problems)
    REQUEST_MACHINE.move(request, "submit", actor=actor, application=request.application,
                         submitted_at=clock.now())
    center = request.application.title

    def compose(user):
        return (_("An acceptance request waits for its panel"),
                _("The center “%(center)s” applied for acceptance. Form its panel.",
                  center=center))

    notify(staff(Role.OFFICER), kind="acceptance_submitted", compose=compose,
           application=request.application, link=f"/acceptance/{request.id}")
    return request
