"""The panel screens: the officer runs assignments, seats and removes experts, sees every
exclusion with its rule, opens complete panels; the expert answers invitations and declares
conflicts, and never sees an application they are excluded from."""
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.confirming import confirmed
from tests.review.test_assignment_service import expert
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState
from workflow.experts.models import Exclusion
from workflow.inbox.models import Notification, OutboxMail
from workflow.intake.models import Application
from workflow.review.models import AssignmentRun, PanelSeat
from workflow.review.operations import assignment

TITLE, SECRET = "山东省面板测试技术创新中心", "山东省回避测试技术创新中心"


@dataclass
class Panels:
    officer: object
    call: object
    app: object  # formal_passed, titled TITLE
    hidden: object  # formal_passed, titled SECRET; `excluded` may not review it
    excluded: object
    others: list


@pytest.fixture
def panels() -> Panels:
    officer = factories.officer()
    call = factories.call(actor=officer)
    call.review_settings = {"k": 3, "max_load": 2}
    app = factories.application(call, state=AppState.FORMAL_PASSED)
    hidden = factories.application(call, state=AppState.FORMAL_PASSED)
    app.title, hidden.title = TITLE, SECRET
    excluded = expert(employer_code=hidden.lead_org.credit_code)  # R1 on `hidden`
    others = [expert() for _ in range(4)]
    db.session.commit()
    return Panels(officer, call, app, hidden, excluded, others)


def seats_of(app) -> list[PanelSeat]:
    db.session.expire_all()
    return db.session.scalars(select(PanelSeat).where(PanelSeat.application_id == app.id)
                              .order_by(PanelSeat.id)).all()


def test_officer_runs_the_optimal_assignment_and_sees_seats_and_exclusions(panels, login):
    client = login(panels.officer)
    response = client.post(f"/officer/calls/{panels.call.id}/panels/optimal",
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Optimal assignment: 6 experts invited" in html
    assert len(seats_of(panels.app)) == len(seats_of(panels.hidden)) == 3
    assert panels.excluded.id not in {s.expert_id for s in seats_of(panels.hidden)}
    assert "R1 employer is the lead unit or a co-builder" in html
    assert panels.hidden.lead_org.credit_code in html
    assert html.count(">Chair<") == 2


def test_officer_runs_a_draw_with_the_seed_given(panels, login):
    client = login(panels.officer)
    page = client.get(f"/officer/calls/{panels.call.id}/panels").get_data(as_text=True)
    assert 'name="seed"' in page
    response = client.post(f"/officer/calls/{panels.call.id}/panels/draw",
                           data={"seed": "20260601"}, follow_redirects=True)
    assert "Draw with seed 20260601" in response.get_data(as_text=True)
    assert db.session.scalar(select(AssignmentRun.seed)) == 20260601
    bad = client.post(f"/officer/calls/{panels.call.id}/panels/draw", data={"seed": "x"},
                      follow_redirects=True)
    assert bad.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(AssignmentRun)) == 1


def test_manual_seat_lists_only_allowed_experts_and_refuses_an_excluded_one(panels, login):
    client = login(panels.officer)
    client.post(f"/officer/calls/{panels.call.id}/panels/exclusions")
    page = client.get(f"/officer/calls/{panels.call.id}/panels").get_data(as_text=True)
    hidden_form = page.split(f'id="panel-{panels.hidden.id}"')[1].split("</form>")[0]
    assert f'value="{panels.excluded.id}"' not in hidden_form
    client.post(f"/officer/applications/{panels.hidden.id}/seats",
                data={"expert_id": panels.excluded.id})
    assert seats_of(panels.hidden) == []
    client.post(f"/officer/applications/{panels.app.id}/seats",
                data={"expert_id": panels.others[0].id})
    (seat,) = seats_of(panels.app)
    assert (seat.method, seat.status) == ("manual", "invited")
    client.post(f"/officer/seats/{seat.id}/remove")
    assert seats_of(panels.app) == []


def test_open_review_for_all_ready_reports_the_refused(panels, login):
    client = login(panels.officer)
    for person in panels.others[:3]:
        seat = assignment.add_seat(panels.app, person, actor=panels.officer)
        assignment.respond(seat, accept=True, actor=person.user)
    db.session.commit()
    html = client.post(f"/officer/calls/{panels.call.id}/panels/open-review",
                       follow_redirects=True).get_data(as_text=True)
    assert "Expert review opened for 1 applications." in html
    assert f"Not opened: {SECRET}: 0 of 3 experts have accepted." in html
    db.session.expire_all()
    states = {a.id: a.state for a in db.session.scalars(select(Application))}
    assert states == {panels.app.id: AppState.EXPERT_REVIEW,
                      panels.hidden.id: AppState.FORMAL_PASSED}


def test_expert_accepts_declines_with_a_reason_and_declares_a_conflict(panels, login):
    first, second = (assignment.add_seat(panels.app, p, actor=panels.officer)
                     for p in panels.others[:2])
    third = assignment.add_seat(panels.hidden, panels.others[0], actor=panels.officer)
    db.session.commit()
    client = login(panels.others[0].user)
    home = client.get("/expert").get_data(as_text=True)
    assert TITLE in home and SECRET in home
    client.post(f"/expert/seats/{first.id}/accept")
    assert seats_of(panels.app)[0].status == "accepted"
    client.post(f"/expert/seats/{third.id}/decline", data={"reason": ""})
    assert seats_of(panels.hidden)[0].status == "invited"
    client.post(f"/expert/applications/{panels.hidden.id}/conflict",
                data={"reason": "曾参与该方案编写"})
    assert seats_of(panels.hidden)[0].status == "declined"
    assert db.session.scalar(select(Exclusion.rule).where(
        Exclusion.expert_id == panels.others[0].id)) == "D"
    assert SECRET not in client.get("/expert").get_data(as_text=True)
    assert client.get(f"/applications/{panels.hidden.id}").status_code == 403
    other = login(panels.others[1].user)
    other.post(f"/expert/seats/{second.id}/decline", data={"reason": "时间冲突"})
    assert seats_of(panels.app)[1].decline_reason == "时间冲突"


def test_expert_never_sees_an_excluded_application(panels, login):
    # A seat made before the rule applied (say, the expert changed employer since).
    seat = PanelSeat(application_id=panels.hidden.id, expert_id=panels.excluded.id,
                     method="manual", assigned_by_id=panels.officer.id)
    db.session.add(seat)
    db.session.commit()
    # Over the existing seat the run asks for confirmation first.
    confirmed(login(panels.officer), f"/officer/calls/{panels.call.id}/panels/optimal")
    assert db.session.scalar(select(Exclusion.rule).where(
        Exclusion.expert_id == panels.excluded.id)) == "R1"
    client = login(panels.excluded.user)
    assert SECRET not in client.get("/expert").get_data(as_text=True)
    response = client.get(f"/applications/{panels.hidden.id}")
    assert response.status_code in (403, 404)
    assert SECRET not in response.get_data(as_text=True)
    assert client.post(f"/expert/seats/{seat.id}/accept").status_code == 403
    assert client.post(f"/expert/applications/{panels.hidden.id}/conflict",
                       data={"reason": "x"}).status_code == 403
    bodies = db.session.scalars(select(Notification.body).where(
        Notification.user_id == panels.excluded.user_id)).all()
    mails = db.session.scalars(select(OutboxMail.body).where(
        OutboxMail.to_address == panels.excluded.user.email)).all()
    assert not any(SECRET in body for body in bodies + mails)
    assert seats_of(panels.hidden)[0].status == "invited"


def test_an_expert_cannot_answer_someone_elses_invitation(panels, login):
    seat = assignment.add_seat(panels.app, panels.others[0], actor=panels.officer)
    db.session.commit()
    audit_rows = db.session.scalar(select(func.count()).select_from(AuditEntry))
    intruder = login(panels.others[1].user)
    assert intruder.post(f"/expert/seats/{seat.id}/accept").status_code == 403
    assert intruder.post(f"/expert/seats/{seat.id}/decline",
                         data={"reason": "篡改"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(PanelSeat, seat.id).status == "invited"
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audit_rows
    assert TITLE not in intruder.get("/expert").get_data(as_text=True)


def test_invitation_notification_names_only_the_application(panels, login):
    client = login(panels.officer)
    client.post(f"/officer/calls/{panels.call.id}/panels/optimal")
    for person in panels.others:
        bodies = db.session.scalars(select(Notification.body).where(
            Notification.user_id == person.user_id)).all()
        assert all(other.name not in body for body in bodies for other in panels.others)
