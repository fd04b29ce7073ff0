"""The review settings and rubric of a call (calls/operations/review_settings.py): stored where the
services read them, checked for range, refused once locked, bounded by the panels formed so
far; the rubric validated, reset, and the tie-breaks kept to its dimensions; officers only.
The page is tested in test_screens_review_settings.py."""
import copy
from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests import factories
from tests.review.test_assignment_service import expert
from tests.scoring_world import panel, submit_all
from workflow.calls.operations import review_settings
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Action, AppState, CallState
from workflow.experts.models import Exclusion
from workflow.experts.operations import conflicts
from workflow.lifecycle.transitions import transition
from workflow.review.operations import assignment, results, scoring
from workflow.review.rules.rubric import DEFAULT_RUBRIC
from workflow.review.settings import ReviewSettings, review_settings_of

ONE_ITEM = {"dimensions": [{"code": "all", "label": "综合", "items": [
    {"code": "overall", "label": "综合评价", "max": 100}]}], "vetoes": []}


@pytest.fixture(autouse=True)
def _messages_in_english():
    with force_locale("en"):
        yield


def values(call, **changes) -> dict:
    return {**review_settings.current(call), **changes}


def update(call, actor, **changes) -> list[str]:
    return review_settings.update_review_settings(call, values(call, **changes), actor=actor)


def audit_rows(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def refused(call, actor, **changes) -> str:
    before = (copy.deepcopy(call.review_settings), copy.deepcopy(call.eligibility),
              len(audit_rows("review_settings")))
    with pytest.raises(ServiceError) as error:
        update(call, actor, **changes)
    assert (call.review_settings, call.eligibility, len(audit_rows("review_settings"))) == before
    return str(error.value)


# The service


def test_defaults_are_those_of_the_domain():
    assert review_settings.current(factories.call()) == {
        "k": 5, "max_load": 10, "same_city_conflict": True, "expert_max_age": 65,
        "aggregation": "trimmed", "trim_from": 5, "alarm_range": 20.0, "alarm_stdev": 10.0,
        "weights": {}, "tie_breaks": ["innovation", "industry"]}


def test_the_default_age_limit_is_the_one_the_pool_applies():
    call, limit = factories.call(), ReviewSettings().expert_max_age
    at_limit, over = expert(), expert()
    at_limit.birth_year, over.birth_year = 2026 - limit, 2026 - limit - 1
    assert {e.id for e in conflicts.eligible_experts(call, date(2026, 6, 1))} >= {at_limit.id}
    assert over not in conflicts.eligible_experts(call, date(2026, 6, 1))


def test_changes_are_stored_where_the_services_read_them_with_one_audit_row():
    call = factories.call()
    changed = update(call, factories.officer(), k=7, max_load=4, same_city_conflict=False,
                     expert_max_age=60, aggregation="mean", alarm_range=15,
                     weights={"review": 0.6, "defense": 0.4, "site_visit": 0},
                     tie_breaks=["team"])
    assert changed == ["k", "max_load", "same_city_conflict", "expert_max_age", "aggregation",
                       "alarm_range", "weights", "tie_breaks"]
    stored = review_settings_of(call)
    assert (stored.k, stored.max_load, stored.same_city_conflict) == (7, 4, False)
    assert (stored.aggregation, stored.alarm_range, stored.weights, stored.tie_breaks) == (
        "mean", 15.0, {"review": 0.6, "defense": 0.4}, ("team",))
    assert call.review_settings["tie_breaks"] == ["team"]
    assert call.eligibility["expert_max_age"] == 60 and "rules" not in call.eligibility
    (row,) = audit_rows("review_settings")
    assert row.call_id == call.id and "k: 5 → 7" in row.comment and "aggregation" in row.comment


def test_saving_the_same_values_changes_nothing():
    call = factories.call()
    assert update(call, factories.officer()) == []
    assert audit_rows("review_settings") == [] and call.review_settings == {}


@pytest.mark.parametrize(("changes", "message"), [
    ({"k": 4}, "odd number"), ({"k": 1}, "from 3 to 15"), ({"k": 17}, "from 3 to 15"),
    ({"k": 5.5}, "whole number"), ({"k": True}, "whole number"), ({"k": "5"}, "whole number"),
    ({"max_load": 0}, "from 1 to 50"), ({"expert_max_age": 30}, "from 40 to 80"),
    ({"trim_from": 2}, "from 3 to 15"), ({"alarm_range": 0}, "from 1 to 100"),
    ({"alarm_stdev": float("nan")}, "from 1 to 50"), ({"alarm_stdev": float("inf")}, "from 1"),
    ({"aggregation": "median"}, "aggregated"),
    ({"weights": {"review": 0.5, "defense": 0.4}}, "add up to 1 (now 0.9)"),
    ({"weights": {"review": 0, "defense": 1}}, "add up to 1"),
    ({"weights": {"review": 1.5}}, "from 0 to 1"), ({"weights": {"panel": 1}}, "from 0 to 1"),
    ({"tie_breaks": ["team", "team"]}, "different dimensions"),
    ({"tie_breaks": ["team", "plan", "local"]}, "up to 2"),
    ({"tie_breaks": ["nosuch"]}, "Not dimensions of the rubric: nosuch"),
])
def test_bad_values_are_refused_naming_the_problem_and_nothing_changes(changes, message):
    call = factories.call()
    assert message in refused(call, factories.officer(), **changes)


def test_only_an_officer_edits_and_only_until_the_announcement():
    call = factories.call()
    for someone in (factories.leader(), factories.applicant(), expert().user):
        with pytest.raises(PermissionDenied):
            update(call, someone, k=3)
        with pytest.raises(PermissionDenied):
            review_settings.set_rubric(call, ONE_ITEM, actor=someone)
    published = factories.call(CallState.PUBLICITY)
    with pytest.raises(PermissionDenied):
        update(published, factories.officer(), k=3)
    assert call.review_settings == published.review_settings == {}


def test_panel_rules_lock_once_a_review_opens_but_the_load_may_still_rise():
    p = panel(3)
    locks = review_settings.locks(p.app.call)
    assert set(locks) == {"k", "same_city_conflict", "expert_max_age"}
    for changes in ({"k": 5}, {"same_city_conflict": False}, {"expert_max_age": 70}):
        assert "can no longer change: The expert review" in refused(p.app.call, p.officer,
                                                                     **changes)
    assert update(p.app.call, p.officer, max_load=20, aggregation="mean") == ["max_load",
                                                                             "aggregation"]


def test_scoring_rules_and_the_rubric_lock_once_a_sheet_exists():
    p = panel(3)
    scoring.save_sheet(p.seats[0], {"industry_standing": 5}, {}, [], "", actor=p.experts[0])
    assert {"rubric", "aggregation", "trim_from", "alarm_range", "alarm_stdev"} <= set(
        review_settings.locks(p.app.call))
    for changes in ({"aggregation": "mean"}, {"trim_from": 3}, {"alarm_range": 30},
                    {"alarm_stdev": 5}):
        assert "Experts have started to fill in score sheets" in refused(
            p.app.call, p.officer, **changes)
    with pytest.raises(ServiceError, match="can no longer change"):
        review_settings.set_rubric(p.app.call, ONE_ITEM, actor=p.officer)
    assert p.app.call.rubric == {}
    assert update(p.app.call, p.officer, weights={"review": 0.7, "defense": 0.3}) == [
        "weights"]


def reviewed_panel():
    p = panel(3)
    submit_all(p, [80, 82, 84])
    results.confirm_panel(p.app, actor=p.chair)
    return p


def test_weights_lock_once_a_stage_score_is_recorded():
    p = reviewed_panel()
    update(p.app.call, p.officer, weights={"review": 0.6, "defense": 0.4})
    results.record_stage_score(p.app, "defense", 90, actor=p.officer)
    assert "Defense or site-visit scores" in refused(p.app.call, p.officer,
                                                     weights={"review": 0.5, "defense": 0.5})


def test_tie_breaks_lock_once_the_leadership_decides():
    p = reviewed_panel()
    assert update(p.app.call, p.officer, tie_breaks=["plan"]) == ["tie_breaks"]
    transition(p.app, Action.NOT_SELECT, actor=factories.leader(), comment="领域已有中心")
    assert "The leadership has decided" in refused(p.app.call, p.officer, tie_breaks=["team"])


def seated_call(k=3):
    officer = factories.officer()
    call = factories.call(actor=officer)
    call.review_settings = {"k": k, "max_load": 4}
    app = factories.application(call, state=AppState.FORMAL_PASSED)
    return officer, call, app


def test_k_cannot_fall_below_a_panel_already_formed():
    officer, call, app = seated_call(k=5)
    for person in [expert() for _ in range(4)]:
        assignment.add_seat(app, person, actor=officer)
    assert "1 panels already have more than 3 experts" in refused(call, officer, k=3)
    assert update(call, officer, k=7) == ["k"]


def test_the_load_cannot_fall_below_what_an_expert_carries():
    officer, call, app = seated_call()
    busy = expert()
    assignment.add_seat(app, busy, actor=officer)
    assignment.add_seat(factories.application(call, state=AppState.FORMAL_PASSED), busy,
                        actor=officer)
    assert f"{busy.name} already sits on 2 panels" in refused(call, officer, max_load=1)
    assert update(call, officer, max_load=2) == ["max_load"]


def test_switching_r8_recomputes_the_exclusions_and_is_refused_over_a_seated_townsman():
    officer, call, app = seated_call()
    call.eligibility = {"same_city_conflict": False}
    townsman = expert(region=factories.JINAN)  # the lead unit's city
    seat = assignment.add_seat(app, townsman, actor=officer)
    assert f"{townsman.name} sits on the panel" in refused(call, officer,
                                                           same_city_conflict=True)
    assignment.remove_seat(seat, actor=officer)
    assert update(call, officer, same_city_conflict=True) == ["same_city_conflict"]
    assert db.session.scalar(select(Exclusion.rule).where(
        Exclusion.expert_id == townsman.id)) == "R8"
    assert audit_rows("compute_exclusions")
    update(call, officer, same_city_conflict=False)
    assert db.session.scalar(select(func.count()).select_from(Exclusion)) == 0


# The rubric


def test_own_rubric_is_stored_and_used_by_the_sheets_and_reset_returns_the_default():
    p = panel(3)
    call = factories.call()
    officer = factories.officer()
    saved = review_settings.set_rubric(call, ONE_ITEM, actor=officer)
    assert saved.changed and call.rubric == ONE_ITEM
    assert review_settings.current(call)["tie_breaks"] == []
    assert sorted(saved.dropped_tie_breaks) == ["industry", "innovation"]
    assert "1 dimensions, 1 items, 0 vetoes" in audit_rows("rubric")[0].comment
    assert not review_settings.set_rubric(call, copy.deepcopy(ONE_ITEM), actor=officer).changed
    assert review_settings.set_rubric(call, None, actor=officer).changed
    assert call.rubric == {} and len(audit_rows("rubric")) == 2
    assert p.app.call.rubric == {}  # another call keeps its own


def test_a_rubric_equal_to_the_default_stays_the_default():
    call = factories.call()
    saved = review_settings.set_rubric(call, copy.deepcopy(DEFAULT_RUBRIC),
                                       actor=factories.officer())
    assert not saved.changed and call.rubric == {} and audit_rows("rubric") == []


def broken(change) -> dict:
    rubric = copy.deepcopy(ONE_ITEM)
    change(rubric)
    return rubric


@pytest.mark.parametrize(("rubric", "message"), [
    (broken(lambda r: r["dimensions"][0]["items"][0].update(max=99)), "99 points instead"),
    (broken(lambda r: r["dimensions"][0]["items"][0].update(code="all")), "used twice"),
    (broken(lambda r: r["dimensions"][0]["items"][0].update(code="Bad-Code")), "lowercase"),
    (broken(lambda r: r["dimensions"][0]["items"][0].update(label="长" * 101)), "100 char"),
    (broken(lambda r: r["dimensions"][0]["items"][0].update(label=" ")), "label"),
    (broken(lambda r: r["dimensions"][0]["items"][0].update(max=100.0)), "whole number"),
    (broken(lambda r: r["dimensions"][0]["items"][0].update(max=True)), "whole number"),
    (broken(lambda r: r["dimensions"].append({"code": "x", "label": "空", "items": []})),
     "at least one item"),
    ({"dimensions": "all"}, "expected form"), ({}, "expected form"),
])
def test_bad_rubric_is_refused_with_its_problem_and_nothing_changes(rubric, message):
    call = factories.call()
    with pytest.raises(ServiceError, match=message):
        review_settings.set_rubric(call, rubric, actor=factories.officer())
    assert call.rubric == {} and audit_rows("rubric") == []
