"""The recommendation summary sheet (推荐汇总表): one recommender's ranked list for one call.

Plain data in, bytes out, as an Excel workbook or an A4 landscape PDF; no app context needed.
Every text field is user input: the PDF template autoescapes it and the workbook stores it
as a string, never a formula.
"""
from io import BytesIO
from typing import TYPE_CHECKING

from workflow.core.pdf import render_document
from workflow.core.spreadsheets import cell_styles, cell_value, keep_formulas_out
from workflow.recommendation.sheet_data import SheetRow, SummarySheet

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

HEADERS = ("推荐排序", "中心名称", "牵头单位", "统一社会信用代码", "技术领域", "所在市",
           "共建单位", "推荐意见")
COLUMN_WIDTHS = (8, 30, 26, 22, 14, 9, 30, 40)


def to_pdf(sheet: SummarySheet) -> bytes:
    return render_document("recommendation/pdf/sheet.html", sheet=sheet, title=sheet.title,
                           date=sheet.date, rows=sheet.ranked_rows, headers=HEADERS)


CENTERED_COLUMNS = {1, 4, 5, 6}


def to_xlsx(sheet: SummarySheet) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    style = cell_styles()
    workbook = Workbook()
    ws = workbook.active
    ws.title = "推荐汇总表"
    last = get_column_letter(len(HEADERS))

    ws.append([cell_value(sheet.title)])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(name="黑体", size=16)
    ws["A1"].alignment = style.centered
    ws.row_dimensions[1].height = 36

    ws.append(HEADERS)
    for cell in ws[2]:
        cell.font, cell.alignment, cell.border = (Font(name="黑体", size=11), style.centered,
                                                  style.box)

    for row in sheet.ranked_rows:
        _append_row(ws, row)

    footer = ws.max_row + 2
    ws.cell(footer, 1, cell_value(f"推荐单位：{sheet.recommender}（盖章）"))
    ws.merge_cells(start_row=footer, start_column=1, end_row=footer, end_column=4)
    ws.cell(footer, 6, sheet.date).alignment = style.right
    ws.merge_cells(start_row=footer, start_column=6, end_row=footer, end_column=8)

    for index, width in enumerate(COLUMN_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    keep_formulas_out(ws)
    _print_setup(ws)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _append_row(ws: "Worksheet", row: SheetRow) -> None:
    from openpyxl.styles import Font

    style = cell_styles()
    values = (row.rank, row.title, row.lead_unit, row.credit_code, row.field, row.city,
              row.cobuilders, row.opinion)
    ws.append([value if isinstance(value, int) else cell_value(value) for value in values])
    for cell in ws[ws.max_row]:
        cell.border = style.box
        cell.font = Font(name="宋体", size=11)
        cell.alignment = style.centered if cell.column in CENTERED_COLUMNS else style.wrap


def _print_setup(ws: "Worksheet") -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "2:2"
    ws.print_options.horizontalCentered = True
    ws.freeze_panes = "A3"
