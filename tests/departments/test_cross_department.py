"""An officer or a leader of department B asks, by id, for every route that names an object
of department A's call (tests/departments/routes.py): refused, nothing changed, nothing of
A's application shown. A's own officer and leader read the same pages; the public pages
show every department's."""
import pytest
from flask import Flask

from tests import factories
from tests.departments.routes import PUBLIC, PUBLIC_ENDPOINTS, ROUTES
from tests.departments.world import fingerprint, world_of
from workflow.accounts.models.users import User
from workflow.core.extensions import db
from workflow.intake.models import Application

# The ids that name one call, or something of one call, in a URL.
CALL_SCOPED_ARGUMENTS = {"call_id", "app_id", "seat_id", "publicity_id", "objection_id",
                         "notice_id", "document_id", "number_id", "attachment_id",
                         "cobuilder_id"}


def client_of(app: Flask, user_id: int):
    client = app.test_client()
    user = db.session.get(User, user_id)
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


def test_the_table_names_every_route_of_an_object_of_a_call(app):
    """Every route whose ids are all ids of a call's objects (an acceptance request's or an
    annual report's attachments are named by their request or report, not in this table)."""
    found = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
             if set(rule.arguments) & CALL_SCOPED_ARGUMENTS
             and {a for a in rule.arguments if a.endswith("_id")} <= CALL_SCOPED_ARGUMENTS
             for method in rule.methods - {"HEAD", "OPTIONS"}
             if rule.endpoint not in PUBLIC_ENDPOINTS}
    assert {(r.endpoint, r.method) for r in ROUTES} == found


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method}-{r.endpoint}")
def test_the_other_department_is_refused(app, kept, route):
    for who in ("officer_b", "leader_b"):
        world = world_of(kept)
        title = db.session.get(Application, world["ids"]["app"]).title
        response = client_of(app, world["users"][who]).open(
            route.path.format(**world["ids"]), method=route.method)
        assert response.status_code in (403, 404), (who, response.status_code)
        assert title not in response.get_data(as_text=True)
        db.session.expire_all()
        assert fingerprint() == world["fingerprint"], f"{who} changed something"


@pytest.mark.parametrize("route", [r for r in ROUTES if r.method == "GET"] + list(PUBLIC),
                         ids=lambda r: r.endpoint)
def test_the_own_department_reads_its_pages(app, kept, route):
    world = world_of(kept)
    got = [str(client_of(app, world["users"][who]).get(route.path.format(**world["ids"]))
               .status_code) for who in ("officer_a", "leader_a")]
    assert " ".join(got) == route.own


@pytest.mark.parametrize("route", PUBLIC, ids=lambda r: r.endpoint)
def test_the_public_pages_show_every_departments_calls(app, kept, route):
    world = world_of(kept)
    for who in ("officer_b", "leader_b"):
        response = client_of(app, world["users"][who]).get(route.path.format(**world["ids"]))
        assert response.status_code == 200
    assert app.test_client().get(route.path.format(**world["ids"])).status_code == 200


def test_each_department_manages_its_own_call(app, kept):
    world = world_of(kept)
    own = f"/officer/calls/{world['ids']['call_b']}"
    assert client_of(app, world["users"]["officer_b"]).get(own).status_code == 200
    assert client_of(app, world["users"]["officer_a"]).get(own).status_code == 403
