"""An expert excluded after accepting (a past employer or a relation declared since) can no
longer see or score the application, so the department releases the seat: the panels page
and the closing rules name it, its sheet stops counting, the slot is refilled by the run's
method or by hand, and the panel completes. Nobody else may release a seat."""
from dataclasses import dataclass
from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests import factories
from tests.experts.test_expert_profile import employment_form
from tests.scoring_world import scores_totalling
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.calls.operations import calls
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Action, AppState, CallState
from workflow.experts.models import Exclusion
from workflow.experts.operations import profile as expert_profile
from workflow.inbox.models import Notification
from workflow.lifecycle.transitions import transition
from workflow.review.models import PanelSeat, ScoreSheet
from workflow.review.operations import assignment, results, scoring, seat_release


@dataclass
class Review:
    officer: object
    call: object
    app: object
    seats: list     # the three accepted seats, the chair first
    spare: list     # experts of the field not seated


def accept_all(app) -> list[PanelSeat]:
    seats = db.session.scalars(select(PanelSeat).where(PanelSeat.application_id == app.id)
                               .order_by(PanelSeat.is_chair.desc(), PanelSeat.id)).all()
    for seat in seats:
        assignment.respond(seat, accept=True, actor=seat.expert.user)
    return list(seats)


@pytest.fixture
def review() -> Review:
    """A call in review (k = 3) whose application's panel, seated by the optimal run, has
    accepted and is at work; two experts of the field are left in the pool."""
    officer = factories.officer()
    call = factories.call(actor=officer)
    call.review_settings = {"k": 3, "max_load": 3}
    app = factories.application(call, state=AppState.FORMAL_PASSED)
    calls.advance_call(call, CallState.CLOSED, actor=officer)
    calls.advance_call(call, CallState.REVIEWING, actor=officer)
    experts = [factories.expert(app.field.name) for _ in range(5)]
    assignment.assign_optimal(call, actor=officer)
    seats = accept_all(app)
    transition(app, Action.OPEN_REVIEW, actor=officer)
    seated = {s.expert_id for s in seats}
    db.session.commit()
    return Review(officer, call, app, seats, [e for e in experts if e.id not in seated])


def score(seat: PanelSeat, total: float) -> None:
    user = seat.expert.user
    scoring.save_sheet(seat, scores_totalling(total), {}, [], "", actor=user)
    scoring.submit_sheet(seat, actor=user)


def exclude_by_new_employer(client, seat: PanelSeat) -> None:
    """The expert records, on their profile, a past employer that is the lead unit (R2)."""
    response = client.post(f"/experts/{seat.expert_id}/employments", data=employment_form(**{
        "job-credit_code": seat.application.lead_org.credit_code, "job-end_date": ""}))
    assert response.status_code == 302


def panel_card(html: str, app) -> str:
    return html.split(f'id="panel-{app.id}"', 1)[1].split('<div class="card mb-3"', 1)[0]


def seat_row(html: str, seat: PanelSeat) -> str:
    return html.split(f'data-seat="{seat.id}"', 1)[1].split("</tr>", 1)[0]


def test_an_expert_excluded_after_accepting_is_released_refilled_and_the_panel_completes(
        review, login):
    chair, member, victim = review.seats
    score(chair, 80)
    score(victim, 20)  # scored before the conflict surfaced: it must not count
    db.session.commit()
    expert_client = login(victim.expert.user)
    exclude_by_new_employer(expert_client, victim)

    # The expert loses the application at once.
    assert review.app.title not in expert_client.get("/expert").get_data(as_text=True)
    assert expert_client.get(f"/expert/seats/{victim.id}/sheet").status_code == 403

    # The officer sees it: on the panels page, the results page and the closing rules.
    officer = login(review.officer)
    page = officer.get(f"/officer/calls/{review.call.id}/panels").get_data(as_text=True)
    row = seat_row(panel_card(page, review.app), victim)
    assert 'data-excluded="R2"' in row and 'data-action="release_refill"' in row
    assert "1 excluded seats to release" in panel_card(page, review.app)
    assert 'data-action="release' not in seat_row(page, member)
    progress = officer.get(f"/officer/calls/{review.call.id}/results").get_data(as_text=True)
    named = f"{victim.expert.name} is excluded by rule R2."
    assert named in progress
    with force_locale("en"):
        assert results.close_problems(review.app) == [named]
        with pytest.raises(ServiceError, match=named):
            results.confirm_panel(review.app, actor=chair.expert.user)

    response = officer.post(f"/officer/seats/{victim.id}/release/refill", follow_redirects=True)
    db.session.expire_all()
    victim = db.session.get(PanelSeat, victim.id)
    assert (victim.status, victim.is_chair) == ("declined", False)
    assert victim.decline_reason == "Released by the department: excluded by rule R2."
    refill = db.session.scalar(select(PanelSeat).where(
        PanelSeat.application_id == review.app.id, PanelSeat.status == "invited"))
    assert refill.expert_id in {e.id for e in review.spare} and refill.method == "optimal"
    assert f"Seat released; {refill.expert.name} is invited in its place." in (
        response.get_data(as_text=True))
    assert db.session.scalar(select(AuditEntry.comment).where(
        AuditEntry.action == "release_seat")) == f"expert {victim.expert_id}, rules R2"
    assert db.session.scalar(select(Notification.kind).where(
        Notification.user_id == refill.expert.user_id)) == "panel_invitation"
    with force_locale("en"):
        assert results.close_problems(review.app) == [
            "1 invitation(s) to this panel are not answered yet."]

    # The new expert accepts from the home page, scores, and the panel completes.
    newcomer = login(refill.expert.user)
    newcomer.post(f"/expert/seats/{refill.id}/accept")
    assert f'/expert/seats/{refill.id}/sheet" data-action="score"' in newcomer.get(
        "/expert").get_data(as_text=True)
    score(db.session.get(PanelSeat, refill.id), 90)
    score(db.session.get(PanelSeat, member.id), 85)
    result = results.result_of(review.app)
    assert (result.sheets, result.review_score) == (3, 85.0)  # 80, 85, 90: not the 20
    results.confirm_panel(review.app, actor=db.session.get(PanelSeat, chair.id).expert.user)
    assert review.app.state == AppState.REVIEWED
    # The released sheet stays on record.
    assert db.session.scalar(select(ScoreSheet.total).where(ScoreSheet.seat_id == victim.id)) == 20


def test_an_excluded_sheet_does_not_count_before_the_release(review):
    chair, member, victim = review.seats
    score(victim, 20)
    db.session.add(Exclusion(expert_id=victim.expert_id, application_id=review.app.id,
                             rule="R5", detail="合著"))
    score(chair, 80)
    score(member, 90)
    result = results.result_of(review.app)
    assert (result.sheets, result.review_score) == (2, 85.0)
    assert results.counted_sheets(review.app) == [chair.sheet, member.sheet]


def test_a_release_left_open_is_filled_by_hand_while_the_panel_is_at_work(review, login):
    chair, member, victim = review.seats
    db.session.add(Exclusion(expert_id=victim.expert_id, application_id=review.app.id,
                             rule="R4", detail="亲属"))
    db.session.commit()
    officer = login(review.officer)
    response = officer.post(f"/officer/seats/{victim.id}/release/by_hand",
                            follow_redirects=True)
    assert "Invite an expert by hand for the open seat." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(PanelSeat.id)).where(
        PanelSeat.status == "invited")) == 0
    card = panel_card(response.get_data(as_text=True), review.app)
    assert "1 seats unfilled" in card
    chooser = officer.get(f"/officer/applications/{review.app.id}/seats?scope=all").get_data(
        as_text=True)
    assert f'name="expert_id" value="{review.spare[0].id}" id="expert-{review.spare[0].id}" ' \
        f'aria-describedby' in chooser  # may be ticked
    assert f'value="{victim.expert_id}" id="expert-{victim.expert_id}" disabled' in chooser
    officer.post(f"/officer/applications/{review.app.id}/seats",
                 data={"expert_id": review.spare[0].id})
    new = db.session.scalar(select(PanelSeat).where(PanelSeat.status == "invited"))
    assert (new.expert_id, new.method) == (review.spare[0].id, "manual")


def test_a_released_chair_passes_the_chair_to_an_accepted_expert(review):
    chair, member, victim = review.seats
    db.session.add(Exclusion(expert_id=chair.expert_id, application_id=review.app.id,
                             rule="R1", detail="调动"))
    new = seat_release.release_seat(chair, refill=True, actor=review.officer)
    assert new.status == "invited" and not new.is_chair
    assert (chair.is_chair, member.is_chair or victim.is_chair) == (False, True)
    assert results.seat_problems(review.app)  # the invitation is still open


def test_an_invited_expert_excluded_since_is_flagged_and_released_before_the_review(login):
    officer = factories.officer()
    call = factories.call(actor=officer)
    call.review_settings = {"k": 3, "max_load": 3}
    app = factories.application(call, state=AppState.FORMAL_PASSED)
    for _ in range(4):
        factories.expert(app.field.name)
    run = assignment.assign_by_draw(call, seed=7, actor=officer)
    seat = db.session.scalars(select(PanelSeat).order_by(PanelSeat.id)).first()
    db.session.add(Exclusion(expert_id=seat.expert_id, application_id=app.id, rule="R7",
                             detail="投资"))
    with force_locale("en"):
        assert f"{seat.expert.name} is excluded by rule R7." in assignment.panel_problems(app)
    new = seat_release.release_seat(seat, refill=True, actor=officer)
    assert new.method == "draw" and new.expert_id != seat.expert_id
    assert new.run_id != run.id
    assert not any(seat.expert.name in p for p in assignment.panel_problems(app))


@pytest.mark.parametrize("case", ["not_excluded", "declined", "closed"])
def test_a_release_that_does_not_apply_is_refused_and_changes_nothing(review, case):
    chair, member, victim = review.seats
    if case == "closed":
        for seat in review.seats:
            score(seat, 80)
        results.confirm_panel(review.app, actor=chair.expert.user)
    if case != "not_excluded":
        db.session.add(Exclusion(expert_id=victim.expert_id, application_id=review.app.id,
                                 rule="R2", detail="任职"))
    if case == "declined":
        seat_release.release_seat(victim, refill=False, actor=review.officer)
    db.session.flush()
    audit = db.session.scalar(select(func.count(AuditEntry.id)))
    with force_locale("en"), pytest.raises(ServiceError) as refused:
        seat_release.release_seat(victim, refill=True, actor=review.officer)
    assert refused.value.problems[0].startswith(
        {"not_excluded": "Only the seat of an expert a conflict rule excludes",
         "declined": "Only the seat of an expert a conflict rule excludes",
         "closed": "Seats can be released only"}[case])
    assert db.session.scalar(select(func.count(AuditEntry.id))) == audit


def test_the_page_shows_a_refused_release_as_a_message(review, login):
    chair, member, victim = review.seats
    response = login(review.officer).post(f"/officer/seats/{member.id}/release/refill",
                                          follow_redirects=True)
    assert "Only the seat of an expert a conflict rule excludes" in (
        response.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(PanelSeat, member.id).status == "accepted"


def test_only_an_officer_releases_a_seat(review, login):
    chair, member, victim = review.seats
    db.session.add(Exclusion(expert_id=victim.expert_id, application_id=review.app.id,
                             rule="R2", detail="任职"))
    intruders = [chair.expert.user, victim.expert.user, factories.leader(),
                 factories.user(organization=review.app.lead_org), factories.applicant()]
    db.session.commit()
    for intruder in intruders:
        for then in ("refill", "by_hand"):
            response = login(intruder).post(f"/officer/seats/{victim.id}/release/{then}")
            assert response.status_code == 403
            assert victim.expert.name not in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(PanelSeat, victim.id).status == "accepted"
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "release_seat")) == 0
    with pytest.raises(PermissionDenied):
        seat_release.release_seat(victim, refill=True, actor=chair.expert.user)


def test_a_result_counting_a_sheet_excluded_since_is_computed_again(review):
    chair, member, victim = review.seats
    for seat, total in ((chair, 80), (member, 85), (victim, 20)):
        score(seat, total)
    result = results.result_of(review.app)
    assert (result.sheets, result.review_score) == (3, 61.67)
    expert_profile.add_employment(
        victim.expert, org_name="牵头单位", credit_code=review.app.lead_org.credit_code,
        role="board", start_date=date(2020, 1, 1), end_date=None, actor=victim.expert.user)
    assert (result.sheets, result.review_score) == (2, 82.5)
    with pytest.raises(ServiceError):
        results.confirm_panel(review.app, actor=chair.expert.user)
    seat_release.release_seat(victim, refill=False, actor=review.officer)
    results.confirm_panel(review.app, actor=chair.expert.user)
    assert (review.app.state, result.review_score) == (AppState.REVIEWED, 82.5)


def test_only_invitations_an_expert_can_answer_are_waited_for(review):
    chair, member, victim = review.seats
    for seat in review.seats:
        score(seat, 80)
    dead, alive = (assignment.add_seat(review.app, person, actor=review.officer)
                   for person in review.spare)
    db.session.add(Exclusion(expert_id=dead.expert_id, application_id=review.app.id,
                             rule="R6", detail="导师"))
    with force_locale("en"):
        assert results.close_problems(review.app) == [
            "1 invitation(s) to this panel are not answered yet."]
        assert f"{dead.expert.name} is excluded by rule R6." in assignment.panel_problems(
            review.app)
    assignment.remove_seat(alive, actor=review.officer)
    results.confirm_panel(review.app, actor=chair.expert.user)
    assert review.app.state == AppState.REVIEWED
