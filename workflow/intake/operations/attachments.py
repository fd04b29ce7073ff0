"""PDF attachments: parsed and checked (core/pdf_check.py), stored outside static under
generated names, downloaded under a name made from the application's title."""
import os
import secrets
from pathlib import Path

from flask_babel import gettext as _

from workflow.core import audit, storage
from workflow.core.clock import now
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.filenames import download_name
from workflow.core.pdf_check import read_upload
from workflow.intake.models import Application, Attachment
from workflow.lifecycle.permissions import Part, can


def upload_dir() -> Path:
    return storage.uploads_dir()


def path_of(attachment: Attachment) -> Path:
    return upload_dir() / attachment.stored_name


def read_attachment(attachment: Attachment) -> bytes:
    """The stored PDF as uploaded; storage.DamagedFile when it is gone or was changed."""
    return storage.read_verified(path_of(attachment), attachment.sha256)


def store_attachment(app: Application, *, kind: str, filename: str, stream, actor) -> Attachment:
    """Check and store one PDF for `kind`, replacing the current one of that kind. A file
    refused by the check (core/pdf_check.py) leaves no file, row or audit row.

    Side effects: a read-only file under UPLOAD_DIR named by a random token, a row with its SHA-256,
    the replaced row marked (its file stays for earlier versions), one audit row.
    """
    kinds = {r.code for r in app.call.required_attachments}
    if kind not in kinds:
        raise ServiceError(_("Choose which attachment this file is."))
    if not can(actor, "application.edit_part", Part(app, f"attachment:{kind}")):
        raise PermissionDenied("application.edit_part")
    pdf = read_upload(stream)
    limit = next((r.max_pages for r in app.call.required_attachments if r.code == kind), None)
    if limit is not None and pdf.pages > limit:
        raise ServiceError(_("This attachment may have at most %(n)d pages; the file has "
                             "%(m)d.", n=limit, m=pdf.pages))
    name = secrets.token_hex(20) + ".pdf"
    stored = storage.write_once(upload_dir(), name, pdf.data)
    for old in app.current_attachments():
        if old.kind == kind:
            old.replaced_at = now()
    row = Attachment(
        application=app, kind=kind, original_name=_clean_name(filename),
        stored_name=name, size_bytes=stored.size, sha256=stored.sha256,
        uploaded_by_id=actor.id,
    )
    db.session.add(row)
    label = next((r.label for r in app.call.required_attachments if r.code == kind), kind)
    audit.record(actor=actor, action="upload_attachment", application=app,
                 comment=f"{label}: {row.original_name}")
    db.session.flush()
    return row


def _clean_name(filename: str) -> str:
    name = os.path.basename((filename or "").replace("\\", "/")).strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return (name or "attachment.pdf")[:255]


def download_name_of(attachment: Attachment) -> str:
    """The application's title and the attachment's label, e.g. 山东省…创新中心-营业执照.pdf."""
    app = attachment.application
    label = next((r.label for r in app.call.required_attachments
                  if r.code == attachment.kind), attachment.kind)
    return download_name(app.title, label, fallback="attachment")
