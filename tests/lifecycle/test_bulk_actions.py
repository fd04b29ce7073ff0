"""Several applications ticked on a list, one action for all: each goes through the same
transition as one by one (permission, guard, audit row, notifications); what was done and
what was refused, with why, is said. A form that ticks what the list does not hold, or lacks
what the action needs, changes nothing and is shown again as it was ticked. On the
checklist, every item not marked "Not OK" becomes OK in one action."""
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState
from workflow.formal_review.models import FormalReview
from workflow.formal_review.operations import checklist
from workflow.intake.models import Application
from workflow.lifecycle.transitions import transition

HOSTILE = "<script>alert(1)</script>"


def states(*apps) -> list[str]:
    db.session.expire_all()
    return [db.session.get(Application, a.id).state for a in apps]


def audit_rows() -> int:
    return db.session.scalar(select(func.count(AuditEntry.id)))


class Desk:
    """An officer's call with three recommended applications (the first two checked all OK,
    the third not checked), one of another call, and one under correction."""

    def __init__(self):
        self.officer = factories.officer()
        self.call = factories.call(actor=self.officer)
        self.ready = [factories.application(self.call, state=AppState.RECOMMENDED)
                      for _ in range(2)]
        for app in self.ready:
            factories.check_all(app, self.officer, ok=True)
        self.unchecked = factories.application(self.call, state=AppState.RECOMMENDED)
        self.elsewhere = factories.application(factories.call(actor=self.officer),
                                               state=AppState.RECOMMENDED)
        factories.check_all(self.elsewhere, self.officer, ok=True)
        for n, app in enumerate([*self.ready, self.unchecked, self.elsewhere]):
            app.title = f"山东省批量{n}技术创新中心"
        db.session.commit()

    @property
    def mine(self) -> list:
        return [*self.ready, self.unchecked]


@pytest.fixture
def desk() -> Desk:
    return Desk()


@pytest.mark.parametrize("path", ["/officer/calls/{call}/applications",
                                  "/officer/calls/{call}/formal-review"])
def test_the_officer_passes_several_and_is_told_which_not_and_why(desk, login, path):
    client = login(desk.officer)
    response = client.post(path.format(call=desk.call.id), data={
        "app_id": [a.id for a in desk.mine], "action": "pass_formal_review", "q": "批量",
        "page": "1"})
    assert response.status_code == 302
    assert unquote(response.location).endswith("?q=批量&page=1")
    assert states(*desk.mine) == [AppState.FORMAL_PASSED] * 2 + [AppState.RECOMMENDED]
    rows = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "pass_formal_review").order_by(AuditEntry.id)).all()
    assert [(r.application_id, r.actor_id, r.role, r.from_state, r.to_state) for r in rows] == [
        (a.id, desk.officer.id, "officer", "recommended", "formal_passed") for a in desk.ready]
    html = client.get(response.location).get_data(as_text=True)
    assert "Pass formal review: 山东省批量0技术创新中心、山东省批量1技术创新中心." in html
    assert ("Not done (Pass formal review): 山东省批量2技术创新中心: Checklist item not "
            "checked:") in html


def test_the_officer_opens_the_review_of_complete_panels_only(desk, login):
    for app in desk.ready:
        transition(app, "pass_formal_review", actor=desk.officer)
    factories.seat_panel(desk.ready[0], desk.officer)
    db.session.commit()
    response = login(desk.officer).post(f"/officer/calls/{desk.call.id}/applications", data={
        "app_id": [a.id for a in desk.ready], "action": "open_review"}, follow_redirects=True)
    assert states(*desk.ready) == [AppState.EXPERT_REVIEW, AppState.FORMAL_PASSED]
    assert "0 of 5 experts have accepted." in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/officer/calls/{call}/applications",
                                  "/officer/calls/{call}/formal-review"])
@pytest.mark.parametrize(("data", "message"), [
    ({"app_id": [], "action": "pass_formal_review"}, "Tick the applications to act on."),
    ({"app_id": ["abc"], "action": "pass_formal_review"}, "Tick rows of the list."),
    ({"app_id": [HOSTILE], "action": "pass_formal_review"}, "Tick rows of the list."),
    ({"app_id": "elsewhere", "action": "pass_formal_review"}, "Tick applications of this list."),
    ({"app_id": ["999999"], "action": "pass_formal_review"}, "Tick applications of this list."),
    ({"app_id": "ready", "action": "issue_notice"}, "Choose one of the actions offered."),
    ({"app_id": "ready", "action": HOSTILE}, "Choose one of the actions offered."),
    ({"app_id": "ready"}, "Choose one of the actions offered."),
])
def test_a_bad_bulk_form_changes_nothing_and_keeps_the_ticks(desk, login, path, data,
                                                            message):
    ticked = {"elsewhere": [desk.ready[0].id, desk.elsewhere.id],
              "ready": [desk.ready[0].id]}.get(data["app_id"], data["app_id"]) \
        if isinstance(data["app_id"], str) else data["app_id"]
    before = (states(*desk.mine, desk.elsewhere), audit_rows())
    response = login(desk.officer).post(path.format(call=desk.call.id),
                                        data={**data, "app_id": ticked})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and HOSTILE not in html
    assert (states(*desk.mine, desk.elsewhere), audit_rows()) == before
    if desk.ready[0].id in ticked:
        assert f'value="{desk.ready[0].id}" id="tick-{desk.ready[0].id}" checked' in html


def test_the_lists_offer_only_the_bulk_actions_that_need_no_form_of_their_own(desk, login):
    client = login(desk.officer)
    officer_list = client.get(f"/officer/calls/{desk.call.id}").get_data(as_text=True)
    bar = officer_list.split('id="bulk-actions"', 1)[1].split("</select>", 1)[0]
    assert 'value="pass_formal_review"' in bar and 'value="open_review"' in bar
    assert "request_correction" not in bar and "fail_formal_review" not in bar
    queue = client.get(f"/officer/calls/{desk.call.id}/formal-review").get_data(as_text=True)
    assert f'id="tick-{desk.ready[0].id}" aria-label' in queue  # recommended: can be ticked


def test_rest_ok_marks_every_item_not_failed_as_ok_and_keeps_notes(desk, login):
    app = desk.unchecked
    response = login(desk.officer).post(f"/officer/applications/{app.id}/checklist", data={
        "ok_basic_info": "failed", "note_basic_info": "缺少法定代表人签字",
        "ok_budget": "", "note_budget": "预算表已核对", "rest_ok": "1"}, follow_redirects=True)
    assert "Every item not marked “Not OK” is now OK" in response.get_data(as_text=True)
    db.session.expire_all()
    findings = db.session.scalar(select(FormalReview.findings).where(
        FormalReview.application_id == app.id))
    assert findings["basic_info"] == {"ok": False, "note": "缺少法定代表人签字"}
    assert findings["budget"] == {"ok": True, "note": "预算表已核对"}
    assert {code for code, f in findings.items() if f["ok"] is not True} == {"basic_info"}
    assert len(findings) == len(checklist.ensure_checklist(app.call))


class Region:
    """A call with two submitted applications of Jinan and one of Qingdao."""

    def __init__(self):
        self.call = factories.call()
        self.jinan = [factories.application(self.call, state=AppState.SUBMITTED)
                      for _ in range(2)]
        self.qingdao = factories.application(
            self.call, factories.applicant(factories.QINGDAO), state=AppState.SUBMITTED)
        self.recommender = factories.recommender(factories.JINAN)
        db.session.commit()


@pytest.fixture
def region() -> Region:
    return Region()


@pytest.mark.parametrize(("action", "target"), [("return", AppState.RETURNED),
                                                ("decline", AppState.NOT_RECOMMENDED)])
def test_a_recommender_returns_or_declines_several_with_one_reason(region, login, action,
                                                                   target):
    client = login(region.recommender)
    response = client.post(f"/recommender/calls/{region.call.id}", data={
        "app_id": [a.id for a in region.jinan], "action": action, "comment": "请补充盖章页",
        "state": "submitted"})
    assert response.status_code == 302 and response.location.endswith("?state=submitted")
    assert states(*region.jinan, region.qingdao) == [target, target, AppState.SUBMITTED]
    rows = db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()
    assert sorted((r.application_id, r.comment, r.role) for r in rows) == sorted(
        (a.id, "请补充盖章页", "recommender") for a in region.jinan)


def test_a_stale_tick_is_refused_with_why_and_the_rest_done(region, login):
    first, second = region.jinan
    client = login(region.recommender)
    client.post(f"/recommender/calls/{region.call.id}", data={
        "app_id": [first.id], "action": "return", "comment": "材料不全"})
    response = client.post(f"/recommender/calls/{region.call.id}", data={
        "app_id": [first.id, second.id], "action": "decline", "comment": "名额所限"},
        follow_redirects=True)
    assert states(first, second) == [AppState.RETURNED, AppState.NOT_RECOMMENDED]
    html = response.get_data(as_text=True)
    assert ("Not done (Decline): 山东省测试技术创新中心: This application is Returned for "
            "revision; “Decline” is not possible now.") in html


@pytest.mark.parametrize(("data", "message"), [
    ({"action": "return", "comment": ""}, "Give the reasons: they go to every application"),
    ({"action": "return", "comment": "   "}, "Give the reasons: they go to every application"),
    ({"action": "return", "comment": "原因\x00"}, "Remove the control characters"),
    ({"action": "return", "comment": "因" * 4001}, "Field cannot be longer than 4000"),
    ({"action": "recommend", "comment": "同意"}, "Choose one of the actions offered."),
    ({"action": "return", "comment": "原因", "qingdao": True}, "Tick applications of this list."),
])
def test_a_bad_recommender_form_changes_nothing_and_keeps_what_was_typed(region, login, data,
                                                                       message):
    ticked = [region.jinan[0].id] + ([region.qingdao.id] if data.pop("qingdao", False) else [])
    before = (states(*region.jinan, region.qingdao), audit_rows())
    response = login(region.recommender).post(f"/recommender/calls/{region.call.id}",
                                              data={**data, "app_id": ticked})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert (states(*region.jinan, region.qingdao), audit_rows()) == before
    assert f'value="{region.jinan[0].id}" id="tick-{region.jinan[0].id}" checked' in html


def test_another_region_cannot_act_on_applications_it_does_not_see(region, login):
    qingdao = factories.recommender(factories.QINGDAO)
    db.session.commit()
    before = (states(*region.jinan), audit_rows())
    response = login(qingdao).post(f"/recommender/calls/{region.call.id}", data={
        "app_id": [a.id for a in region.jinan], "action": "decline", "comment": "篡改"})
    assert response.status_code == 422
    assert (states(*region.jinan), audit_rows()) == before
    assert region.jinan[0].lead_org.name not in response.get_data(as_text=True)
