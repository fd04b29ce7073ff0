"""Forms with bad input: wrong types, too long, missing, hostile strings. Each form first
accepts a valid payload, so each refusal below is caused by the one value it changes."""
import io

import pytest
from flask import request
from markupsafe import escape
from sqlalchemy import func, select

from forms.accounts import LoginForm, RegistrationForm
from forms.calls import CallForm
from forms.form_fields import SectionForm
from forms.intake import (
    ApplicationBasicsForm,
    CoBuilderForm,
    CommentForm,
)
from tests import factories
from workflow.accounts.models.users import User
from workflow.calls.models import Call
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.intake.models import Application, ApplicationSection
from workflow.vocabulary import rules as vocabulary

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE applications; --",
    "{{ 7*7 }}{% raw %}",
    "&lt;b&gt;已转义&lt;/b&gt;",
]


def _valid(call) -> dict:
    """A valid payload per form, built against `call` where the form needs its choices."""
    return {
        "basics": ({"title": "山东省工业软件技术创新中心", "field_id": str(call.fields[0].id)},
                   lambda: ApplicationBasicsForm().set_fields(call)),
        "basic": ({"project_head": "李四", "contact_name": "王五",
                   "contact_phone": "0531-8888 6666",
                   "contact_email": "wangwu@example.com", "summary": "概述"},
                  lambda: _Section("basic")),
        "necessity": ({"priority_industry": "高端装备", "positioning": "定位"},
                      lambda: _Section("necessity")),
        "foundation": ({"revenue_y1": "1200.5", "staff_total": "300", "team": "团队"},
                       lambda: _Section("foundation")),
        "cobuilder": ({"credit_code": factories.credit_code(), "name": "山东大学",
                       "division": "联合研发"}, CoBuilderForm),
        "comment": ({"comment": "同意推荐"}, CommentForm),
        "login": ({"email": "a@example.com", "password": "secret-password"}, LoginForm),
        "registration": ({"org_name": "青岛测试有限公司", "credit_code": factories.credit_code(),
                          "region_code": "", "kind": "enterprise", "legal_representative": "赵六",
                          "user_name": "钱七", "email": "qian@example.com",
                          "password": "a-long-password", "confirm": "a-long-password",
                          "licence": (io.BytesIO(factories.PDF), "营业执照.pdf")},
                         RegistrationForm),
        "call": ({"platform_type_id": "1", "year": "2026", "title": "2026年度申报",
                  "description": "说明", "opens_at": "2026-03-01T09:00",
                  "closes_at": "2026-04-30T17:00", "quota": "30", "recommender_quota": "5",
                  "fields": [str(f.term_id) for f in call.fields[:2]],
                  "attachments": "licence: 营业执照",
                  "recommend_deadline": "2026-05-20T17:00", "correction_workdays": "5",
                  "correction_rounds": "1"},
                 lambda: _call_form()),
    }


class _Section:
    """A section of the technology innovation center form, read from the request as the
    section's page reads it."""

    def __init__(self, key: str):
        form = factories.TECH_FORM
        self.form = SectionForm(form.section(key), form, 2022, {})

    def validate(self) -> bool:
        return self.form.read(request.form)

    @property
    def errors(self) -> dict:
        return {e.definition.key: e.errors for e in self.form.entries if e.errors}


def _call_form():
    form = CallForm()
    form.platform_type_id.choices = [(1, "技术创新中心")]
    form.fields.offer(vocabulary.choices())
    return form


def validate(app, name: str, changes: dict):
    call = factories.call()
    data, make_form = _valid(call)[name]
    with app.test_request_context(method="POST", data={**data, **changes}):
        form = make_form()
        return form.validate(), form.errors


@pytest.mark.parametrize("name", ["basics", "basic", "necessity", "foundation", "cobuilder",
                                  "comment", "login", "registration", "call"])
def test_valid_payload_is_accepted(app, name):
    ok, errors = validate(app, name, {})
    assert ok, errors


BAD = [
    # wrong types
    ("foundation", "revenue_y1", "abc"),
    ("foundation", "revenue_y1", "1,200"),
    ("foundation", "revenue_y1", "NaN"),
    ("foundation", "revenue_y1", "sNaN"),
    ("foundation", "revenue_y1", "Infinity"),
    ("foundation", "staff_total", "-1"),
    ("foundation", "staff_total", "10000001"),
    ("basics", "field_id", "abc"),
    ("basics", "field_id", "999999"),
    ("necessity", "priority_industry", "房地产"),
    ("basic", "contact_email", "not-an-email"),
    ("basic", "contact_phone", "call me"),
    ("registration", "email", "qian at example.com"),
    ("registration", "kind", "bank"),
    ("registration", "region_code", "110100"),
    ("call", "year", "二〇二六"),
    ("call", "year", "1999"),
    ("call", "quota", "0"),
    ("call", "opens_at", "next monday"),
    ("call", "closes_at", "2026-02-01T09:00"),  # before it opens
    ("call", "attachments", "营业执照"),  # no code
    ("call", "attachments", "licence: 营业执照\nlicence: 执照副本"),
    ("call", "recommend_deadline", "2026-04-30T16:00"),  # before the filing closes
    ("call", "correction_workdays", "0"),
    ("call", "correction_workdays", "61"),
    ("call", "correction_workdays", "五"),
    ("call", "correction_rounds", "6"),
    ("call", "correction_rounds", "-1"),
    # too long
    ("basics", "title", "创" * 201),
    ("basic", "project_head", "李" * 51),
    ("basic", "summary", "概" * 1001),
    ("foundation", "team", "团" * 5001),
    ("cobuilder", "division", "分" * 1001),
    ("cobuilder", "credit_code", "9" * 31),
    ("comment", "comment", "意" * 4001),
    ("login", "password", "p" * 201),
    ("registration", "legal_representative", "赵" * 51),
    ("call", "fields", "工业软件"),  # a name, not a term's id
    ("call", "fields", "999999"),  # no term of the vocabulary
    ("call", "description", "说" * 4001),
    # missing
    ("basics", "title", ""),
    ("basics", "title", "   "),
    ("cobuilder", "name", ""),
    ("cobuilder", "credit_code", ""),
    ("login", "email", ""),
    ("registration", "org_name", ""),
    ("registration", "licence", ""),
    ("cobuilder", "contact_email", "not an address"),
    ("registration", "confirm", "another-password"),
    ("registration", "password", "short"),
    ("call", "fields", ""),
    ("call", "correction_workdays", ""),
    ("call", "correction_rounds", ""),
    # invalid codes and control characters
    ("cobuilder", "credit_code", "91370100MA3C12345X"),
    ("registration", "credit_code", "12345"),
    ("basics", "title", "中心\x00名称"),
    ("basic", "project_head", "李\x1b[31m四"),
    ("comment", "comment", "同意\x07"),
    ("login", "email", "a\x00@example.com"),
    ("call", "description", "说明\x00"),
    ("call", "fields", "工业\x00软件"),
    ("call", "attachments", "licence: 营业\x00执照"),
]


@pytest.mark.parametrize(("name", "field", "value"), BAD,
                         ids=[f"{n}.{f}={v[:12]!r}" for n, f, v in BAD])
def test_bad_value_is_refused_on_its_field(app, name, field, value):
    ok, errors = validate(app, name, {field: value})
    assert not ok
    assert field in errors, errors


@pytest.mark.parametrize("value", ["abc", "sNaN", "NaN", "-1", "说" * 5001, "\x00"])
def test_bad_section_value_through_the_page_is_refused_and_nothing_saved(login_as, make, value):
    app = make.application(complete=False)
    db.session.commit()
    client = login_as(db.session.get(User, app.created_by_id))
    response = client.post(f"/applications/{app.id}/sections/foundation",
                           data={"revenue_y1": value if len(value) < 10 else "1",
                                 "team": value})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(ApplicationSection)) == 0


@pytest.mark.parametrize("email", ["a\x00b@example.com", "<script>@example.com"])
def test_hostile_login_is_refused_without_an_error(client, email):
    response = client.post("/login", data={"email": email, "password": "whatever-password"})
    assert response.status_code == 200
    assert "<script>@" not in response.get_data(as_text=True)


def test_call_form_with_control_characters_creates_nothing(login_as, make):
    officer = make.officer()
    db.session.commit()
    data, _ = _valid(make.call(actor=officer))["call"]
    db.session.commit()
    calls = db.session.scalar(select(func.count()).select_from(Call))
    response = login_as(officer).post("/officer/calls/new", data={**data,
                                                                   "description": "说明\x00"})
    assert response.status_code == 422  # shown again, as typed
    assert db.session.scalar(select(func.count()).select_from(Call)) == calls


def assert_escaped(html: str, hostile: str) -> None:
    assert str(escape(hostile)) in html
    if str(escape(hostile)) != hostile:
        assert hostile not in html


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_strings_are_rendered_escaped(login_as, make, hostile):
    call = make.call()
    officer = make.officer()
    app = make.application(call)
    lead = db.session.get(User, app.created_by_id)
    db.session.commit()
    client = login_as(lead)
    base = f"/applications/{app.id}"
    assert client.post(f"{base}/basics", data={"title": hostile,
                                               "field_id": call.fields[0].id}).status_code == 302
    assert client.post(f"{base}/sections/basic", data={
        "project_head": hostile[:50], "contact_name": "王五", "contact_phone": "0531-88886666",
        "contact_email": "wangwu@example.com", "summary": hostile}).status_code == 302
    assert client.post(f"{base}/cobuilders", data={
        "credit_code": factories.credit_code(), "name": hostile, "division": hostile,
    }).status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, app.id).title == hostile

    detail = client.get(base).get_data(as_text=True)
    assert_escaped(detail, hostile)
    assert_escaped(client.get("/my").get_data(as_text=True), hostile)
    assert_escaped(client.get(f"{base}/sections/basic").get_data(as_text=True), hostile)
    office = login_as(officer).get(f"/officer/calls/{call.id}").get_data(as_text=True)
    assert_escaped(office, hostile)


@pytest.mark.parametrize("hostile", HOSTILE[:2])
def test_hostile_strings_in_versions_and_reasons_are_rendered_escaped(login_as, make, hostile):
    app = make.application(state=AppState.SUBMITTED)
    lead = db.session.get(User, app.created_by_id)
    db.session.commit()
    client = login_as(lead)
    assert client.post(f"/applications/{app.id}/actions/withdraw",
                       data={"comment": hostile}).status_code == 302
    assert_escaped(client.get(f"/applications/{app.id}").get_data(as_text=True), hostile)
    assert_escaped(client.get(f"/applications/{app.id}/versions/1").get_data(as_text=True),
                   app.title)
