"""The approval notice and the letters as HTML, from plain data, rendered through
workflow.core.pdf. No database and no request: the issuing service hands in what was signed.

Every text is data typed by people (titles, unit names, the body): the templates
autoescape it, so it is printed as text and never read as markup.
"""
import re
from dataclasses import dataclass
from datetime import date

from workflow.core.pdf import document_html, render_pdf
from workflow.core.verification_codes import qr_data_uri

# GB/T 9704-2012: a 156 mm wide type area holds 28 characters; a full-width agency mark
# shrinks to fit it, and is never larger than this.
TYPE_AREA_PT = 156 / 25.4 * 72
HEADER_MAX_PT = 44.0
_HEADING_1 = re.compile(r"[一二三四五六七八九十]+、")
_HEADING_2 = re.compile(r"（[一二三四五六七八九十]+）")


def chinese_date(day: date) -> str:
    """2022年11月21日: no zero padding."""
    return f"{day.year}年{day.month}月{day.day}日"


def header_size(text: str) -> float:
    """The agency mark's size in pt: as large as allowed while it fits on one line."""
    return round(min(HEADER_MAX_PT, TYPE_AREA_PT * 0.94 / max(len(text), 1)), 1)


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph; a heading (一、 in Hei, （一） in Kai) styles its first sentence."""

    head: str
    rest: str = ""
    style: str = ""


def paragraph(text: str) -> Paragraph:
    style = "hei" if _HEADING_1.match(text) else "kai" if _HEADING_2.match(text) else ""
    if not style:
        return Paragraph(text)
    head, stop, rest = text.partition("。")
    return Paragraph(head + stop, rest, style)


@dataclass(frozen=True)
class Verification:
    code_groups: str
    url: str
    qr_uri: str


def verification(code_groups: str, url: str) -> Verification:
    """The code as printed and a QR code of the verification URL, as a data: image."""
    return Verification(code_groups, url, qr_data_uri(url))


@dataclass(frozen=True)
class Unit:
    center: str
    lead_unit: str
    cobuilders: tuple[str, ...]
    city: str


@dataclass(frozen=True)
class NoticeData:
    header: str
    number: str  # empty on a draft
    title: str
    addressees: str
    paragraphs: tuple[Paragraph, ...]
    attachment_title: str
    agency: str
    date: str
    note: str
    cc: str
    printer: str
    units: tuple[Unit, ...]
    seal_uri: str | None = None
    verification: Verification | None = None  # None: a draft, printed as such


@dataclass(frozen=True)
class LetterData:
    header: str
    title: str
    addressee: str
    paragraphs: tuple[Paragraph, ...]
    agency: str
    date: str
    seal_uri: str | None = None
    verification: Verification | None = None


def notice_html(data: NoticeData) -> str:
    return document_html("notices/pdf/notice.html", doc=data, header_pt=header_size(data.header))


def letter_html(data: LetterData) -> str:
    return document_html("notices/pdf/letter.html", doc=data, header_pt=header_size(data.header))


def render_notice(data: NoticeData) -> bytes:
    return render_pdf(notice_html(data))


def render_letter(data: LetterData) -> bytes:
    return render_pdf(letter_html(data))
