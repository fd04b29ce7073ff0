"""The leader's selection: the quota, one center per field, a reason for every departure from
the ranking (enforced by the transition's guard, whichever route asks), the selection page,
and decisions kept inside the department until the announcement is published."""
import flask_babel
import pytest
from sqlalchemy import func, select

from tests import factories
from tests.publicity_world import world
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.accounts.models.users import User
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Action, AppState, Role
from workflow.inbox.models import Notification
from workflow.intake.models import Application
from workflow.lifecycle.permissions import visible_state
from workflow.lifecycle.transitions import transition
from workflow.review.operations import results, scoring
from workflow.selection import operations as selection
from workflow.selection.actions import decision_problems


def audit_rows(app, action) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.application_id == app.id, AuditEntry.action == action)))


def state(app) -> str:
    return db.session.scalar(select(Application.state).where(Application.id == app.id))


def refused(call_action, *args, **kwargs) -> list[str]:
    with flask_babel.force_locale("en"), pytest.raises(ServiceError) as error:
        call_action(*args, **kwargs)
    return error.value.problems


# The rules


def test_shortlist_in_rank_order_needs_no_reason_and_writes_one_audit_row():
    w = world("半导体激光", "工业软件")

    w.shortlist(w.apps[0])

    (row,) = audit_rows(w.apps[0], Action.SHORTLIST)
    assert state(w.apps[0]) == AppState.PROPOSED
    assert (row.actor_id, row.role, row.from_state, row.to_state) == (
        w.leader.id, Role.LEADER, AppState.REVIEWED, AppState.PROPOSED)
    assert selection.selected_count(w.call) == 1


def test_quota_full_refuses_the_next_shortlist_and_changes_nothing():
    w = world("半导体激光", "工业软件", quota=1)
    w.shortlist(w.apps[0])

    problems = refused(w.shortlist, w.apps[1], "质量突出")

    assert problems == ["All 1 places of the call are taken."]
    assert state(w.apps[1]) == AppState.REVIEWED
    assert audit_rows(w.apps[1], Action.SHORTLIST) == []


def test_a_field_takes_one_center_even_with_a_reason():
    w = world("工业软件", "工业软件")
    w.shortlist(w.apps[0])

    problems = refused(w.shortlist, w.apps[1], "两家都很好")

    assert problems == [f"The field 工业软件 already has a shortlisted center: {w.apps[0].title}."]
    assert state(w.apps[1]) == AppState.REVIEWED


def test_shortlisting_below_a_not_selected_application_needs_a_reason_kept_in_the_audit_row():
    w = world("半导体激光", "工业软件")
    w.not_select(w.apps[0], "布局调整")

    problems = refused(w.shortlist, w.apps[1], "  ")
    assert len(problems) == 1 and "departs from the ranking" in problems[0]
    assert w.apps[0].title in problems[0] and "place 1" in problems[0]
    assert state(w.apps[1]) == AppState.REVIEWED

    w.shortlist(w.apps[1], "该领域为全省急需布局方向")
    (row,) = audit_rows(w.apps[1], Action.SHORTLIST)
    assert row.comment == "该领域为全省急需布局方向"
    assert state(w.apps[1]) == AppState.PROPOSED


def test_choosing_the_lower_ranked_of_a_field_needs_a_reason_and_then_takes_the_field():
    w = world("工业软件", "工业软件")

    problems = refused(w.shortlist, w.apps[1], "")
    assert "of the same field is ranked higher" in problems[0]

    w.shortlist(w.apps[1], "共建单位更强，协同更好")
    assert state(w.apps[1]) == AppState.PROPOSED
    assert "already has a shortlisted center" in refused(w.shortlist, w.apps[0])[0]


def test_not_selecting_always_needs_reasons_and_the_page_names_the_departure():
    w = world("半导体激光", "工业软件")
    w.not_select(w.apps[0], "布局调整")
    w.shortlist(w.apps[1], "急需布局")
    w.add("焊接装备")
    board = selection.board(w.call)

    assert refused(w.not_select, w.apps[2], "") == ["Please give your reasons."]
    first = next(r for r in board.rows.items if r.app.id == w.apps[0].id)
    third = next(r for r in board.rows.items if r.app.id == w.apps[2].id)
    assert [r.rank for r in board.rows.items] == [1, 2, 3]
    assert first.reason == "布局调整" and third.refused == []
    assert third.not_select_departures == [] and third.shortlist_departures
    with flask_babel.force_locale("en"):
        assert selection.not_select_departures(w.apps[0], results.ranking(w.call)) == [
            f"{w.apps[1].title} (place 2) ranked lower is shortlisted"]


def test_a_row_names_three_departures_and_counts_the_rest(login):
    w = world("半导体激光", "工业软件", "焊接装备", "海洋牧场装备", "工业软件")
    for app in w.apps[:5]:
        w.not_select(app, "布局调整")
    w.add("半导体激光")
    board = selection.board(w.call)

    last = next(r for r in board.rows.items if r.app.id == w.apps[5].id)
    assert len(last.shortlist_departures) == 3 and last.more_shortlist_departures == 2
    with flask_babel.force_locale("en"):
        assert len(selection.shortlist_departures(w.apps[5], results.ranking(w.call))) == 5
    page = login(w.leader).get(f"/leader/calls/{w.call.id}/selection").get_data(as_text=True)
    assert "and 2 more" in page


def test_decisions_are_refused_once_the_announcement_is_published():
    w = world("半导体激光", "工业软件")
    w.shortlist(w.apps[0])
    w.not_select(w.apps[1])
    w.publish()

    with flask_babel.force_locale("en"):
        problems = selection.shortlist_problems(w.apps[1], "重新考虑")
        released = selection.decision_problems(w.apps[1])
    # No application is left to decide, and the rule stands for any that would be.
    assert problems[0] == ("The announcement of this call is published; the selection can no "
                           "longer change.")
    assert released == problems[:1]


def test_the_generic_action_route_is_held_to_the_same_rules(client, login_as):
    w = world("半导体激光", "工业软件")
    w.not_select(w.apps[0], "布局调整")
    db.session.commit()
    client = login_as(w.leader)

    response = client.post(f"/applications/{w.apps[1].id}/actions/shortlist",
                           data={"comment": ""})

    assert response.status_code == 302
    assert state(w.apps[1]) == AppState.REVIEWED
    assert audit_rows(w.apps[1], Action.SHORTLIST) == []


def test_selection_form_refusal_keeps_the_typed_reason(client, login_as):
    w = world("半导体激光", "工业软件", quota=1)
    w.shortlist(w.apps[0])
    db.session.commit()

    response = login_as(w.leader).post(f"/leader/applications/{w.apps[1].id}/shortlist",
                                       data={"reason": "理由：质量突出"})

    assert response.status_code == 422
    assert "理由：质量突出" in response.get_data(as_text=True)
    assert state(w.apps[1]) == AppState.REVIEWED


# Decisions stay inside the department until the announcement


@pytest.fixture
def decided():
    """Two reviewed applications of Jinan units, one with a co-builder: the first shortlisted,
    the second not selected with a reason; a third still reviewed. Committed."""
    w = world()
    w.add("半导体激光", cobuilder=True)
    w.add("工业软件")
    w.add("焊接装备")
    w.shortlist(w.apps[0], "综合排名第一")
    w.not_select(w.apps[1], "内部理由：与省布局重复")
    db.session.commit()
    return w


def partner_of(app) -> User:
    return db.session.scalar(select(User).where(
        User.organization_id == app.cobuilders[0].organization_id))


def test_outside_the_department_decided_applications_read_as_reviewed(decided):
    rec = factories.recommender(factories.JINAN)
    lead0, lead1 = decided.leads[0], decided.leads[1]

    assert visible_state(decided.apps[0], lead0) == AppState.REVIEWED
    assert visible_state(decided.apps[1], lead1) == AppState.REVIEWED
    assert visible_state(decided.apps[0], partner_of(decided.apps[0])) == AppState.REVIEWED
    assert visible_state(decided.apps[1], rec) == AppState.REVIEWED
    assert visible_state(decided.apps[1], decided.officer) == AppState.NOT_SELECTED
    assert visible_state(decided.apps[0], decided.leader) == AppState.PROPOSED


@pytest.mark.parametrize("who", ["lead", "cobuilder", "recommender"])
def test_pages_show_reviewed_and_hide_the_leaders_rows_before_publication(decided, login, who):
    shown = decided.apps[0] if who == "cobuilder" else decided.apps[1]
    user = {"lead": decided.leads[1], "cobuilder": partner_of(decided.apps[0]),
            "recommender": factories.recommender(factories.JINAN)}[who]
    db.session.commit()

    html = login(user).get(f"/applications/{shown.id}").get_data(as_text=True)

    assert ">Reviewed<" in html
    for secret in ("Proposed", "Not selected", "Shortlist", "Do not select", "Reconsider",
                   "内部理由", "综合排名第一"):
        assert secret not in html


def test_lists_show_reviewed_and_filters_do_not_reveal_decisions(decided, login):
    rec = factories.recommender(factories.JINAN)
    db.session.commit()
    client = login(rec)
    base = f"/recommender/calls/{decided.call.id}"

    page = client.get(base).get_data(as_text=True)
    proposed = client.get(base + "?state=proposed").get_data(as_text=True)
    reviewed = client.get(base + "?state=reviewed").get_data(as_text=True)
    home = login(decided.leads[1]).get("/my").get_data(as_text=True)

    assert "Proposed" not in page and "Not selected" not in page
    assert all(a.title not in proposed for a in decided.apps)
    assert all(a.title in reviewed for a in decided.apps)
    assert decided.apps[1].title in home and ">Reviewed<" in home
    assert "Not selected" not in home


def test_not_select_is_told_only_at_publication_with_its_reasons(decided):
    def told(app):
        return list(db.session.scalars(select(Notification).where(
            Notification.application_id == app.id,
            Notification.kind.in_(["not_select", "publicity"]))))

    assert told(decided.apps[0]) == [] and told(decided.apps[1]) == []
    decided.not_select(decided.apps[2])
    decided.publish()

    (listed,) = told(decided.apps[0])
    (not_selected,) = told(decided.apps[1])
    assert listed.kind == "publicity" and "公示期" in listed.body
    assert not_selected.kind == "not_select" and "内部理由：与省布局重复" in not_selected.body


def test_after_publication_the_decision_and_its_reasons_are_shown(decided, login):
    decided.not_select(decided.apps[2])
    decided.publish()
    db.session.commit()

    html = login(decided.leads[1]).get(f"/applications/{decided.apps[1].id}").get_data(
        as_text=True)

    assert "Not selected" in html and "内部理由：与省布局重复" in html


def test_another_organization_learns_nothing_of_a_decision_by_id(app, decided, login_as):
    stranger = factories.applicant(factories.QINGDAO)
    db.session.commit()
    client = login_as(stranger)
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))

    responses = [
        client.get(f"/applications/{decided.apps[1].id}"),
        client.get(f"/leader/calls/{decided.call.id}/selection"),
        client.post(f"/leader/applications/{decided.apps[2].id}/shortlist", data={"reason": "x"}),
        client.post(f"/applications/{decided.apps[2].id}/actions/not_select",
                    data={"comment": "x"}),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    for response in responses:
        body = response.get_data(as_text=True)
        assert decided.apps[1].title not in body and "内部理由" not in body
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before
    assert state(decided.apps[2]) == AppState.REVIEWED


# Reconsidering a decision until the announcement


def reconsider(w, app, reason: str = "误点，需重新研究", *, actor=None):
    return transition(app, Action.RECONSIDER_SELECTION, actor=actor or w.leader, comment=reason)


def test_reconsidering_a_shortlist_returns_to_reviewed_frees_the_place_and_keeps_the_reason():
    w = world("半导体激光", "工业软件", quota=1)
    w.shortlist(w.apps[0])
    assert "All 1 places" in refused(w.shortlist, w.apps[1])[0]

    reconsider(w, w.apps[0], "误点列入，应先比较工业软件方向")

    (row,) = audit_rows(w.apps[0], Action.RECONSIDER_SELECTION)
    assert state(w.apps[0]) == AppState.REVIEWED
    assert (row.actor_id, row.role, row.from_state, row.to_state, row.comment) == (
        w.leader.id, Role.LEADER, AppState.PROPOSED, AppState.REVIEWED,
        "误点列入，应先比较工业软件方向")
    assert selection.selected_count(w.call) == 0
    w.shortlist(w.apps[1])
    assert state(w.apps[1]) == AppState.PROPOSED and selection.selected_count(w.call) == 1


def test_reconsidering_a_not_selected_application_lets_it_be_shortlisted():
    w = world("半导体激光", "工业软件")
    w.not_select(w.apps[0], "布局调整")

    reconsider(w, w.apps[0])
    w.shortlist(w.apps[0])

    assert state(w.apps[0]) == AppState.PROPOSED
    assert [r.to_state for r in audit_rows(w.apps[0], Action.RECONSIDER_SELECTION)] == [
        AppState.REVIEWED]


def test_reconsidering_needs_reasons_and_changes_nothing_without():
    w = world("半导体激光")
    w.shortlist(w.apps[0])

    assert refused(reconsider, w, w.apps[0], "  ") == ["Please give your reasons."]
    assert state(w.apps[0]) == AppState.PROPOSED
    assert audit_rows(w.apps[0], Action.RECONSIDER_SELECTION) == []


def test_reconsidering_is_refused_once_the_announcement_is_published(decided):
    decided.not_select(decided.apps[2])
    decided.publish()

    # The permission ends with the publication (no button is offered); the guard says why.
    with pytest.raises(PermissionDenied):
        reconsider(decided, decided.apps[1], "重新研究")
    with flask_babel.force_locale("en"):
        assert decision_problems(decided.apps[1], decided.leader) == [
            "The announcement of this call is published; the selection can no longer change."]
    assert state(decided.apps[1]) == AppState.NOT_SELECTED
    assert audit_rows(decided.apps[1], Action.RECONSIDER_SELECTION) == []


@pytest.mark.parametrize("who", ["officer", "lead"])
def test_only_the_leader_may_reconsider(decided, who):
    actor = decided.officer if who == "officer" else decided.leads[1]

    with pytest.raises(PermissionDenied):
        reconsider(decided, decided.apps[1], actor=actor)

    assert state(decided.apps[1]) == AppState.NOT_SELECTED
    assert audit_rows(decided.apps[1], Action.RECONSIDER_SELECTION) == []


def test_the_reconsideration_stays_inside_the_department(decided, login):
    reconsider(decided, decided.apps[1], "内部理由：误点不列入")
    db.session.commit()
    lead = decided.leads[1]

    html = login(lead).get(f"/applications/{decided.apps[1].id}").get_data(as_text=True)

    assert "内部理由" not in html and "Reconsider" not in html
    assert all(e.role != Role.LEADER for e in scoring.timeline_for(decided.apps[1], lead))
    assert any(e.action == Action.RECONSIDER_SELECTION
               for e in scoring.timeline_for(decided.apps[1], decided.leader))


def test_the_selection_page_offers_reconsidering_until_publication(decided, login):
    client = login(decided.leader)
    page = f"/leader/calls/{decided.call.id}/selection"
    url = f"/leader/applications/{decided.apps[0].id}/reconsider_selection"

    html = client.get(page).get_data(as_text=True)
    assert html.count('data-action="reconsider_selection"') == 2
    assert f'formaction="{url}"' in html

    assert client.post(url, data={"reason": ""}).status_code == 422
    assert state(decided.apps[0]) == AppState.PROPOSED
    assert client.post(url, data={"reason": "重新比较排名"}).status_code == 302
    assert state(decided.apps[0]) == AppState.REVIEWED

    decided.shortlist(decided.apps[0])
    decided.not_select(decided.apps[2])
    decided.publish()
    db.session.commit()
    assert 'data-action="reconsider_selection"' not in client.get(page).get_data(as_text=True)
