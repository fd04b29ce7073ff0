"""The application book (申报书) of a submitted version as HTML and PDF, from plain data,
rendered through workflow.core.pdf. No database and no request: intake/operations/books.py
hands in what the version froze.

Every text is data typed by people (names, the sections' content, file names): the template
autoescapes it, so it is printed as text and never read as markup.
"""
from dataclasses import dataclass
from datetime import datetime

from workflow.core.pdf import document_html, render_pdf

CHINESE_NUMERALS = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十 (section headings number up to 99)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else CHINESE_NUMERALS[tens - 1] + "十"
    return head + (CHINESE_NUMERALS[ones - 1] if ones else "")


def beijing_time(at: datetime) -> str:
    """2022年8月15日 14:05: no zero padding of month and day (`at` in Beijing time)."""
    return f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}"


def file_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.2f} MB"


@dataclass(frozen=True)
class Field:
    """One answer: a short one in the section's table, a long one (a textarea) as
    paragraphs under its label."""

    label: str
    value: str
    # A table's column headings and rows (a long answer printed as a grid).
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.value.splitlines() if line.strip())


@dataclass(frozen=True)
class Section:
    heading: str  # 一、基本信息
    short: tuple[Field, ...]
    long: tuple[Field, ...]


@dataclass(frozen=True)
class CoBuilder:
    name: str
    credit_code: str
    division: str
    confirmed: bool


@dataclass(frozen=True)
class AttachmentRow:
    label: str
    name: str
    size: str
    sha256: str


@dataclass(frozen=True)
class Verification:
    code_groups: str
    url: str
    qr_uri: str


@dataclass(frozen=True)
class BookData:
    call_title: str
    year: int
    department: str
    center: str
    lead_unit: str
    credit_code: str
    field: str
    recommender: str
    submitted: str
    version: int
    sections: tuple[Section, ...]
    cobuilders_heading: str
    cobuilders: tuple[CoBuilder, ...]
    attachments_heading: str
    attachments: tuple[AttachmentRow, ...]
    snapshot_sha256: str
    verification: Verification


def book_html(data: BookData) -> str:
    return document_html("intake/pdf/book.html", doc=data)


def render_book(data: BookData) -> bytes:
    return render_pdf(book_html(data))
