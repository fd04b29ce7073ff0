"""The leader's selection list shows every call with something to select (reviewed
applications, whatever the call's own state), with its counts, those waiting first, in a
fixed number of statements; and after opening a review from the panels page the officer
is back on the panels page."""
import re

from sqlalchemy import insert

from tests import factories
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from tests.web.test_queries import counted_statements
from workflow.accounts.models.users import User
from workflow.core.extensions import db
from workflow.core.states import AppState, CallState
from workflow.intake.models import Application
from workflow.organizations.models import Organization
from workflow.selection import operations as selection


def add_rows(call, states: list[AppState]) -> None:
    """Applications in `states` inserted as rows (these tests only read them)."""
    creator = factories.applicant()
    org_ids = db.session.scalars(insert(Organization).returning(Organization.id), [
        {"name": f"列表企业{i}", "credit_code": factories.credit_code(), "region_code": "370100"}
        for i in range(len(states))]).all()
    db.session.execute(insert(Application), [
        {"call_id": call.id, "lead_org_id": org, "field_id": call.fields[0].id,
         "title": f"列表技术创新中心{org}", "region_code": "370100", "state": state,
         "created_by_id": creator.id, "submitted_at": factories.clock.now(),
         "version_count": 1} for org, state in zip(org_ids, states, strict=True)])
    db.session.commit()


def test_a_call_with_reviewed_applications_is_listed_whatever_its_state(login):
    officer, leader = factories.officer(), factories.leader()
    closed = factories.call(CallState.CLOSED, actor=officer, title="仍处截止状态的批次")
    add_rows(closed, [AppState.REVIEWED, AppState.REVIEWED, AppState.PROPOSED,
                      AppState.NOT_SELECTED, AppState.EXPERT_REVIEW])
    reviewing = factories.call(CallState.REVIEWING, actor=officer, title="评审中的批次")
    quiet = factories.call(actor=officer, title="正在申报的批次")
    add_rows(quiet, [AppState.SUBMITTED])
    db.session.commit()
    html = login(leader).get("/leader/selection").get_data(as_text=True)
    rows = re.findall(r"<tr><td><a href=\"/leader/calls/(\d+)/selection\">", html)
    assert rows == [str(closed.id), str(reviewing.id)]  # something to decide first
    closed_row = html.split(f"/leader/calls/{closed.id}/selection")[1].split("</tr>")[0]
    assert re.findall(r'text-end">(?:<span[^>]*>)?(\d+)', closed_row) == ["2", "1", "1"]
    assert quiet.title not in html


def test_the_list_takes_a_fixed_number_of_statements(login):
    officer, leader = factories.officer(), factories.leader()
    client = login(leader)

    def measured() -> int:
        db.session.expunge_all()
        with counted_statements() as statements:
            assert client.get("/leader/selection").status_code == 200
        return len(statements)

    officer_id = officer.id
    add_rows(factories.call(CallState.REVIEWING, actor=officer), [AppState.REVIEWED])
    few = measured()
    for _ in range(5):
        add_rows(factories.call(CallState.CLOSED, actor=db.session.get(User, officer_id)),
                 [AppState.REVIEWED] * 3)
    assert measured() == few
    assert len(selection.calls_to_select()) == 6


def test_opening_a_review_from_the_panels_page_returns_there(login):
    officer = factories.officer()
    call = factories.call(actor=officer)
    app = factories.application(call, state=AppState.FORMAL_PASSED)
    factories.seat_panel(app, officer)
    db.session.commit()
    client = login(officer)
    panels = client.get(f"/officer/calls/{call.id}/panels").get_data(as_text=True)
    assert f'name="next" value="/officer/calls/{call.id}/panels"' in panels
    response = client.post(f"/applications/{app.id}/actions/open_review",
                           data={"next": f"/officer/calls/{call.id}/panels"})
    assert response.location == f"/officer/calls/{call.id}/panels"
    assert db.session.get(Application, app.id).state == AppState.EXPERT_REVIEW
    page = client.get(response.location).get_data(as_text=True)
    assert "Done: the application is now" in page


def test_a_foreign_next_is_ignored(login):
    officer = factories.officer()
    app = factories.application(factories.call(actor=officer), state=AppState.FORMAL_PASSED)
    factories.seat_panel(app, officer)
    db.session.commit()
    response = login(officer).post(f"/applications/{app.id}/actions/open_review",
                                   data={"next": "//evil.example/x"})
    assert "evil" not in response.location
