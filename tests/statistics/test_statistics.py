"""The department's statistics page: every number checked against counts made here from the
rows themselves; the year range and the platform type narrow them; each chart is drawn as
SVG with its text alternative beside the table of its numbers, and downloads as Excel with
the same numbers; the page issues the same statements for a small and a doubled province;
a bad scope is refused with a message and nothing counted."""
import copy
import io
import re
from collections import Counter
from decimal import Decimal
from html import unescape

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests import factories
from tests.statistics.world import EVALUATIONS, REPORTS, build
from tests.web.test_queries import counted_statements
from workflow.application_forms import operations as forms
from workflow.application_forms.shipped import SHIPPED
from workflow.calls.models import Call
from workflow.centers.models import Center
from workflow.core import reference
from workflow.core.extensions import db
from workflow.core.states import CENTER_STATES, NOTICE_ISSUED_STATES, UNFILED_STATES, AppState
from workflow.intake.models import Application
from workflow.intake.operations import intake
from workflow.organizations.models import Organization
from workflow.statistics import dashboard, queries
from workflow.statistics.rules import Scope
from workflow.task_books.models import TaskBook, TaskBookState

S = AppState
ALL = Scope(2022, 2027)


@pytest.fixture
def world():
    return build()


def facts() -> list[dict]:
    """Every application with what the statistics group it by, read row by row (the tests'
    own count, against which the aggregates are checked)."""
    rows = []
    for app in db.session.scalars(select(Application)):
        center = db.session.scalar(select(Center).where(Center.application_id == app.id))
        lead = db.session.get(Organization, center.lead_org_id if center else app.lead_org_id)
        rows.append({"id": app.id, "year": app.call.year, "type": app.call.platform_type_id,
                     "call": app.call_id, "state": S(app.state), "city": app.region_code,
                     "field": app.field.term.name, "kind": lead.kind})
    return rows


def approved(rows, scope=ALL):
    return [r for r in rows if r["state"] in NOTICE_ISSUED_STATES
            and scope.year_from <= r["year"] <= scope.year_to
            and scope.platform_type_id in (None, r["type"])]


def test_approvals_per_batch_count_every_notice_issued_with_the_running_total(world):
    rows = facts()
    per_call = Counter(r["call"] for r in approved(rows))

    batches = queries.approvals_by_batch(ALL)

    assert [(b.call_id, b.approved) for b in batches] == [
        (world.calls[key].id, per_call[world.calls[key].id]) for key in ("c2022", "c2024",
                                                                          "lab2026")]
    assert [b.cumulative for b in batches] == [6, 8, 8]
    assert world.calls["planned2027"].id not in {b.call_id for b in batches}


def test_a_later_range_keeps_the_count_so_far_from_the_first_year(world):
    batches = queries.approvals_by_batch(Scope(2023, 2025))

    assert [(b.year, b.approved, b.cumulative) for b in batches] == [(2024, 2, 8)]


def test_cities_count_approvals_and_active_centers_and_rank_them(world):
    rows = approved(facts())
    expected = Counter(r["city"] for r in rows)
    active = Counter(r["city"] for r in rows if r["state"] in CENTER_STATES)

    cities = queries.by_city(ALL)

    province = reference.cities()
    assert {c.code: c.approved for c in cities} == {code: expected[code] for code in province}
    assert {c.code: c.active for c in cities} == {code: active[code] for code in province}
    ranks = {c.name: c.rank for c in cities}
    assert ranks["济南市"] == ranks["青岛市"] == 1 and ranks["淄博市"] == 3
    assert ranks["菏泽市"] == 4 and len(cities) == 16


def test_fields_and_kinds_of_lead_unit_count_the_current_lead(world):
    rows = approved(facts())
    kinds = Counter("academic" if r["kind"] in ("university", "institute") else r["kind"]
                    for r in rows)

    assert {f.key: f.approved for f in queries.by_field(ALL)} == dict(
        Counter(r["field"] for r in rows))
    assert {k.key: k.approved for k in queries.by_lead_kind(ALL)} == {
        "enterprise": kinds["enterprise"], "academic": kinds["academic"],
        "other": kinds["other"]}
    # The first center's lead unit changed from an enterprise to a university.
    assert kinds["academic"] == 3


def test_funds_take_the_signed_task_book_before_the_application_budget(world):
    signed_book = TaskBook(application_id=world.apps[1][1], state=TaskBookState.DRAFTING,
                           budget={"own_funds": 99999})  # not signed: not counted
    db.session.add(signed_book)
    expected: dict[int, list[float]] = {}
    for (call_key, *_rest, state, budget, book), _app_id in world.apps:
        if state not in CENTER_STATES:
            continue
        year = world.calls[call_key].year
        if book:
            own, prov, local = (float(book[k] or 0) for k in ("own_funds", "provincial_funds",
                                                               "local_match"))
        else:
            total, own, local = (float(v or 0) for v in budget)
            prov = total - own - local
        sums = expected.setdefault(year, [0, 0.0, 0.0, 0.0])
        sums[0] += 1
        sums[1] += own
        sums[2] += prov
        sums[3] += local

    funds = queries.committed_funds(ALL)

    assert {f.year: [f.centers, f.own, f.provincial, f.local] for f in funds} == expected
    assert [f.from_task_book for f in funds] == [1, 1]
    assert funds[0].total == 1400 + 300 + 200


def test_centers_by_status_count_each_state_after_the_notice(world):
    counted = Counter(r["state"] for r in approved(facts()))

    assert dict(queries.by_status(ALL)) == {s.value: counted[s] for s in (
        S.APPROVED, S.UNDER_CONSTRUCTION, S.OPERATING, S.RECTIFICATION, S.NOT_ACCEPTED,
        S.REVOKED)}


def test_the_funnel_counts_each_application_at_every_stage_it_reached(world):
    call = world.calls["c2022"]
    states = [r["state"] for r in facts() if r["call"] == call.id]
    filed = [s for s in states if s not in UNFILED_STATES]

    stages = dict(queries.funnel(call))

    assert stages["applied"] == len(filed) == 9
    assert stages["recommended"] == 9  # not selected, rejected after publicity: recommended once
    assert stages["formal_passed"] == 8  # the formal rejection stopped there
    assert stages["reviewed"] == 8
    assert stages["announced"] == 7  # the 6 approved and the one rejected after the announcement
    assert stages["approved"] == sum(s in NOTICE_ISSUED_STATES for s in states) == 6


def test_the_platform_type_and_the_range_narrow_every_chart(world):
    lab = Scope(2022, 2027, world.lab_type.id)
    tech_2024 = Scope(2024, 2024, world.calls["c2024"].platform_type_id)

    assert [b.title for b in queries.approvals_by_batch(lab)] == ["2026年重点实验室"]
    assert sum(c.approved for c in queries.by_city(lab)) == 0
    assert sum(c.approved for c in queries.by_city(tech_2024)) == 2
    assert dict(queries.by_status(tech_2024)) == {
        "approved": 1, "under_construction": 0, "operating": 1, "rectification": 0,
        "not_accepted": 0, "revoked": 0}
    assert [f.year for f in queries.committed_funds(tech_2024)] == [2024]
    assert [c.id for c in queries.funnel_calls(lab)] == [world.calls["lab2026"].id]


@pytest.fixture
def officer_client(world, login_as):
    client = login_as(factories.officer())
    client.post("/language/en", data={"next": "/"})
    return client


def tables(html: str) -> dict[str, list[list[str]]]:
    """Each chart's table as rows of cell texts, by chart key."""
    found = {}
    for key, body in re.findall(r'data-chart="(\w+)">.*?<tbody>(.*?)</tbody>', html, re.S):
        found[key] = [[unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in
                       re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
                      for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
    return found


def test_the_page_draws_each_chart_with_its_text_and_its_table(officer_client):
    html = officer_client.get("/officer/statistics").get_data(as_text=True)
    shown = tables(html)

    assert set(shown) == {"approvals", "cities", "fields", "lead_kinds", "funds", "funnel",
                          "statuses", "grades", "indicators"}
    assert shown["approvals"][0] == ["2022", "2022年技术创新中心", "6", "6"]
    assert ["1", "济南市", "3", "3"] in shown["cities"]
    assert shown["statuses"][-1] == ["Revoked", "1"]
    # The newest call, 2026's laboratories: the withdrawn application was filed.
    assert shown["funnel"][0][:2] == ["Filed", "6"]
    for key in shown:
        svg = html.split(f'id="chart-{key}"', 1)[1].split("</svg>", 1)[0]
        assert f'aria-labelledby="{key}-svg-title {key}-svg-desc"' in svg
        assert re.search(rf'<desc id="{key}-svg-desc">[^<]+</desc>', svg)
    assert "style=" not in html.split("<main", 1)[1]  # the CSP allows no inline style
    assert "css/statistics.css" in html  # with its print rules


def test_the_funnel_of_a_chosen_call(officer_client, world):
    html = officer_client.get(f"/officer/statistics?call={world.calls['c2022'].id}").get_data(
        as_text=True)

    assert [row[1] for row in tables(html)["funnel"]] == ["9", "9", "8", "8", "7", "6"]
    assert tables(html)["funnel"][-1][2] == "67%"


@pytest.mark.parametrize("key", sorted(dashboard.BUILDERS) + ["funnel"])
def test_each_chart_downloads_as_excel_with_the_numbers_of_its_table(officer_client, key):
    query = "year_from=2022&year_to=2026"
    shown = tables(officer_client.get(f"/officer/statistics?{query}").get_data(as_text=True))

    response = officer_client.get(f"/officer/statistics/{key}.xlsx?{query}")

    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert "2022" in values[1][0] and "2026" in values[1][0]
    body = [[_cell(v) for v in row] for row in values[3:3 + len(shown[key])]]
    assert body == [[_cell(v) for v in row] for row in shown[key]]
    rest = values[3 + len(shown[key]):]  # nothing, or a blank row and the chart's note
    assert not rest or (len(rest) == 2 and not any(rest[0]))


def _cell(value):
    """A number, whether written in the table ("1,400.00") or in a cell (1400)."""
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(value.replace(",", ""))
    except ValueError:
        return value


def test_the_page_issues_the_same_statements_for_a_province_twice_as_big(officer_client):
    def measured():
        with counted_statements() as statements:
            assert officer_client.get("/officer/statistics").status_code == 200
        return len(statements)

    small = measured()
    build()

    # The session, the user, its roles and the bell; 3 for the form; 1 per chart (9) and 1
    # for where the forms keep the budget the committed funds read.
    assert measured() == small <= 17


def test_a_bad_scope_is_refused_with_a_message_and_keeps_what_was_typed(officer_client):
    response = officer_client.get("/officer/statistics?year_from=2026&year_to=2022")
    html = response.get_data(as_text=True)

    assert response.status_code == 422
    assert "The end year cannot be before the start year." in html
    assert 'value="2026"' in html and "data-chart" not in html
    assert officer_client.get("/officer/statistics?year_from=abc").status_code == 422
    assert officer_client.get("/officer/statistics/cities.xlsx?call=999999").status_code == 422


def test_hostile_names_stay_text_in_the_page_and_the_workbook(officer_client, world):
    call = db.session.get(Call, world.calls["c2022"].id)
    call.fields[0].term.name = '=HYPERLINK("http://evil.example")<script>'
    db.session.commit()

    html = officer_client.get("/officer/statistics").get_data(as_text=True)
    sheet = load_workbook(io.BytesIO(officer_client.get(
        "/officer/statistics/fields.xlsx").data)).active

    assert "<script>" not in html and "&lt;script&gt;" in html
    cell = next(c for row in sheet.iter_rows() for c in row
                if isinstance(c.value, str) and "HYPERLINK" in c.value)
    assert cell.data_type == "s" and cell.quotePrefix



def test_indicators_are_summed_from_accepted_reports_with_their_change_on_the_year(world):
    expected: dict[int, Counter] = {}
    for year, _row, state, values in REPORTS:
        if state == "accepted":
            sums = expected.setdefault(year, Counter())
            for code, value in values.items():
                sums[code] += Decimal(value)

    years, rows = queries.indicator_changes(Scope(2023, 2024))

    assert years == [2023, 2024]
    assert {r.code: r.totals for r in rows} == {
        code: {y: expected[y].get(code) for y in years}
        for code in ("rd_spending", "patents_applied", "standards")}
    by_code = {r.code: r for r in rows}
    assert by_code["rd_spending"].change == Decimal("100.5")
    assert by_code["rd_spending"].percent == 100.5
    assert by_code["patents_applied"].percent == 66.7
    assert by_code["standards"].change is None  # nothing reported on 2023 to compare with


def test_a_range_of_one_year_compares_with_the_year_before_it(world):
    years, rows = queries.indicator_changes(Scope(2024, 2025))

    assert years == [2024]  # 2025's report is not accepted yet
    assert {r.code: r.change for r in rows}["rd_spending"] == Decimal("100.5")


def test_the_indicators_chart_shows_the_changes(officer_client):
    html = officer_client.get("/officer/statistics?year_from=2022&year_to=2024").get_data(
        as_text=True)

    rows = tables(html)["indicators"]
    assert rows[0] == ["R&D spending", "10,000 yuan", "100.00", "200.50", "100.50", "+100.5%"]
    assert ["Standards drafted", "items", "—", "2", "—", "—"] in rows
    assert "+66.7%" in html.split('id="chart-indicators"', 1)[1].split("</svg>", 1)[0]


def test_grades_count_the_closed_evaluation_rounds_of_the_range(world):
    expected = {year: Counter(grade for _row, grade in graded)
                for year, closed, graded in EVALUATIONS if closed}

    counted = queries.by_grade(Scope(2022, 2027))

    assert [(year, {g: n for g, n in counts.items() if n}) for year, counts in counted] == [
        (year, dict(c)) for year, c in expected.items()]
    assert counted[0][1] == {"excellent": 2, "good": 1, "qualified": 0, "unqualified": 1}
    assert queries.by_grade(Scope(2022, 2024)) == []
    assert queries.by_grade(Scope(2025, 2025, world.lab_type.id)) == []


def test_the_grades_chart_shows_the_closed_rounds(officer_client):
    html = officer_client.get("/officer/statistics").get_data(as_text=True)

    assert tables(html)["grades"] == [["2025", "2", "1", "0", "1", "4"]]
    svg = html.split('id="chart-grades"', 1)[1].split("</svg>", 1)[0]
    assert "Excellent: 2" in svg and "Unqualified: 1" in svg


def test_committed_funds_read_the_budget_where_each_form_names_it(app):
    """A key laboratory's form keeps its budget in its construction plan, a form an officer
    built may key it otherwise: the statistics read the fields named total_budget and
    own_funds wherever the form the center was filed in puts them."""
    call = factories.call(eligibility={"rules": []})
    definition = copy.deepcopy(SHIPPED["key_laboratory"][1])
    plan = next(s for s in definition["sections"] if s["key"] == "plan")
    plan["fields"].append({"key": "self_raised", "label": {"zh": "自筹"}, "kind": "money",
                           "required": False, "name": "own_funds"})
    forms.save(call, definition, actor=factories.officer())
    center = factories.application(call)
    lead = db.session.get(factories.User, center.created_by_id)
    intake.save_section(center, "plan", {**center.section_data("plan"), "total_budget": "900",
                                         "self_raised": "600"}, actor=lead)
    factories.drive(center, AppState.APPROVED, lead=lead)
    db.session.flush()
    (row,) = queries.committed_funds(Scope(call.year, call.year))
    assert (row.centers, row.own, row.provincial, row.local) == (1, 600, 300, 0)
