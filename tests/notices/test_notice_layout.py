"""The notice and the letter measured on the rendered PDF against GB/T 9704-2012 (DOMAIN.md
section 8): A4, the type area, 22 lines of 28 characters, the red header, the number line,
the red rule, title and addressees, the signature over the date, the attachment on a new
page, the colophon at the foot of the last page, page numbers.

Vertical positions are those of a character's em box (its top 0.88 em above the baseline),
on the grid of 28.99pt lines: "N lines below" leaves N empty lines, and a character sits
centered in its line (16pt: 6.5pt from the line's top)."""
import io
from itertools import pairwise

import pdfplumber
import pytest

from tests.notices import measure
from workflow.notices.documents import official
from workflow.notices.documents.content import letter_data, notice_data

MM = 72 / 25.4
LINE = 225 * MM / 22  # 28.99pt
ADVANCE = 156 * MM / 28  # 15.79pt
TOP, LEFT, RIGHT, BOTTOM = 37 * MM, 28 * MM, 184 * MM, 262 * MM
TOLERANCE = 1 * MM
RED = (0.8, 0.2, 0.2)  # at least this much red, at most this much green and blue
PARAGRAPHS = [
    "根据《山东省技术创新中心管理办法》，经单位申报、各市推荐、形式审查、专家评审、社会公示等"
    "程序，决定认定25家单位为2022年度山东省技术创新中心（名单见附件）。",
    "一、强化组织领导。各技术创新中心要按照建设方案要求，完善运行机制，加大研发投入，集聚创新"
    "资源，加快突破关键核心技术。",
    "（一）加强指导服务。各市科技局要在政策、资金、人才等方面给予支持，推动技术创新中心高质量"
    "发展，切实发挥对产业发展的引领支撑作用。",
    "各依托单位要切实履行主体责任，在人员、经费、场地等方面提供必要保障。省科技厅将按照有关"
    "规定，对技术创新中心实行年度报告和绩效评价制度，评价结果作为动态调整的重要依据。",
]
CONTENT = {
    "header": "山东省科学技术厅文件", "agency": "山东省科学技术厅", "office_code": "鲁科字",
    "title": "山东省科学技术厅关于认定2022年度山东省技术创新中心的通知",
    "addressees": "各市科技局，省直有关部门，有关单位：", "paragraphs": PARAGRAPHS,
    "attachment_title": "2022年度山东省技术创新中心名单", "note": "（此件公开发布）",
    "cc": "省发展改革委，省工业和信息化厅，省财政厅。", "printer": "山东省科学技术厅办公室",
    "letter_title": "{agency}关于同意建设{center}的函",
    "letter_paragraphs": ["根据《{notice_title}》（{number}），你单位牵头申报的{center}经认定为"
                          "{year}年度山东省{platform}。", "特此函告。"],
    "values": {"year": 2022, "count": 25, "agency": "山东省科学技术厅", "platform": "技术创新中心"},
    "units": [{"application_id": i, "center": f"山东省第{i}技术创新中心",
               "lead_unit": f"山东第{i}股份有限公司", "cobuilders": ["山东大学", "中国海洋大学"],
               "city": "济南市", "field": "工业软件"} for i in range(1, 26)],
}
NUMBER, DATE = "鲁科字〔2022〕154号", "2022年11月21日"
VERIFY = official.verification("ABCD-EFGH-IJKL-MNOP", "http://127.0.0.1:5000/verify/X")


def lines_of(page) -> list[dict]:
    """The text lines of a page: text, size, font, colour, em-box top and bottom, x0, x1."""
    rows: dict[float, list] = {}
    for char in page.chars:
        baseline = page.height - char["matrix"][5]
        rows.setdefault(round(baseline, 1), []).append(char)
    lines = []
    for baseline, chars in sorted(rows.items()):
        chars.sort(key=lambda c: c["x0"])
        size = chars[0]["size"]
        lines.append({"text": "".join(c["text"] for c in chars), "size": size,
                      "font": chars[0]["fontname"], "color": chars[0]["non_stroking_color"],
                      "top": baseline - 0.88 * size, "bottom": baseline + 0.12 * size,
                      "x0": chars[0]["x0"], "x1": chars[-1]["x1"], "chars": chars})
    return lines


def find(lines, text) -> dict:
    return next(line for line in lines if text in line["text"])


def near(value, expected, tolerance=TOLERANCE) -> bool:
    return abs(value - expected) <= tolerance


def is_red(color) -> bool:
    r, g, b = (tuple(color) + (0, 0))[:3]
    return r >= RED[0] and g <= RED[1] and b <= RED[2]


def open_pdf(data: bytes):
    document = pdfplumber.open(io.BytesIO(data))
    return document, [lines_of(p) for p in document.pages]


@pytest.fixture(scope="module")
def notice_pdf() -> bytes:
    return official.render_notice(notice_data(CONTENT, number=NUMBER, date=DATE,
                                              seal_uri=None, verification=VERIFY))


@pytest.fixture(scope="module")
def letter_pdf() -> bytes:
    return official.render_letter(letter_data(CONTENT, CONTENT["units"][0], number=NUMBER,
                                              date=DATE, seal_uri=None, verification=VERIFY))


@pytest.fixture(scope="module")
def notice(notice_pdf):
    document, lines = open_pdf(notice_pdf)
    yield document, lines
    document.close()


@pytest.fixture(scope="module")
def letter(letter_pdf):
    document, lines = open_pdf(letter_pdf)
    yield document, lines
    document.close()


def test_pages_are_a4(notice, letter):
    for document, _lines in (notice, letter):
        for page in document.pages:
            assert near(page.width, 210 * MM) and near(page.height, 297 * MM)


def test_red_agency_mark_35_mm_below_the_type_area_centered(notice, notice_pdf):
    mark = find(notice[1][0], "山东省科学技术厅文件")
    assert mark["text"] == "山东省科学技术厅文件" and is_red(mark["color"])
    # The top edge of its ink, as a ruler on the printed page finds it: 37 + 35 = 72 mm.
    assert measure.red_ink_top_mm(measure.raster(notice_pdf, 1)) == pytest.approx(72, abs=0.3)
    assert near((mark["x0"] + mark["x1"]) / 2, (LEFT + RIGHT) / 2)
    assert 30 <= mark["size"] <= 44 and mark["x1"] - mark["x0"] <= RIGHT - LEFT


def test_number_line_two_lines_below_the_mark_centered(notice):
    lines = notice[1][0]
    mark, number = find(lines, "山东省科学技术厅文件"), find(lines, "号")
    assert number["text"] == NUMBER and number["size"] == pytest.approx(16, abs=0.05)
    assert near(number["top"], mark["bottom"] + 2 * LINE + (LINE - 16) / 2)
    assert near((number["x0"] + number["x1"]) / 2, (LEFT + RIGHT) / 2, 0.5 * MM)


def test_red_rule_as_wide_as_the_type_area_4_mm_below_the_number(notice):
    document, lines = notice
    number = find(lines[0], NUMBER)
    rules = [r for r in document.pages[0].rects if is_red(r["non_stroking_color"])]
    assert len(rules) == 1
    rule = rules[0]
    assert near(rule["x0"], LEFT, 0.3 * MM) and near(rule["x1"], RIGHT, 0.3 * MM)
    assert near(rule["top"], number["bottom"] + 4 * MM)


def test_title_two_lines_below_the_rule_and_addressees_one_line_below(notice):
    document, lines = notice
    rule = next(r for r in document.pages[0].rects if is_red(r["non_stroking_color"]))
    title = [line for line in lines[0] if line["size"] == pytest.approx(22, abs=0.05)]
    assert "".join(t["text"] for t in title) == CONTENT["title"]
    assert near(title[0]["top"], rule["bottom"] + 2 * LINE + (LINE - 22) / 2)
    for line in title:
        assert near((line["x0"] + line["x1"]) / 2, (LEFT + RIGHT) / 2, 0.5 * MM)
    addressees = find(lines[0], "各市科技局")
    assert near(addressees["top"], title[-1]["bottom"] + (LINE - 22) / 2 + LINE
                + (LINE - 16) / 2)
    assert near(addressees["x0"], LEFT, 0.3 * MM) and addressees["text"].endswith("：")


def body_lines(lines):
    return [line for line in lines if line["size"] == pytest.approx(16, abs=0.05)
            and line["x0"] < 45 * MM and not line["text"].startswith("附件")]


def test_body_is_16pt_on_a_grid_of_28_99pt_lines_of_28_characters(notice):
    first_page = body_lines(notice[1][0])
    body = first_page[first_page.index(find(first_page, "各市科技局")):]
    assert len(body) >= 5
    for above, below in pairwise(body):
        assert below["top"] - above["top"] == pytest.approx(LINE, abs=0.3)
    full = [line for line in body if near(line["x0"], LEFT, 0.3 * MM)
            and near(line["x1"], RIGHT, 0.5 * MM)
            and all(ord(c["text"]) > 0x2E80 for c in line["chars"])]
    assert full, "no full line of Chinese characters"
    for line in full:
        assert len(line["text"]) == 28
        advances = [b["x0"] - a["x0"] for a, b in pairwise(line["chars"])]
        assert sum(advances) / len(advances) == pytest.approx(ADVANCE, abs=0.02)
    first = find(body, "根据")
    assert near(first["x0"], LEFT + 2 * ADVANCE, 0.3 * MM)
    assert min(line["x0"] for line in body) == pytest.approx(LEFT, abs=0.3 * MM)


def test_headings_in_hei_and_kai(notice):
    lines = [line for page in notice[1] for line in page]
    hei = find(lines, "强化组织领导")["chars"][0]["fontname"]
    kai = find(lines, "加强指导服务")["chars"][0]["fontname"]
    body = find(lines, "根据《山东省")["chars"][0]["fontname"]
    assert len({hei, kai, body}) == 3


def test_a_following_page_starts_on_the_first_line_of_the_type_area(notice):
    second = body_lines(notice[1][1])
    assert near(second[0]["top"], TOP + (LINE - 16) / 2)


def test_signature_centered_over_the_date_four_characters_from_the_right(notice):
    lines = [line for page in notice[1] for line in page]
    date, agency = find(lines, DATE), None
    page = next(p for p in notice[1] if date in p)
    agency = next(line for line in page if line["text"] == CONTENT["agency"])
    assert date["text"] == DATE
    assert near(date["x1"], RIGHT - 4 * ADVANCE)
    assert near((agency["x0"] + agency["x1"]) / 2, (date["x0"] + date["x1"]) / 2)
    assert date["top"] - agency["top"] == pytest.approx(LINE, abs=0.3)
    note = find(page, "（此件公开发布）")
    assert note["top"] - date["top"] == pytest.approx(LINE, abs=0.3)
    assert near(note["x0"], LEFT + 2 * ADVANCE)
    attachment = find(page, "附件：")
    assert near(attachment["x0"], LEFT + 2 * ADVANCE)


def test_attachment_starts_a_new_page_hei_label_and_centered_title(notice):
    pages = notice[1]
    signed = next(i for i, p in enumerate(pages) if any(DATE == line["text"] for line in p))
    annex = next(i for i, p in enumerate(pages) if any(line["text"] == "附件" for line in p))
    assert annex == signed + 1
    label = find(pages[annex], "附件")
    body_font = find(pages[0], "根据")["font"]
    assert label["text"] == "附件" and label["font"] != body_font
    assert near(label["top"], TOP + (LINE - 16) / 2) and near(label["x0"], LEFT, 0.3 * MM)
    title = find(pages[annex], CONTENT["attachment_title"])
    assert title["size"] == pytest.approx(22, abs=0.05)
    assert near(title["top"], TOP + 2 * LINE + (LINE - 22) / 2)
    assert near((title["x0"] + title["x1"]) / 2, (LEFT + RIGHT) / 2, 0.5 * MM)
    rows = [[(cell or "").replace("\n", "") for cell in row]
            for page in notice[0].pages[annex:] for table in page.extract_tables()
            for row in table]
    assert rows[0] == ["序号", "中心名称", "牵头单位", "共建单位", "所在市"]
    listed = [row for row in rows if row[0].isdigit()]
    assert [row[1] for row in listed] == [u["center"] for u in CONTENT["units"]]
    assert listed[0][2:] == ["山东第1股份有限公司", "山东大学、中国海洋大学", "济南市"]


def test_colophon_at_the_foot_of_the_last_page(notice):
    document, pages = notice
    last = document.pages[-1]
    rules = sorted((r for r in last.rects if r["non_stroking_color"] in ((0,), (0, 0, 0))
                    and near(r["x1"] - r["x0"], RIGHT - LEFT, 0.3 * MM)),
                   key=lambda r: r["top"])
    assert [round(r["height"] / MM, 2) for r in rules] == [0.35, 0.25, 0.35]
    assert rules[-1]["bottom"] == pytest.approx(BOTTOM, abs=0.1 * MM)
    cc, printed = find(pages[-1], "抄送："), find(pages[-1], "印发")
    assert cc["size"] == pytest.approx(14, abs=0.05)
    assert printed["size"] == pytest.approx(14, abs=0.05)
    assert near(cc["x0"], LEFT + 14) and near(printed["x1"], RIGHT - 14)
    assert printed["text"].endswith(f"{DATE}印发")
    assert rules[0]["bottom"] < cc["top"] < rules[1]["top"] < printed["top"] < rules[2]["top"]
    assert not any("抄送" in line["text"] for page in pages[:-1] for line in page)


def test_page_numbers_odd_right_even_left_7_mm_below_the_type_area(notice, notice_pdf):
    pages = notice[1]
    assert len(pages) >= 3
    for number, lines in enumerate(pages, start=1):
        label = find(lines, f"— {number} —")
        assert label["text"] == f"— {number} —"
        assert label["size"] == pytest.approx(14, abs=0.05)
        # The dash line (一字线) itself, its top edge 7 mm below the type area.
        top, bottom = measure.dash_line_mm(measure.raster(notice_pdf, number))
        assert top == pytest.approx(BOTTOM / MM + 7, abs=0.3) and bottom - top < 0.5
        if number % 2:
            assert near(label["x1"], RIGHT - 14)
        else:
            assert near(label["x0"], LEFT + 14)


def verification_box(document) -> tuple[int, dict]:
    """(page number, pdfplumber image) of the QR code: the only image without a seal."""
    found = [(n, image) for n, page in enumerate(document.pages, start=1)
             for image in page.images]
    assert len(found) == 1, "one QR code"
    return found[0]


def assert_verification_inside_the_type_area(document, pages, data, url=VERIFY.url):
    """The QR code and the code printed inside the type area of the last page (below it only
    page numbers may stand), the code and URL beside it, and the QR code readable."""
    number, qr = verification_box(document)
    assert number == len(document.pages)
    assert qr["x0"] >= LEFT - 0.1 and qr["x1"] <= RIGHT + 0.1
    assert qr["top"] >= TOP and qr["bottom"] <= BOTTOM
    assert qr["x1"] - qr["x0"] == pytest.approx(16 * MM, abs=0.1)
    code = find(pages[number - 1], "核验码")
    assert code["text"].endswith(VERIFY.code_groups) and TOP <= code["top"] < BOTTOM
    assert find(pages[number - 1], url)["bottom"] <= BOTTOM
    below = [line["text"] for page in pages for line in page if line["top"] > BOTTOM]
    assert all(text.startswith("—") and text.endswith("—") for text in below)
    decoded = measure.decode_qr(measure.raster(data, number), qr)
    if decoded is not None:
        assert decoded == url
    # Scannable also where it is not read here: 16 mm for (17 + 4 * version) modules of 6 px.
    modules = qr["srcsize"][0] / 6
    assert 16 / modules >= 0.4  # mm per module


def test_verification_inside_the_type_area_of_the_notice(notice, notice_pdf):
    assert_verification_inside_the_type_area(*notice, notice_pdf)


def test_verification_inside_the_type_area_of_the_letter(letter, letter_pdf):
    assert_verification_inside_the_type_area(*letter, letter_pdf)


def test_letter_has_the_red_mark_the_double_rule_and_refers_to_the_notice(letter, letter_pdf):
    document, pages = letter
    assert len(pages) == 1
    mark = pages[0][0]
    assert mark["text"] == CONTENT["agency"] and is_red(mark["color"])
    # A letter's mark (GB/T 9704, 10.1): the top edge of its ink 30 mm below the page's top.
    assert measure.red_ink_top_mm(measure.raster(letter_pdf, 1)) == pytest.approx(30, abs=0.3)
    red = [r for r in document.pages[0].rects if is_red(r["non_stroking_color"])]
    assert red and all(near(r["x1"] - r["x0"], RIGHT - LEFT, 0.3 * MM) for r in red)
    text = "".join(line["text"] for line in pages[0])
    assert NUMBER in text and "山东第1股份有限公司：" in text
    assert "山东省科学技术厅关于同意建设山东省第1技术创新中心的函" in text
    date = find(pages[0], DATE)
    assert near(date["x1"], RIGHT - 4 * ADVANCE)
    assert find(pages[0], "— 1 —")
