"""A chart of the statistics page as an Excel workbook: its title, the scope it was counted
for, the table of its numbers (numbers stay numbers) and its note. Text that looks like a
formula is stored as text."""
from io import BytesIO

from workflow.core.spreadsheets import XLSX, keep_formulas_out
from workflow.core.spreadsheets import cell_value as _cell
from workflow.statistics.charts import Chart

__all__ = ["XLSX", "to_xlsx"]


def to_xlsx(chart: Chart, scope_text: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    ws = workbook.active
    ws.title = chart.key
    ws.append([_cell(chart.title)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([_cell(scope_text)])
    ws.append([_cell(h) for h in chart.headers])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for row in chart.rows:
        ws.append([_cell(v) for v in row])
    if chart.note:
        ws.append([])
        ws.append([_cell(chart.note)])
    keep_formulas_out(ws)
    for index, header in enumerate(chart.headers, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(12, 2 * len(str(header)))
    ws.freeze_panes = "A4"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
