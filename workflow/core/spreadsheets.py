"""What every Excel workbook Centerflow writes needs: user text openpyxl can store, text that
looks like a formula kept as text, and the thin borders of the official sheets. openpyxl
(with numpy) is imported when a first workbook is written, not when a web worker starts."""
from functools import cache
from types import SimpleNamespace

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell_value(value):
    """Numbers stay numbers; any other value becomes text without the control characters
    XML forbids (openpyxl would raise)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))


def keep_formulas_out(ws) -> None:
    """Store every text that looks like a formula as a string and flag it quotePrefix,
    Excel's leading apostrophe, so editing it or saving as CSV keeps it text too."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
                cell.data_type = "s"
                cell.quotePrefix = True


@cache
def cell_styles() -> SimpleNamespace:
    from openpyxl.styles import Alignment, Border, Side

    thin = Side(style="thin", color="000000")
    return SimpleNamespace(
        box=Border(left=thin, right=thin, top=thin, bottom=thin),
        wrap=Alignment(wrap_text=True, vertical="center"),
        centered=Alignment(wrap_text=True, vertical="center", horizontal="center"),
        right=Alignment(horizontal="right"),
    )
