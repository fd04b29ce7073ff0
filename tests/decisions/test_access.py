"""Who downloads a decision document (/decisions/<id>): officers and leaders every one, the
lead unit of a center it decides on its own, nobody else; an unknown id is 404, and a
refusal shows nothing of the document and changes nothing."""
import pytest
from sqlalchemy import func, select

from tests import factories
from tests.decisions.access import ROUTES
from workflow.accounts.models.users import User
from workflow.core.extensions import db
from workflow.core.states import AppState, Role
from workflow.notices.models import DecisionDocument, DocumentNumber
from workflow.notices.operations import decisions


@pytest.fixture(autouse=True)
def own_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))


@pytest.fixture
def world():
    """Two centers of Jinan, each with its revocation decision, and every role."""
    lead, other_lead = factories.applicant(), factories.applicant()
    app = factories.application(lead=lead, state=AppState.APPROVED, cobuilder=True)
    other = factories.application(lead=other_lead, state=AppState.APPROVED)
    leader = factories.leader()
    own = decisions.issue_decision("revocation", title="关于撤销的决定", addressee="牵头单位",
                                   paragraphs=["决定撤销。"], applications=[app], actor=leader)
    theirs = decisions.issue_decision("revocation", title="关于撤销的决定", addressee="牵头单位",
                                      paragraphs=["决定撤销。"], applications=[other],
                                      actor=leader)
    cobuilder = db.session.get(User, app.cobuilders[0].confirmed_by_id)
    expert = factories.user(Role.EXPERT)
    roles = {"lead": lead, "other_lead": other_lead, "cobuilder": cobuilder,
             "rec_jinan": factories.recommender(factories.JINAN),
             "rec_qingdao": factories.recommender(factories.QINGDAO),
             "officer": factories.officer(), "leader": leader, "expert": expert}
    db.session.commit()
    return own, theirs, roles


EXPECTED = {"anonymous": 302, "lead": 200, "other_lead": 403, "cobuilder": 403,
            "rec_jinan": 403, "rec_qingdao": 403, "officer": 200, "leader": 200, "expert": 403}


def test_the_table_names_every_route():
    assert ROUTES == {("notices.decision_download", "GET")}


def test_every_role_gets_its_status(world, client, login_as):
    own, theirs, roles = world
    numbers = db.session.scalar(select(func.count()).select_from(DocumentNumber))
    for role, status in EXPECTED.items():
        browser = client if role == "anonymous" else login_as(roles[role])
        response = browser.get(f"/decisions/{own.id}")
        assert response.status_code == status, role
        if status != 200:
            assert own.number.text.encode() not in response.data
            assert b"%PDF" not in response.data
    # Nothing changed: no number taken, the stored documents as they were.
    assert db.session.scalar(select(func.count()).select_from(DocumentNumber)) == numbers
    assert [d.sha256 for d in (own, theirs)] == [
        db.session.scalar(select(DecisionDocument.sha256).where(DecisionDocument.id == d.id))
        for d in (own, theirs)]


def test_a_lead_unit_is_refused_another_centers_decision_by_id(world, login_as):
    own, theirs, roles = world
    browser = login_as(roles["lead"])
    assert browser.get(f"/decisions/{theirs.id}").status_code == 403
    assert browser.get(f"/decisions/{theirs.id + own.id + 1000}").status_code == 404
    assert login_as(roles["other_lead"]).get(f"/decisions/{theirs.id}").status_code == 200
