"""Every main page of every role, and the exports, issue the same SQL statements for 20 and
for 500 applications (tests/desk_world.py): lists are paginated on the server, their counts
are aggregates, and what a row shows is loaded for the whole page at once."""
import pytest
from sqlalchemy import select

from tests import factories
from tests.desk_world import add, build
from tests.web.test_queries import counted_statements
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.intake.models import Application


def pages(world, detail_id: int) -> dict[str, list[str]]:
    review, open_call = world.calls["review"].id, world.calls["open"].id
    return {
        "officer": ["/desk", f"/officer/calls/{review}", f"/officer/calls/{review}/panels",
                    f"/officer/calls/{review}/panels?page=2",
                    f"/officer/calls/{review}/results", f"/officer/calls/{review}/results?page=2",
                    f"/officer/calls/{review}/ranking.xlsx",
                    f"/officer/calls/{review}/formal-review", f"/applications/{detail_id}"],
        "leader": ["/desk", f"/leader/calls/{review}/selection",
                   f"/officer/calls/{review}/results"],
        "recommender": ["/desk", f"/recommender/calls/{open_call}",
                        f"/recommender/calls/{review}",
                        f"/recommender/calls/{review}/sheet.xlsx"],
        "expert": ["/desk", "/expert", "/expert?done_page=2"],
        "applicant": ["/desk", "/my"],
    }


def measure(client, path: str) -> int:
    db.session.expunge_all()  # requests share the test's session: start each one cold
    with counted_statements() as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


@pytest.fixture
def world(app):
    return build()


def growth(app, world) -> dict[str, tuple[int, int]]:
    """The pages whose statements differ at 20 and at 500 applications."""
    clients = {}
    for role in pages(world, 0):
        client = app.test_client()
        assert client.post("/login", data={"email": world.people[role].email,
                                           "password": factories.PASSWORD}).status_code == 302
        clients[role] = client
    add(world, 20)
    detail_id = db.session.scalar(select(Application.id).where(
        Application.call_id == world.calls["review"].id,
        Application.state == AppState.EXPERT_REVIEW).order_by(Application.id))
    listed = pages(world, detail_id)

    def counts() -> dict[str, int]:
        return {f"{role} {path}": measure(clients[role], path)
                for role, paths in listed.items() for path in paths}

    few = counts()
    add(world, 480)
    many = counts()
    return {page: (few[page], n) for page, n in many.items() if n != few[page]}


def test_every_page_issues_the_same_statements_for_20_and_500_applications(app, world):
    assert growth(app, world) == {}
