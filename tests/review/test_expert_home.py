"""The expert's home page: seats grouped into invitations to answer, panels to score and work
done, each with its sheet's state (and time, in Asia/Shanghai) and only the buttons the
permission table allows; an excluded application never appears. A refused answer (the call's
lock not obtained, a refill refused) is a message, and nothing of it stays."""
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.factories import clock_at
from tests.scoring_world import panel, scores_totalling, submit_all, user_expert_id
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState
from workflow.experts.models import ConflictDeclaration, Exclusion
from workflow.review.models import PanelSeat, ScoreSheet
from workflow.review.operations import assignment, results, scoring
from workflow.review.queries import expert_desk, panel_seats

SAVED_AT = datetime(2026, 3, 2, 2, 30, tzinfo=UTC)      # 10:30 in Shanghai
SUBMITTED_AT = datetime(2026, 3, 3, 16, 5, tzinfo=UTC)  # 00:05 the next day in Shanghai


def seat_for(user, app, status: str = "accepted") -> PanelSeat:
    """A seat of `user`'s expert record on `app`'s panel, made by hand."""
    seat = PanelSeat(application_id=app.id, expert_id=user_expert_id(user), method="manual",
                     status=status, assigned_by_id=factories.officer().id)
    db.session.add(seat)
    db.session.flush()
    return seat


def titled(app, title: str):
    app.title = title
    return app


@dataclass
class Desk:
    expert: object      # the user whose home page is read
    scoring: object     # expert_review, no sheet yet
    draft: object       # expert_review, a draft saved
    submitted: object   # expert_review, the expert's sheet submitted
    invited: object     # formal_passed, invited
    waiting: object     # formal_passed, accepted
    hidden: object      # expert_review, accepted, but a rule excludes the expert since
    chaired: object     # the panel of `scoring`


@pytest.fixture
def desk() -> Desk:
    chaired = panel(3)
    titled(chaired.app, "山东省待评分技术创新中心")
    expert = chaired.chair
    draft, submitted, hidden = (panel(3, call=chaired.app.call) for _ in range(3))
    titled(draft.app, "山东省草稿技术创新中心")
    titled(submitted.app, "山东省已提交技术创新中心")
    titled(hidden.app, "山东省回避后技术创新中心")
    invited = titled(factories.application(chaired.app.call, state=AppState.FORMAL_PASSED),
                     "山东省待答复技术创新中心")
    waiting = titled(factories.application(chaired.app.call, state=AppState.FORMAL_PASSED),
                     "山东省待开评技术创新中心")
    seats = {name: seat_for(expert, p.app) for name, p in
             (("draft", draft), ("submitted", submitted), ("hidden", hidden))}
    seat_for(expert, invited, "invited")
    seat_for(expert, waiting)
    with clock_at(SAVED_AT):
        scoring.save_sheet(seats["draft"], {"industry_standing": 7}, {}, [], "", actor=expert)
    with clock_at(SUBMITTED_AT):
        scoring.save_sheet(seats["submitted"], scores_totalling(80), {}, [], "", actor=expert)
        scoring.submit_sheet(seats["submitted"], actor=expert)
    db.session.add(Exclusion(expert_id=user_expert_id(expert), application_id=hidden.app.id,
                             rule="R2", detail="新任职"))
    db.session.commit()
    return Desk(expert, chaired.seats[0], seats["draft"], seats["submitted"], invited,
                waiting, hidden.app, chaired)


def sections(html: str) -> dict[str, str]:
    invitations, rest = html.split('id="invitations"', 1)[1].split('id="to-score"', 1)
    to_score, done = rest.split('id="done"', 1)
    return {"invitations": invitations, "to_score": to_score, "done": done}


def card(html: str, seat: PanelSeat) -> str:
    return html.split(f'id="seat-{seat.id}"', 1)[1].split('class="card ', 1)[0]


def test_seats_are_grouped_by_what_is_left_to_do(desk, login):
    html = login(desk.expert).get("/expert").get_data(as_text=True)
    groups = sections(html)
    assert "山东省待答复技术创新中心" in groups["invitations"]
    for title in ("山东省待评分技术创新中心", "山东省草稿技术创新中心", "山东省待开评技术创新中心"):
        assert title in groups["to_score"], title
    assert "山东省已提交技术创新中心" in groups["done"]
    assert "山东省已提交技术创新中心" not in groups["to_score"]
    assert "Accept the invitation" not in groups["to_score"] + groups["done"]
    # Two centres can share a title: the lead unit tells them apart.
    assert desk.invited.lead_org.name in groups["invitations"]


def test_an_excluded_application_never_appears(desk, login):
    html = login(desk.expert).get("/expert").get_data(as_text=True)
    assert "山东省回避后技术创新中心" not in html
    assert f'/applications/{desk.hidden.id}"' not in html
    assert f"/applications/{desk.hidden.id}/" not in html
    assert html.count('class="card ') == 5  # the six seats but the excluded one


def test_each_seat_shows_its_sheet_state_with_the_local_time_and_the_right_button(desk, login):
    groups = sections(login(desk.expert).get("/expert").get_data(as_text=True))
    not_started = card(groups["to_score"], desk.scoring)
    assert "Score sheet not started." in not_started
    assert f'href="/expert/seats/{desk.scoring.id}/sheet" data-action="score"' in not_started
    draft = card(groups["to_score"], desk.draft)
    assert "Draft saved on 2026-03-02 10:30; not submitted." in draft
    assert 'data-action="continue"' in draft and 'data-action="score"' not in draft
    done = card(groups["done"], desk.submitted)
    assert "Submitted on 2026-03-04 00:05." in done
    assert f'href="/expert/seats/{desk.submitted.id}/sheet" data-action="view"' in done
    assert 'data-action="continue"' not in done


def test_a_panel_not_yet_opened_offers_no_sheet(desk, login):
    groups = sections(login(desk.expert).get("/expert").get_data(as_text=True))
    waiting = groups["to_score"].split("山东省待开评技术创新中心", 1)[1].split('class="card ', 1)[0]
    assert "Scoring opens once the department opens the review" in waiting
    assert "data-action=" not in waiting


def test_only_the_chair_gets_the_panel_page_and_keeps_it_to_do_until_the_panel_closes(desk,
                                                                                   login):
    client = login(desk.expert)
    groups = sections(client.get("/expert").get_data(as_text=True))
    chaired = card(groups["to_score"], desk.scoring)
    link = f'href="/expert/applications/{desk.chaired.app.id}/panel" data-action="panel"'
    assert link in chaired
    assert 'data-action="panel"' not in card(groups["to_score"], desk.draft)
    assert client.get(f"/expert/applications/{desk.chaired.app.id}/panel").status_code == 200
    # The chair's own sheet is in, but the panel still waits for the chair.
    submit_all(desk.chaired, [80, 81, 82])
    db.session.commit()
    groups = sections(client.get("/expert").get_data(as_text=True))
    assert "Submitted on" in card(groups["to_score"], desk.scoring)
    results.confirm_panel(desk.chaired.app, actor=desk.expert)
    db.session.commit()
    groups = sections(client.get("/expert").get_data(as_text=True))
    closed = card(groups["done"], desk.scoring)
    assert link in closed and 'data-action="view"' in closed
    assert client.get(f"/expert/seats/{desk.scoring.id}/sheet").status_code == 200
    member = login(desk.chaired.experts[1])
    assert 'data-action="panel"' not in member.get("/expert").get_data(as_text=True)


def test_a_reopened_sheet_is_to_score_again(desk, login):
    submitted = desk.submitted
    chair = next(s for s in panel_seats.accepted_seats(submitted.application) if s.is_chair)
    others = [s for s in panel_seats.accepted_seats(submitted.application) if s.id != submitted.id]
    for seat in others:
        scoring.save_sheet(seat, scores_totalling(82), {}, [], "", actor=seat.expert.user)
        scoring.submit_sheet(seat, actor=seat.expert.user)
    with clock_at(SAVED_AT):
        scoring.reopen_sheet(submitted, reason="请复核创新能力", actor=chair.expert.user)
    db.session.commit()
    groups = sections(login(desk.expert).get("/expert").get_data(as_text=True))
    reopened = card(groups["to_score"], submitted)
    assert "Reopened by the panel chair on 2026-03-02 10:30" in reopened
    assert 'data-action="continue"' in reopened


def test_each_group_is_paged_on_the_server_and_counts_only_what_the_expert_may_see(
        desk, login, monkeypatch):
    """Three seats to score (the excluded fourth counted nowhere), two to a page, newest
    first; a group of one page has no pager."""
    monkeypatch.setattr(expert_desk, "PER_PAGE", 2)
    client = login(desk.expert)
    first = sections(client.get("/expert").get_data(as_text=True))
    assert '<span class="badge text-bg-primary">3</span>' in first["to_score"]
    assert first["to_score"].count('class="card ') == 2
    assert "山东省待开评技术创新中心" in first["to_score"]
    assert "山东省草稿技术创新中心" in first["to_score"]
    assert "/expert?to_score_page=2#to-score" in first["to_score"]
    second = sections(client.get("/expert?to_score_page=2&done_page=9")
                      .get_data(as_text=True))
    assert second["to_score"].count('class="card ') == 1
    assert "山东省待评分技术创新中心" in second["to_score"]
    assert "山东省回避后技术创新中心" not in "".join(second.values())
    assert 'href="/expert?to_score_page=1#to-score" rel="prev"' in second["to_score"]
    assert "pagination" not in second["invitations"] + second["done"]  # one page each
    assert "山东省已提交技术创新中心" in second["done"]  # a page past the last: the last


def test_the_search_finds_by_title_unit_or_code_and_stays_with_the_pages(desk, login,
                                                                        monkeypatch):
    """Issue 10 point 5 on the expert's own list: what is typed narrows every group, the
    pagers carry it, and an excluded application is not found even by its exact title."""
    monkeypatch.setattr(expert_desk, "PER_PAGE", 1)
    client = login(desk.expert)
    found = sections(client.get("/expert?q=草稿").get_data(as_text=True))
    assert "山东省草稿技术创新中心" in found["to_score"]
    assert "山东省待开评技术创新中心" not in found["to_score"]
    assert '<span class="badge text-bg-primary">1</span>' in found["to_score"]
    assert "待答复" not in found["invitations"] and "已提交" not in found["done"]
    code = desk.invited.lead_org.credit_code
    by_code = sections(client.get(f"/expert?q={code[:9]} {code[9:].lower()}")
                       .get_data(as_text=True))
    assert "山东省待答复技术创新中心" in by_code["invitations"]
    hidden = client.get("/expert?q=回避后").get_data(as_text=True)
    assert hidden.count('class="card ') == 0
    assert hidden.count("Nothing here matches “回避后”.") == 3  # not "nothing to score"
    paged = sections(client.get("/expert?q=技术创新中心").get_data(as_text=True))
    assert "q=%E6%8A%80%E6%9C%AF%E5%88%9B%E6%96%B0%E4%B8%AD%E5%BF%83" in paged["to_score"]
    hostile = client.get("/expert?q=<script>x</script>%25_")
    assert hostile.status_code == 200 and "<script>x" not in hostile.get_data(as_text=True)


def test_the_buttons_follow_the_permission_table(desk, login, monkeypatch):
    """A sheet the table no longer lets the expert edit is offered for reading only."""
    from workflow.lifecycle import permissions

    monkeypatch.setitem(permissions.PERMISSIONS, "sheet.edit", lambda user, seat: False)
    groups = sections(login(desk.expert).get("/expert").get_data(as_text=True))
    assert 'data-action="score"' not in groups["to_score"] + groups["done"]
    assert 'data-action="continue"' not in groups["to_score"] + groups["done"]
    assert 'data-action="view"' in card(groups["done"], desk.draft)


def test_the_home_page_is_for_experts_only(desk, login):
    as_officer = login(desk.chaired.officer).get("/expert")
    as_applicant = login(factories.applicant()).get("/expert")
    assert as_officer.status_code == as_applicant.status_code == 403
    assert "山东省待评分技术创新中心" not in as_officer.get_data(as_text=True) + \
        as_applicant.get_data(as_text=True)


# A refused answer: a message and a redirect, nothing of it kept.

def counts() -> tuple:
    db.session.expire_all()
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (AuditEntry, ConflictDeclaration, Exclusion, ScoreSheet))


@pytest.fixture
def invitation(desk):
    return db.session.scalar(select(PanelSeat).where(PanelSeat.application_id == desk.invited.id))


@pytest.mark.parametrize("refusal", [
    ServiceError("Another assignment run for this call is in progress. Reload the page in a "
                 "moment and try again."),
    PermissionDenied("call.compute_exclusions"),
])
def test_a_decline_whose_refill_is_refused_changes_nothing(desk, invitation, login,
                                                           monkeypatch, refusal):
    before = counts()

    def refused(*args, **kwargs):
        raise refusal

    monkeypatch.setattr(assignment, "refill", refused)
    response = login(desk.expert).post(f"/expert/seats/{invitation.id}/decline",
                                       data={"reason": "出差"}, follow_redirects=True)
    assert response.status_code == 200 and response.request.path == "/expert"
    html = response.get_data(as_text=True)
    assert ("in progress" in html if isinstance(refusal, ServiceError)
            else "the panel could not be refilled" in html)
    assert "Invitation declined." not in html
    assert counts() == before
    assert db.session.get(PanelSeat, invitation.id).status == "invited"


def test_a_conflict_whose_refill_is_refused_changes_nothing(desk, login, monkeypatch):
    before = counts()

    def refused(*args, **kwargs):
        raise ServiceError("Another assignment run for this call is in progress.")

    monkeypatch.setattr(assignment, "refill", refused)
    response = login(desk.expert).post(f"/expert/applications/{desk.draft.application_id}"
                                       "/conflict", data={"reason": "曾参与方案编写"},
                                       follow_redirects=True)
    assert response.status_code == 200
    assert "in progress" in response.get_data(as_text=True)
    assert counts() == before
    assert db.session.get(PanelSeat, desk.draft.id).status == "accepted"


def test_an_accept_refused_by_the_service_is_a_message(desk, invitation, login, monkeypatch):
    def refused(*args, **kwargs):
        raise ServiceError("Another assignment run for this call is in progress.")

    monkeypatch.setattr(assignment, "respond", refused)
    response = login(desk.expert).post(f"/expert/seats/{invitation.id}/accept",
                                       follow_redirects=True)
    assert response.status_code == 200 and "in progress" in response.get_data(as_text=True)
    assert db.session.get(PanelSeat, invitation.id).status == "invited"


def test_accepting_moves_the_invitation_to_the_seats_to_score(desk, invitation, login):
    client = login(desk.expert)
    response = client.post(f"/expert/seats/{invitation.id}/accept", follow_redirects=True)
    groups = sections(response.get_data(as_text=True))
    assert "Invitation accepted." in response.get_data(as_text=True)
    assert "山东省待答复技术创新中心" in groups["to_score"]
    assert "No invitation waits for your answer." in groups["invitations"]
