"""A decision document (acceptance results, evaluation results, a revocation) as HTML, from
plain data, in the layout of the approval notice: the red agency mark, the number, the
rule, title, addressee, body, signature and seal, and, when it has one, its table on an
attachment page; the colophon on the last page. No database and no request."""
from dataclasses import dataclass

from workflow.core.pdf import document_html, render_pdf
from workflow.notices.documents.official import (
    Paragraph,
    Verification,
    header_size,
    paragraph,
)


@dataclass(frozen=True)
class DecisionTable:
    """The attachment: its title, the column heads and the rows, every cell text."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class DecisionData:
    header: str
    number: str
    title: str
    addressee: str
    paragraphs: tuple[Paragraph, ...]
    agency: str
    date: str
    note: str
    cc: str
    printer: str
    table: DecisionTable | None = None
    seal_uri: str | None = None
    verification: Verification | None = None


def decision_data(content: dict, *, number: str, date: str, seal_uri: str | None,
                  verification: Verification | None) -> DecisionData:
    """What the template prints of a decision's stored content."""
    table = content.get("table")
    return DecisionData(
        header=content["header"], number=number, title=content["title"],
        addressee=content["addressee"],
        paragraphs=tuple(paragraph(p) for p in content["paragraphs"]),
        agency=content["agency"], date=date, note=content["note"], cc=content["cc"],
        printer=content["printer"],
        table=DecisionTable(table["title"], tuple(table["columns"]),
                            tuple(tuple(row) for row in table["rows"])) if table else None,
        seal_uri=seal_uri, verification=verification,
    )


def decision_html(data: DecisionData) -> str:
    return document_html("notices/pdf/decision.html", doc=data,
                         header_pt=header_size(data.header))


def render_decision(data: DecisionData) -> bytes:
    return render_pdf(decision_html(data))
