"""The application book (申报书) of each submitted version: the SHA-256 of what the version
froze, the book rendered from that snapshot (intake/documents/book.py) on its first download
and stored once, and the verification of a printed book by its code.

The book is rendered from the version's snapshot, never from the live application: only the
call (title, year, department, attachment labels) and the application's city, which a
submission does not change, come from elsewhere.
"""
import hashlib
import json

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select, update

from workflow.application_forms.queries import form_of_snapshot
from workflow.application_forms.schema import value_text, visible
from workflow.core import clock, storage
from workflow.core.errors import PermissionDenied
from workflow.core.extensions import db
from workflow.core.filenames import download_name
from workflow.core.regions import city_name
from workflow.core.verification_codes import normalize_code, qr_data_uri
from workflow.inbox.notifications import absolute_url
from workflow.intake.documents.book import (
    AttachmentRow,
    BookData,
    CoBuilder,
    Field,
    Section,
    Verification,
    beijing_time,
    chinese_number,
    file_size,
    render_book,
)
from workflow.intake.models import Application, ApplicationVersion
from workflow.lifecycle.permissions import can

LONG_KINDS = frozenset({"textarea", "table"})


def snapshot_sha256(snapshot: dict) -> str:
    """The SHA-256 of a snapshot's canonical JSON (keys sorted, no spaces, UTF-8): the same
    whichever database stored it. The migration e14a00000001 computes it the same way."""
    canonical = json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def snapshot_intact(version: ApplicationVersion) -> bool:
    """Whether the stored snapshot still has the SHA-256 recorded at submission."""
    return snapshot_sha256(version.snapshot) == version.snapshot_sha256


def verify_url(code: str) -> str:
    return absolute_url(f"/applications/verify/{code}")


def version_of(app: Application, number: int) -> ApplicationVersion | None:
    return next((v for v in app.versions if v.number == number), None)


def find_by_code(text: str) -> ApplicationVersion | None:
    """The version whose book prints this code (typed in any case, with dashes), or None."""
    code = normalize_code(text)
    if code is None:
        return None
    return db.session.scalar(select(ApplicationVersion)
                             .where(ApplicationVersion.verification_code == code))


def compare_upload(version: ApplicationVersion, stream) -> dict:
    """The SHA-256 of an uploaded file and whether it is the stored book."""
    value = storage.sha256_of_stream(stream)
    return {"sha256": value, "matches": value == version.pdf_sha256}


def download_name_of(version: ApplicationVersion) -> str:
    """山东省…创新中心-申报书-第1版.pdf"""
    return download_name(version.snapshot.get("title", ""), f"申报书-第{version.number}版",
                         fallback=f"application-book-{version.id}")


def book_pdf(version: ApplicationVersion, *, actor) -> bytes:
    """The stored book of `version`, exactly as first rendered; on its first download it is
    rendered and stored. Two first downloads at once store one file: the version's row is
    claimed with an UPDATE only an unstored row matches, and the other drops its copy.
    Side effects (the first time): a read-only file under documents/, the version's pdf_*
    columns; flushed. storage.DamagedFile when the stored file was changed or lost."""
    if not can(actor, "version.view", version.application):
        raise PermissionDenied("version.view")
    if version.pdf_stored_at is None:
        _store(version, render_book(book_data(version)))
    return storage.read_verified(storage.documents_dir() / version.pdf_name, version.pdf_sha256)


def _store(version: ApplicationVersion, data: bytes) -> None:
    folder = storage.documents_dir()
    staged = storage.write_temporary(folder, data)
    name = (f"book-{version.application_id}-{version.number}-"
            f"{version.verification_code}.pdf")
    claimed = db.session.execute(
        update(ApplicationVersion)
        .where(ApplicationVersion.id == version.id, ApplicationVersion.pdf_stored_at.is_(None))
        .values(pdf_name=name, pdf_sha256=staged.sha256, pdf_size=staged.size,
                pdf_stored_at=clock.now())
        .execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        storage.discard(staged)
    else:
        # Named by its row, which was unstored: a file of that name is one a download that
        # failed before its commit left, and no committed row names it.
        storage.move_into_place(staged, folder / name, replace_leftover=True)
    db.session.flush()
    db.session.refresh(version)


def book_data(version: ApplicationVersion) -> BookData:
    """What the book prints, from the version's snapshot; labels in the installation's
    language (the documents are Chinese)."""
    app, snap = version.application, version.snapshot
    call = app.call
    form = form_of_snapshot(snap, call)
    values = {k: v for part in snap.get("sections", {}).values() for k, v in part.items()}
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        sections = tuple(_section(section, snap.get("sections", {}).get(section.key, {}),
                                  call, values) for section in form.sections)
        labels = {a.key: a.label for a in form.attachments}
    labels = {**labels, **{r.code: r.label for r in call.required_attachments}}
    after = len(form.sections)
    return BookData(
        call_title=call.title, year=call.year,
        department=call.department.agency_name,
        center=snap.get("title", ""), lead_unit=snap["lead_org"]["name"],
        credit_code=snap["lead_org"]["credit_code"], field=snap.get("field", ""),
        recommender=city_name(app.region_code),
        submitted=beijing_time(clock.local(version.submitted_at)), version=version.number,
        sections=sections,
        cobuilders_heading=f"{chinese_number(after + 1)}、共建单位",
        cobuilders=tuple(CoBuilder(str(c["name"]), str(c["credit_code"]),
                                   str(c.get("division", "")), bool(c.get("confirmed")))
                         for c in snap.get("cobuilders", [])),
        attachments_heading=f"{chinese_number(after + 2)}、附件清单",
        attachments=tuple(AttachmentRow(labels.get(a["kind"], str(a["kind"])), str(a["name"]),
                                        file_size(int(a["size"])), str(a["sha256"]))
                          for a in snap.get("attachments", [])),
        snapshot_sha256=version.snapshot_sha256,
        verification=Verification(version.code_groups, verify_url(version.verification_code),
                                  qr_data_uri(verify_url(version.verification_code))),
    )


def _section(section, data: dict, call, values: dict) -> Section:
    """A section as the book prints it; a field whose condition does not hold is left out."""
    short, long = [], []
    for field in section.fields:
        if not visible(field, values):
            continue
        text = value_text(field, data.get(field.key))
        if field.kind in LONG_KINDS:
            heading = f"（{chinese_number(len(long) + 1)}）{field.label_for(call.year)}"
            value = data.get(field.key)
            if field.kind == "table":
                long.append(Field(heading, "", tuple(c.text for c in field.columns), tuple(
                    tuple(str(row.get(c.key, "")) for c in field.columns)
                    for row in (value if isinstance(value, list) else []))))
            else:
                long.append(Field(heading, text))
        else:
            short.append(Field(field.label_for(call.year), text))
    return Section(f"{chinese_number(section.number)}、{section.title}", tuple(short),
                   tuple(long))
