"""A decision document measured on the rendered PDF against GB/T 9704-2012, as the notice is
(tests/notices/test_notice_layout.py): the red mark's ink 72 mm from the page's top, the
number, the rule, title and addressee, the body grid, the signature over the date, the
attachment on a new page, the colophon at the foot of the last page with the verification
code and QR code inside the type area above it, and the page numbers' dash line 7 mm below
the type area."""
from itertools import pairwise

import pytest

from tests.notices import measure
from tests.notices.test_notice_layout import (
    ADVANCE,
    BOTTOM,
    LEFT,
    LINE,
    MM,
    RIGHT,
    TOP,
    VERIFY,
    assert_verification_inside_the_type_area,
    find,
    is_red,
    near,
    open_pdf,
)
from workflow.notices.documents.decision import decision_data, render_decision

NUMBER, DATE = "鲁科字〔2025〕37号", "2025年12月30日"
CONTENT = {
    "header": "山东省科学技术厅文件", "agency": "山东省科学技术厅",
    "title": "山东省科学技术厅关于2025年度山东省技术创新中心验收结果的通知",
    "addressee": "各市科技局，有关单位：",
    "paragraphs": [
        "根据《山东省技术创新中心管理办法》，省科技厅组织专家对2022年度认定的山东省技术创新中心"
        "进行了验收。经单位自评、专家评审和现场考察，现将验收结果通知如下。",
        "一、验收结论。23家中心通过验收，1家中心暂缓通过，1家中心未通过验收（名单见附件）。",
        "（一）通过验收的中心。自本通知印发之日起转为运行期，名称中不再使用“（筹）”。",
        "各中心要按照管理办法的要求，加强运行管理，持续提升创新能力。",
    ],
    "note": "（此件公开发布）", "cc": "省财政厅。", "printer": "山东省科学技术厅办公室",
    "table": {"title": "2025年度山东省技术创新中心验收结果",
              "columns": ["序号", "中心名称", "牵头单位", "验收结论"],
              "rows": [[str(i), f"山东省第{i}技术创新中心", f"山东第{i}股份有限公司", "通过"]
                       for i in range(1, 26)]},
}


@pytest.fixture(scope="module")
def decision_pdf() -> bytes:
    return render_decision(decision_data(CONTENT, number=NUMBER, date=DATE, seal_uri=None,
                                         verification=VERIFY))


@pytest.fixture(scope="module")
def decision(decision_pdf):
    document, lines = open_pdf(decision_pdf)
    yield document, lines
    document.close()


def test_the_red_mark_72_mm_from_the_top_then_number_rule_and_title(decision, decision_pdf):
    document, pages = decision
    mark = find(pages[0], "山东省科学技术厅文件")
    assert is_red(mark["color"]) and near((mark["x0"] + mark["x1"]) / 2, (LEFT + RIGHT) / 2)
    assert measure.red_ink_top_mm(measure.raster(decision_pdf, 1)) == pytest.approx(72, abs=0.3)
    number = find(pages[0], NUMBER)
    assert near(number["top"], mark["bottom"] + 2 * LINE + (LINE - 16) / 2)
    rule = next(r for r in document.pages[0].rects if is_red(r["non_stroking_color"]))
    assert near(rule["x0"], LEFT, 0.3 * MM) and near(rule["x1"], RIGHT, 0.3 * MM)
    assert near(rule["top"], number["bottom"] + 4 * MM)
    title = [line for line in pages[0] if line["size"] == pytest.approx(22, abs=0.05)]
    assert "".join(t["text"] for t in title) == CONTENT["title"]
    assert near(title[0]["top"], rule["bottom"] + 2 * LINE + (LINE - 22) / 2)
    addressee = find(pages[0], "各市科技局")
    assert near(addressee["x0"], LEFT, 0.3 * MM) and addressee["text"].endswith("：")


def test_body_on_the_grid_headings_in_hei_and_kai(decision):
    lines = [line for line in decision[1][0] if line["size"] == pytest.approx(16, abs=0.05)
             and line["top"] > find(decision[1][0], "各市科技局")["top"] - 1]
    for above, below in pairwise(lines[:6]):
        assert below["top"] - above["top"] == pytest.approx(LINE, abs=0.3)
    assert near(find(lines, "根据")["x0"], LEFT + 2 * ADVANCE, 0.3 * MM)
    fonts = {find(lines, text)["chars"][0]["fontname"]
             for text in ("根据", "验收结论", "通过验收的")}
    assert len(fonts) == 3


def test_signature_over_the_date_then_the_attachment_on_a_new_page(decision):
    pages = decision[1]
    signed = next(i for i, p in enumerate(pages) if any(line["text"] == DATE for line in p))
    date = find(pages[signed], DATE)
    agency = next(line for line in pages[signed] if line["text"] == CONTENT["agency"])
    assert near(date["x1"], RIGHT - 4 * ADVANCE)
    assert near((agency["x0"] + agency["x1"]) / 2, (date["x0"] + date["x1"]) / 2)
    assert near(find(pages[signed], "附件：")["x0"], LEFT + 2 * ADVANCE)
    label = find(pages[signed + 1], "附件")
    assert label["text"] == "附件" and near(label["top"], TOP + (LINE - 16) / 2)
    rows = [[(cell or "").replace("\n", "") for cell in row]
            for page in decision[0].pages[signed + 1:] for table in page.extract_tables()
            for row in table]
    assert rows[0] == CONTENT["table"]["columns"]
    assert [row[1] for row in rows if row[0].isdigit()] == [
        r[1] for r in CONTENT["table"]["rows"]]


def test_colophon_and_verification_at_the_foot_of_the_last_page(decision, decision_pdf):
    document, pages = decision
    last = document.pages[-1]
    rules = sorted((r for r in last.rects if r["non_stroking_color"] in ((0,), (0, 0, 0))
                    and near(r["x1"] - r["x0"], RIGHT - LEFT, 0.3 * MM)),
                   key=lambda r: r["top"])
    assert [round(r["height"] / MM, 2) for r in rules] == [0.35, 0.25, 0.35]
    assert rules[-1]["bottom"] == pytest.approx(BOTTOM, abs=0.1 * MM)
    assert find(pages[-1], "印发")["text"].endswith(f"{DATE}印发")
    assert_verification_inside_the_type_area(document, pages, decision_pdf)
    assert find(pages[-1], "核验码")["bottom"] < rules[0]["top"]


def test_page_numbers_dash_line_7_mm_below_the_type_area(decision, decision_pdf):
    for number, lines in enumerate(decision[1], start=1):
        assert find(lines, f"— {number} —")
        top, _bottom = measure.dash_line_mm(measure.raster(decision_pdf, number))
        assert top == pytest.approx(BOTTOM / MM + 7, abs=0.3)


def test_a_decision_without_a_table_has_no_attachment(decision_pdf):
    data = render_decision(decision_data({**CONTENT, "table": None}, number=NUMBER, date=DATE,
                                         seal_uri=None, verification=VERIFY))
    document, pages = open_pdf(data)
    with document:
        texts = [line["text"] for page in pages for line in page]
        assert "附件" not in texts and not any(t.startswith("附件：") for t in texts)
        assert "抄送：省财政厅。" in texts
        assert_verification_inside_the_type_area(document, pages, data)
