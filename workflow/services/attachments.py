"""PDF attachments: checked by content, stored outside static under generated names."""
import hashlib
import os
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from workflow.clock import now
from workflow.extensions import db
from workflow.models import Application, Attachment
from workflow.permissions import Part, can
from workflow.services import audit
from workflow.services.errors import PermissionDenied, ServiceError

CHUNK = 1024 * 1024


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(attachment: Attachment) -> Path:
    return upload_dir() / attachment.stored_name


def looks_like_pdf(head: bytes, tail: bytes) -> bool:
    """A PDF starts with %PDF- within its first KiB and ends with %%EOF (ISO 32000 7.5)."""
    return b"%PDF-" in head[:1024] and b"%%EOF" in tail[-2048:]


def _read_limited(stream, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ServiceError(
            _("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024))
        )
    return data


def store_attachment(app: Application, *, kind: str, filename: str, stream, actor) -> Attachment:
    """Check and store one PDF for `kind`, replacing the current one of that kind.

    Side effects: a file under UPLOAD_DIR named by a random token, a row with its SHA-256,
    the replaced row marked (its file stays for earlier versions), one audit row.
    """
    kinds = {r.code for r in app.call.required_attachments}
    if kind not in kinds:
        raise ServiceError(_("Choose which attachment this file is."))
    if not can(actor, "application.edit_part", Part(app, f"attachment:{kind}")):
        raise PermissionDenied("application.edit_part")
    limit = current_app.config["MAX_ATTACHMENT_MB"] * 1024 * 1024
    data = _read_limited(stream, limit)
    if not data:
        raise ServiceError(_("The file is empty."))
    if not looks_like_pdf(data[:1024], data[-2048:]):
        raise ServiceError(_("Only PDF files are accepted; this file is not a PDF."))
    stored = secrets.token_hex(20) + ".pdf"
    target = upload_dir() / stored
    tmp = target.with_suffix(".part")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    for old in app.current_attachments():
        if old.kind == kind:
            old.replaced_at = now()
    row = Attachment(
        application=app, kind=kind, original_name=_clean_name(filename),
        stored_name=stored, size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_id=actor.id,
    )
    db.session.add(row)
    audit.record(actor=actor, action="upload_attachment", application=app,
                 comment=f"{kind}: {row.original_name}")
    db.session.flush()
    return row


def _clean_name(filename: str) -> str:
    name = os.path.basename((filename or "").replace("\\", "/")).strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return (name or "attachment.pdf")[:255]
