"""The recommendation summary sheet as xlsx and PDF: ranked rows, user text kept as text."""
import threading
import zipfile
from datetime import UTC, datetime
from io import BytesIO

import pytest
from flask import has_app_context
from openpyxl import load_workbook
from pypdf import PdfReader

from workflow.recommendation.sheet import HEADERS, SheetRow, SummarySheet, to_pdf, to_xlsx

# 17:00 UTC on the 21st is 01:00 on the 22nd in Asia/Shanghai.
GENERATED = datetime(2026, 11, 21, 17, 0, tzinfo=UTC)
HOSTILE = ("<b>x</b>", '=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)")


def row(rank: int, title: str = "", **fields) -> SheetRow:
    values = {"title": title or f"山东省第{rank}技术创新中心", "lead_unit": f"牵头单位{rank}",
              "credit_code": "91370100163071234X", "field": "高端装备", "city": "济南市",
              "cobuilders": "山东大学；青岛大学", "opinion": "同意推荐。"}
    return SheetRow(rank=rank, **{**values, **fields})


def sheet(*rows: SheetRow, call_title: str = "2022年度山东省技术创新中心",
          generated_at: datetime = GENERATED) -> SummarySheet:
    return SummarySheet(call_title=call_title, recommender="济南市科学技术局",
                        generated_at=generated_at, quota=5, rows=rows)


def hostile_sheet() -> SummarySheet:
    return sheet(row(1, title=HOSTILE[0], opinion=HOSTILE[1]),
                 row(2, lead_unit=HOSTILE[2], cobuilders=HOSTILE[3], field=HOSTILE[4]))


def worksheet(data: bytes):
    return load_workbook(BytesIO(data)).active


def pdf_text(data: bytes) -> str:
    return "".join("".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages).split())


def test_xlsx_has_title_header_and_rows_in_rank_order():
    ws = worksheet(to_xlsx(sheet(row(3), row(1), row(2))))
    assert ws["A1"].value == "2022年度山东省技术创新中心推荐汇总表"
    assert "A1:H1" in {str(merged) for merged in ws.merged_cells.ranges}
    assert tuple(cell.value for cell in ws[2]) == HEADERS
    assert [ws.cell(r, 1).value for r in (3, 4, 5)] == [1, 2, 3]
    assert [ws.cell(r, 2).value for r in (3, 4, 5)] == [
        "山东省第1技术创新中心", "山东省第2技术创新中心", "山东省第3技术创新中心"]


def test_xlsx_footer_has_recommender_seal_and_local_date():
    ws = worksheet(to_xlsx(sheet(row(1))))
    footer = [value for value in next(ws.iter_rows(min_row=ws.max_row, values_only=True))
              if value]
    assert footer == ["推荐单位：济南市科学技术局（盖章）", "2026年11月22日"]


def test_xlsx_prints_on_a4_landscape_fit_to_width():
    ws = worksheet(to_xlsx(sheet(row(1))))
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)
    assert ws.column_dimensions["B"].width == 30
    assert ws["H3"].alignment.wrap_text


def test_xlsx_stores_formula_like_text_as_strings():
    data = to_xlsx(hostile_sheet())
    ws = worksheet(data)
    cells = {cell.value: cell for line in ws.iter_rows(min_row=3, max_row=4) for cell in line}
    for text in HOSTILE:
        assert cells[text].data_type == "s"
    for text in HOSTILE[1:]:
        assert cells[text].quotePrefix
    with zipfile.ZipFile(BytesIO(data)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_xlsx_keeps_a_formula_like_call_title_as_text():
    ws = worksheet(to_xlsx(sheet(row(1), call_title="=1+1")))
    assert (ws["A1"].value, ws["A1"].data_type) == ("=1+1推荐汇总表", "s")


def test_xlsx_drops_control_characters_openpyxl_cannot_write():
    ws = worksheet(to_xlsx(sheet(row(1, title="中心\x0b名称\x00"))))
    assert ws["B3"].value == "中心名称"


def test_date_is_local_and_not_zero_padded():
    assert sheet(generated_at=datetime(2026, 3, 4, 20, 0, tzinfo=UTC)).date == "2026年3月5日"


def test_sheet_refuses_naive_time():
    with pytest.raises(ValueError):
        sheet(generated_at=datetime(2026, 11, 22, 9, 0))


def test_pdf_is_a4_landscape_with_title_quota_and_date():
    data = to_pdf(sheet(row(2), row(1)))
    page = PdfReader(BytesIO(data)).pages[0]
    assert float(page.mediabox.width) == pytest.approx(842, abs=1)
    assert float(page.mediabox.height) == pytest.approx(595, abs=1)
    text = pdf_text(data)
    assert "2022年度山东省技术创新中心推荐汇总表" in text
    assert "推荐单位（盖章）：济南市科学技术局" in text
    assert "推荐2项，限额5项" in text
    assert "2026年11月22日" in text
    assert "—1—" in text
    assert text.index("山东省第1技术创新中心") < text.index("山东省第2技术创新中心")


def test_pdf_shows_user_text_literally():
    text = pdf_text(to_pdf(hostile_sheet()))
    for hostile in HOSTILE:
        assert hostile.replace(" ", "") in text


def test_pdf_of_an_empty_sheet_says_so():
    assert "无推荐项目" in pdf_text(to_pdf(sheet()))


def test_pdf_renders_without_an_app_context():
    outcome = {}

    def render():
        outcome["context"] = has_app_context()
        outcome["pdf"] = to_pdf(sheet(row(1)))
    worker = threading.Thread(target=render)
    worker.start()
    worker.join()
    assert outcome["context"] is False
    assert outcome["pdf"].startswith(b"%PDF")
