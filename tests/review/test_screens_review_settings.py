"""The review settings page: linked from the call's settings and its panels; saves, shows a
bad value with what was typed, shows why a field is locked and refuses a forged change;
the rubric's rows with their own messages, more rows, removal, reset; read only after the
announcement; closed to everyone but the department."""
import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests import factories
from tests.review.test_assignment_service import expert
from tests.scoring_world import panel
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.calls.models import Call
from workflow.calls.operations import review_settings
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import CallState
from workflow.experts.models import Expert
from workflow.review.models import PanelSeat
from workflow.review.operations import scoring


@pytest.fixture(autouse=True)
def _messages_in_english():
    with force_locale("en"):
        yield


def audit_rows(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def page(client, call):
    return client.get(f"/officer/calls/{call.id}/review-settings").get_data(as_text=True)


def settings_form(call, **changes) -> dict:
    now = review_settings.current(call)
    weights = now["weights"] or {"review": 1}
    data = {key: str(now[key]) for key in ("k", "max_load", "expert_max_age", "aggregation",
                                           "trim_from", "alarm_range", "alarm_stdev")}
    data.update({f"weight_{s}": str(weights.get(s, 0)) for s in ("review", "defense",
                                                                 "site_visit")})
    data.update(tie_break_1=now["tie_breaks"][0], tie_break_2=now["tie_breaks"][1])
    if now["same_city_conflict"]:
        data["same_city_conflict"] = "y"
    data.update({key: str(value) for key, value in changes.items()})
    return {key: value for key, value in data.items() if value != "None"}


def fresh(call) -> Call:
    db.session.expire_all()
    return db.session.get(Call, call.id)


def test_page_is_linked_from_the_call_settings_and_the_panels(login):
    officer = factories.officer()
    call = factories.call(actor=officer)
    db.session.commit()
    client = login(officer)
    link = f'href="/officer/calls/{call.id}/review-settings"'
    assert link in client.get(f"/officer/calls/{call.id}/eligibility").get_data(as_text=True)
    assert link in client.get(f"/officer/calls/{call.id}/panels").get_data(as_text=True)
    html = page(client, call)
    assert 'name="k"' in html and 'value="5"' in html and 'name="items-0-code"' in html
    assert "industry_standing" in html and "data-locked" not in html


def test_settings_are_saved_and_a_bad_value_is_shown_with_what_was_typed(login):
    officer = factories.officer()
    call = factories.call(actor=officer)
    db.session.commit()
    client = login(officer)
    path = f"/officer/calls/{call.id}/review-settings"
    response = client.post(path, data=settings_form(call, k=4, max_load=12))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "give an odd number" in html and 'value="12"' in html and 'value="4"' in html
    assert fresh(call).review_settings == {}
    bad = client.post(path, data=settings_form(call, alarm_stdev="abc", trim_from=""))
    assert bad.status_code == 422 and fresh(call).review_settings == {}
    saved = client.post(path, data=settings_form(call, k=7, same_city_conflict="None"),
                        follow_redirects=True)
    assert "Review settings saved." in saved.get_data(as_text=True)
    call = fresh(call)
    assert (call.review_settings["k"], call.eligibility["same_city_conflict"]) == (7, False)


def test_a_locked_setting_shows_why_and_a_forged_change_is_refused(login):
    p = panel(3)
    db.session.commit()
    client = login(p.officer)
    html = page(client, p.app.call)
    assert 'data-locked="k"' in html and "The expert review of an application" in html
    assert 'type="hidden" name="k" value="3"' in html
    response = client.post(f"/officer/calls/{p.app.call_id}/review-settings",
                           data=settings_form(p.app.call, k=5))
    assert response.status_code == 422
    assert "can no longer change" in response.get_data(as_text=True)
    assert fresh(p.app.call).review_settings == {"k": 3}


def rubric_rows(*items, dimensions=(("all", "综合"),), vetoes=()) -> dict:
    data = {}
    for n, (code, label) in enumerate(dimensions):
        data.update({f"dimensions-{n}-code": code, f"dimensions-{n}-label": label})
    for n, (dimension, code, label, points) in enumerate(items):
        data.update({f"items-{n}-dimension": dimension, f"items-{n}-code": code,
                     f"items-{n}-label": label, f"items-{n}-max": points})
    for n, (code, label) in enumerate(vetoes):
        data.update({f"vetoes-{n}-code": code, f"vetoes-{n}-label": label})
    return data


def test_rubric_rows_are_saved_blank_and_removed_rows_left_out(login):
    officer = factories.officer()
    call = factories.call(actor=officer)
    db.session.commit()
    client = login(officer)
    data = rubric_rows(("all", "overall", "综合评价", "60"), ("all", "plan", "方案", "40"),
                       ("all", "gone", "删掉", "10"), ("", "", "", ""),
                       vetoes=[("false_material", "虚假材料")])
    data["items-2-remove"] = "y"
    response = client.post(f"/officer/calls/{call.id}/rubric", data=data,
                           follow_redirects=True)
    assert "Rubric saved." in response.get_data(as_text=True)
    assert fresh(call).rubric == {
        "dimensions": [{"code": "all", "label": "综合", "items": [
            {"code": "overall", "label": "综合评价", "max": 60},
            {"code": "plan", "label": "方案", "max": 40}]}],
        "vetoes": [{"code": "false_material", "label": "虚假材料"}]}
    assert "Ties no longer break on" in response.get_data(as_text=True)
    reset = client.post(f"/officer/calls/{call.id}/rubric/reset", follow_redirects=True)
    assert "Rubric saved." in reset.get_data(as_text=True) and fresh(call).rubric == {}


def test_bad_rubric_rows_get_their_own_messages_and_keep_what_was_typed(login):
    officer = factories.officer()
    call = factories.call(actor=officer)
    db.session.commit()
    client = login(officer)
    data = rubric_rows(("all", "Bad Code", "<script>x</script>", "50"),
                       ("nosuch", "plan", "方案", ""), ("all", "plan", "方案二", "abc"),
                       dimensions=(("all", "综合"), ("empty", "空维度")))
    response = client.post(f"/officer/calls/{call.id}/rubric", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("1 to 40 lowercase letters", "HTML tags", "No dimension above has this code",
                    "This code is used twice", "This dimension has no items",
                    "Give a whole number from 1 to 100", "Not a valid integer value"):
        assert message in html, message
    assert 'value="Bad Code"' in html and 'value="空维度"' in html
    assert "<script>x</script>" not in html
    total = client.post(f"/officer/calls/{call.id}/rubric",
                        data=rubric_rows(("all", "overall", "综合评价", "99")))
    assert total.status_code == 422
    assert "add up to 99 points instead of 100" in total.get_data(as_text=True)
    assert fresh(call).rubric == {} and audit_rows("rubric") == []


def test_more_rows_keeps_the_typed_rows_and_saves_nothing(login):
    officer = factories.officer()
    call = factories.call(actor=officer)
    db.session.commit()
    client = login(officer)
    data = {**rubric_rows(("all", "overall", "综合评价", "100")), "add_rows": "1"}
    html = client.post(f"/officer/calls/{call.id}/rubric", data=data).get_data(as_text=True)
    assert 'value="综合评价"' in html and 'name="items-3-code"' in html
    assert "invalid-feedback" not in html and fresh(call).rubric == {}


def test_a_locked_rubric_is_shown_read_only_and_a_post_is_refused(login):
    p = panel(3)
    scoring.save_sheet(p.seats[0], {"industry_standing": 5}, {}, [], "", actor=p.experts[0])
    db.session.commit()
    client = login(p.officer)
    html = page(client, p.app.call)
    assert 'id="rubric-table"' in html and 'name="items-0-code"' not in html
    assert 'data-locked="rubric"' in html and 'id="rubric-reset"' not in html
    response = client.post(f"/officer/calls/{p.app.call_id}/rubric",
                           data=rubric_rows(("all", "overall", "综合评价", "100")))
    assert response.status_code == 422 and "can no longer change" in response.get_data(
        as_text=True)
    assert fresh(p.app.call).rubric == {}


def test_after_the_announcement_the_page_is_read_only_and_posts_are_refused(login):
    officer = factories.officer()
    call = factories.call(CallState.PUBLICITY, actor=officer)
    db.session.commit()
    client = login(officer)
    html = page(client, call)
    assert "Save the review settings" not in html and "Save the rubric" not in html
    assert client.post(f"/officer/calls/{call.id}/review-settings",
                       data=settings_form(call, k=3)).status_code == 403
    assert client.post(f"/officer/calls/{call.id}/rubric/reset").status_code == 403
    assert fresh(call).review_settings == {}


def test_no_one_else_reads_or_changes_them(login):
    call = factories.call()
    people = (factories.leader(), factories.applicant(), factories.recommender(),
              expert().user)
    db.session.commit()
    before = (db.session.scalar(select(func.count()).select_from(AuditEntry)))
    for person in people:
        client = login(person)
        assert client.get(f"/officer/calls/{call.id}/review-settings").status_code == 403
        assert client.post(f"/officer/calls/{call.id}/review-settings",
                           data=settings_form(call, k=3)).status_code == 403
        assert client.post(f"/officer/calls/{call.id}/rubric",
                           data=rubric_rows(("all", "overall", "综合", "100"))).status_code \
            == 403
    call = fresh(call)
    assert (call.review_settings, call.rubric) == ({}, {})
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before
    assert db.session.scalar(select(func.count()).select_from(PanelSeat)) == 0
    assert db.session.scalar(select(func.count()).select_from(Expert)) == 1
