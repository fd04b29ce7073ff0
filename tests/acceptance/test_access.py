"""Every acceptance route asked as every role (tests/acceptance/access.py): the status each
gets, and for every refusal (and every anonymous request) nothing changed. Another unit asking
for the centers' requests, attachments and pages by id is refused."""
import json

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.acceptance.access import CASES, ROLES
from tests.conftest import kept_unchanged
from workflow.acceptance.models import (
    AcceptanceAttachment,
    AcceptanceRequest,
    AcceptanceRubric,
    AcceptanceSeat,
    AcceptanceSheet,
)
from workflow.acceptance.rules import DEFAULT_ACCEPTANCE_RUBRIC
from workflow.accounts.models.users import User
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState

S = AppState


def build() -> dict:
    """Three centers in Jinan, each of its own lead unit: A with a request in drafting (one
    attachment),
    B with a submitted request whose panel accepted and scored but for its chair (the expert),
    C with a submitted request to whose panel the expert is invited."""
    lead, lead_b = factories.applicant(), factories.applicant()
    officer = factories.officer()
    a = factories.application(lead=lead, state=S.UNDER_CONSTRUCTION)
    b = factories.application(lead=lead_b, state=S.UNDER_CONSTRUCTION)
    c = factories.application(state=S.UNDER_CONSTRUCTION)
    request_a = factories.acceptance_request(a, submit=False)
    request_b = factories.acceptance_panel(factories.acceptance_request(b), officer)
    chair = next(s for s in request_b.seats if s.is_chair)
    for seat in request_b.seats:
        if seat is not chair:
            factories.score_acceptance_seat(seat)
    request_c = factories.acceptance_request(c)
    seat_c = AcceptanceSeat(request_id=request_c.id, expert_id=chair.expert_id, method="optimal",
                            assigned_by_id=officer.id, is_chair=True)
    db.session.add(seat_c)
    other_expert = factories.expert("其他领域")
    db.session.flush()
    users = {"lead": lead, "lead_b": lead_b, "other_org": factories.applicant(),
             "city": factories.recommender(factories.JINAN),
             "other_city": factories.recommender(factories.QINGDAO), "officer": officer,
             "leader": factories.leader(), "expert": chair.expert.user,
             "other_expert": other_expert.user}
    ids = {"app_b": b.id, "request_a": request_a.id, "request_b": request_b.id,
           "attachment_a": request_a.attachments[0].id,
           "attachment_b": request_b.attachments[0].id, "call_b": b.call_id,
           "call_c": c.call_id, "seat_b": chair.id, "seat_c": seat_c.id}
    return {"users": {who: u.id for who, u in users.items()}, "ids": ids}


def fingerprint() -> tuple:
    def count(model):
        return db.session.scalar(select(func.count()).select_from(model))
    return (count(AuditEntry), count(AcceptanceRequest), count(AcceptanceSeat),
            count(AcceptanceSheet), count(AcceptanceAttachment),
            tuple(db.session.execute(select(AcceptanceRequest.state, AcceptanceRequest.narrative)
                                     .order_by(AcceptanceRequest.id))),
            tuple(db.session.scalars(select(AcceptanceSeat.status).order_by(AcceptanceSeat.id))))


def world_of(kept) -> dict:
    return kept_unchanged(kept, "acceptance_access", build, fingerprint)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method}-{c.endpoint}")
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
        if who == "anonymous" or response.status_code in (403, 404):
            db.session.expire_all()
            assert fingerprint() == world["fingerprint"], f"{who} changed something"
    assert " ".join(got[who] for who in ROLES) == case.statuses, got


def test_a_call_whose_experts_scored_keeps_its_rubric(app, login_as):
    officer = factories.officer()
    center = factories.application(state=S.UNDER_CONSTRUCTION)
    factories.score_acceptance(factories.acceptance_panel(factories.acceptance_request(center),
                                                          officer), confirm=False)
    db.session.commit()
    client = login_as(officer)
    response = client.post(f"/acceptance/calls/{center.call_id}/rubric",
                           data={"rubric": json.dumps(DEFAULT_ACCEPTANCE_RUBRIC)})
    assert response.status_code == 422
    assert client.get(f"/acceptance/calls/{center.call_id}/rubric").status_code == 200
    assert not db.session.scalar(select(func.count()).select_from(AcceptanceRubric))
