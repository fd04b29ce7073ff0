"""Business licences (营业执照): PDFs checked by core/pdf_check.py, each upload kept, written
once under UPLOAD_DIR/licences and read back only while its SHA-256 matches the record."""
import secrets
from pathlib import Path

from workflow.core import audit, storage
from workflow.core.extensions import db
from workflow.core.pdf_check import CheckedPdf
from workflow.organizations.models import Licence


def licence_path(licence: Licence) -> Path:
    return storage.licences_dir() / licence.stored_name


def read_licence(licence: Licence) -> bytes:
    """The licence's bytes; storage.DamagedFile when the file is gone or was changed."""
    return storage.read_verified(licence_path(licence), licence.sha256)


def add_licence(org, pdf: CheckedPdf, *, actor) -> Licence:
    """Keep `pdf` as the unit's current licence (earlier ones stay on record).

    Side effects: a read-only file named by a random token, a row with its SHA-256 and page
    count, an audit row about the unit; flushed."""
    name = secrets.token_hex(20) + ".pdf"
    stored = storage.write_once(storage.licences_dir(), name, pdf.data)
    row = Licence(organization=org, stored_name=name, size_bytes=stored.size,
                  sha256=stored.sha256, pages=pdf.pages, uploaded_by_id=getattr(actor, "id", None))
    db.session.add(row)
    audit.record(actor=actor, action="upload_licence", organization=org,
                 comment=f"SHA-256 {stored.sha256}")
    db.session.flush()
    return row
