"""The statistics by city through the region tree: every city of the installation's province,
a county's approvals counted for its city, a code of no city of today in a row of its own,
and a Liaoning installation counting Liaoning's cities. Rows are written directly (the
statistics only read them), as in world.py."""
from datetime import timedelta

import pytest
from sqlalchemy import insert

from tests import factories
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.core import clock, reference, regions
from workflow.core.extensions import db
from workflow.core.states import AppState, CallState
from workflow.intake.models import Application
from workflow.statistics import queries
from workflow.statistics.rules import Scope
from workflow.web.queries.lists import call_stats

S = AppState
ALL = Scope(2022, 2027)


def applications(rows: list[tuple[str, AppState]]):
    """A decided call of 2022 with an application per (region, state); the call."""
    call = factories.call(CallState.DECIDED, year=2022, fields=["半导体激光"])
    creator = factories.applicant()
    for n, (region, state) in enumerate(rows):
        db.session.execute(insert(Application).values(
            call_id=call.id, lead_org_id=factories.org(region).id, field_id=call.fields[0].id,
            title=f"统计测试{n}技术创新中心", region_code=region, state=state,
            created_by_id=creator.id, submitted_at=clock.now() - timedelta(days=30),
            version_count=1))
    db.session.flush()
    return call


def test_a_countys_approvals_count_for_its_city_and_rank_it():
    applications([("370783", S.OPERATING), ("370700", S.APPROVED), ("370700", S.REVOKED),
                  ("370102", S.UNDER_CONSTRUCTION), ("370200", S.NOT_SELECTED)])

    rows = {r.code: r for r in queries.by_city(ALL)}

    assert set(rows) == set(reference.cities())
    assert (rows["370700"].name, rows["370700"].approved, rows["370700"].active,
            rows["370700"].rank) == ("潍坊市", 3, 2, 1)
    assert (rows["370100"].approved, rows["370100"].active, rows["370100"].rank) == (1, 1, 2)
    assert (rows["370200"].approved, rows["370200"].rank) == (0, 3)
    assert "370783" not in rows and "370102" not in rows


def test_a_code_of_no_city_of_today_keeps_a_row_of_its_own():
    applications([("371202", S.OPERATING), ("110105", S.APPROVED)])

    rows = {r.code: r for r in queries.by_city(ALL)}

    assert (rows["371202"].name, rows["371202"].approved) == ("371202", 1)
    assert (rows["110100"].name, rows["110100"].approved) == ("北京市", 1)
    assert len(rows) == len(reference.cities()) + 2


def test_the_public_list_and_a_calls_counts_name_a_countys_city():
    call = applications([("370783", S.OPERATING), ("370700", S.SUBMITTED),
                         ("370116", S.DRAFT)])

    (center,) = queries.all_public_centers()
    stats = call_stats(call)

    assert center.city == "潍坊市"
    assert stats["by_city"] == {"济南市": 1, "潍坊市": 2} and stats["total"] == 3


def test_a_liaoning_installation_counts_liaonings_cities(app, monkeypatch):
    monkeypatch.setitem(app.config, "PROVINCE_CODE", "210000")
    applications([("210726", S.OPERATING), ("210700", S.APPROVED), ("210102", S.APPROVED),
                  ("370100", S.APPROVED)])

    rows = {r.code: r for r in queries.by_city(ALL)}

    liaoning = {c.code for c in regions.cities("210000")}
    assert set(rows) == liaoning | {"370100"} and len(liaoning) == 14
    assert (rows["210700"].name, rows["210700"].approved, rows["210700"].rank) == (
        "锦州市", 2, 1)
    assert (rows["210100"].name, rows["210100"].approved, rows["210100"].rank) == (
        "沈阳市", 1, 2)
    assert rows["210900"].approved == 0


@pytest.mark.parametrize("province", ["370000", "210000"])
def test_the_page_lists_the_installations_cities(app, monkeypatch, province, login, make):
    monkeypatch.setitem(app.config, "PROVINCE_CODE", province)
    officer = make.officer()
    db.session.commit()

    page = login(officer).get("/officer/statistics").get_data(as_text=True)

    for city in regions.cities(province):
        assert city.name in page
    other = "锦州市" if province == "370000" else "潍坊市"
    assert other not in page
