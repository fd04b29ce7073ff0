"""The officer's list of a call: a fixed number of SQL statements whatever the number of rows,
filters and pages that return the right rows, and `flask stats` agreeing with the filters.

The applications here are inserted as rows, without the services: these tests only read."""
import json
import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, insert

from tests import factories
from workflow.core import clock, regions
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.intake.models import Application
from workflow.organizations.models import Organization

ZIBO = "370300"
CITY_CYCLE = (factories.JINAN, factories.QINGDAO, ZIBO)
STATE_CYCLE = (AppState.SUBMITTED, AppState.RECOMMENDED, AppState.DRAFT)


def insert_applications(call, n: int, *, start: int = 0) -> list[dict]:
    """`n` applications of `n` new units; the state cycles every row, the city every 3 rows,
    the field every 9, so all combinations occur. Returns the rows in id order."""
    creator = factories.applicant()
    cities = [CITY_CYCLE[(i // 3) % 3] for i in range(start, start + n)]
    orgs = [{"name": f"批量企业{i}", "credit_code": factories.credit_code(city),
             "region_code": city} for i, city in enumerate(cities, start=start)]
    org_ids = db.session.scalars(insert(Organization).returning(Organization.id), orgs).all()
    filed = clock.now() - timedelta(days=1)
    rows = []
    for i, org_id in enumerate(org_ids, start=start):
        state = STATE_CYCLE[i % 3]
        rows.append({
            "call_id": call.id, "lead_org_id": org_id, "field_id": call.fields[(i // 9) % 3].id,
            "title": f"批量技术创新中心{i}", "region_code": CITY_CYCLE[(i // 3) % 3],
            "state": state, "created_by_id": creator.id,
            "submitted_at": None if state == AppState.DRAFT else filed,
            "version_count": 0 if state == AppState.DRAFT else 1,
        })
    ids = db.session.scalars(insert(Application).returning(Application.id), rows).all()
    db.session.commit()
    return [dict(row, id=i) for row, i in zip(rows, ids, strict=True)]


@contextmanager
def counted_statements():
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def listed_ids(html: str) -> list[int]:
    table = html.split('id="applications"', 1)[1].split("</table>", 1)[0]
    return [int(i) for i in re.findall(r'<tr data-app="(\d+)">', table)]


@pytest.fixture
def officer_client(login_as, make):
    officer = make.officer()
    call = make.call(actor=officer)
    db.session.commit()
    return login_as(officer), call


def statements_for_list(client, call) -> tuple[int, list[int]]:
    db.session.expire_all()  # each measurement starts from the same, cold session
    with counted_statements() as statements:
        response = client.get(f"/officer/calls/{call.id}")
    assert response.status_code == 200
    return len(statements), listed_ids(response.get_data(as_text=True))


def test_list_issues_the_same_statements_for_10_and_500_applications(officer_client):
    client, call = officer_client
    rows = insert_applications(call, 10)
    few, shown_few = statements_for_list(client, call)
    rows += insert_applications(call, 490, start=10)
    many, shown_many = statements_for_list(client, call)

    assert shown_few == [r["id"] for r in rows[:10]]
    assert shown_many == [r["id"] for r in rows[:25]]
    assert many == few


@pytest.fixture
def listed(officer_client):
    client, call = officer_client
    rows = insert_applications(call, 60)
    return client, call, rows


def ids_where(rows, **match) -> list[int]:
    return [r["id"] for r in rows if all(r[k] == v for k, v in match.items())]


@pytest.mark.parametrize("query", [
    {"state": AppState.SUBMITTED}, {"state": AppState.DRAFT}, {"city": factories.QINGDAO},
    {"city": ZIBO}, {"field": 1}, {"field": 2}, {"state": AppState.RECOMMENDED, "city": ZIBO},
    {"state": AppState.SUBMITTED, "city": factories.JINAN, "field": 0},
])
def test_filters_return_the_matching_rows(listed, query):
    client, call, rows = listed
    match, params = {}, {}
    for key, value in query.items():
        if key == "field":
            match["field_id"] = params["field"] = call.fields[value].id
        elif key == "city":
            match["region_code"] = params["city"] = value
        else:
            match["state"] = params["state"] = value
    response = client.get(f"/officer/calls/{call.id}", query_string=params)
    expected = ids_where(rows, **match)
    assert 0 < len(expected) <= 25
    assert listed_ids(response.get_data(as_text=True)) == expected


def test_pages_split_the_list_in_order(listed):
    client, call, rows = listed
    ids = [r["id"] for r in rows]
    page = {n: listed_ids(client.get(f"/officer/calls/{call.id}?page={n}").get_data(
        as_text=True)) for n in (1, 2, 3)}
    assert page[1] == ids[:25] and page[2] == ids[25:50] and page[3] == ids[50:]


def test_pages_keep_the_filter(listed):
    client, call, rows = listed
    more = insert_applications(call, 60, start=60)  # 40 submitted in all: two pages
    submitted = ids_where(rows + more, state=AppState.SUBMITTED)
    html = client.get(f"/officer/calls/{call.id}?state=submitted&page=2").get_data(as_text=True)
    assert listed_ids(html) == submitted[25:50]


def test_unknown_filter_values_are_ignored(listed):
    client, call, rows = listed
    html = client.get(f"/officer/calls/{call.id}?state=bogus&city=999999&field=-1&page=x")
    assert listed_ids(html.get_data(as_text=True)) == [r["id"] for r in rows[:25]]


def test_stats_json_prints_the_counts_of_the_list_filters(app, listed):
    client, call, rows = listed
    result = app.test_cli_runner().invoke(args=["stats", "--json"])
    assert result.exit_code == 0, result.output
    (stats,) = [c for c in json.loads(result.output)["calls"] if c["call_id"] == call.id]

    def shown(**params) -> int:
        html = client.get(f"/officer/calls/{call.id}", query_string=params)
        return len(listed_ids(html.get_data(as_text=True)))

    assert stats["total"] == len(rows)
    assert stats["by_state"] == {s: shown(state=s) for s in STATE_CYCLE}
    assert stats["by_city"] == {regions.name(c): shown(city=c) for c in CITY_CYCLE}
    assert stats["by_field"] == {f.name: shown(field=f.id) for f in call.fields}
    assert sum(stats["by_state"].values()) == len(rows)
