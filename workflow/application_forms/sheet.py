"""The applications of a call as an Excel workbook whose columns follow the call's form
(queries.export_sheet). Every cell of user text is stored as a string, never a formula."""
from io import BytesIO

from workflow.application_forms.queries import ExportSheet
from workflow.core.spreadsheets import cell_styles, keep_formulas_out
from workflow.core.spreadsheets import cell_value as text_cell


def to_xlsx(sheet: ExportSheet) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    style = cell_styles()
    workbook = Workbook()
    ws = workbook.active
    ws.title = "申报汇总"
    ws.append([text_cell(sheet.title)])
    ws["A1"].font = Font(name="黑体", size=14)
    ws.append([text_cell(h) for h in sheet.headers])
    for cell in ws[2]:
        cell.font, cell.alignment, cell.border = Font(name="黑体", size=10), style.centered, \
            style.box
    for row in sheet.rows:
        ws.append([v if isinstance(v, int) else text_cell(str(v)) for v in row])
        for cell in ws[ws.max_row]:
            cell.border, cell.alignment = style.box, style.wrap
    for index in range(1, len(sheet.headers) + 1):
        ws.column_dimensions[get_column_letter(index)].width = 14 if index > 3 else 26
    ws.freeze_panes = "C3"
    keep_formulas_out(ws)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
