"""The task book from approval to the department's signature: the lead unit drafts it from
the application, the city and the department review it and return it with reasons, both
sides sign it, and the signed version is frozen, hashed and kept as a PDF; the center is
under construction from then on."""
import hashlib
import io

import pdfplumber
import pytest
from sqlalchemy import select

from tests import factories
from workflow.centers.models import Center
from workflow.core import storage
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Action, AppState, Role
from workflow.inbox.models import Notification
from workflow.inbox.notifications import lead_users
from workflow.lifecycle.transitions import transition
from workflow.notices.documents.specimen import specimen_seal
from workflow.notices.operations import drafts as notices
from workflow.task_books import operations as task_books
from workflow.task_books import queries
from workflow.task_books.models import TaskBookState
from workflow.task_books.rules import read_content


@pytest.fixture(autouse=True)
def own_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))


def _actions(app) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.application_id == app.id).order_by(AuditEntry.id)))


def test_the_factory_builds_a_center_under_construction():
    app = factories.application(state=AppState.UNDER_CONSTRUCTION)
    assert app.state == AppState.UNDER_CONSTRUCTION
    book = queries.signed_book(app.id)
    assert book is not None and book.state == TaskBookState.SIGNED
    center = db.session.scalar(select(Center).where(Center.application_id == app.id))
    years = queries.years_of(app)
    assert center.construction_starts_on == book.starts_on
    assert center.construction_ends_on.isoformat() == f"{years[-1]}-12-31"
    assert book.target("rd_spending", years[0]) == 15.0
    assert book.target("rd_spending", years[0] - 1) is None
    pdf = storage.read_verified(storage.documents_dir() / book.stored_name, book.pdf_sha256)
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == book.pdf_sha256
    assert book.sha256 == queries.digest(book.frozen)
    assert _actions(app)[-4:] == ["task_book_agree", "task_book_unit_sign", "task_book_sign",
                                  "sign_task_book"]


def test_signing_needs_the_units_signature_first():
    app = factories.application(state=AppState.APPROVED)
    book = factories.task_book(app, until="agreed")
    with pytest.raises(ServiceError, match="须先由牵头单位签署"):
        transition(app, Action.SIGN_TASK_BOOK, actor=factories.officer())
    assert app.state == AppState.APPROVED and book.state == TaskBookState.AGREED
    with pytest.raises(PermissionDenied):
        task_books.department_sign(book, actor=factories.officer())


def test_the_book_is_prefilled_from_the_application():
    app = factories.application(state=AppState.APPROVED)
    lead = factories.user(Role.APPLICANT, organization=app.lead_org)
    book = task_books.start_task_book(app, actor=lead)
    years = queries.years_of(app)
    assert len(years) == app.call.construction_years == 3
    assert years[0] == queries.first_year(app)
    assert book.indicators["rd_spending"]["baseline"] == 100.0  # foundation.rd_spend_y3
    assert book.indicators["rd_staff"]["baseline"] == 100.0
    assert book.indicators["patents_granted"]["baseline"] is None
    assert set(book.indicators["standards"]["yearly"]) == {str(y) for y in years}
    assert book.tasks == [{"title": "示例内容", "content": "", "year": ""}]
    # total 100, own 100, local 100: nothing is left for the province
    assert book.budget == {"own_funds": 100.0, "provincial_funds": 0.0, "local_match": 100.0}
    assert book.liability
    assert db.session.scalar(select(Center).where(Center.application_id == app.id)) is not None
    assert task_books.start_task_book(app, actor=lead) is book


def test_a_city_return_with_reasons_goes_back_to_the_unit_and_is_told():
    app = factories.application(state=AppState.APPROVED)
    book = factories.task_book(app, until="submitted")
    city = factories.recommender(app.region_code)
    with pytest.raises(ServiceError):
        task_books.city_return(book, actor=city, comment="  ")
    assert book.state == TaskBookState.SUBMITTED
    task_books.city_return(book, actor=city, comment="研发投入目标偏低")
    assert book.state == TaskBookState.DRAFTING
    assert (book.return_reason, book.returned_by_role) == ("研发投入目标偏低", "recommender")
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "task_book_city_return"))
    assert (entry.actor_id, entry.role) == (city.id, "recommender")
    assert entry.comment == "研发投入目标偏低"
    told = db.session.scalars(select(Notification).where(
        Notification.kind == "task_book_returned")).all()
    assert told and all("研发投入目标偏低" in n.body for n in told)
    assert told[0].link == f"/task-books/{book.id}"


def test_the_officer_returns_or_agrees_and_the_next_actor_is_told():
    app = factories.application(state=AppState.APPROVED)
    book = factories.task_book(app, until="city_passed")
    officer = factories.officer()
    task_books.department_return(book, actor=officer, comment="补充年度任务")
    assert (book.state, book.returned_by_role) == (TaskBookState.DRAFTING, "officer")
    lead = factories.user(Role.APPLICANT, organization=app.lead_org)
    task_books.submit_task_book(book, actor=lead)
    assert book.return_reason == ""
    task_books.city_pass(book, actor=factories.recommender(app.region_code))
    task_books.department_agree(book, actor=officer)
    assert book.state == TaskBookState.AGREED
    assert db.session.scalar(select(Notification).where(
        Notification.kind == "task_book_sign", Notification.user_id == lead.id)) is not None


def test_submission_needs_every_years_target():
    app = factories.application(state=AppState.APPROVED)
    book = factories.task_book(app, until="drafting")
    year = queries.years_of(app)[1]
    lead = factories.user(Role.APPLICANT, organization=app.lead_org)
    form = factories.task_book_form(app, **{f"ind-patents_granted-{year}": ""})
    task_books.save_task_book(book, read_content(form, queries.years_of(app)), actor=lead)
    with pytest.raises(ServiceError) as refused:
        task_books.submit_task_book(book, actor=lead)
    assert any(str(year) in p for p in refused.value.problems)
    assert book.state == TaskBookState.DRAFTING


def test_a_negative_or_wrong_number_is_refused_and_nothing_changes():
    app = factories.application(state=AppState.APPROVED)
    book = factories.task_book(app, until="drafting")
    before = dict(book.indicators)
    years = queries.years_of(app)
    checked = read_content(factories.task_book_form(
        app, **{"ind-rd_staff-baseline": "-3", f"ind-standards-{years[0]}": "abc"}), years)
    assert set(checked.problems) == {"ind-rd_staff-baseline", f"ind-standards-{years[0]}"}
    lead = factories.user(Role.APPLICANT, organization=app.lead_org)
    with pytest.raises(ServiceError):
        task_books.save_task_book(book, checked, actor=lead)
    assert book.indicators == before


def test_another_unit_cannot_start_edit_or_sign():
    app = factories.application(state=AppState.APPROVED)
    stranger = factories.applicant()
    with pytest.raises(PermissionDenied):
        task_books.start_task_book(app, actor=stranger)
    book = factories.task_book(app, until="agreed")
    with pytest.raises(PermissionDenied):
        task_books.unit_sign(book, actor=stranger)
    other_city = factories.recommender(factories.QINGDAO)
    assert not task_books.can(other_city, "taskbook.view", book)
    assert book.state == TaskBookState.AGREED


def test_the_signed_pdf_is_chinese_with_its_targets_seal_and_digest():
    """Whatever the officer's language: the document's names are Chinese data; the seal the
    notice was issued with is printed over the department's signature."""
    officer = factories.officer()
    call_row = factories.call(fields=["测试领域任务书", "工业软件", "焊接装备"], actor=officer)
    notices.store_seal(call_row, stream=io.BytesIO(specimen_seal()), actor=officer)
    app = factories.application(call_row, state=AppState.UNDER_CONSTRUCTION)
    book = queries.signed_book(app.id)
    assert book.frozen["seal"]["sha256"]
    pdf = storage.read_verified(storage.documents_dir() / book.stored_name, book.pdf_sha256)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        text = "".join((page.extract_text() or "") for page in document.pages).replace(" ", "")
        images = sum(len(page.images) for page in document.pages)
    years = queries.years_of(app)
    assert "山东省技术创新中心建设任务书" in text and "研发经费支出" in text
    assert f"{years[0]}年" in text and "自筹资金" in text and book.sha256 in text.replace("\n", "")
    assert images == 1  # the seal


def test_whoever_acts_next_is_told_with_the_link_to_the_book():
    app = factories.application(state=AppState.APPROVED)
    city = factories.recommender(app.region_code)
    officer = factories.officer()
    factories.task_book(app, officer_user=officer)
    book = queries.signed_book(app.id)
    told = {(n.kind, n.user_id) for n in db.session.scalars(select(Notification).where(
        Notification.application_id == app.id))}
    leads = {u.id for u in lead_users(app)}
    assert ("task_book_review", city.id) in told
    assert ("task_book_department_review", officer.id) in told
    assert ("task_book_department_sign", officer.id) in told
    assert {k for k, u in told if u in leads} >= {"task_book_sign", "sign_task_book"}
    links = set(db.session.scalars(select(Notification.link).where(
        Notification.kind.like("task_book%"), Notification.application_id == app.id)))
    assert links == {f"/task-books/{book.id}"}
