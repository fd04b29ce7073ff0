"""Every route of the evaluation asked as every role (tests/evaluation/access.py): the status
each gets, and for every refusal (and every anonymous request) nothing changed. Another unit
asking for the center's rectification, its documents or the officer's rounds by id is
refused."""
import io

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import kept_unchanged
from tests.evaluation.access import CASES, PUBLIC, ROLES
from workflow.accounts.models.users import User
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState
from workflow.evaluation import operations as evaluation
from workflow.evaluation import rules
from workflow.evaluation.models import (
    Evaluation,
    EvaluationAnnouncement,
    EvaluationObjection,
    EvaluationRound,
    Grade,
    Rectification,
)
from workflow.evaluation.operations import results
from workflow.publicity import queries as publicity_queries
from workflow.publicity.operations.objections import Filing


def _announced_with_an_objection(center) -> tuple:
    """A's round closed, its results announced, an organization's objection dismissed, the
    results final and issued."""
    officer = factories.officer()
    row = factories.evaluation_round(officer, grades={center.id: Grade.UNQUALIFIED},
                                     close=False)
    evaluation.close_round(row, actor=officer)
    announcement = results.publish_results(row, workdays=5,
                                           texts=results.default_texts(row), actor=officer)
    with factories.clock_at(publicity_queries.starts_at(announcement)):
        objection = results.file_objection(announcement, Filing(
            kind="organization", entry_id=row.evaluations[0].id, content="评估不公",
            organization_name="某协会", contact_person="李四", phone="0531-1234567",
            letter_filename="异议函.pdf", letter=io.BytesIO(factories.PDF)), actor=None)
        results.decide_objection(objection, outcome="dismissed", reason="理由不成立",
                                 actor=officer)
    with factories.clock_at(publicity_queries.ends_at(announcement)):
        results.end_periods()
    results.issue_results(row, actor=officer)
    return row, announcement, objection


def build() -> dict:
    lead = factories.applicant()
    center = factories.application(lead=lead, state=AppState.OPERATING)
    row, announcement, objection = _announced_with_an_objection(center)
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
    factories.application(state=AppState.OPERATING)
    rating = factories.evaluation_round(users["officer"], close=False)
    rating.evaluations[0].grade = rating.evaluations[0].score = None
    rating.evaluations[0].report_name = None
    db.session.flush()
    return {"users": {who: u.id for who, u in users.items()},
            "ids": {"rect": rect.id, "missing": rect.id + 1000, "round": row.id,
                    "evaluation": row.evaluations[0].id, "rating": rating.id,
                    "pending": rating.evaluations[0].id, "announcement": announcement.id,
                    "objection": objection.id, "platform": row.platform_type_id,
                    "year": rating.year}}


def fingerprint() -> tuple:
    return (db.session.scalar(select(func.count()).select_from(AuditEntry)),
            tuple(db.session.execute(select(Rectification.status, Rectification.returned_reason,
                                            Rectification.report_name))),
            tuple(db.session.execute(select(Evaluation.grade, Evaluation.score,
                                            Evaluation.report_name).order_by(Evaluation.id))),
            tuple(db.session.execute(select(EvaluationRound.status,
                                            EvaluationRound.results_document_id))),
            tuple(db.session.scalars(select(EvaluationAnnouncement.status))),
            tuple(db.session.execute(select(EvaluationObjection.status,
                                            EvaluationObjection.new_grade))))


def world_of(kept) -> dict:
    return kept_unchanged(kept, "evaluation_access", build, fingerprint)


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
        if who == "anonymous" and case.endpoint not in PUBLIC:
            assert response.location.startswith("/login")
        if who == "anonymous" or response.status_code in (403, 404, 422):
            db.session.expire_all()
            assert fingerprint() == world["fingerprint"], f"{who} changed something"
    assert " ".join(got[who] for who in ROLES) == case.statuses, got
