"""The public list of centers, with no login: the centers approved and neither failed nor
revoked, with their current name (（筹） while being built), lead unit, city and field; the
same list as CSV and JSON for open-data portals; nothing internal (no application before its
notice, no revoked or failed center, no rectification); limited per client address."""
import csv
import io

import pytest
from sqlalchemy import select

from tests.platform.test_config import other_app
from tests.statistics.world import RENAMED, build
from tests.web.test_queries import counted_statements
from workflow.core.extensions import db
from workflow.core.states import CENTER_STATES, AppState
from workflow.intake.models import Application

S = AppState


@pytest.fixture
def world():
    return build()


def listed_states(world, ids) -> list[str]:
    states = dict(db.session.execute(select(Application.id, Application.state)).all())
    return sorted(states[i] for i in ids)


def test_the_json_lists_exactly_the_centers_neither_failed_nor_revoked(client, world):
    data = client.get("/centers.json").get_json()
    ids = [c["id"] for c in data["centers"]]
    active = [app_id for (row, app_id) in world.apps if row[4] in CENTER_STATES]

    assert sorted(ids) == sorted(active) and data["count"] == len(active) == 6
    assert S.REVOKED not in listed_states(world, ids)
    assert {c["status"] for c in data["centers"]} == {"under_construction", "operating"}
    assert set(data["centers"][0]) == {"id", "name", "lead_unit", "city", "field",
                                       "approval_year", "status"}


def test_names_lead_units_and_statuses_read_as_the_public_knows_them(client, world):
    centers = {c["id"]: c for c in client.get("/centers.json").get_json()["centers"]}
    by_state = {row[4]: app_id for row, app_id in world.apps if row[0] == "c2022"}

    renamed = centers[world.renamed_app_id]
    assert renamed["name"] == RENAMED + "（筹）" and renamed["status"] == "under_construction"
    assert renamed["lead_unit"] != db.session.get(Application, world.renamed_app_id).lead_org.name
    assert centers[by_state[S.APPROVED]]["name"].endswith("（筹）")
    assert not centers[by_state[S.OPERATING]]["name"].endswith("（筹）")
    # A rectification is not announced here: the center reads as operating.
    assert centers[by_state[S.RECTIFICATION]]["status"] == "operating"
    assert centers[by_state[S.OPERATING]]["city"] == "济南市"
    assert centers[by_state[S.OPERATING]]["field"] == "半导体激光"
    assert centers[by_state[S.OPERATING]]["approval_year"] == 2022


def test_the_csv_holds_the_same_list_for_spreadsheets(client, world):
    response = client.get("/centers.csv")
    text = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    listed = client.get("/centers.json").get_json()["centers"]

    assert response.mimetype == "text/csv" and text.startswith("\ufeff")
    assert "attachment" in response.headers["Content-Disposition"]
    assert [dict(r, id=int(r["id"]), approval_year=int(r["approval_year"])) for r in rows] \
        == listed


def test_the_page_lists_them_with_links_to_the_open_data(client, world):
    html = client.get("/centers", headers={"Accept-Language": "en"}).get_data(as_text=True)

    assert html.count("<tr data-center=") == 6
    assert RENAMED in html and 'href="/centers.csv"' in html and 'href="/centers.json"' in html
    revoked = next(app_id for row, app_id in world.apps if row[4] == S.REVOKED)
    assert f'data-center="{revoked}"' not in html


def test_a_formula_in_a_name_stays_text_in_the_csv(client, world):
    app = db.session.get(Application, world.apps[2][1])  # a center record keeps no other name
    app.title = "=cmd|' /C calc'!A0"
    db.session.commit()

    text = client.get("/centers.csv").get_data(as_text=True)

    assert "'=cmd|" in text and "\n=cmd" not in text and ",=cmd" not in text


def test_the_page_and_the_open_data_issue_fixed_statements(client, world):
    def measured(path):
        with counted_statements() as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    small = (measured("/centers"), measured("/centers.json"), measured("/centers.csv"))
    build()

    assert (measured("/centers"), measured("/centers.json"), measured("/centers.csv")) == small
    assert small[0] <= 3 and small[1] <= 2


def test_the_open_data_is_limited_per_client_address(app, world):
    limited = other_app(app, RATE_LIMITS=True, OPEN_DATA_RATE_LIMIT="2 per minute")
    client = limited.test_client()

    codes = [client.get(path, environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code
             for path in ("/centers.json", "/centers.csv", "/centers.json")]
    other = client.get("/centers", environ_base={"REMOTE_ADDR": "198.51.100.10"})

    assert codes == [200, 200, 429] and other.status_code == 200
