"""Uploaded PDFs are parsed, not sniffed (ASVS 5.0 V5.2): every PDF a user sends (attachments,
business licences, objection letters) is opened with qpdf (pikepdf) and refused, with the
reason, when it cannot be parsed, is encrypted, carries anything after its end (a polyglot),
has too many pages, decompresses past a limit, or holds active content: JavaScript, launch
or import actions, embedded files."""
import hashlib
import io
import zlib
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

from workflow.services.errors import ServiceError

CHUNK = 1024 * 1024
# Actions that run code, start programs, fetch or send data, or open embedded files.
ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/GoToE",
                            "/Rendition", "/RichMediaExecute"})
ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/RichMedia", "/XFA"})
# Image codecs are not decoded here: their output is bounded by the image's dimensions.
IMAGE_FILTERS = frozenset({"/DCTDecode", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode"})


@dataclass(frozen=True)
class CheckedPdf:
    data: bytes
    pages: int
    sha256: str


def _limits() -> tuple[int, int]:
    config = current_app.config
    return config["PDF_MAX_PAGES"], config["PDF_MAX_DECOMPRESSED_MB"] * 1024 * 1024


def read_upload(stream, *, limit_bytes: int | None = None) -> CheckedPdf:
    """Read at most `limit_bytes` (default MAX_ATTACHMENT_MB) from `stream` and check it."""
    limit = limit_bytes or current_app.config["MAX_ATTACHMENT_MB"] * 1024 * 1024
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ServiceError(_("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024)))
    if not data:
        raise ServiceError(_("The file is empty."))
    return check_pdf(data)


def check_pdf(data: bytes) -> CheckedPdf:
    """`data` as a checked PDF, or ServiceError saying why it is refused."""
    import pikepdf

    if not data.startswith(b"%PDF-"):
        raise ServiceError(_("Only PDF files are accepted; this file is not a PDF."))
    if not data.rstrip().endswith(b"%%EOF"):
        raise ServiceError(_("The PDF is damaged or carries other content after its end; "
                             "save it again as PDF and upload that file."))
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as error:
        raise ServiceError(_("The PDF is protected by a password; upload it without the "
                             "protection.")) from error
    except (pikepdf.PdfError, ValueError, RuntimeError) as error:
        raise ServiceError(_("The PDF cannot be read; save it again as PDF and upload that "
                             "file.")) from error
    with pdf:
        pages = _check(pdf)
    return CheckedPdf(data=data, pages=pages, sha256=hashlib.sha256(data).hexdigest())


def _check(pdf) -> int:
    max_pages, max_bytes = _limits()
    if pdf.is_encrypted:
        raise ServiceError(_("The PDF is encrypted; upload it without the protection."))
    declared = _declared_pages(pdf)
    if declared > max_pages:
        raise ServiceError(_("The PDF has %(n)d pages; at most %(max)d are accepted.",
                             n=declared, max=max_pages))
    try:
        pages = len(pdf.pages)
    except Exception as error:  # qpdf raises several kinds for a broken page tree
        raise ServiceError(_("The PDF cannot be read; save it again as PDF and upload that "
                             "file.")) from error
    if pages > max_pages:
        raise ServiceError(_("The PDF has %(n)d pages; at most %(max)d are accepted.",
                             n=pages, max=max_pages))
    if pages == 0:
        raise ServiceError(_("The PDF has no pages."))
    _refuse_active_content(pdf)
    _refuse_bombs(pdf, max_bytes)
    return pages


def _declared_pages(pdf) -> int:
    try:
        return int(pdf.Root.Pages.get("/Count", 0))
    except Exception:  # a missing or broken page tree: counted page by page below
        return 0


def _refuse_active_content(pdf) -> None:
    import pikepdf

    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            continue
        keys = set(obj.keys())
        if keys & ACTIVE_KEYS or str(obj.get("/S", "")) in ACTIVE_ACTIONS \
                or str(obj.get("/Type", "")) == "/EmbeddedFile":
            raise ServiceError(_("The PDF contains active content (JavaScript, actions that "
                                 "start programs, or embedded files), which is not accepted. "
                                 "Print it to a new PDF and upload that file."))


def _refuse_bombs(pdf, max_bytes: int) -> None:
    import pikepdf

    total = 0
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        total += _decoded_size(obj, max_bytes - total)
        if total > max_bytes:
            raise ServiceError(_("The PDF expands to more than %(mb)d MB when opened, which is "
                                 "not accepted.", mb=max_bytes // (1024 * 1024)))


def _filters(stream) -> list[str]:
    value = stream.get("/Filter")
    if value is None:
        return []
    return [str(f) for f in value] if hasattr(value, "__iter__") and not isinstance(
        value, str | bytes) and not str(value).startswith("/") else [str(value)]


def _decoded_size(stream, budget: int) -> int:
    """The size of `stream` decoded (images: as stored), counting no further than past
    `budget`: a bomb is recognised without being expanded."""
    raw = stream.read_raw_bytes()
    filters = _filters(stream)
    if not filters or filters[0] in IMAGE_FILTERS:
        return len(raw)
    if filters[0] == "/FlateDecode":
        return _inflated_size(raw, budget)
    try:
        return len(stream.read_bytes())
    except Exception:  # an undecodable stream: the viewer will not expand it either
        return len(raw)


def _inflated_size(raw: bytes, budget: int) -> int:
    inflater, size, pending = zlib.decompressobj(), 0, raw
    try:
        while pending and size <= budget:
            size += len(inflater.decompress(pending, CHUNK))
            pending = inflater.unconsumed_tail
    except zlib.error:
        return size
    return size
