"""The officer's list of acceptance requests, the expert's acceptance panels and their desks
issue the same SQL statements for two requests and for five."""
from tests import factories
from tests.web.test_queries import counted_statements
from workflow.acceptance.models import AcceptanceSeat
from workflow.core.extensions import db
from workflow.core.states import AppState


def add_requests(n: int, officer, expert) -> None:
    """`n` submitted requests, `expert` invited to each panel."""
    for _ in range(n):
        row = factories.acceptance_request(
            factories.application(state=AppState.UNDER_CONSTRUCTION))
        db.session.add(AcceptanceSeat(request_id=row.id, expert_id=expert.id, method="optimal",
                                      assigned_by_id=officer.id))
    db.session.commit()


def measure(client, path: str) -> int:
    db.session.expunge_all()
    with counted_statements() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_list_pages_issue_a_fixed_number_of_statements(app, make):
    officer, expert = make.officer(), make.expert("工业软件")
    ids = officer.id, expert.id
    add_requests(2, officer, expert)
    officer_client, expert_client = app.test_client(), app.test_client()
    for client, user in ((officer_client, officer), (expert_client, expert.user)):
        user = db.session.get(type(user), user.id)
        client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    paths = ((officer_client, "/acceptance"), (officer_client, "/desk"),
             (expert_client, "/expert/acceptance"), (expert_client, "/desk"))
    before = [measure(client, path) for client, path in paths]
    officer, expert = db.session.get(type(officer), ids[0]), db.session.get(type(expert), ids[1])
    add_requests(3, officer, expert)
    after = [measure(client, path) for client, path in paths]
    assert before == after, (before, after)
    assert before[0] <= 15 and before[2] <= 15, before
