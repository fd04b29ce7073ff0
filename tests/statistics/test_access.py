"""Who may read the statistics: officers and leaders read the page and its Excel downloads;
units, cities and experts are refused (403), anonymous visitors are sent to log in. The public
list of centers and its open data answer everyone, logged in or not. Nothing is written."""
import pytest
from sqlalchemy import func, select

from tests import factories
from tests.statistics.access import ROUTES
from tests.statistics.world import build
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Role
from workflow.intake.models import Application

CASES = {
    # path: statuses for anonymous, lead unit, other unit, city of the center, other city,
    # officer, leader, expert
    ("statistics.page", "/officer/statistics"): "302 403 403 403 403 200 200 403",
    ("statistics.chart_sheet", "/officer/statistics/cities.xlsx"):
        "302 403 403 403 403 200 200 403",
    ("statistics.chart_sheet", "/officer/statistics/funnel.xlsx?year_from=2022"):
        "302 403 403 403 403 200 200 403",
    ("statistics.chart_sheet", "/officer/statistics/nonsense.xlsx"):
        "302 403 403 403 403 404 404 403",
    ("statistics.public_centers", "/centers"): "200 200 200 200 200 200 200 200",
    ("statistics.public_centers", "/centers?page=99"): "200 200 200 200 200 200 200 200",
    ("statistics.public_centers_data", "/centers.csv"): "200 200 200 200 200 200 200 200",
    ("statistics.public_centers_data", "/centers.json"): "200 200 200 200 200 200 200 200",
}
WHO = ("anonymous", "lead", "other_org", "rec_city", "rec_other", "officer", "leader", "expert")


def test_every_route_of_the_statistics_has_a_case():
    assert {(endpoint, "GET") for endpoint, _path in CASES} == ROUTES


@pytest.fixture
def world():
    """The province of tests/statistics/world.py and a user of each role: the lead unit and
    the city of its operating Jinan center (the second row). Committed."""
    w = build()
    first = db.session.get(Application, w.apps[1][1])
    users = {
        "lead": factories.user(Role.APPLICANT, organization=first.lead_org),
        "other_org": factories.applicant(factories.QINGDAO),
        "rec_city": factories.recommender(first.region_code),
        "rec_other": factories.recommender(factories.ZIBO),
        "officer": factories.officer(), "leader": factories.leader(),
        "expert": factories.user(Role.EXPERT),
    }
    db.session.commit()
    return users


@pytest.mark.parametrize("endpoint,path", sorted(CASES))
def test_route_answers_each_role(app, world, endpoint, path):
    before = _written()
    got = []
    for who in WHO:
        client = app.test_client()
        if who != "anonymous":
            response = client.post("/login", data={"email": world[who].email,
                                                   "password": factories.PASSWORD})
            assert response.status_code == 302
        got.append(str(client.get(path).status_code))
    assert " ".join(got) == CASES[(endpoint, path)]
    assert _written() == before


def _written() -> tuple:
    return (db.session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.application_id.is_not(None))),
            db.session.scalar(select(func.max(Application.updated_at))))


def test_a_refused_reader_sees_no_number(app, world):
    client = app.test_client()
    client.post("/login", data={"email": world["lead"].email, "password": factories.PASSWORD})

    response = client.get("/officer/statistics/cities.xlsx")

    assert response.status_code == 403
    assert b"PK" not in response.data[:2] and "济南市".encode() not in response.data
