"""Who gets what of the centers' pages: each route of tests/centers/access.py asked as every
role (anonymous, the lead unit, another unit, the city of the center, another city, officer,
leader, expert), with the status each gets. Forms sent by those allowed are sent empty, so
they are refused as incomplete (422) and nothing changes; another unit's center and change
asked for by id are refused (403) and change nothing."""
import pytest
from sqlalchemy import func, select

from tests import factories
from tests.centers.access import ROUTES
from tests.centers.world import asking, center_world
from tests.conftest import emptied_afterwards
from workflow.centers import operations as centers
from workflow.centers.models import CenterChange, ChangeKind
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.intake.models import Application

ROLES = ("anonymous", "lead", "other_org", "city", "other_city", "officer", "leader", "expert")
LOGIN = 302  # anonymous: to the login page
# (endpoint, method, path, statuses in the order of ROLES)
TABLE = [
    ("centers.index", "GET", "/centers/list", "302 200 200 200 200 200 200 403"),
    ("centers.detail", "GET", "/centers/{center}", "302 200 403 200 403 200 200 403"),
    ("centers.change_page", "GET", "/centers/{center}/changes/name",
     "302 200 403 403 403 403 403 403"),
    ("centers.request_change", "POST", "/centers/{center}/changes/name",
     "302 422 403 403 403 403 403 403"),
    ("centers.queue", "GET", "/centers/changes", "302 403 403 403 403 200 403 403"),
    ("centers.change_detail", "GET", "/centers/changes/{change}",
     "302 200 403 200 403 200 200 403"),
    ("centers.decide", "POST", "/centers/changes/{change}/decision",
     "302 403 403 403 403 422 403 403"),
    ("centers.change_document", "GET", "/centers/changes/{change}/document",
     "302 200 403 200 403 200 200 403"),
    ("centers.revoke_page", "GET", "/centers/{center}/revoke", "302 403 403 403 403 403 200 403"),
    ("centers.revoke", "POST", "/centers/{center}/revoke", "302 403 403 403 403 403 422 403"),
    # Another unit's center and its change, asked for by id by the lead unit of the first.
    ("centers.detail", "GET", "/centers/{other_center}", "302 403 200 200 403 200 200 403"),
    ("centers.change_page", "GET", "/centers/{other_center}/changes/name",
     "302 403 200 403 403 403 403 403"),
    ("centers.request_change", "POST", "/centers/{other_center}/changes/name",
     "302 403 422 403 403 403 403 403"),
    ("centers.change_detail", "GET", "/centers/changes/{other_change}",
     "302 403 200 200 403 200 200 403"),
    ("centers.change_document", "GET", "/centers/changes/{other_change}/document",
     "302 403 200 200 403 200 200 403"),
]


@pytest.fixture(scope="module")
def world(app):
    with emptied_afterwards(app):
        w = center_world()
        other = factories.application(lead=w.other_org, state="operating")
        other_center = centers.open_center(other, actor=w.other_org)
        change = centers.request_change(w.center, asking(ChangeKind.DIRECTOR, director="李四"),
                                        actor=w.lead)
        other_change = centers.request_change(
            other_center, asking(ChangeKind.DIRECTOR, director="王五"), actor=w.other_org)
        db.session.commit()
        users = {"lead": w.lead, "other_org": w.other_org, "city": w.city,
                 "other_city": w.other_city, "officer": w.officer, "leader": w.leader,
                 "expert": w.expert}
        yield {"users": {who: u.email for who, u in users.items()},
               "ids": {"center": w.center.id, "other_center": other_center.id,
                       "change": change.id, "other_change": other_change.id}}


@pytest.fixture(autouse=True)
def _context(world):
    """Replaces conftest's: the tests here only read the shared world."""
    yield


def fingerprint() -> tuple:
    db.session.expire_all()
    return (db.session.scalar(select(func.count()).select_from(AuditEntry)),
            db.session.execute(select(CenterChange.id, CenterChange.state)).all(),
            db.session.execute(select(Application.id, Application.state,
                                      Application.lead_org_id)).all())


def test_the_table_names_every_route():
    assert {(endpoint, method) for endpoint, method, _p, _s in TABLE} == ROUTES


@pytest.mark.parametrize("endpoint,method,path,statuses", TABLE,
                         ids=[f"{m}-{p}" for _e, m, p, _s in TABLE])
def test_route_answers_each_role(app, world, endpoint, method, path, statuses):
    url = path.format(**world["ids"])
    got = {}
    with app.app_context():
        before = fingerprint()
        for who in ROLES:
            client = app.test_client()
            if who != "anonymous":
                assert client.post("/login", data={"email": world["users"][who],
                                                   "password": factories.PASSWORD}
                                   ).status_code == 302
            response = client.open(url, method=method, data={} if method == "POST" else None)
            got[who] = response.status_code
            if who == "anonymous":
                assert response.location.startswith("/login")
            assert fingerprint() == before, who
        db.session.remove()
    assert got == dict(zip(ROLES, map(int, statuses.split()), strict=True))
