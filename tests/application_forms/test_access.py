"""Every route of the form builder as every role (tests/application_forms/access.py): only the
officer of the call's department builds its form; the refused change nothing."""
import pytest

from tests.application_forms.access import CASES, ROLES
from tests.application_forms.world import fingerprint, world_of
from tests.departments.test_cross_department import client_of
from workflow.core.extensions import db


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method}-{c.path}")
def test_route_answers_each_role(app, case, kept):
    got = {}
    for who in ROLES:
        world = world_of(kept)
        client = app.test_client() if who == "anonymous" else client_of(app, world["users"][who])
        response = client.open(case.path.format(**world["ids"]), method=case.method,
                               data=case.data(world["ids"]) if case.data else None)
        got[who] = str(response.status_code)
        if who == "anonymous":
            assert response.location.startswith("/login")
        if who == "anonymous" or response.status_code in (403, 404):
            db.session.expire_all()
            assert fingerprint() == world["fingerprint"], f"{who} changed something"
        elif case.method == "POST":
            db.session.expire_all()
            assert fingerprint() != world["fingerprint"], f"{who} changed nothing"
    assert " ".join(got[who] for who in ROLES) == case.statuses, got
