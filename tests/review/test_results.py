"""Panel results on hand-computed examples: aggregation, dispersion alarm, veto, grades,
weighted stages, ranking and its ties; closing the review (guard, chair, tick); the export."""
import json
from datetime import timedelta
from io import BytesIO

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import select

from tests import factories
from tests.scoring_world import panel, scores_totalling, submit, submit_all
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Action, AppState
from workflow.experts.models import Exclusion
from workflow.lifecycle.permissions import SYSTEM
from workflow.lifecycle.transitions import transition
from workflow.review.operations import results, scoring
from workflow.review.ranking_sheet import to_xlsx
from workflow.review.rules.rubric import DEFAULT_RUBRIC, dimension_totals, items
from workflow.review.settings import ReviewSettings


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Service messages follow the locale (Chinese by default); these tests read English."""
    with force_locale("en"):
        yield


def test_five_sheets_drop_the_highest_and_the_lowest():
    assert results.panel_score([70, 80, 85, 90, 95]) == 85.0  # mean of 80, 85, 90


def test_fewer_than_five_sheets_take_the_plain_mean():
    assert results.panel_score([70, 80, 93]) == 81.0
    assert results.panel_score([70, 80, 90, 95]) == 83.75


def test_aggregation_is_configurable():
    assert results.panel_score([70, 80, 85, 90, 95], ReviewSettings(aggregation="mean")) == 84.0
    assert results.panel_score([70, 80, 93], ReviewSettings(trim_from=3)) == 80.0
    assert results.panel_score([]) is None


@pytest.mark.parametrize(("totals", "alarm"), [
    ([70, 80, 91], True),          # max - min 21
    ([70, 80, 90], False),         # max - min 20; stdev 10.0, not above 10
    ([70, 70, 90, 90], True),      # max - min 20; sample stdev 11.55
    ([60, 62, 64, 66, 68], False),
    ([80], False),
])
def test_dispersion_alarm_on_range_above_20_or_sample_stdev_above_10(totals, alarm):
    assert results.dispersion_alarm(totals) is alarm


def test_alarm_limits_are_configurable():
    assert results.dispersion_alarm([70, 80, 85],
                                    ReviewSettings(alarm_range=10, alarm_stdev=50))


def test_veto_on_one_sheet_forces_not_recommended():
    p = panel()
    submit_all(p, [90, 92, 95, 93, 91], vetoes={3: ["not_eligible"]})
    row = results.result_of(p.app)
    assert row.vetoed and row.grade == "不予推荐" and row.review_score == 92.0


@pytest.mark.parametrize(("totals", "grade"), [
    ([85, 85, 85], "优秀"), ([84, 84, 84], "良好"), ([75, 75, 75], "良好"),
    ([74, 74, 74], "合格"), ([60, 60, 60], "合格"), ([59, 59, 59], "不合格"),
])
def test_panel_grade_bands(totals, grade):
    p = panel(3)
    submit_all(p, totals)
    assert results.result_of(p.app).grade == grade


def close(p):
    transition(p.app, Action.CLOSE_REVIEW, actor=SYSTEM)


def test_close_review_is_refused_until_every_sheet_is_in_and_the_chair_confirmed():
    p = panel()
    submit_all(p, [80, 82, 84, 86])
    with pytest.raises(ServiceError, match="submitted"):
        close(p)
    with pytest.raises(ServiceError):
        results.confirm_panel(p.app, actor=p.chair)
    submit(p, 4, 88)
    with pytest.raises(ServiceError, match="confirmed"):
        close(p)
    with pytest.raises(PermissionDenied):
        results.confirm_panel(p.app, actor=p.experts[1])
    results.confirm_panel(p.app, actor=p.chair)
    assert p.app.state == AppState.REVIEWED
    actions = list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.application_id == p.app.id).order_by(AuditEntry.id)))
    assert actions[-2:] == ["confirm_panel", "close_review"]


def test_alarm_blocks_confirmation_until_the_chair_resolves_it():
    p = panel()
    submit_all(p, [60, 80, 85, 90, 95])
    row = results.result_of(p.app)
    assert row.dispersion_alarm
    with pytest.raises(ServiceError, match="alarm"):
        results.confirm_panel(p.app, actor=p.chair)
    with pytest.raises(PermissionDenied):
        results.resolve_alarm(p.app, note="已讨论", actor=p.experts[1])
    with pytest.raises(ServiceError):
        results.resolve_alarm(p.app, note=" ", actor=p.chair)
    results.resolve_alarm(p.app, note="专家组讨论后维持原评分", actor=p.chair)
    assert row.alarm_resolved_by_id == p.chair.id
    results.confirm_panel(p.app, actor=p.chair)
    assert p.app.state == AppState.REVIEWED


def test_reopening_withdraws_the_alarm_resolution():
    p = panel()
    submit_all(p, [60, 80, 85, 90, 95])
    results.resolve_alarm(p.app, note="已讨论", actor=p.chair)
    scoring.reopen_sheet(p.seats[0], reason="复核", actor=p.chair)
    assert results.alarm_unresolved(results.result_of(p.app))


def test_tick_closes_ready_reviews(app):
    ready, waiting = panel(3), panel(3)
    submit_all(ready, [80, 82, 84])
    submit_all(waiting, [80, 82])
    results.result_of(ready.app).chair_confirmed_at = factories.clock.now()
    db.session.commit()
    outcome = app.test_cli_runner().invoke(args=["tick", "--json"])
    assert json.loads(outcome.output)["close_review"] == 1
    db.session.expire_all()
    assert (ready.app.state, waiting.app.state) == (AppState.REVIEWED, AppState.EXPERT_REVIEW)


def test_defense_stage_combines_by_weights():
    p = panel(3)
    p.app.call.review_settings = {"k": 3, "weights": {"review": 0.6, "defense": 0.4}}
    submit_all(p, [80, 80, 80])
    results.confirm_panel(p.app, actor=p.chair)
    assert results.result_of(p.app).final_score == 80
    with pytest.raises(ServiceError):
        results.record_stage_score(p.app, "defense", 101, actor=p.officer)
    with pytest.raises(PermissionDenied):
        results.record_stage_score(p.app, "defense", 90, actor=p.chair)
    row = results.record_stage_score(p.app, "defense", 90, actor=p.officer)
    assert (row.defense_score, row.final_score, row.grade) == (90, 84.0, "良好")
    assert p.app.state == AppState.REVIEWED
    assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())
                             .limit(1)) == "record_defense"
    with pytest.raises(ServiceError, match="give the site visit no weight"):
        results.record_stage_score(p.app, "site_visit", 50, actor=p.officer)
    assert (row.site_visit_score, row.final_score) == (None, 84.0)


def scores_with(innovation: float, industry: float, total: float) -> dict:
    """Scores of `total` points with the given innovation and industry dimension totals."""
    scores = {item["code"]: 0.0 for _d, item in items(DEFAULT_RUBRIC)}
    scores.update(innovation_rd=innovation, industry_standing=industry)
    rest = total - innovation - industry
    for code, points in (("team_leader", 6), ("team_structure", 5), ("collab_cobuilders", 6),
                         ("collab_results", 5), ("plan_targets", 6), ("plan_tasks", 6),
                         ("local_support", 5)):
        scores[code] = min(points, rest)
        rest -= scores[code]
    assert rest == 0
    return scores


def scored_panel(call, innovation, industry, total=40, at=0):
    p = panel(3, call=call)
    p.app.submitted_at = p.app.submitted_at + timedelta(minutes=at)
    for index in range(3):
        submit(p, index, total, scores=scores_with(innovation, industry, total))
    results.confirm_panel(p.app, actor=p.chair)
    return p


def test_ranking_puts_the_best_first_vetoed_last_and_earlier_submission_first_on_ties():
    call = factories.call()
    late = scored_panel(call, 8, 8, at=20)
    early = scored_panel(call, 8, 8, at=-20)
    best = scored_panel(call, 8, 8, total=50, at=50)
    vetoed = panel(3, call=call)
    submit_all(vetoed, [99, 99, 99], vetoes={0: ["false_material"]})
    results.confirm_panel(vetoed.app, actor=vetoed.chair)
    order = [r.app.id for r in results.ranking(call)]
    assert order == [best.app.id, early.app.id, late.app.id, vetoed.app.id]


def test_ranking_prefers_innovation_over_industry_at_equal_scores():
    call = factories.call()
    industry = scored_panel(call, 2, 8)
    innovation = scored_panel(call, 8, 2, at=10)
    equal_innovation_more_industry = scored_panel(call, 2, 6, at=-10)
    order = [r.app.id for r in results.ranking(call)]
    assert order == [innovation.app.id, industry.app.id, equal_innovation_more_industry.app.id]
    assert [r.rank for r in results.ranking(call)] == [1, 2, 3]


def test_the_tie_break_means_are_those_of_the_counted_sheets_as_the_rubric_adds_them():
    """The database adds each sheet's points per dimension (an item not scored counts 0) and
    averages the counted sheets: the same means as rubric.dimension_totals in Python, with
    fractional points, and without the sheet of an expert a rule excludes since."""
    p = panel(3)
    sheets = [scores_totalling(71.37), scores_totalling(64.9), scores_totalling(88.15)]
    for index, (total, scores) in enumerate(zip((71.37, 64.9, 88.15), sheets, strict=True)):
        submit(p, index, total, scores=scores)
    del sheets[1]["innovation_rd"]  # not scored (an item the rubric gained later): counts 0
    p.seats[1].sheet.scores = sheets[1]
    db.session.add(Exclusion(expert_id=p.seats[2].expert_id, application_id=p.app.id,
                             rule="R2", detail="新任职"))
    results.recompute(p.app)
    db.session.flush()
    dimensions = ReviewSettings().tie_breaks
    counted = [dimension_totals(DEFAULT_RUBRIC, s) for s in sheets[:2]]
    expected = tuple(round(sum(t[d] for t in counted) / 2, 2) for d in dimensions)
    (row,) = results.ranking(p.app.call)
    assert row.tie_breaks == expected and expected[0] != 0


def test_ranking_export_opens_in_order_and_keeps_formulas_out():
    call = factories.call()
    second, first = panel(3, call=call), panel(3, call=call)
    for p, total in ((second, 70), (first, 90)):
        submit_all(p, [total] * 3)
        results.confirm_panel(p.app, actor=p.chair)
    first.app.title = "=HYPERLINK(\"http://evil\")"
    rows = results.hydrate(results.ranking(call))
    workbook = load_workbook(BytesIO(to_xlsx(call.title, rows)))
    sheet = workbook.active
    assert [c.value for c in sheet[2]][:3] == ["排名", "中心名称", "牵头单位"]
    assert [sheet.cell(r, 1).value for r in (3, 4)] == [1, 2]
    assert sheet.cell(3, 2).value == "=HYPERLINK(\"http://evil\")"
    assert sheet.cell(3, 2).data_type == "s" and sheet.cell(3, 2).quotePrefix
    assert sheet.cell(4, 2).value == second.app.title
    assert [sheet.cell(r, 9).value for r in (3, 4)] == [90, 70]
    assert sheet.cell(3, 10).value == "优秀"


def test_scores_totalling_helper_adds_up():
    assert round(sum(scores_totalling(83).values()), 6) == 83


# Aggregation on more hand-computed examples, and the call's own settings in force


@pytest.mark.parametrize(("totals", "score"), [
    ([60, 60, 80, 95, 95], 78.33),           # one 60 and one 95 dropped: (60+80+95)/3
    ([50, 70, 75, 80, 85, 90, 100], 80.0),   # 50 and 100 dropped: 400/5
    ([88, 88, 88, 88, 88], 88.0),
    ([70.5, 80.25, 85, 90, 99.75], 85.08),   # (80.25+85+90)/3 = 85.083
])
def test_trimmed_mean_drops_exactly_one_highest_and_one_lowest(totals, score):
    assert results.panel_score(totals) == score


def test_the_panel_result_follows_the_calls_own_aggregation_and_alarm_limits():
    plain = panel()
    plain.app.call.review_settings = {"aggregation": "mean", "alarm_range": 40,
                                      "alarm_stdev": 15}
    submit_all(plain, [60, 80, 85, 90, 95])  # range 35, sample standard deviation 13.5
    row = results.result_of(plain.app)
    assert (row.review_score, row.dispersion_alarm) == (82.0, False)  # 410 / 5
    assert results.dispersion_alarm([60, 80, 85, 90, 95])  # under the default limits
    trimmed_early = panel(3)
    trimmed_early.app.call.review_settings = {"k": 3, "trim_from": 3, "alarm_range": 5}
    submit_all(trimmed_early, [70, 80, 93])
    row = results.result_of(trimmed_early.app)
    assert (row.review_score, row.dispersion_alarm) == (80.0, True)


def test_standard_deviation_exactly_at_the_limit_raises_no_alarm():
    # 70, 80, 90: sample standard deviation exactly 10; with the range limit out of the way
    assert not results.dispersion_alarm([70, 80, 90], ReviewSettings(alarm_range=100))
    assert results.dispersion_alarm([70, 80, 90.1], ReviewSettings(alarm_range=100))


def test_a_stage_the_call_does_not_weigh_is_refused_and_nothing_changes():
    p = panel(3)
    submit_all(p, [80, 80, 80])
    results.confirm_panel(p.app, actor=p.chair)
    for stage, label in (("defense", "defense"), ("site_visit", "site visit")):
        with pytest.raises(ServiceError, match=f"give the {label} no weight"):
            results.record_stage_score(p.app, stage, 90, actor=p.officer)
    row = results.result_of(p.app)
    assert (row.defense_score, row.site_visit_score, row.final_score) == (None, None, 80)
    assert p.app.state == AppState.REVIEWED
    assert not db.session.scalar(select(AuditEntry.id).where(
        AuditEntry.action.in_(["record_defense", "record_site_visit"])))


def test_the_results_page_offers_only_the_weighted_stages(login):
    p = panel(3)
    p.app.call.review_settings = {"k": 3, "weights": {"review": 0.7, "site_visit": 0.3}}
    submit_all(p, [80, 80, 80])
    results.confirm_panel(p.app, actor=p.chair)
    db.session.commit()
    client = login(p.officer)
    page = f"/officer/calls/{p.app.call_id}/results"
    html = client.get(page).get_data(as_text=True)
    assert 'data-action="record_site_visit"' in html
    assert 'data-action="record_defense"' not in html and ">Defense</th>" not in html
    refused = client.post(f"/officer/applications/{p.app.id}/stages/defense",
                          data={"score": "95"}, follow_redirects=True)
    assert "give the defense no weight" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert results.result_of(p.app).defense_score is None
    client.post(f"/officer/applications/{p.app.id}/stages/site_visit", data={"score": "90"})
    db.session.expire_all()
    assert results.result_of(p.app).final_score == 83.0  # 0.7 * 80 + 0.3 * 90


def test_without_weighted_stages_the_officer_is_told_where_to_set_them(login):
    p = panel(3)
    submit_all(p, [80, 80, 80])
    results.confirm_panel(p.app, actor=p.chair)
    db.session.commit()
    html = login(p.officer).get(f"/officer/calls/{p.app.call_id}/results").get_data(
        as_text=True)
    assert 'id="no-stages"' in html and "data-action=\"record_" not in html
    assert ">Defense</th>" not in html and ">Site visit</th>" not in html
