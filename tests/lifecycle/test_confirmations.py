"""What cannot be undone is confirmed on a page first (workflow/web/views/confirm.py): closing
filing early, publishing, issuing, voiding a number, revoking, an assignment run over
existing seats. The page says what will happen and to whom, changes nothing, and its
Confirm button sends the form back; the action's route refuses without that confirmation,
and a confirmation of other facts (someone acted meanwhile) or a forged one is asked again.
After the action a message says what happened."""
import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.confirming import confirmed, seal_in
from tests.publicity_world import world as publicity_world
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from tests.web.test_queries import counted_statements
from workflow.calls.models import Call
from workflow.core import clock
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState, CallState
from workflow.intake.models import Application
from workflow.notices.models import DocumentNumber, Notice, OfficialDocument
from workflow.notices.operations import drafts as notices
from workflow.notices.operations import issue as notice_issue
from workflow.notices.operations import numbers
from workflow.publicity.models import Publicity
from workflow.review.models import AssignmentRun, PanelSeat
from workflow.review.operations import assignment

NOW = datetime(2027, 4, 1, 10, 0, tzinfo=clock.LOCAL)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


@pytest.fixture
def frozen():
    with factories.clock_at(NOW):
        yield


@pytest.fixture
def fast_render(monkeypatch, app, tmp_path):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setattr(notice_issue, "render_document",
                        lambda doc: b"%PDF-1.4 " + doc.verification_code.encode() + b" %%EOF")


# Closing filing early


@pytest.fixture
def open_call(frozen):
    """An open call until 30 April with two drafts of two units and one filed application."""
    officer = factories.officer()
    call = factories.call(actor=officer, closes_at=datetime(2027, 4, 30, 17, tzinfo=clock.LOCAL))
    drafts = [factories.application(call, complete=False) for _ in range(2)]
    filed = factories.application(call, state=AppState.SUBMITTED)
    db.session.commit()
    return officer, call, drafts, filed


def test_closing_filing_early_shows_what_will_happen_and_changes_nothing(open_call, login):
    officer, call, drafts, _filed = open_call
    audit = count(AuditEntry)
    page = login(officer).post(f"/officer/calls/{call.id}/advance/closed")
    html = text(page)
    assert page.status_code == 200
    assert "Close the filing of" in html and "2027-04-30 17:00" in html
    assert "2 drafts of 2 units expire at once and their units are told" in html
    assert "1 filed applications go on as they are" in html
    assert f'action="/officer/calls/{call.id}/advance/closed"' in html
    assert f'href="/officer/calls/{call.id}">Cancel</a>' in html
    db.session.expire_all()
    assert db.session.get(Call, call.id).state == CallState.OPEN
    assert count(AuditEntry) == audit
    assert {db.session.get(Application, d.id).state for d in drafts} == {AppState.DRAFT}


def test_confirmed_closing_closes_now_and_says_so(open_call, login):
    officer, call, drafts, filed = open_call
    response = confirmed(login(officer), f"/officer/calls/{call.id}/advance/closed",
                         follow_redirects=True)
    assert "Filing closed at 2027-04-01 10:00; 2 drafts expired" in text(response)
    db.session.expire_all()
    row = db.session.get(Call, call.id)
    assert row.state == CallState.CLOSED and row.closes_at == NOW
    assert {db.session.get(Application, d.id).state for d in drafts} == {AppState.EXPIRED}
    assert db.session.get(Application, filed.id).state == AppState.SUBMITTED


def test_a_confirmation_of_other_facts_is_asked_again(open_call, login):
    """A unit starts a draft between the page and the click: the officer reads it again."""
    officer, call, _drafts, _filed = open_call
    client = login(officer)
    seal = seal_in(client.post(f"/officer/calls/{call.id}/advance/closed").get_data(
        as_text=True))
    factories.application(call, complete=False)
    db.session.commit()
    again = client.post(f"/officer/calls/{call.id}/advance/closed", data={"confirmed": seal})
    assert again.status_code == 200
    assert "has changed since the confirmation was shown" in text(again)
    assert "3 drafts of 3 units" in text(again)
    db.session.expire_all()
    assert db.session.get(Call, call.id).state == CallState.OPEN


@pytest.mark.parametrize("seal", ["", "0" * 64, "不是签名", "x" * 5000])
def test_the_route_refuses_without_a_valid_confirmation(open_call, login, seal):
    officer, call, _drafts, _filed = open_call
    response = login(officer).post(f"/officer/calls/{call.id}/advance/closed",
                                   data={"confirmed": seal})
    assert response.status_code == 200 and 'name="confirmed"' in text(response)
    db.session.expire_all()
    assert db.session.get(Call, call.id).state == CallState.OPEN


def test_another_officers_confirmation_does_not_count(open_call, login, app):
    officer, call, _drafts, _filed = open_call
    seal = seal_in(login(officer).post(f"/officer/calls/{call.id}/advance/closed").get_data(
        as_text=True))
    other = factories.officer()
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": other.email, "password": factories.PASSWORD})
    response = client.post(f"/officer/calls/{call.id}/advance/closed", data={"confirmed": seal})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Call, call.id).state == CallState.OPEN


def test_closing_after_the_planned_end_needs_no_confirmation(login):
    officer = factories.officer()
    call = factories.call(actor=officer)
    db.session.commit()
    with factories.clock_at(call.closes_at):
        response = login(officer).post(f"/officer/calls/{call.id}/advance/closed",
                                       follow_redirects=True)
    assert "The call is now “Closed”. Filing closed at" in text(response)


# Publishing the announcement


def test_publishing_says_what_becomes_public_for_how_long_and_to_whom(login):
    with factories.clock_at(datetime(2022, 11, 4, 10, tzinfo=clock.LOCAL)):
        w = publicity_world("半导体激光", "工业软件")
        w.shortlist(w.apps[0])
        w.not_select(w.apps[1])
        for target in ("closed", "reviewing"):
            factories.calls.advance_call(w.call, target, actor=w.officer)
        db.session.commit()
        client = login(w.officer)
        page = client.post(f"/officer/calls/{w.call.id}/publicity/publish")
        html = text(page)
        assert "The list of 1 centers becomes public" in html
        assert "lasts 5 working days, from 2022-11-04 to 2022-11-10" in html
        assert w.apps[0].lead_org.name in html and w.apps[1].lead_org.name not in html
        assert count(Publicity) == 0
        done = confirmed(client, f"/officer/calls/{w.call.id}/publicity/publish",
                         follow_redirects=True)
    assert "The announcement is published" in text(done)
    assert count(Publicity) == 1


# Issuing the notice, voiding, revoking


@pytest.fixture
def signed(fast_render):
    officer = factories.officer()
    call = factories.call(actor=officer)
    apps = factories.approval_pending_batch(call, 2, officer)
    notices.sign_notice(call, actor=factories.leader())
    db.session.commit()
    return officer, call, apps


def test_issuing_names_the_number_taken_and_every_unit(signed, login):
    officer, call, apps = signed
    client = login(officer)
    html = text(client.post(f"/officer/calls/{call.id}/notice/issue"))
    year = clock.local(clock.now()).year
    assert f"Number 鲁科字〔{year}〕1号 is taken for good" in html
    assert "The notice and 2 letters are issued" in html
    assert all(a.lead_org.name in html for a in apps)
    assert count(DocumentNumber) == 0
    done = confirmed(client, f"/officer/calls/{call.id}/notice/issue", follow_redirects=True)
    assert f"鲁科字〔{year}〕1号 is taken" in text(done)
    assert db.session.scalar(select(Notice.state)) == "issuing"


def test_a_number_taken_meanwhile_asks_the_issuer_again(signed, login):
    officer, call, _apps = signed
    client = login(officer)
    seal = seal_in(client.post(f"/officer/calls/{call.id}/notice/issue").get_data(
        as_text=True))
    numbers.reserve_number("鲁科字", clock.local(clock.now()).year, title="另一份文件",
                           actor=officer)
    db.session.commit()
    again = client.post(f"/officer/calls/{call.id}/notice/issue", data={"confirmed": seal})
    assert "鲁科字〔" in text(again) and "〕2号 is taken for good" in text(again)
    assert db.session.scalar(select(Notice.state)) == "signed"


def test_voiding_a_number_says_which_and_why_first(login):
    officer = factories.officer()
    row = numbers.reserve_number("鲁科函", 2027, title="关于某事的复函", actor=officer)
    db.session.commit()
    client = login(officer)
    page = client.post(f"/officer/numbers/{row.id}/void", data={"reason": "文件未印发"})
    html = text(page)
    assert "Number 鲁科函〔2027〕1号, taken for “关于某事的复函”, is voided for good" in html
    assert 'name="reason" value="文件未印发"' in html
    db.session.expire_all()
    assert db.session.get(DocumentNumber, row.id).status == "issued"
    done = confirmed(client, f"/officer/numbers/{row.id}/void", data={"reason": "文件未印发"},
                     follow_redirects=True)
    assert "鲁科函〔2027〕1号 is voided." in text(done)
    db.session.expire_all()
    assert db.session.get(DocumentNumber, row.id).void_reason == "文件未印发"


def test_a_changed_reason_is_confirmed_again(login):
    officer = factories.officer()
    row = numbers.reserve_number("鲁科函", 2027, title="复函", actor=officer)
    db.session.commit()
    client = login(officer)
    seal = seal_in(client.post(f"/officer/numbers/{row.id}/void",
                               data={"reason": "文件未印发"}).get_data(as_text=True))
    again = client.post(f"/officer/numbers/{row.id}/void",
                        data={"reason": "另一个理由", "confirmed": seal})
    assert again.status_code == 200 and "另一个理由" in text(again)
    db.session.expire_all()
    assert db.session.get(DocumentNumber, row.id).status == "issued"


def test_voiding_without_a_reason_says_so_and_asks_nothing(login):
    officer = factories.officer()
    row = numbers.reserve_number("鲁科函", 2027, title="复函", actor=officer)
    db.session.commit()
    response = login(officer).post(f"/officer/numbers/{row.id}/void", data={"reason": ""},
                                   follow_redirects=True)
    assert "This field is required." in text(response)
    assert 'name="confirmed"' not in text(response)


def test_revoking_the_notice_counts_its_letters_first(signed, login):
    officer, call, _apps = signed
    notice = notice_issue.issue_notice(call, actor=officer)
    while notice_issue.store_next_document(notice, actor=officer) is not None:
        pass
    notice_issue.finish_issue(notice, actor=officer)
    db.session.commit()
    doc = notice.documents[0]
    client = login(officer)
    html = text(client.post(f"/officer/documents/{doc.id}/revoke", data={"reason": "依法撤销"}))
    assert "and its 2 letters still in force are revoked, with the reason: 依法撤销" in html
    assert count(OfficialDocument, OfficialDocument.revoked_at.is_not(None)) == 0
    confirmed(client, f"/officer/documents/{doc.id}/revoke", data={"reason": "依法撤销"})
    assert count(OfficialDocument, OfficialDocument.revoked_at.is_not(None)) == 3


# Assignment runs


@pytest.fixture
def seated():
    officer = factories.officer()
    call = factories.call(actor=officer)
    call.review_settings = {"k": 3, "max_load": 5}
    app = factories.application(call, state=AppState.FORMAL_PASSED)
    experts = [factories.expert(app.field.name) for _ in range(4)]
    db.session.commit()
    return officer, call, app, experts


def test_a_run_without_seats_asks_nothing(seated, login):
    officer, call, _app, _experts = seated
    response = login(officer).post(f"/officer/calls/{call.id}/panels/optimal")
    assert response.status_code == 302
    assert count(AssignmentRun) == 1


@pytest.mark.parametrize(("path", "data", "says"), [
    ("optimal", None, "by the optimal assignment"),
    ("draw", {"seed": "7"}, "by a random draw with the seed 7"),
])
def test_a_run_over_existing_seats_says_they_stay_and_who_is_invited(seated, login, path,
                                                                      data, says):
    officer, call, app, experts = seated
    assignment.add_seat(app, experts[0], actor=officer)
    db.session.commit()
    client = login(officer)
    html = text(client.post(f"/officer/calls/{call.id}/panels/{path}", data=data))
    assert "1 seats on 1 panels exist (0 accepted); they stay as they are" in html
    assert "fills the 2 open places of 1 applications" in html and says in html
    assert count(AssignmentRun) == 0
    confirmed(client, f"/officer/calls/{call.id}/panels/{path}", data=data)
    assert count(AssignmentRun) == 1 and count(PanelSeat) == 3


def test_a_confirmation_page_takes_a_fixed_number_of_statements(open_call, login):
    officer, call, _drafts, _filed = open_call
    client = login(officer)
    path = f"/officer/calls/{call.id}/advance/closed"

    def measured() -> int:
        db.session.expunge_all()
        with counted_statements() as statements:
            assert client.post(path).status_code == 200
        return len(statements)

    few = measured()
    call = db.session.get(Call, call.id)
    for _ in range(12):
        factories.application(call, complete=False)
    db.session.commit()
    assert measured() == few
