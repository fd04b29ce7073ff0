"""The task book through its pages, as the people do it: the lead unit starts it from its
list, fills the table (a wrong number is refused with the field named and everything typed
shown again), submits; the city sees it on its desk and returns it with reasons; the unit
corrects and submits again; the city passes it on; the officer agrees; the unit and the
department sign; the signed PDF is downloaded. The list pages issue the same statements
for few books and for many."""
import pytest
from sqlalchemy import select

from tests import factories
from tests.web.test_queries import counted_statements
from workflow.core import storage
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.task_books import queries
from workflow.task_books.models import TaskBook, TaskBookState


@pytest.fixture(autouse=True)
def own_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))


def test_from_start_to_signature_through_the_pages(login_as):
    lead = factories.applicant()
    app = factories.application(lead=lead, state=AppState.APPROVED)
    city, officer = factories.recommender(app.region_code), factories.officer()
    db.session.commit()

    client = login_as(lead)
    assert "/task-books" in client.get("/desk").get_data(as_text=True)
    page = client.get("/task-books").get_data(as_text=True)
    assert app.title in page and f"/applications/{app.id}/task-book" in page
    response = client.post(f"/applications/{app.id}/task-book")
    book = db.session.scalar(select(TaskBook).where(TaskBook.application_id == app.id))
    assert response.location.endswith(f"/task-books/{book.id}/edit")
    years = queries.years_of(app)

    form = factories.task_book_form(app, **{"ind-rd_staff-baseline": "-5", "then": "submit",
                                            "task-0-title": "关键技术攻关（已修改）"})
    response = client.post(f"/task-books/{book.id}/edit", data=form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="ind-rd_staff-baseline"' in html and 'value="-5"' in html
    assert "关键技术攻关（已修改）" in html  # nothing typed is lost
    db.session.expire_all()
    assert book.state == TaskBookState.DRAFTING and book.tasks[0]["title"] == "示例内容"

    form["ind-rd_staff-baseline"] = "20"
    response = client.post(f"/task-books/{book.id}/edit", data=form)
    assert response.status_code == 302
    db.session.expire_all()
    assert book.state == TaskBookState.SUBMITTED
    assert book.target("rd_staff", years[0]) == 25.0

    client = login_as(city)
    assert f"/task-books/{book.id}" in client.get("/desk").get_data(as_text=True)
    response = client.post(f"/task-books/{book.id}/city", data={"decision": "return",
                                                              "comment": ""})
    assert response.status_code == 422  # a return needs reasons: nothing changes
    db.session.expire_all()
    assert book.state == TaskBookState.SUBMITTED
    client.post(f"/task-books/{book.id}/city", data={"decision": "return",
                                                    "comment": "专利目标偏低"})
    db.session.expire_all()
    assert book.state == TaskBookState.DRAFTING

    client = login_as(lead)
    assert "专利目标偏低" in client.get(f"/task-books/{book.id}").get_data(as_text=True)
    assert f"/task-books/{book.id}/edit" in client.get("/desk").get_data(as_text=True)
    assert client.post(f"/task-books/{book.id}/submit").status_code == 422  # not confirmed
    client.post(f"/task-books/{book.id}/submit", data={"confirm": "y"})
    client = login_as(city)
    client.post(f"/task-books/{book.id}/city", data={"decision": "pass", "comment": "同意"})
    client = login_as(officer)
    assert f"/task-books/{book.id}" in client.get("/desk").get_data(as_text=True)
    client.post(f"/task-books/{book.id}/department", data={"decision": "pass"})
    client = login_as(lead)
    client.post(f"/task-books/{book.id}/unit-sign", data={"confirm": "y"})
    client = login_as(officer)
    response = client.post(f"/task-books/{book.id}/sign", data={"confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert book.state == TaskBookState.SIGNED and book.application.state == "under_construction"
    page = client.get(f"/task-books/{book.id}").get_data(as_text=True)
    assert book.sha256 in page and "专利目标偏低" in page  # the history keeps the return

    client = login_as(lead)
    pdf = client.get(f"/task-books/{book.id}/signed.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get(f"/task-books/{book.id}/edit").status_code == 403  # frozen


def _list_statements(client) -> int:
    with counted_statements() as statements:
        assert client.get("/task-books").status_code == 200
    return len(statements)


def test_the_list_issues_the_same_statements_for_few_and_many_books(login_as):
    officer = factories.officer()
    for _ in range(2):
        factories.task_book(factories.application(state=AppState.APPROVED), until="drafting")
    db.session.commit()
    few = _list_statements(login_as(officer))
    for _ in range(4):
        factories.task_book(factories.application(state=AppState.APPROVED), until="submitted")
    db.session.commit()
    assert _list_statements(login_as(officer)) == few
    client = login_as(officer)
    with counted_statements() as statements:
        assert client.get("/desk").status_code == 200
    desk = len(statements)
    factories.task_book(factories.application(state=AppState.APPROVED), until="city_passed")
    db.session.commit()
    with counted_statements() as statements:
        client.get("/desk")
    assert len(statements) == desk


def test_a_damaged_stored_pdf_is_not_served(login_as):
    app = factories.application(state=AppState.UNDER_CONSTRUCTION)
    book = queries.signed_book(app.id)
    path = storage.documents_dir() / book.stored_name
    path.chmod(0o644)
    path.write_bytes(b"%PDF-1.4 changed")
    officer = factories.officer()
    db.session.commit()
    response = login_as(officer).get(f"/task-books/{book.id}/signed.pdf")
    assert response.status_code == 302 and response.location.endswith(f"/task-books/{book.id}")
