"""Who gets what of the task book's pages: each route of tests/task_books/access.py asked as
every role (anonymous, the lead unit, another unit, the city of the center, another city,
officer, leader, expert), with the status each gets. Forms sent by those allowed are sent
empty, so they are refused as incomplete (422) and nothing changes; another unit's book
asked for by id is refused (403) and changes nothing. Starting a book is the one step that
needs nothing typed: the lead unit's start goes through (302), last. A unit leads one center
of a kind, so each book has its own lead unit: "lead" is the unit of the book asked for
(of the one being drafted for another unit's book)."""
import re

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import emptied_afterwards
from tests.task_books.access import ROUTES
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState, Role
from workflow.task_books.models import TaskBook

ROLES = ("anonymous", "lead", "other_org", "city", "other_city", "officer", "leader", "expert")
# (endpoint, method, path, statuses in the order of ROLES)
TABLE = [
    ("task_books.index", "GET", "/task-books", "302 200 200 200 200 200 200 403"),
    ("task_books.view", "GET", "/task-books/{drafting}", "302 200 403 200 403 200 200 403"),
    ("task_books.edit", "GET", "/task-books/{drafting}/edit", "302 200 403 403 403 403 403 403"),
    ("task_books.edit", "POST", "/task-books/{drafting}/edit",
     "302 422 403 403 403 403 403 403"),
    ("task_books.submit", "POST", "/task-books/{drafting}/submit",
     "302 422 403 403 403 403 403 403"),
    ("task_books.city_decision", "POST", "/task-books/{submitted}/city",
     "302 403 403 422 403 403 403 403"),
    ("task_books.department_decision", "POST", "/task-books/{city_passed}/department",
     "302 403 403 403 403 422 403 403"),
    ("task_books.unit_sign", "POST", "/task-books/{agreed}/unit-sign",
     "302 422 403 403 403 403 403 403"),
    ("task_books.sign", "POST", "/task-books/{unit_signed}/sign",
     "302 403 403 403 403 422 403 403"),
    ("task_books.download", "GET", "/task-books/{signed}/signed.pdf",
     "302 200 403 200 403 200 200 403"),
    # A step asked in the wrong state is refused to everyone.
    ("task_books.sign", "POST", "/task-books/{agreed}/sign", "302 403 403 403 403 403 403 403"),
    ("task_books.download", "GET", "/task-books/{unit_signed}/signed.pdf",
     "302 403 403 403 403 403 403 403"),
    # Another unit's book, asked for by id (by the lead unit of the book being drafted).
    ("task_books.view", "GET", "/task-books/{other_drafting}", "302 403 200 200 403 200 200 403"),
    ("task_books.edit", "GET", "/task-books/{other_drafting}/edit",
     "302 403 200 403 403 403 403 403"),
    ("task_books.edit", "POST", "/task-books/{other_drafting}/edit",
     "302 403 422 403 403 403 403 403"),
    ("task_books.submit", "POST", "/task-books/{other_drafting}/submit",
     "302 403 422 403 403 403 403 403"),
    ("task_books.view", "GET", "/task-books/999999", "302 404 404 404 404 404 404 404"),
    # Last: starting a book changes data (the lead unit's start goes through).
    ("task_books.start", "POST", "/applications/{fresh}/task-book",
     "302 302 403 403 403 403 403 403"),
]


@pytest.fixture(scope="module")
def world(app):
    with emptied_afterwards(app):
        books, leads, other = {}, {}, factories.applicant()
        for until in ("drafting", "submitted", "city_passed", "agreed", "unit_signed",
                      "signed"):
            leads[until] = factories.applicant()
            books[until] = factories.task_book(
                factories.application(lead=leads[until], state=AppState.APPROVED), until=until)
        other_draft = factories.task_book(
            factories.application(lead=other, state=AppState.APPROVED), until="drafting")
        leads["fresh"] = factories.applicant()
        fresh = factories.application(lead=leads["fresh"], state=AppState.APPROVED)
        users = {"other_org": other, "city": factories.recommender(),
                 "other_city": factories.recommender(factories.QINGDAO),
                 "officer": factories.officer(), "leader": factories.leader(),
                 "expert": factories.user(Role.EXPERT)}
        db.session.commit()
        yield {"users": {who: u.email for who, u in users.items()},
               "leads": {key: u.email for key, u in leads.items()},
               "ids": {**{state: b.id for state, b in books.items()},
                       "other_drafting": other_draft.id, "fresh": fresh.id}}


@pytest.fixture(autouse=True)
def _context(world):
    """Replaces conftest's: the tests here only read the shared world."""
    yield


def fingerprint() -> tuple:
    db.session.expire_all()
    return (db.session.scalar(select(func.count()).select_from(AuditEntry)),
            db.session.execute(select(TaskBook.id, TaskBook.state, TaskBook.indicators,
                                      TaskBook.lock_version).order_by(TaskBook.id)).all())


def test_the_table_names_every_route():
    assert {(endpoint, method) for endpoint, method, _p, _s in TABLE} == ROUTES


@pytest.mark.parametrize("endpoint,method,path,statuses", TABLE,
                         ids=[f"{m}-{p}" for _e, m, p, _s in TABLE])
def test_route_answers_each_role(app, world, endpoint, method, path, statuses):
    url = path.format(**world["ids"])
    key = next(iter(re.findall(r"{(\w+)}", path)), "drafting")
    emails = {**world["users"], "lead": world["leads"].get(key, world["leads"]["drafting"])}
    got = {}
    with app.app_context():
        before = fingerprint()
        for who in ROLES:
            client = app.test_client()
            if who != "anonymous":
                assert client.post("/login", data={"email": emails[who],
                                                   "password": factories.PASSWORD}
                                   ).status_code == 302
            response = client.open(url, method=method, data={} if method == "POST" else None)
            got[who] = response.status_code
            if who == "anonymous":
                assert response.location.startswith("/login")
            if endpoint == "task_books.start" and response.status_code == 302 \
                    and who != "anonymous":
                before = fingerprint()  # the one change the table expects
            assert fingerprint() == before, who
        db.session.remove()
    assert got == dict(zip(ROLES, map(int, statuses.split()), strict=True))
