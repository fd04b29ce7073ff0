"""Application forms as data (issue 14, item 1): every kind of field takes good values and
refuses bad ones with a message, keeping what was typed; conditional fields apply only
while their condition holds; a form freezes at the first filing and a change makes the
next version, which filed applications do not take; pages and the application book follow
the form; hostile text stays text."""
import copy
import io

import pytest
from flask import request
from flask_babel import force_locale
from markupsafe import escape
from openpyxl import load_workbook
from pypdf import PdfReader
from werkzeug.datastructures import MultiDict

from forms.form_fields import SectionForm
from forms.review import rubric_form
from tests import factories
from tests.hostile_pdfs import page_tree
from workflow.application_forms import operations, queries, schema
from workflow.application_forms.shipped import SHIPPED, TECHNOLOGY_CENTER
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.intake.actions import submit_problems
from workflow.intake.operations import attachments, books, intake
from workflow.intake.rules import eligibility
from workflow.review.queries.figures import item_figures
from workflow.review.rules.rubric import DEFAULT_RUBRIC, rubric_of


@pytest.fixture(autouse=True)
def _english():
    with force_locale("en"):
        yield


def T(zh, en=None):  # noqa: N802
    return {"zh": zh, "en": en or zh}


EVERY_KIND = {"sections": [
    {"key": "one", "title": T("第一部分", "Part one"), "fields": [
        {"key": "kind", "label": T("类型", "Kind"), "kind": "choice", "required": True,
         "choices": [{"value": "enterprise", "label": T("企业", "Enterprise")},
                     {"value": "government", "label": T("政府机构", "Government body")}]},
        {"key": "mandate", "label": T("授权文号", "Mandate"), "kind": "text", "limit": 20,
         "required": True, "condition": {"field": "kind", "values": ["government"]}},
        {"key": "name", "label": T("名称", "Name"), "kind": "text", "limit": 10},
        {"key": "story", "label": T("介绍", "Story"), "kind": "textarea", "limit": 50,
         "required": False},
        {"key": "staff", "label": T("人数", "Staff"), "kind": "number", "minimum": "1",
         "maximum": "500"},
        {"key": "budget", "label": T("预算", "Budget"), "kind": "money", "maximum": "1000",
         "unit": T("万元", "10,000 yuan"), "name": "total_budget"},
        {"key": "founded", "label": T("成立日期", "Founded"), "kind": "date"},
        {"key": "head", "label": T("负责人", "Head"), "kind": "person"},
        {"key": "host", "label": T("依托单位", "Host"), "kind": "organization"},
        {"key": "members", "label": T("成员单位", "Members"), "kind": "table", "min_rows": 2,
         "max_rows": 3, "columns": [
             {"key": "unit", "label": T("单位", "Unit"), "kind": "text", "limit": 20},
             {"key": "since", "label": T("年份", "Year"), "kind": "year"},
             {"key": "funds", "label": T("经费", "Funds"), "kind": "money"}]},
    ]},
], "attachments": [{"key": "licence", "label": T("营业执照", "Licence"), "required": True,
                    "max_pages": 2}]}
FORM = schema.read(EVERY_KIND)
GOOD = {"kind": "enterprise", "name": "测试", "story": "一段介绍", "staff": "12",
        "budget": "250.5", "founded": "2020-03-31", "head-name": "李四", "head-title": "主任",
        "head-phone": "0531-1234567", "head-email": "li@example.com",
        "host-credit_code": "", "host-name": "山东大学",
        "members-rows": "3", "members-0-unit": "甲单位", "members-0-since": "2019",
        "members-0-funds": "10", "members-1-unit": "乙单位", "members-1-since": "2020",
        "members-1-funds": "", "members-2-unit": "", "members-2-since": "",
        "members-2-funds": ""}


def read(app, data: dict, stored=None, locale="en") -> SectionForm:
    with app.test_request_context(method="POST", data=MultiDict(data)), force_locale(locale):
        form = SectionForm(FORM.section("one"), FORM, 2026, stored or {})
        form.ok = form.read(request.form)
        return form


def errors(form) -> dict:
    return {e.definition.key: e.errors for e in form.entries if e.errors}


def test_a_good_section_is_read_into_typed_values(app):
    form = read(app, GOOD)
    assert form.ok, errors(form)
    saved = form.data_to_save()
    assert saved["staff"] == "12" and saved["budget"] == "250.5"
    assert saved["founded"] == "2020-03-31"
    assert saved["head"] == {"name": "李四", "title": "主任", "phone": "0531-1234567",
                             "email": "li@example.com"}
    assert saved["members"] == [{"unit": "甲单位", "since": "2019", "funds": "10"},
                                {"unit": "乙单位", "since": "2020", "funds": ""}]
    assert "mandate" not in saved  # its condition does not hold


BAD = [
    ("kind", {"kind": "bank"}, "Choose one of the options offered."),
    ("name", {"name": "名" * 11}, "At most 10 characters (now 11)."),
    ("story", {"story": "a\x00b"}, "Remove the control characters from this text."),
    ("staff", {"staff": "0"}, "Enter a number from 1 to 500."),
    ("staff", {"staff": "501"}, "Enter a number from 1 to 500."),
    ("staff", {"staff": "abc"}, "Enter a number, for example 1250 or 1250.5."),
    ("staff", {"staff": "NaN"}, "Enter a number, for example 1250 or 1250.5."),
    ("staff", {"staff": "sNaN"}, "Enter a number, for example 1250 or 1250.5."),
    ("staff", {"staff": "Infinity"}, "Enter a number, for example 1250 or 1250.5."),
    ("budget", {"budget": "-1"}, "Enter a number from 0 to 1000."),
    ("budget", {"budget": "1e9"}, "Enter a number from 0 to 1000."),
    ("founded", {"founded": "2020-02-30"}, "Enter a date as 2025-03-31."),
    ("founded", {"founded": "yesterday"}, "Enter a date as 2025-03-31."),
    ("head", {"head-email": "not-an-email"}, "Invalid email address."),
    ("head", {"head-phone": "call me"}, "Use digits, spaces and + - ( ) only."),
    ("host", {"host-credit_code": "91370100MA3C0000X0"}, None),
    ("members", {"members-0-since": "1800"}, "Row 1, Year: Enter a year such as 2025."),
    ("members", {"members-1-funds": "-5"}, "Row 2, Funds: Enter a number from 0 to 100000000."),
    ("members", {"members-2-unit": "丙", "members-rows": "4", "members-3-unit": "丁"},
     "At most 3 rows."),
]


@pytest.mark.parametrize(("key", "change", "message"), BAD)
def test_a_bad_value_is_refused_with_its_message_and_kept_as_typed(app, key, change, message):
    form = read(app, {**GOOD, **change})
    assert not form.ok
    assert list(errors(form)) == [key]
    if message:
        assert errors(form)[key] == [message]
    typed = next(v for k, v in change.items() if not k.endswith("-rows"))
    entry = next(e for e in form.entries if e.definition.key == key)
    assert typed in str(entry.value)


def test_the_messages_are_translated(app):
    form = read(app, {**GOOD, "staff": "abc", "founded": "x", "kind": "bank"}, locale="zh_CN")
    assert errors(form) == {"kind": ["请从给出的选项中选择。"],
                            "staff": ["请输入数字，例如 1250 或 1250.5。"],
                            "founded": ["请按 2025-03-31 的格式输入日期。"]}


def test_a_conditional_field_is_required_only_while_its_condition_holds(app):
    section = FORM.section("one")
    values = read(app, GOOD).data_to_save()
    assert [f.key for f in schema.missing(section, values)] == []
    government = read(app, {**GOOD, "kind": "government"}).data_to_save()
    assert [f.key for f in schema.missing(section, government)] == ["mandate"]
    with_mandate = read(app, {**GOOD, "kind": "government", "mandate": "鲁政字〔2019〕1号"})
    assert with_mandate.data_to_save()["mandate"] == "鲁政字〔2019〕1号"
    # Chosen back to an enterprise, the mandate no longer applies and is not kept.
    again = read(app, {**GOOD, "kind": "enterprise", "mandate": "鲁政字〔2019〕1号"})
    assert "mandate" not in again.data_to_save()


def test_a_table_with_fewer_rows_than_its_least_is_missing(app):
    one_row = read(app, {**GOOD, "members-1-unit": "", "members-1-since": ""}).data_to_save()
    assert [f.key for f in schema.missing(FORM.section("one"), one_row)] == ["members"]


@pytest.mark.parametrize("code", sorted(SHIPPED))
def test_every_shipped_template_is_a_valid_form(app, code):
    assert schema.problems(SHIPPED[code][1]) == []
    assert schema.read(SHIPPED[code][1]).sections


def test_the_technology_center_form_keeps_the_keys_existing_applications_hold():
    keys = [(s["key"], [f["key"] for f in s["fields"]]) for s in TECHNOLOGY_CENTER["sections"]]
    assert keys == [
        ("basic", ["project_head", "contact_name", "contact_phone", "contact_email", "summary"]),
        ("necessity", ["priority_industry", "positioning"]),
        ("foundation", ["revenue_y1", "revenue_y2", "revenue_y3", "rd_spend_y1",
                        "rd_spend_y2", "rd_spend_y3", "staff_total", "rd_staff",
                        "industry_standing", "facilities", "team", "ip", "collaboration"]),
        ("targets", ["targets", "indicators"]), ("tasks", ["tasks", "route"]),
        ("governance", ["board", "tech_committee", "accounting"]),
        ("budget", ["total_budget", "own_funds", "local_match", "budget_notes"]),
        ("cooperation", ["division"]), ("risks", ["risks"])]


BAD_DEFINITIONS = [
    ({"sections": []}, "A form needs at least one section."),
    ({"sections": [{"key": "Bad Key", "title": T("甲"), "fields": [
        {"key": "a", "label": T("甲"), "kind": "text"}]}]}, "the key must start"),
    ({"sections": [{"key": "s", "title": T("甲"), "fields": [
        {"key": "a", "label": T("甲"), "kind": "text"},
        {"key": "a", "label": T("乙"), "kind": "text"}]}]}, "is used twice"),
    ({"sections": [{"key": "s", "title": T("甲"), "fields": [
        {"key": "a", "label": T("甲"), "kind": "choice",
         "choices": [{"value": "x", "label": T("x")}]}]}]}, "at least two options"),
    ({"sections": [{"key": "s", "title": T("甲"), "fields": [
        {"key": "a", "label": T("甲"), "kind": "table", "columns": []}]}]}, "at least one column"),
    ({"sections": [{"key": "s", "title": T("甲"), "fields": [
        {"key": "a", "label": T("甲"), "kind": "number", "minimum": "5", "maximum": "1"}]}]},
     "lowest value is above the highest"),
    ({"sections": [{"key": "s", "title": T("甲"), "fields": [
        {"key": "a", "label": T("甲"), "kind": "text",
         "condition": {"field": "later", "values": ["x"]}},
        {"key": "later", "label": T("乙"), "kind": "text"}]}]}, "only name a field above it"),
    ({"sections": [{"key": "s", "title": T("甲"), "fields": [
        {"key": "a", "label": T("甲"), "kind": "spreadsheet"}]}]}, "unknown kind of field"),
    ({"sections": [{"key": "s", "title": {"en": "English only"}, "fields": [
        {"key": "a", "label": T("甲"), "kind": "text"}]}]}, "give a Chinese label"),
]


@pytest.mark.parametrize(("definition", "words"), BAD_DEFINITIONS)
def test_a_bad_definition_is_refused_in_words_and_nothing_changes(app, definition, words):
    call = factories.call()
    before = queries.current_form(call).definition
    with pytest.raises(ServiceError) as refused:
        operations.save(call, definition, actor=factories.officer())
    assert words in str(refused.value)
    assert queries.current_form(call).definition == before


def custom_call():
    call = factories.call()
    officer = factories.officer()
    operations.save(call, copy.deepcopy(EVERY_KIND), actor=officer)
    return call, officer


def test_an_application_is_filled_and_checked_by_its_calls_form(app, login_as):
    call, _officer = custom_call()
    app_row = factories.application(call, complete=False)
    db.session.commit()
    client = login_as(db.session.get(factories.User, app_row.created_by_id))
    page = client.get(f"/applications/{app_row.id}/sections/one").get_data(as_text=True)
    assert 'name="members-0-since"' in page and 'name="head-email"' in page
    assert 'data-show-if="kind"' in page and "Only when “Kind” is Government body." in page

    refused = client.post(f"/applications/{app_row.id}/sections/one",
                          data={**GOOD, "staff": "9999"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Enter a number from 1 to 500." in html and 'value="9999"' in html
    assert app_row.section_data("one") == {}

    saved = client.post(f"/applications/{app_row.id}/sections/one",
                        data={**GOOD, "kind": "government"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert app_row.section_data("one")["members"][1]["unit"] == "乙单位"
    problems = submit_problems(app_row, None)
    assert any("Mandate" in p for p in problems), problems
    assert any("Licence" in p or "营业执照" in p for p in problems), problems


def test_eligibility_reads_a_field_by_its_name(app):
    definition = copy.deepcopy(TECHNOLOGY_CENTER)
    foundation = next(s for s in definition["sections"] if s["key"] == "foundation")
    revenue = next(f for f in foundation["fields"] if f["key"] == "revenue_y3")
    revenue.update(key="income_last_year", name="revenue_y3")
    call = factories.call(eligibility={"rules": [
        {"rule": "revenue_min", "hard": True, "value": "1000"}]})
    operations.save(call, definition, actor=factories.officer())
    app_row = factories.application(call, complete=False)
    intake.save_section(app_row, "foundation", {"income_last_year": "1500"},
                        actor=db.session.get(factories.User, app_row.created_by_id))
    (result,) = [r for r in eligibility.evaluate(app_row) if r.code == "revenue_min"]
    assert result.passed


def test_the_first_filing_freezes_the_form_and_a_change_makes_the_next_version(app):
    call = factories.call()
    officer = factories.officer()
    filed = factories.application(call, state=AppState.SUBMITTED)
    first = queries.current_form(call)
    assert first.version == 1 and first.frozen_at is not None and filed.form_id == first.id
    draft = factories.application(call, lead=factories.applicant(), complete=False)

    changed = copy.deepcopy(first.definition)
    changed["sections"][0]["title"] = T("单位基本情况", "About the unit")
    second = operations.save(call, changed, actor=officer)
    assert (second.version, second.frozen_at) == (2, None)
    assert filed.form_id == first.id
    assert queries.form_of(filed).sections[0].title == "Basic information"
    assert queries.form_of(draft).sections[0].title == "About the unit"
    version = filed.versions[-1]
    assert queries.form_of_snapshot(version.snapshot, call).sections[0].title == \
        "Basic information"
    # Saved again while nobody filed against version 2, it changes in place.
    changed["sections"][0]["title"] = T("单位情况", "The unit")
    assert operations.save(call, changed, actor=officer).version == 2


def test_a_form_change_by_someone_else_is_refused(app):
    call = factories.call()
    before = queries.current_form(call).definition
    with pytest.raises(PermissionDenied):
        operations.save(call, copy.deepcopy(EVERY_KIND), actor=factories.applicant())
    assert queries.current_form(call).definition == before


def test_the_forms_attachments_are_the_calls_and_their_page_limit_holds(app):
    call, _officer = custom_call()
    assert [(r.code, r.max_pages) for r in call.required_attachments] == [("licence", 2)]
    app_row = factories.application(call, complete=False)
    lead = db.session.get(factories.User, app_row.created_by_id)
    three_pages = page_tree(3)
    with pytest.raises(ServiceError) as refused:
        attachments.store_attachment(app_row, kind="licence", filename="执照.pdf",
                                     stream=io.BytesIO(three_pages), actor=lead)
    assert "at most 2 pages" in str(refused.value)
    assert app_row.current_attachments() == []


HOSTILE = "<script>alert('x')</script>&amp;"


def test_hostile_text_stays_text_on_pages_and_in_the_book(app, login_as):
    definition = copy.deepcopy(EVERY_KIND)
    definition["sections"][0]["title"] = T(HOSTILE)
    definition["sections"][0]["fields"][2]["label"] = T(HOSTILE)
    definition["sections"][0]["fields"][2]["limit"] = 100
    call = factories.call(eligibility={"rules": []})
    operations.save(call, definition, actor=factories.officer())
    app_row = factories.application(call)
    intake.save_section(app_row, "one", {**app_row.section_data("one"), "name": HOSTILE,
                                         "members": [{"unit": HOSTILE, "since": "2020",
                                                      "funds": "1"}] * 2},
                        actor=db.session.get(factories.User, app_row.created_by_id))
    db.session.commit()
    client = login_as(db.session.get(factories.User, app_row.created_by_id))
    for url in (f"/applications/{app_row.id}", f"/applications/{app_row.id}/sections/one"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and str(escape(HOSTILE)) in html
    factories.drive(app_row, AppState.SUBMITTED,
                    lead=db.session.get(factories.User, app_row.created_by_id))
    version = app_row.versions[-1]
    pdf = books.book_pdf(version, actor=db.session.get(factories.User, app_row.created_by_id))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "<script>alert('x')</script>" in text.replace("\n", "")


def test_the_export_has_a_column_per_field_of_the_forms_filed_in(app, login_as):
    call = factories.call(eligibility={"rules": []})
    officer = factories.officer()
    first = factories.application(call, state=AppState.SUBMITTED)
    changed = copy.deepcopy(queries.current_form(call).definition)
    changed["sections"][0]["fields"].append(
        {"key": "website", "label": T("网址", "Website"), "kind": "text", "required": False})
    operations.save(call, changed, actor=officer)
    second = factories.application(call, lead=factories.applicant(), state=AppState.SUBMITTED)
    intake_value = "=HYPERLINK(\"http://x\")"
    first.versions[-1].snapshot = {**first.versions[-1].snapshot, "title": intake_value}
    db.session.commit()

    response = login_as(officer).get(f"/officer/calls/{call.id}/form/applications.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.data)).active
    headers = [c.value for c in ws[2]]
    assert headers[:3] == ["编号", "中心名称", "牵头单位"]
    assert "基本信息-项目负责人" in headers and "基本信息-网址" in headers
    rows = {r[0].value: r for r in ws.iter_rows(min_row=3)}
    assert set(rows) == {first.id, second.id}
    assert rows[first.id][1].value == intake_value and rows[first.id][1].data_type == "s"
    website = headers.index("基本信息-网址")
    assert rows[first.id][website].value in (None, "")
    assert login_as(factories.applicant()).get(
        f"/officer/calls/{call.id}/form/applications.xlsx").status_code == 403


def test_a_field_that_does_not_apply_is_left_out_of_the_page_and_the_book(app, login_as):
    call = factories.call(eligibility={"rules": []})
    operations.save(call, copy.deepcopy(EVERY_KIND), actor=factories.officer())
    app_row = factories.application(call, state=AppState.SUBMITTED)  # kind: enterprise
    db.session.commit()
    lead = db.session.get(factories.User, app_row.created_by_id)
    page = login_as(lead).get(f"/applications/{app_row.id}").get_data(as_text=True)
    assert "Staff" in page and "Mandate" not in page
    version = app_row.versions[-1]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(
        books.book_pdf(version, actor=lead))).pages)
    assert "人数" in text and "授权文号" not in text


def test_a_rule_reading_figures_the_form_does_not_ask_is_not_applied_and_says_so(app, login_as):
    call = factories.call(eligibility={"rules": [
        {"rule": "rd_staff_min", "hard": True, "value": "50"},
        {"rule": "legal_person", "hard": True}]})
    officer = factories.officer()
    operations.save(call, copy.deepcopy(SHIPPED["key_laboratory"][1]), actor=officer)
    app_row = factories.application(call)
    assert [r.code for r in eligibility.evaluate(app_row)] == ["legal_person"]
    assert eligibility.unasked(call) == {"revenue_min", "rd_share_min", "rd_staff_min"}
    db.session.commit()
    page = login_as(officer).get(f"/officer/calls/{call.id}/eligibility").get_data(as_text=True)
    assert page.count("Not applied: the call’s application form asks for no field") == 3


def test_a_rubric_item_names_the_figures_the_score_sheet_shows_beside_it(app):
    app_row = factories.application(factories.call())
    figures = item_figures(rubric_of(app_row.call), app_row)
    assert figures["team_structure"] == [("Staff in total", "100"), ("R&D staff", "100")]
    assert figures["plan_budget"][0] == ("Total budget (10,000 yuan)", "100")
    assert "industry_standing" not in figures
    # The rubric editor keeps the names, and refuses what is not a name.
    with app.test_request_context(method="POST"):
        form = rubric_form(DEFAULT_RUBRIC)
        assert form.validate() and form.rubric() == DEFAULT_RUBRIC
        rows = {"items-0-dimension": "industry", "items-0-code": "x", "items-0-label": "甲",
                "items-0-max": "5", "items-0-fields": "revenue_y3, 营业收入",
                "dimensions-0-code": "industry", "dimensions-0-label": "产业"}
        bad = rubric_form(DEFAULT_RUBRIC, MultiDict(rows))
        assert not bad.validate()
