"""The department's formal review screens: queue, checklist, pass / fail / correction request
with its working-day deadline and capped rounds; and the applicant's side of a correction."""
from dataclasses import dataclass
from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import select

from tests import factories
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.calendar import queries as calendar
from workflow.core import clock
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Action, AppState
from workflow.formal_review.models import CorrectionRequest, FormalReview
from workflow.formal_review.operations import checklist
from workflow.intake.models import Application

S = AppState


@dataclass
class Review:
    officer: object
    lead: object
    app: object  # recommended, nothing checked yet
    call: object


@pytest.fixture
def review() -> Review:
    officer = factories.officer()
    call = factories.call(actor=officer)
    lead = factories.applicant(factories.QINGDAO)
    app = factories.application(call, lead, state=S.RECOMMENDED)
    app.title = "青岛形式审查测试中心"
    db.session.commit()
    return Review(officer, lead, app, call)


def fresh(app) -> Application:
    db.session.expire_all()
    return db.session.get(Application, app.id)


def findings(app) -> dict:
    db.session.expire_all()
    return db.session.scalar(select(FormalReview.findings).where(
        FormalReview.application_id == app.id)) or {}


def codes(call) -> list[str]:
    return [i.code for i in checklist.ensure_checklist(call)]


def all_ok(call, **override) -> dict:
    data = {f"ok_{code}": "ok" for code in codes(call)}
    data.update(override)
    return data


def checklist_url(app) -> str:
    return f"/officer/applications/{app.id}/checklist"


def test_queue_lists_recommended_and_correction_requested_with_rank_and_city(review, login):
    other = factories.application(review.call, factories.applicant(factories.JINAN),
                                  state=S.CORRECTION_REQUESTED)
    waiting = factories.application(review.call, factories.applicant(), state=S.SUBMITTED)
    waiting.title = "尚未推荐的中心"
    db.session.commit()
    html = login(review.officer).get(f"/officer/calls/{review.call.id}/formal-review").get_data(
        as_text=True)
    table = html.split('id="formal-review-queue"', 1)[1]
    assert checklist_url(review.app) in table and checklist_url(other) in table
    assert "尚未推荐的中心" not in table
    row = next(r for r in table.split("<tr") if checklist_url(other) in r)
    assert "济南市" in row and "round 1 of 1" in row
    deadline = checklist.open_correction(other).deadline_at
    assert clock.local(deadline).strftime("%Y-%m-%d %H:%M") in row
    mine = next(r for r in table.split("<tr") if checklist_url(review.app) in r)
    assert "青岛市" in mine and "<td>1</td>" in mine


def test_checklist_saves_findings_and_shows_them_again(review, login):
    client = login(review.officer)
    first = codes(review.call)[0]
    data = all_ok(review.call, **{f"ok_{first}": "failed", f"note_{first}": "缺少联系人电话"})
    response = client.post(checklist_url(review.app), data=data)
    assert response.status_code == 302
    saved = findings(review.app)
    assert saved[first] == {"ok": False, "note": "缺少联系人电话"}
    assert all(saved[c]["ok"] is True for c in codes(review.call)[1:])
    html = client.get(checklist_url(review.app)).get_data(as_text=True)
    assert 'value="缺少联系人电话"' in html
    assert f'checked class="btn-check" id="ok_{first}-1"' in html


@pytest.mark.parametrize(("field", "value", "message"), [
    ("note", "<img src=x onerror=alert(1)>", "HTML tags and entities are not accepted"),
    ("note", "x" * 501, "Field cannot be longer than 500 characters."),
    ("ok", "maybe", "Not a valid choice"),
], ids=["hostile-html", "too-long", "bad-finding"])
def test_bad_checklist_input_changes_nothing_and_keeps_what_was_typed(review, login, field,
                                                                       value, message):
    client = login(review.officer)
    first = codes(review.call)[0]
    data = all_ok(review.call, **{f"{field}_{first}": value})
    response = client.post(checklist_url(review.app), data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert findings(review.app) == {}
    if field == "note":
        assert f'value="{escape(value)}"' in html
    assert "<img src=x" not in html


def test_pass_is_refused_with_the_guards_reasons_until_every_item_is_ok(review, login):
    client = login(review.officer)
    url = f"{checklist_url(review.app)}/pass_formal_review"
    response = client.post(url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Checklist item not checked:" in html
    assert fresh(review.app).state == S.RECOMMENDED

    client.post(checklist_url(review.app), data=all_ok(review.call))
    assert client.post(url).status_code == 302
    assert fresh(review.app).state == S.FORMAL_PASSED
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.actor_id) == ("pass_formal_review", review.officer.id)


def test_fail_needs_reasons_and_records_them(review, login):
    client = login(review.officer)
    url = f"{checklist_url(review.app)}/fail_formal_review"
    response = client.post(url, data={"comment": "  "})
    assert response.status_code == 422 and "Please give your reasons." in response.get_data(
        as_text=True)
    assert fresh(review.app).state == S.RECOMMENDED

    assert client.post(url, data={"comment": "不符合申报条件"}).status_code == 302
    assert fresh(review.app).state == S.FORMAL_REJECTED
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.comment) == ("fail_formal_review", "不符合申报条件")


def test_correction_request_sends_the_failed_items_with_a_working_day_deadline(review, login):
    client = login(review.officer)
    client.post(checklist_url(review.app), data=all_ok(
        review.call, ok_budget="failed", note_budget="自筹资金来源不明"))
    response = client.post(f"{checklist_url(review.app)}/correction",
                           data={"working_days": "3", "message": "请一次性补正"})
    assert response.status_code == 302
    app = fresh(review.app)
    assert app.state == S.CORRECTION_REQUESTED
    row = db.session.scalars(select(CorrectionRequest)).one()
    assert [(i["code"], i["note"]) for i in row.items] == [("budget", "自筹资金来源不明")]
    expected = calendar.deadline_after(row.requested_at, 3)
    assert row.deadline_at == expected
    html = client.get(response.location).get_data(as_text=True)
    shown = clock.local(expected).strftime("%Y-%m-%d %H:%M")
    assert f"The applicant has until {shown}" in html
    assert shown in html.split('id="open-correction"', 1)[1]
    assert 'data-action="request_correction"' not in html  # no longer recommended


@pytest.mark.parametrize(("days", "message"), [
    ("abc", "Not a valid integer value."),
    ("0", "Give 1 to 60 working days."),
    ("61", "Give 1 to 60 working days."),
    ("", "Give the number of working days."),
], ids=["not-a-number", "zero", "too-many", "empty"])
def test_bad_working_days_change_nothing_and_keep_what_was_typed(review, login, days, message):
    client = login(review.officer)
    client.post(checklist_url(review.app), data=all_ok(review.call, ok_budget="failed"))
    response = client.post(f"{checklist_url(review.app)}/correction",
                           data={"working_days": days, "message": "补正说明"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert f'value="{days}"' in html and "补正说明</textarea>" in html
    assert fresh(review.app).state == S.RECOMMENDED
    assert db.session.scalars(select(CorrectionRequest)).all() == []


def test_correction_without_failed_items_is_refused(review, login):
    client = login(review.officer)
    client.post(checklist_url(review.app), data=all_ok(review.call))
    response = client.post(f"{checklist_url(review.app)}/correction", data={"working_days": "5"})
    assert response.status_code == 422
    assert "Mark the items to correct as failed" in response.get_data(as_text=True)
    assert fresh(review.app).state == S.RECOMMENDED


def test_used_up_rounds_hide_the_correction_form_and_the_server_refuses(review, login):
    factories.step_through(review.app, Action.REQUEST_CORRECTION, review.officer)
    factories.step_through(review.app, Action.RESUBMIT_CORRECTION, review.lead)
    db.session.commit()
    client = login(review.officer)
    client.post(checklist_url(review.app), data=all_ok(review.call, ok_budget="failed"))
    html = client.get(checklist_url(review.app)).get_data(as_text=True)
    assert "rounds used: 1 of 1" in html
    assert 'id="rounds-used-up"' in html
    assert 'data-action="request_correction"' not in html
    assert 'data-action="pass_formal_review"' in html and 'data-action="fail_formal_review"' in html

    response = client.post(f"{checklist_url(review.app)}/correction", data={"working_days": "5"})
    assert response.status_code == 422
    assert "correction round(s) of this call are used" in response.get_data(as_text=True)
    assert fresh(review.app).state == S.RECOMMENDED
    assert len(db.session.scalars(select(CorrectionRequest)).all()) == 1


def test_checklist_of_an_application_in_correction_is_read_only(review, login):
    factories.step_through(review.app, Action.REQUEST_CORRECTION, review.officer)
    db.session.commit()
    html = login(review.officer).get(checklist_url(review.app)).get_data(as_text=True)
    assert 'id="open-correction"' in html
    assert "Save the checklist" not in html and "data-action=" not in html


def test_officer_detail_page_links_the_correction_request_to_the_checklist(review, login):
    html = login(review.officer).get(f"/applications/{review.app.id}").get_data(as_text=True)
    assert f'data-action="request_correction" href="{checklist_url(review.app)}"' in html
    response = login(review.officer).post(
        f"/applications/{review.app.id}/actions/request_correction", data={"comment": "补正"})
    assert response.status_code == 404 and fresh(review.app).state == S.RECOMMENDED


@pytest.fixture
def correcting(review) -> Review:
    """The officer failed section 3 and the licence, then asked for corrections."""
    factories.check_all(review.app, review.officer, ok=True,
                        failing={"figures", "att_licence"})
    from workflow.formal_review.operations import correction as formal_review

    formal_review.request_correction(review.app, actor=review.officer, working_days=5)
    db.session.commit()
    return review


def test_applicant_sees_the_consolidated_list_deadline_and_only_the_listed_edit_buttons(
        correcting, login):
    app = correcting.app
    html = login(correcting.lead).get(f"/applications/{app.id}").get_data(as_text=True)
    box = html.split('id="correction"', 1)[1].split("</div>", 1)[0]
    assert "研发投入、营业收入等数据真实且前后一致" in box and "需补正" in box
    assert "附件齐全有效：营业执照" in box
    deadline = checklist.open_correction(fresh(app)).deadline_at
    assert clock.local(deadline).strftime("%Y-%m-%d %H:%M") in box
    assert f"/applications/{app.id}/sections/foundation" in html
    for key in ("basic", "necessity", "budget", "risks"):
        assert f"/applications/{app.id}/sections/{key}" not in html
    assert f"/applications/{app.id}/basics" not in html
    assert f'action="/applications/{app.id}/cobuilders"' not in html
    upload = html.split(f'action="/applications/{app.id}/attachments"', 1)[1].split("</form>")[0]
    assert '<option value="licence">' in upload or '<option selected value="licence">' in upload
    assert 'data-action="resubmit_correction"' in html


def test_applicant_can_change_only_the_listed_parts(correcting, login):
    client = login(correcting.lead)
    app = correcting.app
    assert client.get(f"/applications/{app.id}/sections/foundation").status_code == 200
    response = client.post(f"/applications/{app.id}/sections/budget",
                           data={"budget_notes": "越界修改"})
    assert response.status_code == 403
    assert fresh(app).section_data("budget")["budget_notes"] != "越界修改"


def test_missed_correction_deadline_refuses_the_resubmission(correcting, login):
    deadline = checklist.open_correction(fresh(correcting.app)).deadline_at
    client = login(correcting.lead)
    with factories.clock_at(deadline + timedelta(minutes=1)):
        html = client.get(f"/applications/{correcting.app.id}").get_data(as_text=True)
        assert "closed" in html.split('id="correction"', 1)[1].split("</p>", 1)[0]
        response = client.post(f"/applications/{correcting.app.id}/actions/resubmit_correction",
                               follow_redirects=True)
    assert "The correction deadline has passed." in response.get_data(as_text=True)
    assert fresh(correcting.app).state == S.CORRECTION_REQUESTED
