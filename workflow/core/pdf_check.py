"""Uploaded PDFs are parsed, not sniffed (ASVS 5.0 V5.2): every PDF a user sends (attachments,
business licences, objection letters) is opened with qpdf (pikepdf) and refused, with the
reason, when it cannot be parsed, is encrypted, carries anything before its start or after
its end (a polyglot), has too many pages, decompresses past a limit, or holds active
content: JavaScript, launch or import actions, embedded files.

The order of the checks is the order of their cost: the bytes first (and how many objects
the file lists), then qpdf opens the file (its own decoding capped), the pages are counted
up to the limit, every stream is measured against a budget (core/pdf_streams.py) before
any object stored inside a compressed stream is read, and last the objects are searched."""
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

from workflow.core import pdf_streams
from workflow.core.errors import ServiceError

# Actions that run code, start programs, fetch or send data, or open embedded files.
ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/GoToE",
                            "/Rendition", "/RichMediaExecute"})
ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/RichMedia", "/XFA"})
# A PDF ends with its last cross-reference offset; what follows an earlier %%EOF is an
# incremental update (objects, a cross-reference section, a trailer), comments aside.
END = re.compile(rb"startxref[\s\x00]+\d+[\s\x00]+%%EOF[\s\x00]*\Z")
UPDATE = re.compile(rb"(?:[\s\x00]*%[^\r\n]*)*[\s\x00]*"
                    rb"(?:\d+\s+\d+\s+obj\b|xref\b|trailer\b|startxref\b)")
# Every object costs qpdf memory and the checks time (about 1 KB and 10 us in all); qpdf
# reads the objects a cross-reference stream lists as it opens the file, so their number is
# read from the bytes first. A few compressed megabytes could list millions of objects; a
# PDF of 300 pages rarely has 20,000.
MAX_OBJECTS = 100_000
# What qpdf may inflate of one stream itself: it reads the cross-reference and object streams
# (a few MB for 200,000 pages); content is measured by core/pdf_streams.py. Process-wide.
QPDF_FLATE_LIMIT = 64 * 1024 * 1024
XREF_SIZE = re.compile(rb"/Size\s+(\d+)")
XREF_INDEX = re.compile(rb"/Index\s*\[([\d\s]*)\]")


@dataclass(frozen=True)
class CheckedPdf:
    data: bytes
    pages: int
    sha256: str


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
    """`data` as a checked PDF, or ServiceError saying why it is refused. Reads nothing but
    `data` and writes nothing."""
    import pikepdf

    _refuse_foreign_bytes(data)
    max_pages, max_bytes = _limits()
    pikepdf.settings.set_qpdf_limits(flate_max_memory=min(max_bytes, QPDF_FLATE_LIMIT))
    try:
        # Without inherit_page_attributes qpdf does not walk (and copy) the page tree on
        # opening: a tree listing one page 200,000 times costs nothing until counted here.
        pdf = pikepdf.open(io.BytesIO(data), attempt_recovery=False,
                           inherit_page_attributes=False)
    except pikepdf.PasswordError as error:
        raise ServiceError(_("The PDF is protected by a password; upload it without the "
                             "protection.")) from error
    except Exception as error:  # qpdf raises several kinds for a file it cannot parse
        raise _unreadable() from error
    with pdf:
        try:
            pages = _check(pdf, max_pages, max_bytes)
        except ServiceError:
            raise
        except Exception as error:  # a damaged object found on the way
            raise _unreadable() from error
    return CheckedPdf(data=data, pages=pages, sha256=hashlib.sha256(data).hexdigest())


def _limits() -> tuple[int, int]:
    config = current_app.config
    return config["PDF_MAX_PAGES"], config["PDF_MAX_DECOMPRESSED_MB"] * 1024 * 1024


def _unreadable() -> ServiceError:
    return ServiceError(_("The PDF cannot be read; save it again as PDF and upload that file."))


def _polyglot() -> ServiceError:
    return ServiceError(_("The file carries other content besides the PDF; save it again as "
                          "PDF and upload that file."))


def _refuse_foreign_bytes(data: bytes) -> None:
    """Only PDF syntax from the first byte to the last: no page or archive before %PDF,
    between an end and an update, or after the last %%EOF."""
    if not data.startswith(b"%PDF-"):
        if b"%PDF-" in data[:1024]:
            raise _polyglot()
        raise ServiceError(_("Only PDF files are accepted; this file is not a PDF."))
    if END.search(data[-1024:]) is None:
        raise ServiceError(_("The PDF is incomplete or carries other content after its end; "
                             "save it again as PDF and upload that file."))
    last = data.rindex(b"%%EOF")
    at = data.find(b"%%EOF")
    while at != -1 and at < last:
        if UPDATE.match(data, at + len(b"%%EOF")) is None:
            raise _polyglot()
        at = data.find(b"%%EOF", at + 1)
    if zipfile.is_zipfile(io.BytesIO(data)):
        raise _polyglot()
    if _declared_objects(data) > MAX_OBJECTS:
        raise _too_complex()


def _too_complex() -> ServiceError:
    return ServiceError(_("The PDF is too complex to check (more than %(n)d objects); save "
                          "it again as PDF and upload that file.", n=MAX_OBJECTS))


def _declared_objects(data: bytes) -> int:
    """How many objects the file's cross-reference streams list (their /Size or /Index, read
    around each /XRef name), before qpdf reads them."""
    total, at = 0, data.find(b"/XRef")
    while at != -1:
        window = data[max(0, at - 1024):at + 1024]
        sizes = [int(m) for m in XREF_SIZE.findall(window)]
        sizes += [sum(map(int, m.split()[1::2])) for m in XREF_INDEX.findall(window)]
        total += max(sizes, default=0)
        at = data.find(b"/XRef", at + 1)
    return total


def _check(pdf, max_pages: int, max_bytes: int) -> int:
    if pdf.is_encrypted:
        raise ServiceError(_("The PDF is encrypted; upload it without the protection."))
    _refuse_pages(_declared_pages(pdf), max_pages)
    _refuse_pages(_counted_pages(pdf, max_pages), max_pages)
    objects = pdf.get_xref_table()
    if len(objects) > MAX_OBJECTS:
        raise _too_complex()
    if pdf_streams.expands_past(pdf, objects, max_bytes):
        raise ServiceError(_("The PDF expands to more than %(mb)d MB when opened, which is "
                             "not accepted.", mb=max_bytes // (1024 * 1024)))
    pages = len(pdf.pages)
    _refuse_pages(pages, max_pages)
    if pages == 0:
        raise ServiceError(_("The PDF has no pages."))
    if _has_active_content(pdf):
        raise ServiceError(_("The PDF contains active content (JavaScript, actions that "
                             "start programs, or embedded files), which is not accepted. "
                             "Print it to a new PDF and upload that file."))
    return pages


def _refuse_pages(pages: int, max_pages: int) -> None:
    if pages > max_pages:
        raise ServiceError(_("The PDF has more than %(max)d pages, which is not accepted.",
                             max=max_pages))


def _declared_pages(pdf) -> int:
    """The page count the page tree declares: refused without walking 200,000 pages when it
    is too high (the walk after it finds a tree that declares too few)."""
    try:
        return int(pdf.Root.Pages.get("/Count", 0))
    except Exception:  # a missing or broken count: the pages are counted one by one
        return 0


def _counted_pages(pdf, limit: int) -> int:
    """The leaves of the page tree, counted no further than past `limit`: a tree that lists
    one page 200,000 times is not expanded (qpdf's own page list copies each repetition)."""
    import pikepdf

    count, seen, pending = 0, set(), [pdf.Root.Pages]
    while pending and count <= limit:
        node = pending.pop()
        kids = node.get("/Kids") if isinstance(node, pikepdf.Dictionary) else None
        if not isinstance(kids, pikepdf.Array):
            count += 1
            continue
        if node.is_indirect:
            if node.objgen in seen:
                raise _unreadable()  # a page tree that contains itself
            seen.add(node.objgen)
        pending.extend(kids[i] for i in range(min(len(kids), limit + 1 - count)))
    return count


def _has_active_content(pdf) -> bool:
    """Whether any object, or any dictionary or array written inside one, is an action or
    entry of ACTIVE_ACTIONS / ACTIVE_KEYS or an embedded file. Walked with a stack: qpdf
    allows nesting 499 deep."""
    import pikepdf

    for top in pdf.objects:
        pending = [top]
        while pending:
            obj = pending.pop()
            if isinstance(obj, pikepdf.Array):
                pending.extend(_direct_containers(obj))
            elif isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                if (ACTIVE_KEYS.intersection(obj.keys())
                        or str(obj.get("/S", "")) in ACTIVE_ACTIONS
                        or obj.get("/Type") == "/EmbeddedFile"):
                    return True
                pending.extend(_direct_containers(value for _key, value in obj.items()))
    return False


def _direct_containers(values):
    """The arrays and dictionaries written inside an object (numbers come back as Python
    values; an indirect one is an object of its own, visited at the top level)."""
    import pikepdf

    return [value for value in values
            if isinstance(value, pikepdf.Array | pikepdf.Dictionary) and not value.is_indirect]
