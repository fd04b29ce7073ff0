"""The review ranking of a call (评审排名表) as an Excel workbook: plain data in, bytes out.

Titles and unit names are user input: stored as strings, never as formulas.
"""
from io import BytesIO

from workflow.core.regions import city_name
from workflow.core.spreadsheets import cell_styles, keep_formulas_out
from workflow.core.spreadsheets import cell_value as _text

HEADERS = ("排名", "中心名称", "牵头单位", "所在市", "技术领域", "评审得分", "答辩得分",
           "现场考察得分", "综合得分", "等级", "否决", "分歧预警")
COLUMN_WIDTHS = (6, 30, 26, 9, 14, 10, 10, 12, 10, 10, 6, 9)
TEXT_COLUMNS = {2, 3, 5}


def row_values(row) -> tuple:
    """One hydrated ranking row (review/operations/results.RankingRow) as the sheet's cells."""
    app, result = row.app, row.result
    return (row.rank, _text(app.title), _text(app.lead_org.name), city_name(app.region_code),
            _text(app.field.name if app.field else ""), result.review_score,
            result.defense_score, result.site_visit_score, result.final_score, result.grade,
            "是" if result.vetoed else "", "是" if result.dispersion_alarm else "")


def to_xlsx(title: str, rows) -> bytes:
    # openpyxl (and numpy with it) is imported on the first export, not when a worker starts.
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    style = cell_styles()
    workbook = Workbook()
    ws = workbook.active
    ws.title = "评审排名"
    ws.append([_text(f"{title} 评审排名")])
    ws.merge_cells(f"A1:{get_column_letter(len(HEADERS))}1")
    ws["A1"].font = Font(name="黑体", size=16)
    ws["A1"].alignment = style.centered
    ws.append(HEADERS)
    for cell in ws[2]:
        cell.font, cell.alignment, cell.border = (Font(name="黑体", size=11), style.centered,
                                                  style.box)
    for row in rows:
        ws.append(row_values(row))
        for cell in ws[ws.max_row]:
            cell.border = style.box
            cell.alignment = style.wrap if cell.column in TEXT_COLUMNS else style.centered
    for index, width in enumerate(COLUMN_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A3"
    keep_formulas_out(ws)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
