"""The desks of experts, officers and leaders: invitations, sheets and a chair's work, each
step of the department, selections, objection reviews and notices; never an application a
conflict rule excludes the expert from."""
from datetime import timedelta

from tests.desk_pages import beijing, card, count_of, desk, rows
from tests.scoring_world import expert_user, panel, submit_all, user_expert_id
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.core import clock
from workflow.core.extensions import db
from workflow.core.states import Action, AppState
from workflow.experts.models import Exclusion
from workflow.inbox.models import OutboxMail
from workflow.lifecycle.permissions import SYSTEM
from workflow.notices.operations import drafts as notices
from workflow.publicity.operations import objections, publicity
from workflow.review.models import PanelSeat
from workflow.review.operations import results

S = AppState


# Experts: invitations, sheets, the chair's alarms and confirmations; never an exclusion.


def test_expert_sees_invitations_but_never_an_excluded_application(login, make):
    expert = expert_user("评审专家甲")
    call = make.call()
    invited, hidden = (make.application(call, state=S.FORMAL_PASSED) for _ in range(2))
    hidden.title = "山东省回避技术创新中心"
    seats = [PanelSeat(application_id=a.id, expert_id=user_expert_id(expert), method="manual",
                       status="invited", assigned_by_id=make.officer().id)
             for a in (invited, hidden)]
    db.session.add_all(seats)
    db.session.add(Exclusion(expert_id=user_expert_id(expert), application_id=hidden.id,
                             rule="R2", detail="曾任职"))
    db.session.commit()
    html = desk(login(expert))
    assert [r[:2] for r in rows(html, "expert", "invitations")] == [
        (f"/expert#seat-{seats[0].id}", invited.title)]
    assert hidden.title not in html


def test_sheets_then_the_chairs_alarm_then_the_confirmation(login, make):
    work = panel(3)
    db.session.commit()
    chair, member = work.experts[0], work.experts[1]
    assert [r[0] for r in rows(desk(login(member)), "expert", "sheets")] == [
        f"/expert/seats/{work.seats[1].id}/sheet"]
    submit_all(work, [95, 60, 70])
    db.session.commit()
    chair_html = desk(login(chair))
    assert card(chair_html, "expert", "sheets") is None
    assert [r[0] for r in rows(chair_html, "expert", "chair_alarms")] == [
        f"/expert/applications/{work.app.id}/panel"]
    assert card(chair_html, "expert", "chair_confirmations") is None
    assert count_of(desk(login(work.officer)), "officer", "alarms") == 1

    results.resolve_alarm(work.app, note="已讨论", actor=chair)
    db.session.commit()
    chair_html = desk(login(chair))
    assert card(chair_html, "expert", "chair_alarms") is None
    assert [r[0] for r in rows(chair_html, "expert", "chair_confirmations")] == [
        f"/expert/applications/{work.app.id}/panel"]
    assert card(desk(login(member)), "expert", "chair_confirmations") is None


# Officers and leaders.


def test_officer_sees_each_step_of_the_department(login, make):
    officer = make.officer()
    call = make.call(actor=officer, closes_at=clock.now() + timedelta(days=3))
    make.application(call, state=S.RECOMMENDED)
    corrected = make.application(call, state=S.CORRECTION_REQUESTED)
    unfilled = make.application(call, state=S.FORMAL_PASSED)
    db.session.add(OutboxMail(to_address="x@example.com", subject="通知", body="正文",
                              error="550 mailbox unavailable", attempts=1))
    db.session.commit()
    html = desk(login(officer))
    assert rows(html, "officer", "formal_reviews")[0][0] == (
        f"/officer/calls/{call.id}/formal-review?state=recommended")
    assert "1 to check" in card(html, "officer", "formal_reviews")
    (link, title, when), = rows(html, "officer", "awaiting_corrections")
    assert link == f"/officer/applications/{corrected.id}/checklist"
    assert when.startswith(beijing(corrected.corrections[-1].deadline_at))
    assert rows(html, "officer", "panels_to_fill")[0][0] == f"/officer/calls/{call.id}/panels"
    assert rows(html, "officer", "mails")[0][0] == "/officer/outbox?status=failed"
    running = rows(html, "officer", "running_calls")
    assert running[0][:2] == (f"/officer/calls/{call.id}", call.title)
    assert running[0][2].startswith(beijing(call.closes_at))
    assert "Filing closes" in card(html, "officer", "running_calls")
    assert 'data-count="4"' in html.split('id="desk-officer"', 1)[1][:60]  # calls not counted

    make.seat_panel(unfilled, officer)
    db.session.commit()
    html = desk(login(officer))
    assert card(html, "officer", "panels_to_fill") is None
    assert "1 panel complete" in card(html, "officer", "reviews_to_open")


def test_objections_go_to_the_officer_then_the_leader(login, make):
    officer, leader = make.officer(), make.leader()
    call = make.call(actor=officer)
    app = make.application(call, state=S.PROPOSED)
    announcement = make.announce(call, officer)
    row = objections.file_objection(announcement, make.objection_filing(
        publicity.entry_of(app)), actor=None)
    db.session.commit()
    link = f"/officer/publicity/{announcement.id}/objections"
    assert rows(desk(login(officer)), "officer", "objections")[0][0] == link
    assert card(desk(login(leader)), "leader", "objection_reviews") is None

    objections.record_handling(row, notes="属实", admissible=True, actor=officer)
    make.step_through(app, Action.RAISE_OBJECTION_REVIEW, SYSTEM)
    db.session.commit()
    assert card(desk(login(officer)), "officer", "objections") is None
    assert rows(desk(login(leader)), "leader", "objection_reviews")[0][:2] == (link, app.title)


def test_leader_selects_then_signs_then_the_officer_issues(login, make):
    officer, leader = make.officer(), make.leader()
    reviewing = make.call(actor=officer, title="评审批次")
    reviewed = make.application(reviewing, state=S.REVIEWED)
    signing = make.call(actor=officer, title="签发批次")
    make.approval_pending_batch(signing, 1, officer)
    db.session.commit()
    html = desk(login(leader))
    assert rows(html, "leader", "selections")[0][0] == (
        f"/leader/calls/{reviewed.call_id}/selection")
    assert rows(html, "leader", "notices_to_sign")[0][:2] == (
        f"/officer/calls/{signing.id}/notice", signing.title)
    assert card(desk(login(officer)), "officer", "notices_to_issue") is None

    notices.sign_notice(signing, actor=leader)
    db.session.commit()
    assert card(desk(login(leader)), "leader", "notices_to_sign") is None
    assert rows(desk(login(officer)), "officer", "notices_to_issue")[0][0] == (
        f"/officer/calls/{signing.id}/notice")
