"""The officer builds a call's application form (issue 14, item 1): sections, fields and
attachments added, changed, moved and deleted through their editors; bad input refused with
its reason, kept as typed, nothing changed; hostile text shown as text; a frozen form changed
makes the next version while a filed application keeps its own; a form started from a
shipped template or from another call of the department; refused without the CSRF token.
Who may open each route: tests/application_forms/access.py."""
import re

import pytest
from flask_babel import refresh
from sqlalchemy import func, select

from tests import factories
from tests.departments.test_cross_department import client_of
from tests.departments.world import department_b
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.accounts.models.users import User
from workflow.application_forms import queries
from workflow.application_forms.models import ApplicationForm
from workflow.application_forms.shipped import SHIPPED
from workflow.calls.models import RequiredAttachment
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState
from workflow.departments import operations as departments
from workflow.intake.models import Application

HOSTILE = "<script>alert('x')</script>"


@pytest.fixture
def built(login):
    officer = factories.officer(departments.ensure_home_department())
    call = factories.call(actor=officer, title="技术创新中心申报")
    db.session.commit()
    return call, login(officer)


def form_url(call, rest: str = "") -> str:
    return f"/officer/calls/{call.id}/form{rest}"


def definition(call) -> dict:
    db.session.expire_all()
    return queries.current_form(call).definition


def keys(call, section: str) -> list[str]:
    return [f["key"] for s in definition(call)["sections"] if s["key"] == section
            for f in s["fields"]]


def state(call) -> tuple:
    db.session.expire_all()
    return (db.session.scalar(select(func.count()).select_from(AuditEntry)),
            tuple(db.session.execute(select(ApplicationForm.version, ApplicationForm.sha256)
                                     .where(ApplicationForm.call_id == call.id)
                                     .order_by(ApplicationForm.version))))


def field_data(**change) -> dict:
    data = {"key": "unit_kind", "label_zh": "单位类型", "label_en": "Kind of unit",
            "kind": "choice", "required": "y",
            "choices": "government|政府机关|Government body\nenterprise|企业|Enterprise"}
    return {**data, **change}


# The builder page

def test_builder_shows_the_version_its_sections_fields_and_attachments(built):
    call, client = built
    html = client.get(form_url(call)).get_data(as_text=True)
    assert 'id="form-version"' in html and "Version 1" in html and "Not frozen" in html
    assert "Basic information" in html and "Necessity and positioning" in html
    assert 'id="field-project_head"' in html and "at most 50 characters" in html
    assert 'id="attachment-licence"' in html
    assert "Technology innovation center" in html  # started from the shipped template
    assert form_url(call, "/preview") in html and form_url(call, "/versions/1") in html


def test_the_call_page_links_the_builder(built):
    call, client = built
    html = client.get(f"/officer/calls/{call.id}").get_data(as_text=True)
    assert f'href="{form_url(call)}" id="application-form-link"' in html


# Each editor's happy path

def test_a_new_section_is_added_last_with_its_first_field(built):
    call, client = built
    before = state(call)[0]
    response = client.post(form_url(call, "/sections/new"), data={
        **field_data(), "section_key": "members", "section_title_zh": "成员单位",
        "section_title_en": "Member units"})
    assert response.status_code == 302
    last = definition(call)["sections"][-1]
    assert last == {"key": "members", "title": {"zh": "成员单位", "en": "Member units"},
                    "fields": [{"key": "unit_kind", "kind": "choice", "required": True,
                                "label": {"zh": "单位类型", "en": "Kind of unit"},
                                "choices": [{"value": "government", "label": {
                                    "zh": "政府机关", "en": "Government body"}},
                                            {"value": "enterprise", "label": {
                                                "zh": "企业", "en": "Enterprise"}}]}]}
    assert state(call)[0] == before + 1
    assert "The form was saved (version 1)." in client.get(form_url(call)).get_data(
        as_text=True)


def test_a_section_is_renamed_and_keeps_its_fields(built):
    call, client = built
    fields = keys(call, "basic")
    response = client.post(form_url(call, "/sections/basic/edit"),
                           data={"key": "basic", "title_zh": "基本情况", "title_en": "Basics"})
    assert response.status_code == 302
    section = definition(call)["sections"][0]
    assert section["title"] == {"zh": "基本情况", "en": "Basics"}
    assert [f["key"] for f in section["fields"]] == fields


def test_a_conditional_number_field_is_added_and_previewed(built):
    call, client = built
    assert client.post(form_url(call, "/sections/basic/fields/new"),
                       data=field_data()).status_code == 302
    response = client.post(form_url(call, "/sections/basic/fields/new"), data={
        "key": "gov_budget", "label_zh": "财政预算", "label_en": "Public budget",
        "kind": "money", "minimum": "0", "maximum": "5000", "unit_zh": "万元",
        "unit_en": "10,000 yuan", "condition_field": "unit_kind",
        "condition_values": "government", "name": "public_budget", "help_en": "This year's."})
    assert response.status_code == 302
    added = definition(call)["sections"][0]["fields"][-1]
    assert added == {"key": "gov_budget", "kind": "money", "required": False,
                     "label": {"zh": "财政预算", "en": "Public budget"},
                     "minimum": "0", "maximum": "5000",
                     "unit": {"zh": "万元", "en": "10,000 yuan"},
                     "condition": {"field": "unit_kind", "values": ["government"]},
                     "name": "public_budget", "help": {"en": "This year's."}}
    html = client.get(form_url(call)).get_data(as_text=True)
    assert "0 – 5000" in html and "<code>unit_kind</code> = government" in html
    preview = client.get(form_url(call, "/preview")).get_data(as_text=True)
    assert "Public budget" in preview and "Government body" in preview
    assert 'name="gov_budget"' in preview and "disabled" in preview


def test_a_table_field_with_typed_columns_is_added(built):
    call, client = built
    response = client.post(form_url(call, "/sections/basic/fields/new"), data={
        "key": "members", "label_zh": "成员单位", "kind": "table", "required": "y",
        "columns": "name|单位名称|Unit|text|100\nfounded|成立年份|Founded|year",
        "min_rows": "1", "max_rows": "30"})
    assert response.status_code == 302
    added = definition(call)["sections"][0]["fields"][-1]
    assert added["columns"] == [
        {"key": "name", "label": {"zh": "单位名称", "en": "Unit"}, "kind": "text", "limit": 100},
        {"key": "founded", "label": {"zh": "成立年份", "en": "Founded"}, "kind": "year"}]
    assert (added["min_rows"], added["max_rows"]) == (1, 30)
    editor = client.get(form_url(call, "/fields/members/edit")).get_data(as_text=True)
    assert "name|单位名称|Unit|text|100\nfounded|成立年份|Founded|year" in editor


def test_editing_a_yearly_field_keeps_what_the_editor_does_not_show(built):
    call, client = built
    stored = next(f for s in definition(call)["sections"] for f in s["fields"]
                  if f["key"] == "revenue_y1")
    page = client.get(form_url(call, "/fields/revenue_y1/edit")).get_data(as_text=True)
    assert 'value="%(year)s年营业收入（万元）"' in page
    response = client.post(form_url(call, "/fields/revenue_y1/edit"), data={
        "key": "revenue_y1", "label_zh": "%(year)s年主营业务收入（万元）",
        "label_en": "Main revenue in %(year)s", "kind": "money", "required": "y",
        "minimum": "0", "maximum": stored["maximum"], "unit_zh": "万元",
        "years_back": str(stored["years_back"])})
    assert response.status_code == 302
    changed = next(f for s in definition(call)["sections"] for f in s["fields"]
                   if f["key"] == "revenue_y1")
    assert changed["years_back"] == stored["years_back"] == 3
    assert changed["label"]["zh"] == "%(year)s年主营业务收入（万元）"
    preview = client.get(form_url(call, "/preview")).get_data(as_text=True)
    assert f"Main revenue in {call.year - 3}" in preview


def test_an_attachment_is_added_with_its_page_limit_and_becomes_required(built):
    call, client = built
    response = client.post(form_url(call, "/attachments/new"), data={
        "key": "member_list", "label_zh": "成员单位名单", "label_en": "List of members",
        "required": "y", "max_pages": "10"})
    assert response.status_code == 302
    assert definition(call)["attachments"][-1] == {
        "key": "member_list", "label": {"zh": "成员单位名单", "en": "List of members"},
        "required": True, "max_pages": 10}
    row = db.session.scalar(select(RequiredAttachment).where(
        RequiredAttachment.call_id == call.id, RequiredAttachment.code == "member_list"))
    assert (row.label, row.mandatory, row.max_pages) == ("成员单位名单", True, 10)
    preview = client.get(form_url(call, "/preview")).get_data(as_text=True)
    assert "List of members" in preview and "at most 10 pages" in preview


def test_an_attachment_is_edited_and_deleted(built):
    call, client = built
    assert client.post(form_url(call, "/attachments/licence/edit"), data={
        "key": "licence", "label_zh": "营业执照副本", "label_en": "",
        "max_pages": "2"}).status_code == 302
    licence = definition(call)["attachments"][0]
    assert (licence["label"], licence["required"], licence["max_pages"]) == (
        {"zh": "营业执照副本"}, False, 2)
    assert client.post(form_url(call, "/attachments/licence/delete")).status_code == 302
    assert "licence" not in [a["key"] for a in definition(call)["attachments"]]
    assert db.session.scalar(select(RequiredAttachment).where(
        RequiredAttachment.call_id == call.id, RequiredAttachment.code == "licence")) is None


def test_pieces_move_up_and_down_and_are_deleted(built):
    call, client = built
    first, second = keys(call, "basic")[:2]
    assert client.post(form_url(call, f"/fields/{first}/down")).status_code == 302
    assert keys(call, "basic")[:2] == [second, first]
    assert client.post(form_url(call, f"/fields/{first}/up")).status_code == 302
    assert keys(call, "basic")[:2] == [first, second]
    sections = [s["key"] for s in definition(call)["sections"]]
    client.post(form_url(call, f"/sections/{sections[1]}/up"))
    assert [s["key"] for s in definition(call)["sections"]][:2] == [sections[1], sections[0]]
    client.post(form_url(call, "/fields/collaboration/delete"))
    assert "collaboration" not in keys(call, "foundation")


def test_a_field_another_depends_on_cannot_be_deleted_or_moved_below_it(built):
    call, client = built
    client.post(form_url(call, "/sections/basic/fields/new"), data=field_data())
    client.post(form_url(call, "/sections/basic/fields/new"), data={
        "key": "ministry", "label_zh": "主管部门", "kind": "text",
        "condition_field": "unit_kind", "condition_values": "government"})
    before = state(call)
    response = client.post(form_url(call, "/fields/unit_kind/delete"), follow_redirects=True)
    assert "a condition can only name a field above it" in response.get_data(as_text=True)
    response = client.post(form_url(call, "/fields/unit_kind/down"), follow_redirects=True)
    assert "a condition can only name a field above it" in response.get_data(as_text=True)
    assert state(call) == before


def test_unknown_pieces_are_not_found(built):
    call, client = built
    assert client.get(form_url(call, "/fields/nosuch/edit")).status_code == 404
    assert client.get(form_url(call, "/sections/nosuch/edit")).status_code == 404
    assert client.get(form_url(call, "/sections/nosuch/fields/new")).status_code == 404
    assert client.post(form_url(call, "/attachments/nosuch/delete")).status_code == 404
    assert client.post(form_url(call, "/fields/nosuch/up")).status_code == 404
    assert client.get(form_url(call, "/versions/2")).status_code == 404
    assert client.get("/officer/calls/999999/form").status_code == 404


# Bad input: refused with its reason, kept as typed, nothing changed

@pytest.mark.parametrize(("path", "change", "problem"), [
    ("/sections/basic/fields/new", {"key": "project_head"}, "is used twice"),
    ("/sections/basic/fields/new", {"key": "Bad-Key"}, "Start with a small letter"),
    ("/sections/basic/fields/new", {"key": "x" * 41}, "Field cannot be longer than 40"),
    ("/sections/basic/fields/new", {"label_zh": ""}, "This is required."),
    ("/sections/basic/fields/new", {"kind": "spreadsheet"}, "Not a valid choice"),
    ("/sections/basic/fields/new", {"choices": "only|唯一"}, "at least two options"),
    ("/sections/basic/fields/new", {"choices": "a|甲\na|乙"}, "Each value may appear only once"),
    ("/sections/basic/fields/new", {"condition_field": "revenue_y1", "condition_values": "1"},
     "a condition can only name a field above it"),
    ("/sections/basic/fields/new", {"condition_field": "nosuch", "condition_values": "1"},
     "a condition can only name a field above it"),
    ("/fields/project_head/edit", {"key": "project_head", "kind": "text",
                                   "condition_field": "summary", "condition_values": "x"},
     "a condition can only name a field above it"),
    ("/sections/basic/fields/new", {"kind": "number", "minimum": "10", "maximum": "5"},
     "The highest value must not be below the lowest."),
    ("/sections/basic/fields/new", {"kind": "number", "minimum": "NaN"}, "Enter a number"),
    ("/sections/basic/fields/new", {"kind": "table", "columns": ""},
     "A table needs at least one column."),
    ("/sections/basic/fields/new", {"kind": "table", "columns": "a|甲|A|colour"},
     "The kind of a column is one of"),
    ("/sections/basic/fields/new", {"kind": "text", "limit": "0"}, "Give 1 to 20000"),
    ("/sections/basic/fields/new", {"label_zh": "单位\x07类型"}, "control characters"),
    ("/sections/basic/fields/new", {"name": "revenue_y1"}, None),
    ("/sections/basic/edit", {"key": "necessity", "title_zh": "基本信息"}, "is used twice"),
    ("/sections/new", {"section_key": "basic", "section_title_zh": "又一节"}, "is used twice"),
    ("/sections/new", {"section_key": "members", "section_title_zh": ""}, "This is required."),
    ("/attachments/new", {"key": "licence", "label_zh": "执照"}, "is used twice"),
    ("/attachments/new", {"key": "scan", "label_zh": "扫描件", "max_pages": "0"},
     "Give 1 to 2000 pages."),
])
def test_bad_input_is_refused_kept_and_changes_nothing(built, path, change, problem):
    call, client = built
    data = {**field_data(), "section_key": "members", "section_title_zh": "成员单位",
            "title_zh": "新标题", **change}
    if problem is None:  # a name that is free is fine; one used twice is not
        assert client.post(form_url(call, path), data=data).status_code == 302
        data = {**data, "key": "unit_kind_again"}
        problem = "is used twice"
    before = state(call)
    response = client.post(form_url(call, path), data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert problem in html
    for typed in ("key", "label_zh", "section_key"):
        if f'name="{typed}"' in html and data.get(typed) and "\x07" not in data[typed]:
            assert f'value="{data[typed]}"' in html
    assert state(call) == before


def test_hostile_text_is_shown_as_text(built):
    call, client = built
    client.post(form_url(call, "/sections/new"), data={
        **field_data(label_zh=HOSTILE, label_en=HOSTILE, help_en=HOSTILE,
                     choices=f"government|{HOSTILE}|{HOSTILE}\nenterprise|企业|Enterprise"),
        "section_key": "members", "section_title_zh": HOSTILE, "section_title_en": HOSTILE})
    client.post(form_url(call, "/attachments/new"), data={
        "key": "evil", "label_zh": HOSTILE, "label_en": HOSTILE})
    assert definition(call)["sections"][-1]["title"]["en"] == HOSTILE
    for page in ("", "/preview", "/versions/1", "/fields/unit_kind/edit",
                 "/attachments/evil/edit", "/sections/members/edit"):
        html = client.get(form_url(call, page)).get_data(as_text=True)
        assert "<script>alert" not in html, page
        assert "&lt;script&gt;alert(" in html, page


# Frozen forms and versions

def test_a_change_to_a_frozen_form_makes_version_2_and_the_application_keeps_1(built):
    call, client = built
    app = factories.application(call, state=AppState.SUBMITTED)  # the filing freezes it
    db.session.commit()
    html = client.get(form_url(call)).get_data(as_text=True)
    assert "Frozen" in html and "a change makes version 2" in html
    response = client.post(form_url(call, "/fields/project_head/edit"), data={
        "key": "project_head", "label_zh": "中心负责人", "label_en": "Head of the center",
        "kind": "text", "required": "y", "limit": "50"}, follow_redirects=True)
    assert "Version 1 is in use, so the change made version 2" in response.get_data(as_text=True)
    db.session.expire_all()
    first, second = queries.versions(call)
    assert (first.version, second.version) == (1, 2)
    assert first.frozen_at is not None and second.frozen_at is None
    assert db.session.get(Application, app.id).form_id == first.id
    assert first.form.field("project_head").label != "中心负责人"
    assert second.form.field("project_head").labels["zh"] == "中心负责人"
    old = client.get(form_url(call, "/versions/1")).get_data(as_text=True)
    assert "Head of the center" not in old and first.sha256 in old
    assert "Head of the center" in client.get(form_url(call, "/versions/2")).get_data(
        as_text=True)
    # Version 2 is not frozen: the next change stays version 2.
    client.post(form_url(call, "/sections/basic/edit"), data={"key": "basic", "title_zh": "基本"})
    assert [v.version for v in queries.versions(call)] == [1, 2]


# Starting from a template or another call

def test_start_from_a_shipped_template(built):
    call, client = built
    response = client.post(form_url(call, "/start"), data={"source": "template:key_laboratory"})
    assert response.status_code == 302
    row = queries.current_form(call)
    db.session.refresh(row)
    assert row.definition == SHIPPED["key_laboratory"][1]
    assert row.source == "template:key_laboratory"
    assert "Key laboratory" in client.get(form_url(call)).get_data(as_text=True)


def test_start_from_another_call_of_the_department(built):
    call, client = built
    officer = db.session.get(User, queries.current_form(call).created_by_id)
    other = factories.call(actor=officer, title="2023年技术创新中心申报")
    db.session.commit()
    client.post(form_url(other, "/attachments/new"),
                data={"key": "member_list", "label_zh": "成员单位名单"})
    offered = client.get(form_url(call)).get_data(as_text=True)
    assert f'value="call:{other.id}"' in offered and f'value="call:{call.id}"' not in offered
    assert client.post(form_url(call, "/start"),
                       data={"source": f"call:{other.id}"}).status_code == 302
    assert definition(call) == definition(other)
    assert queries.current_form(call).source == f"call:{other.id}"


def test_the_form_of_another_departments_call_is_not_offered_nor_copied(built):
    call, client = built
    b_officer = factories.officer(department_b())
    foreign = factories.call(actor=b_officer, title="制造业创新中心培育申报")
    db.session.commit()
    assert f'value="call:{foreign.id}"' not in client.get(form_url(call)).get_data(as_text=True)
    before = state(call)
    response = client.post(form_url(call, "/start"), data={"source": f"call:{foreign.id}"},
                           follow_redirects=True)
    assert "Choose a template or an earlier call to start from." in response.get_data(
        as_text=True)
    assert state(call) == before


# CSRF

def test_changes_need_the_csrf_token(app, built, monkeypatch):
    call, client = built
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    before = state(call)
    for path, data in (("/sections/basic/fields/new", field_data()),
                       ("/fields/project_head/down", {}), ("/start", {
                           "source": "template:key_laboratory"})):
        assert client.post(form_url(call, path), data=data).status_code == 400, path
    assert state(call) == before
    page = client.get(form_url(call, "/sections/basic/fields/new")).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(form_url(call, "/sections/basic/fields/new"),
                           data={**field_data(), "csrf_token": token})
    assert response.status_code == 302
    builder = client.get(form_url(call)).get_data(as_text=True)
    assert 'name="csrf_token" value="' in builder  # the move and delete buttons carry it


def test_the_preview_follows_the_users_language(app, built):
    call, _client = built
    officer = factories.officer(departments.ensure_home_department())
    db.session.commit()
    refresh()  # the locale of the English pages opened before in this app context
    html = client_of(app, officer.id).get(form_url(call, "/preview")).get_data(as_text=True)
    assert "项目负责人" in html and f"{call.year - 3}年营业收入（万元）" in html
    assert "营业执照" in html and "Project head" not in html
