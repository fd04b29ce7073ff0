"""Every route of the rectification page asked as every role (tests/evaluation/access.py): the
status each gets, and for every refusal (and every anonymous request) nothing changed. Another
unit asking for the center's rectification or its documents by id is refused."""
import io

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.evaluation.access import CASES, ROLES
from workflow.accounts.models.users import User
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState
from workflow.evaluation import operations as evaluation
from workflow.evaluation import rules
from workflow.evaluation.models import Rectification


def build() -> dict:
    lead = factories.applicant()
    center = factories.application(lead=lead, state=AppState.OPERATING)
    factories.graded_unqualified(center)
    rect = rules.open_rectification(center)
    for text in ("方案", "方案二"):
        if rect.status == "plan_filed":
            evaluation.return_document(rect, reason="补充", actor=factories.officer())
        evaluation.file_plan(rect, text=text, filename="方案.pdf",
                             stream=io.BytesIO(factories.PDF), actor=lead)
    db.session.flush()
    users = {"lead": lead, "other_org": factories.applicant(),
             "city": factories.recommender(factories.JINAN),
             "other_city": factories.recommender(factories.QINGDAO),
             "officer": factories.officer(), "leader": factories.leader()}
    return {"users": {who: u.id for who, u in users.items()},
            "ids": {"rect": rect.id, "missing": rect.id + 1000}}


def fingerprint() -> tuple:
    return (db.session.scalar(select(func.count()).select_from(AuditEntry)),
            tuple(db.session.execute(select(Rectification.status, Rectification.returned_reason,
                                            Rectification.report_name))))


def world_of(kept) -> dict:
    def built():
        value = build()
        value["fingerprint"] = fingerprint()
        return value
    return kept("evaluation_access", built, lambda value: fingerprint() == value["fingerprint"])


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method}-{c.path}")
def test_route_answers_each_role(app, case, kept):
    got = {}
    for who in ROLES:
        world = world_of(kept)
        client = app.test_client()
        if who != "anonymous":
            user = db.session.get(User, world["users"][who])
            assert client.post("/login", data={"email": user.email,
                                               "password": factories.PASSWORD}).status_code == 302
        response = client.open(case.path.format(**world["ids"]), method=case.method,
                               data=case.data(world["ids"]) if case.data else None)
        got[who] = str(response.status_code)
        if who == "anonymous":
            assert response.location.startswith("/login")
        if who == "anonymous" or response.status_code in (403, 404, 422):
            db.session.expire_all()
            assert fingerprint() == world["fingerprint"], f"{who} changed something"
    assert " ".join(got[who] for who in ROLES) == case.statuses, got
