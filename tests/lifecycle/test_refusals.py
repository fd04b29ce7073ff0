"""Refusals say why (web/queries/refusals.py): a person's own action that came too late (an
invitation answered before, a sheet submitted, an application that moved on) is answered
with what happened instead of a bare 403, and nothing changes; whoever could never act
still gets a 403 that tells nothing. An unknown verification code says so on the lookup
page."""
import re
from html import unescape

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.accounts.models.users import User
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Action, AppState, Role
from workflow.intake.models import Application
from workflow.lifecycle.transitions import transition
from workflow.review.models import PanelSeat, ScoreSheet
from workflow.review.operations import assignment
from workflow.review.queries import panel_seats


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def shown(client, response) -> str:
    assert response.status_code == 302, response.status_code
    return unescape(client.get(response.location).get_data(as_text=True))


@pytest.fixture
def seat():
    officer = factories.officer()
    call = factories.call(actor=officer)
    app = factories.application(call, state=AppState.FORMAL_PASSED)
    row = assignment.add_seat(app, factories.expert(app.field.name), actor=officer)
    db.session.commit()
    return row


def test_accepting_after_declining_says_it_was_declined(seat, login):
    assignment.respond(seat, accept=False, reason="时间冲突", actor=seat.expert.user)
    db.session.commit()
    audit = count(AuditEntry)
    client = login(seat.expert.user)
    page = shown(client, client.post(f"/expert/seats/{seat.id}/accept"))
    assert re.search(r"You declined this invitation on \d{4}-\d\d-\d\d \d\d:\d\d, so it can "
                     r"no longer be accepted", page)
    assert db.session.get(PanelSeat, seat.id).status == "declined"
    assert count(AuditEntry) == audit


def test_answering_twice_says_it_was_accepted(seat, login):
    client = login(seat.expert.user)
    assert client.post(f"/expert/seats/{seat.id}/accept").status_code == 302
    page = shown(client, client.post(f"/expert/seats/{seat.id}/decline",
                                     data={"reason": "改变主意"}))
    assert "You accepted this invitation on" in page and "already" in page
    assert db.session.get(PanelSeat, seat.id).status == "accepted"


def test_another_experts_seat_is_still_a_bare_refusal(seat, login):
    stranger = factories.expert(seat.application.field.name)
    db.session.commit()
    response = login(stranger.user).post(f"/expert/seats/{seat.id}/accept")
    assert response.status_code == 403
    assert seat.application.title not in response.get_data(as_text=True)


def test_saving_a_submitted_sheet_says_it_is_locked(login):
    officer = factories.officer()
    app = factories.application(factories.call(actor=officer), state=AppState.FORMAL_PASSED)
    factories.seat_panel(app, officer)
    transition(app, Action.OPEN_REVIEW, actor=officer)
    factories.submit_sheets(app)
    db.session.commit()
    mine = panel_seats.accepted_seats(app)[0]
    audit = count(AuditEntry)
    client = login(mine.expert.user)
    response = client.post(f"/expert/seats/{mine.id}/sheet", data={"comment": "再改一次"})
    assert response.location == f"/expert/seats/{mine.id}/sheet"
    assert "You submitted this sheet on" in shown(client, response)
    assert count(AuditEntry) == audit
    assert db.session.scalar(select(ScoreSheet.submitted_at).where(
        ScoreSheet.seat_id == mine.id)) is not None


def test_a_stale_action_says_where_the_application_is_now(login):
    app = factories.application(state=AppState.SUBMITTED)
    lead = db.session.get(User, app.created_by_id)
    db.session.commit()
    client = login(lead)
    page = shown(client, client.post(f"/applications/{app.id}/actions/submit"))
    assert "This application is now “Submitted”: “Submit” is no longer possible" in page
    assert db.session.get(Application, app.id).version_count == 1


def test_a_stale_action_never_tells_the_applicant_an_internal_decision(login):
    app = factories.application(state=AppState.PROPOSED)
    lead = db.session.get(User, app.created_by_id)
    db.session.commit()
    client = login(lead)
    page = shown(client, client.post(f"/applications/{app.id}/actions/withdraw"))
    assert "This application is now “Reviewed”" in page and "Proposed" not in page


def test_an_action_of_another_role_stays_a_bare_refusal(login):
    app = factories.application(state=AppState.DRAFT)
    lead = db.session.get(User, app.created_by_id)
    db.session.commit()
    response = login(lead).post(f"/applications/{app.id}/actions/fail_formal_review",
                                data={"comment": "x"})
    assert response.status_code == 403


def test_recommending_twice_says_it_moved_on(login):
    app = factories.application(state=AppState.RECOMMENDED)
    recommender = db.session.scalar(select(User).join(User.role_rows).where(
        User.role_rows.any(role=Role.RECOMMENDER)))
    db.session.commit()
    client = login(recommender)
    page = shown(client, client.post(f"/recommender/applications/{app.id}/recommend",
                                     data={"rank": "1", "opinion": "再次推荐"}))
    assert "This application is now “Recommended”" in page


def test_confirming_after_filing_says_the_co_builders_are_fixed(login):
    app = factories.application(state=AppState.SUBMITTED, cobuilder=True)
    partner = db.session.scalar(select(User).where(
        User.organization_id == app.cobuilders[0].organization_id))
    db.session.commit()
    client = login(partner)
    page = shown(client, client.post(f"/applications/{app.id}/confirm"))
    assert "The lead unit has filed this application" in page


@pytest.mark.parametrize("code", ["ABCD-EFGH-JKLM-NPQR", "<script>alert(1)<script>",
                                  "A" * 300])
def test_an_unknown_verification_code_says_so(client, code):
    client.post("/language/en", data={"next": "/"})
    response = client.get(f"/verify/{code}")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "No issued document has the verification code" in html
    assert "<script>alert(1)" not in html
    assert 'action="/verify"' in html and 'name="code"' in html


def test_deciding_a_formal_review_twice_says_it_was_decided(login):
    app = factories.application(state=AppState.FORMAL_PASSED)
    officer = factories.officer()
    db.session.commit()
    client = login(officer)
    response = client.post(f"/officer/applications/{app.id}/checklist/fail_formal_review",
                           data={"comment": "迟到的决定"})
    assert response.location == f"/officer/calls/{app.call_id}/formal-review"
    assert "This application is now “Formal review passed”" in shown(client, response)
    assert db.session.get(Application, app.id).state == AppState.FORMAL_PASSED
