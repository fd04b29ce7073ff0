"""The scoring screens: the expert's sealed sheet, the chair's panel page, the officer's
results page, and what applicants never see."""
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from tests import factories
from tests.scoring_world import panel, scores_totalling, submit, submit_all
from tests.screens import login_fixture  # noqa: F401
from workflow.accounts.models.users import User
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.inbox.models import Notification
from workflow.review.models import ScoreSheet
from workflow.review.operations import results, scoring

SECRET_COMMENT = "乙专家的保密评语"


def form_of(total: float, **extra) -> dict:
    data = {f"score_{code}": str(v) for code, v in scores_totalling(total).items()}
    data.update(extra)
    return data


def test_expert_never_sees_another_experts_scores_before_or_after_submitting(login):
    p = panel()
    b = p.seats[2]
    scoring.save_sheet(b, scores_totalling(73.5), {"industry_standing": SECRET_COMMENT},
                       [], SECRET_COMMENT, actor=p.experts[2])
    scoring.submit_sheet(b, actor=p.experts[2])
    db.session.commit()
    client = login(p.experts[1])
    path = f"/expert/seats/{p.seats[1].id}/sheet"
    before = client.get(path).get_data(as_text=True)
    assert 'name="score_industry_standing"' in before
    assert SECRET_COMMENT not in before and "73.5" not in before
    assert client.post(f"/expert/seats/{p.seats[1].id}/sheet/submit",
                       data=form_of(81)).status_code == 302
    after = client.get(path).get_data(as_text=True)
    assert "Submitted on" in after and "81" in after
    assert SECRET_COMMENT not in after and "73.5" not in after
    assert p.experts[2].name not in after
    assert client.get(f"/expert/seats/{b.id}/sheet").status_code == 403
    assert client.get(f"/expert/applications/{p.app.id}/panel").status_code == 403


def test_out_of_range_score_is_refused_and_nothing_saved(login):
    p = panel()
    db.session.commit()
    client = login(p.experts[1])
    response = client.post(f"/expert/seats/{p.seats[1].id}/sheet",
                           data={"score_industry_standing": "9", "score_team_leader": "5"})
    assert response.status_code == 422
    assert "invalid-feedback" in response.get_data(as_text=True)
    assert db.session.scalar(select(ScoreSheet.id)) is None
    assert client.post(f"/expert/seats/{p.seats[1].id}/sheet",
                       data={"score_industry_standing": "7.5"}).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(ScoreSheet.scores)) == {"industry_standing": 7.5}


def test_submitted_sheet_is_read_only_and_cannot_be_saved(login):
    p = panel()
    submit(p, 1, 80)
    db.session.commit()
    client = login(p.experts[1])
    html = client.get(f"/expert/seats/{p.seats[1].id}/sheet").get_data(as_text=True)
    assert 'data-action="submit_sheet"' not in html and 'name="score_' not in html
    late = client.post(f"/expert/seats/{p.seats[1].id}/sheet", data=form_of(90),
                       follow_redirects=True)
    assert "submitted" in late.get_data(as_text=True)  # the refusal says why
    db.session.expire_all()
    assert db.session.get(ScoreSheet, p.seats[1].sheet.id).total == 80


def test_chair_reopens_with_a_reason_and_a_non_chair_cannot(login):
    p = panel()
    submit_all(p, [70, 80, 85, 90, 95])
    db.session.commit()
    path = f"/expert/seats/{p.seats[3].id}/reopen"
    assert login(p.experts[1]).post(path, data={"reason": "复核"}).status_code == 403
    chair = login(p.chair)
    assert chair.post(path, data={"reason": ""}).status_code == 422
    assert chair.post(path, data={"reason": "请复核第三项"}).status_code == 302
    db.session.expire_all()
    sheet = db.session.get(ScoreSheet, p.seats[3].sheet.id)
    assert sheet.submitted_at is None and sheet.reopen_reason == "请复核第三项"
    assert db.session.scalar(select(Notification.id).where(
        Notification.user_id == p.experts[3].id)) is not None


def test_chair_sees_totals_only_when_all_are_in_resolves_the_alarm_and_confirms(login):
    p = panel()
    submit_all(p, [60, 80, 85, 90])
    db.session.commit()
    client = login(p.chair)
    page = f"/expert/applications/{p.app.id}/panel"
    html = client.get(page).get_data(as_text=True)
    assert 'id="panel-totals"' not in html and "4 of 5 sheets" in html
    submit(p, 4, 95)
    db.session.commit()
    html = client.get(page).get_data(as_text=True)
    assert 'id="panel-totals"' in html and 'id="alarm"' in html
    assert 'data-action="confirm_panel"' not in html
    assert client.post(f"{page}/confirm").status_code == 422
    assert client.post(f"{page}/alarm", data={"note": ""}).status_code == 422
    assert client.post(f"{page}/alarm", data={"note": "讨论后维持"}).status_code == 302
    assert 'data-action="confirm_panel"' in client.get(page).get_data(as_text=True)
    assert client.post(f"{page}/confirm").status_code == 302
    db.session.expire_all()
    assert p.app.state == AppState.REVIEWED


def test_applicant_pages_never_show_expert_names(login):
    p = panel(names=["张评审", "李评审", "王评审", "赵评审", "钱评审"])
    submit_all(p, [80, 82, 84, 86, 88])
    results.confirm_panel(p.app, actor=p.chair)
    db.session.commit()
    lead = db.session.get(User, p.app.created_by_id)
    client = login(lead)
    for path in (f"/applications/{p.app.id}", "/my", "/notifications"):
        html = client.get(path).get_data(as_text=True)
        assert not any(name in html for name in ("张评审", "李评审", "王评审")), path
    assert client.get(f"/officer/calls/{p.app.call_id}/results").status_code == 403


def test_officer_results_page_shows_progress_reminds_and_ranks(login):
    p = panel()
    p.app.call.review_settings = {"weights": {"review": 0.6, "defense": 0.4}}
    submit_all(p, [80, 82])
    db.session.commit()
    client = login(p.officer)
    page = f"/officer/calls/{p.app.call_id}/results"
    html = client.get(page).get_data(as_text=True)
    assert p.experts[3].name in html and p.experts[1].name not in html  # who is missing
    assert client.post(f"{page}/remind").status_code == 302
    assert db.session.scalar(select(Notification.id).where(
        Notification.user_id == p.experts[4].id, Notification.kind == "reminder"))
    for index in (2, 3, 4):
        submit(p, index, 84)
    results.confirm_panel(p.app, actor=p.chair)
    db.session.commit()
    html = client.get(page).get_data(as_text=True)
    assert 'data-action="record_defense"' in html
    assert 'data-action="record_site_visit"' not in html  # the call weighs no site visit
    assert client.post(f"/officer/applications/{p.app.id}/stages/defense",
                       data={"score": "88"}).status_code == 302
    db.session.expire_all()
    assert results.result_of(p.app).defense_score == 88
    workbook = load_workbook(BytesIO(client.get(
        f"/officer/calls/{p.app.call_id}/ranking.xlsx").data))
    assert workbook.active.cell(3, 2).value == p.app.title


def test_leader_reads_the_ranking_without_progress_or_stage_inputs(login):
    p = panel(3)
    submit_all(p, [80, 82, 84])
    results.confirm_panel(p.app, actor=p.chair)
    db.session.commit()
    client = login(factories.leader())
    html = client.get(f"/officer/calls/{p.app.call_id}/results").get_data(as_text=True)
    assert p.app.title in html and 'id="progress"' not in html
    assert 'data-action="record_defense"' not in html and 'data-action="remind"' not in html
    assert p.experts[1].name not in html
    assert 'href="/results"' in client.get("/").get_data(as_text=True)
