"""One vocabulary of technical fields for calls and experts: seeded with the ten priority
industries and their fields, kept by officers (add, rename and move, merge, retire, bring
back; audited), chosen from on the call form, the expert profile and the pool import, and
read by the assignment's affinity. The migration keeps the free text typed before."""
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from flask_migrate import downgrade, upgrade
from markupsafe import escape
from sqlalchemy import delete, func, select, text

from tests import factories
from tests.confirming import confirmed
from tests.platform.test_migrations import separate_database
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from tests.web.test_queries import counted_statements
from workflow.calls.models import Call, PlatformType
from workflow.calls.operations import calls
from workflow.core import clock
from workflow.core.errors import ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.reference import PRIORITY_INDUSTRIES
from workflow.core.states import AppState
from workflow.demo import data as demo_data
from workflow.demo import review as demo_review
from workflow.experts.models import Expert, ExpertField
from workflow.experts.operations.pool import import_experts
from workflow.intake.models import Application
from workflow.review.models import PanelSeat
from workflow.review.operations import assignment
from workflow.vocabulary import rules as vocabulary
from workflow.vocabulary.models import FieldTerm
from workflow.vocabulary.taxonomy import DEFAULT_TAXONOMY

HOSTILE = "<script>alert(1)</script>"


def audit(action: str) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.comment).where(
        AuditEntry.action == action).order_by(AuditEntry.id)))


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def term(name: str) -> FieldTerm:
    db.session.expire_all()
    return db.session.scalar(select(FieldTerm).where(FieldTerm.name == name))


@pytest.fixture
def officer():
    row = factories.officer()
    vocabulary.ensure_defaults()
    db.session.commit()
    return row


# The vocabulary a new database starts with.

def test_the_defaults_are_the_ten_priority_industries_in_order_with_their_fields():
    assert tuple(DEFAULT_TAXONOMY) == PRIORITY_INDUSTRIES
    names = [n for fields in DEFAULT_TAXONOMY.values() for n in fields]
    assert len(names) == len(set(names)) and not set(names) & set(PRIORITY_INDUSTRIES)
    assert all(len(fields) >= 4 for fields in DEFAULT_TAXONOMY.values())


def test_every_field_the_demo_names_is_a_default_term_of_its_industry():
    under = {name: industry for industry, fields in DEFAULT_TAXONOMY.items() for name in fields}
    for name, industry in demo_data.FIELDS + demo_data.NEW_FIELDS:
        assert under[name] == industry, name
    assert {*demo_review.EXPERT_FIELDS, demo_data.WAITING[2]} <= set(under)


def test_ensure_defaults_fills_only_an_empty_vocabulary():
    db.session.execute(delete(FieldTerm))  # tests start from the seeded vocabulary
    added = vocabulary.ensure_defaults()
    assert added == count(FieldTerm) == 10 + sum(map(len, DEFAULT_TAXONOMY.values()))
    assert vocabulary.ensure_defaults() == 0
    groups = vocabulary.choices()
    assert [g.industry.name for g in groups] == list(PRIORITY_INDUSTRIES)
    assert [t.name for t in groups[0].terms] == list(DEFAULT_TAXONOMY["新一代信息技术"])


def test_the_migration_seeds_the_vocabulary_and_keeps_free_text_as_unsorted_terms(app,
                                                                                tmp_path):
    with separate_database(app, tmp_path) as engine:
        upgrade()
        call_id = factories.call(fields=["半导体激光", "工业软件"]).id
        factories.expert("数控机床")
        db.session.commit()
        db.session.remove()

        downgrade(revision="d10b0b0b0b02")  # free text again, as before issue 10
        with engine.begin() as conn:
            assert conn.execute(text("SELECT name, industry FROM call_fields ORDER BY position")
                                ).all() == [("半导体激光", "新一代信息技术"),
                                            ("工业软件", "新一代信息技术")]
            conn.execute(text("UPDATE call_fields SET name = '柔性显示' WHERE name = '工业软件'"))
            conn.execute(text("INSERT INTO call_fields (call_id, name, industry, position) "
                              "VALUES (:call, '旧领域', '不是产业', 2)"), {"call": call_id})
            conn.execute(text("UPDATE expert_fields SET name = '海洋观测浮标'"))
        upgrade()

        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT t.name, t.unsorted, p.name FROM call_fields f "
                "JOIN field_terms t ON t.id = f.term_id "
                "LEFT JOIN field_terms p ON p.id = t.parent_id ORDER BY f.position")).all()
            assert [tuple(r) for r in rows] == [("半导体激光", False, "新一代信息技术"),
                                                 ("柔性显示", True, "新一代信息技术"),
                                                 ("旧领域", True, None)]
            assert conn.execute(text(
                "SELECT t.name, t.unsorted, t.parent_id FROM expert_fields f "
                "JOIN field_terms t ON t.id = f.term_id")).one() == ("海洋观测浮标", True, None)
            assert conn.execute(text("SELECT count(*) FROM field_terms")).scalar() == (
                10 + sum(map(len, DEFAULT_TAXONOMY.values())) + 3)


# The officers' page.

def test_officer_adds_a_term_under_an_industry(officer, login):
    client = login(officer)
    industry = term("高端装备")
    response = client.post("/officer/fields", data={"name": " 柔性电子 ",
                                                    "parent_id": industry.id})
    assert response.status_code == 302
    added = term("柔性电子")
    assert (added.parent_id, added.unsorted, added.retired_at) == (industry.id, False, None)
    assert added.position == len(DEFAULT_TAXONOMY["高端装备"])
    assert audit("field_term_add") == [f"{added.id} 柔性电子 < 高端装备"]
    page = client.get(response.location).get_data(as_text=True)
    assert "“柔性电子” added." in page and f'id="term-{added.id}"' in page


@pytest.mark.parametrize(("name", "parent", "message"), [
    ("", "industry", "This is required."),
    ("领" * 101, "industry", "Field cannot be longer than 100 characters."),
    ("柔性\x00电子", "industry", "Remove the control characters"),
    ("工业软件", "industry", "The vocabulary has “工业软件” already"),
    ("5g与通信", "industry", "The vocabulary has “5G与通信” already"),
    ("柔性电子", "field", "Choose the priority industry the term belongs under."),
    ("柔性电子", "abc", "Choose the priority industry the term belongs under."),
    ("柔性电子", "999999", "Choose the priority industry the term belongs under."),
    (HOSTILE, "retired", "Choose the priority industry the term belongs under."),
])
def test_a_bad_new_term_is_refused_and_what_was_typed_is_kept(officer, login, name, parent,
                                                            message):
    retired = term("现代金融")
    retired.retired_at = clock.now()
    for child in db.session.scalars(select(FieldTerm).where(FieldTerm.parent_id == retired.id)):
        child.retired_at = clock.now()
    db.session.commit()
    parent_id = {"industry": term("高端装备").id, "field": term("工业软件").id,
                 "retired": retired.id}.get(parent, parent)
    before = (count(FieldTerm), count(AuditEntry))
    response = login(officer).post("/officer/fields", data={"name": name,
                                                            "parent_id": parent_id})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert (count(FieldTerm), count(AuditEntry)) == before
    if name and "\x00" not in name:
        assert f'value="{escape(name)}"' in html
    assert HOSTILE not in html


def test_an_unsorted_term_is_placed_under_its_industry_and_renamed(officer, login):
    loose = factories.term("柔性屏幕")
    db.session.commit()
    industry = term("新一代信息技术")
    response = login(officer).post(f"/officer/fields/{loose.id}", data={
        "name": "柔性显示屏", "parent_id": industry.id})
    assert response.status_code == 302
    placed = term("柔性显示屏")
    assert (placed.id, placed.parent_id, placed.unsorted) == (loose.id, industry.id, False)
    assert audit("field_term_edit") == [f"{loose.id} 柔性屏幕 < - -> 柔性显示屏 < 新一代信息技术"]


def test_an_industry_is_renamed_but_keeps_no_parent(officer, login):
    industry = term("精品旅游")
    client = login(officer)
    page = client.get(f"/officer/fields/{industry.id}").get_data(as_text=True)
    assert 'name="parent_id" value="0"' in page  # no industry to choose
    assert client.post(f"/officer/fields/{industry.id}", data={
        "name": "精品文旅", "parent_id": "0"}).status_code == 302
    assert (term("精品文旅").id, term("精品文旅").parent_id) == (industry.id, None)
    refused = client.post(f"/officer/fields/{industry.id}", data={
        "name": "精品文旅", "parent_id": term("高端装备").id})
    assert refused.status_code == 422
    assert "A priority industry stays at the top of the vocabulary." in refused.get_data(
        as_text=True)
    assert term("精品文旅").parent_id is None


def test_merging_moves_calls_and_experts_and_retires_the_term(officer, login):
    loose, into = factories.term("激光器件"), term("半导体激光")
    both = factories.call(fields=[loose, into], actor=officer)  # has both: merged in place
    only = factories.call(fields=[loose], actor=officer)
    app = factories.application(both)  # in its first field: the one that goes
    experts = [factories.expert("激光器件"), factories.expert("激光器件")]
    experts[1].fields.append(ExpertField(term=into))
    db.session.commit()
    client = login(officer)
    page = client.post(f"/officer/fields/{loose.id}/merge", data={"into_id": into.id})
    assert "2 calls and 2 experts that have “激光器件” get “半导体激光” instead" in page.get_data(
        as_text=True)
    assert count(FieldTerm, FieldTerm.retired_at.is_not(None)) == 0  # not before confirmed
    response = confirmed(client, f"/officer/fields/{loose.id}/merge", {"into_id": into.id})
    assert response.status_code == 302 and response.location == f"/officer/fields/{into.id}"
    db.session.expire_all()
    assert [f.term_id for f in db.session.get(Call, both.id).fields] == [into.id]
    assert [f.term_id for f in db.session.get(Call, only.id).fields] == [into.id]
    assert db.session.get(Application, app.id).field.term_id == into.id
    assert [[f.term_id for f in db.session.get(Expert, e.id).fields] for e in experts] == [
        [into.id], [into.id]]
    gone = term("激光器件")
    assert gone.retired_at is not None and gone.merged_into_id == into.id
    assert audit("field_term_merge") == [
        f"{loose.id} 激光器件 -> {into.id} 半导体激光: 2 calls, 2 experts"]


@pytest.mark.parametrize("case", ["itself", "industry", "retired", "unknown", "none"])
def test_a_bad_merge_is_refused_and_changes_nothing(officer, login, case):
    loose = factories.term("激光器件")
    retired = factories.term("退役领域")
    retired.retired_at = clock.now()
    db.session.commit()
    source, into = {"itself": (loose, loose.id), "industry": (term("高端装备"), loose.id),
                    "retired": (loose, retired.id), "unknown": (loose, "999999"),
                    "none": (loose, "0")}[case]
    before = (count(AuditEntry), count(FieldTerm, FieldTerm.retired_at.is_not(None)))
    response = login(officer).post(f"/officer/fields/{source.id}/merge",
                                   data={"into_id": into})
    assert response.status_code == 422
    assert (count(AuditEntry), count(FieldTerm, FieldTerm.retired_at.is_not(None))) == before


def test_a_retired_term_stays_on_calls_and_experts_but_is_no_longer_offered(officer, login):
    old = term("区块链")
    call = factories.call(fields=[old], actor=officer)
    person = factories.expert("区块链")
    db.session.commit()
    client = login(officer)
    assert client.post(f"/officer/fields/{old.id}/retire").status_code == 302
    assert audit("field_term_retire") == [f"{old.id} 区块链"]
    db.session.expire_all()
    assert db.session.get(Call, call.id).fields[0].name == "区块链"
    assert [f.name for f in db.session.get(Expert, person.id).fields] == ["区块链"]
    new_call = client.get("/officer/calls/new").get_data(as_text=True)
    assert f'value="{old.id}"' not in new_call
    profile = client.get(f"/experts/{person.id}/profile").get_data(as_text=True)
    assert f'value="{old.id}" id="fields-{old.id}" checked' in profile  # kept where held
    with pytest.raises(ServiceError, match="Retired terms cannot be chosen"):
        calls.create_call(**call_options(officer), fields=[term("区块链")])
    assert client.post(f"/officer/fields/{old.id}/restore").status_code == 302
    assert term("区块链").retired_at is None
    assert audit("field_term_restore") == [f"{old.id} 区块链"]


def test_an_industry_with_active_fields_is_not_retired(officer, login):
    industry = term("现代金融")
    response = login(officer).post(f"/officer/fields/{industry.id}/retire")
    assert response.status_code == 422
    assert "Move or retire the fields under “现代金融” first." in response.get_data(as_text=True)
    assert term("现代金融").retired_at is None


def test_vocabulary_page_shows_each_term_with_its_use_in_fixed_statements(officer, login):
    client = login(officer)
    factories.call(fields=["工业软件", "人工智能"], actor=officer)
    factories.expert("工业软件")
    factories.term("待归类领域")
    db.session.commit()

    def measure() -> tuple[int, str]:
        db.session.expire_all()
        with counted_statements() as statements:
            html = client.get("/officer/fields").get_data(as_text=True)
        return len(statements), html

    few, html = measure()
    row = html.split(f'data-term="{term("工业软件").id}"', 1)[1].split("</tr>", 1)[0]
    assert re.findall(r">(\d+)</td>", row) == ["1", "1"]
    assert "1 fields to sort" in html and "待归类领域" in html.split('id="to-sort"')[1]
    for n in range(100):
        factories.term(f"新领域{n:03d}", "高端装备")
    db.session.commit()
    many, _html = measure()
    assert many == few


# Choosing from the vocabulary.

def call_options(officer) -> dict:
    return dict(platform_type=db.session.scalar(select(PlatformType).limit(1)), year=2030,
                title="2030年度", opens_at=clock.now(), closes_at=clock.now() + timedelta(days=9),
                quota=30, recommender_quota=5, attachments=[("licence", "营业执照")],
                actor=officer)


def test_the_call_form_offers_the_vocabulary_by_industry_and_keeps_the_order(officer, login):
    client = login(officer)
    page = client.get("/officer/calls/new").get_data(as_text=True)
    assert page.count('name="fields"') == count(FieldTerm)
    assert "(the whole industry)" in page and "<summary>新一代信息技术" in page
    chosen = [term("人工智能").id, term("数控机床").id]
    response = client.post("/officer/calls/new", data={
        "platform_type_id": 1, "year": 2031, "title": "2031年度", "opens_at": "2031-03-01T09:00",
        "closes_at": "2031-04-30T17:00", "quota": 30, "recommender_quota": 5,
        "fields": chosen, "attachments": "licence: 营业执照", "correction_workdays": 5,
        "correction_rounds": 1})
    assert response.status_code == 302
    call = db.session.scalar(select(Call).where(Call.title == "2031年度"))
    assert [f.term_id for f in call.fields] == chosen
    assert [f.name for f in call.fields] == ["人工智能", "数控机床"]


def test_a_call_without_fields_is_refused_and_keeps_what_was_ticked(officer, login):
    client = login(officer)
    response = client.post("/officer/calls/new", data={
        "platform_type_id": 1, "year": 2031, "title": "2031年度", "opens_at": "2031-03-01T09:00",
        "closes_at": "2031-04-30T17:00", "quota": 30, "recommender_quota": 5,
        "fields": [], "attachments": "licence: 营业执照", "correction_workdays": 5,
        "correction_rounds": 1})
    assert response.status_code != 302
    assert "Choose 1 to 100 technical fields." in response.get_data(as_text=True)
    assert count(Call) == 0


def test_the_profile_adds_only_active_terms(officer, login):
    person = factories.expert("工业软件")
    gone = factories.term("退役领域")
    gone.retired_at = clock.now()
    db.session.commit()
    response = login(person.user).post(f"/experts/{person.id}/profile", data={
        "title": "教授", "fields": [term("工业软件").id, gone.id], "phone": "",
        "email": person.email})
    assert response.status_code == 422
    assert "Choose terms of the vocabulary." in response.get_data(as_text=True)
    db.session.expire_all()
    assert [f.name for f in db.session.get(Expert, person.id).fields] == ["工业软件"]


def row(name: str, fields: str) -> dict:
    return {"name": name, "employer": "山东大学",
            "employer_credit_code": factories.credit_code(prefix="12"), "city": "济南",
            "title": "教授", "fields": fields, "birth_year": "1970", "phone": "",
            "email": f"{factories.credit_code()[-8:]}@example.com"}


def test_an_import_names_the_closest_terms_for_an_unknown_field(officer):
    merged = factories.term("激光器件")
    merged.retired_at, merged.merged_into_id = clock.now(), term("半导体激光").id
    retired = factories.term("退役领域")
    retired.retired_at = clock.now()
    db.session.commit()
    with force_locale("en"), pytest.raises(ServiceError) as refused:
        import_experts([row("王工", "集成电路；工业软件"), row("李工", "激光器件、退役领域"),
                        row("赵工", "量子力学")], actor=officer)
    problems = dict(refused.value.rows)
    assert "“集成电路” is not a term of the vocabulary (closest: 集成电路设计、集成电路制造与封测" \
        in problems[2] and "工业软件" not in problems[2]
    assert "“激光器件” was merged into “半导体激光”" in problems[3]
    assert "“退役领域” is retired" in problems[3]
    assert "“量子力学” is not a term of the vocabulary (closest: 量子信息)" in problems[4]
    assert count(Expert) == 0


def test_an_import_takes_the_terms_whatever_the_case(officer):
    (expert,) = import_experts([row("王工", "5g与通信、人工智能")], actor=officer)
    assert [f.term_id for f in expert.fields] == [term("5G与通信").id, term("人工智能").id]


# Matching.

def test_affinity_reads_the_vocabulary(officer):
    call = factories.call(fields=[term("工业软件")], actor=officer)
    app = factories.application(call)
    people = [factories.expert(name) for name in ("工业软件", "人工智能", "新一代信息技术",
                                                  "数控机床")]
    people.append(factories.expert(factories.term("待归类领域").name))
    assert [assignment.field_affinity(e, app) for e in people] == [3, 1, 1, 0, 0]


def test_a_new_call_with_fields_of_the_vocabulary_finds_its_experts(officer, login):
    """The walk of issue 10: a new call's fields matched no expert and nobody was invited."""
    client = login(officer)
    client.post("/officer/calls/new", data={
        "platform_type_id": 1, "year": 2031, "title": "2031年度", "opens_at": "2031-03-01T09:00",
        "closes_at": "2031-04-30T17:00", "quota": 30, "recommender_quota": 5,
        "fields": [term("海水淡化").id], "attachments": "licence: 营业执照",
        "correction_workdays": 5, "correction_rounds": 1})
    call = db.session.scalar(select(Call).where(Call.title == "2031年度"))
    call.state = "open"
    call.opens_at = clock.now() - timedelta(days=1)
    call.closes_at = clock.now() + timedelta(days=9)
    call.review_settings = {"k": 3}
    app = factories.application(call, state=AppState.FORMAL_PASSED)
    for name in ("海水淡化", "海水淡化", "海洋药物"):
        factories.expert(name)
    run = assignment.assign_optimal(call, actor=officer)
    assert (run.seats_created, run.unfilled) == (3, {})
    assert sorted(s.affinity for s in db.session.scalars(
        select(PanelSeat).where(PanelSeat.application_id == app.id))) == [1, 3, 3]


def test_the_pool_filters_by_an_industry_and_finds_a_credit_code(officer, login):
    first, second = factories.expert("工业软件"), factories.expert("数控机床")
    db.session.commit()
    client = login(officer)
    html = client.get("/officer/experts?field=新一代信息技术").get_data(as_text=True)
    assert first.name in html and second.name not in html
    code = second.employer_credit_code
    html = client.get("/officer/experts", query_string={
        "q": f"{code[:4]} {code[4:].lower()}"}).get_data(as_text=True)
    assert second.name in html and first.name not in html
