"""The recommender's screens: its region's queue with eligibility and quota, the recommend
form on the application page, the summary sheet downloads, and region isolation."""
import re
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from tests import factories
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.accounts.models.users import User
from workflow.core import clock
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState, CallState
from workflow.intake.models import Application
from workflow.recommendation.models import Recommendation

S = AppState


@dataclass
class Region:
    call: object
    jinan: list  # three submitted applications of Jinan units
    qingdao: object  # one submitted application of a Qingdao unit
    draft: object  # a Jinan draft: no recommender sees it
    rec_jinan: object
    rec_qingdao: object


def titled(app, title: str):
    app.title = title
    return app


@pytest.fixture
def region() -> Region:
    officer = factories.officer()
    call = factories.call(actor=officer, recommender_quota=2)
    jinan = [titled(factories.application(call, factories.applicant(factories.JINAN),
                                          state=S.SUBMITTED), f"济南测试中心{n}")
             for n in range(3)]
    qingdao = titled(factories.application(call, factories.applicant(factories.QINGDAO),
                                           state=S.SUBMITTED), "青岛海洋测试中心")
    draft = titled(factories.application(call, factories.applicant(factories.JINAN)),
                   "济南草稿中心")
    world = Region(call, jinan, qingdao, draft, factories.recommender(factories.JINAN),
                   factories.recommender(factories.QINGDAO))
    db.session.commit()
    return world


def state_of(app) -> str:
    db.session.expire_all()
    return db.session.get(Application, app.id).state


def recommendations() -> list[tuple[int, int]]:
    db.session.expire_all()
    return [tuple(row) for row in db.session.execute(
        select(Recommendation.application_id, Recommendation.rank).order_by(Recommendation.rank))]


def recommend(client, app, rank, opinion="同意推荐，排名靠前。"):
    return client.post(f"/recommender/applications/{app.id}/recommend",
                       data={"rank": str(rank), "opinion": opinion})


def test_queue_lists_the_filed_applications_of_the_own_region_only(region, login):
    html = login(region.rec_jinan).get(f"/recommender/calls/{region.call.id}").get_data(
        as_text=True)
    for app in region.jinan:
        assert f'href="/applications/{app.id}"' in html and app.title in html
    assert region.qingdao.title not in html and region.draft.title not in html
    assert "0 of 2 used" in html and "Free ranks: 1, 2" in html


def test_queue_filters_by_state(region, login):
    client = login(region.rec_jinan)
    assert recommend(client, region.jinan[0], 1).status_code == 302
    html = client.get(f"/recommender/calls/{region.call.id}?state=recommended").get_data(
        as_text=True)
    table = html.split('id="queue"', 1)[1]
    assert region.jinan[0].title in table
    assert region.jinan[1].title not in table and region.jinan[2].title not in table


def test_queue_highlights_a_hard_eligibility_failure(region, login):
    region.jinan[1].lead_org.bad_credit = True
    db.session.commit()
    html = login(region.rec_jinan).get(f"/recommender/calls/{region.call.id}").get_data(
        as_text=True)
    row = next(r for r in html.split("<tr") if region.jinan[1].title in r)
    assert "table-danger" in row and "1 hard failed" in row
    assert "No serious bad-credit record" in row
    clean = next(r for r in html.split("<tr") if region.jinan[0].title in r)
    assert "hard failed" not in clean


def test_queue_shows_the_recommendation_deadline_in_local_time(region, login):
    region.call.recommend_deadline = region.call.closes_at + timedelta(days=10)
    db.session.commit()
    html = login(region.rec_jinan).get(f"/recommender/calls/{region.call.id}").get_data(
        as_text=True)
    local = clock.local(region.call.recommend_deadline).strftime("%Y-%m-%d %H:%M")
    assert local in html.split('id="recommend-deadline"', 1)[1]
    assert "days" in html.split('id="recommend-deadline"', 1)[1]


def test_recommender_index_lists_announced_calls_with_region_counts(region, login):
    planned = factories.call(CallState.PLANNED)
    planned.title = "未公布的批次"
    db.session.commit()
    html = login(region.rec_jinan).get("/recommender").get_data(as_text=True)
    assert f'href="/recommender/calls/{region.call.id}"' in html
    assert "未公布的批次" not in html
    row = html.split(f'href="/recommender/calls/{region.call.id}"', 1)[1].split("</tr>")[0]
    assert "<td>3</td>" in row


def test_recommend_form_offers_free_ranks_and_records_the_recommendation(region, login):
    client = login(region.rec_jinan)
    app = region.jinan[0]
    html = client.get(f"/applications/{app.id}").get_data(as_text=True)
    assert f'action="/recommender/applications/{app.id}/recommend"' in html
    assert re.search(r'<option selected value="1">1</option>|<option value="1" selected>', html)

    response = recommend(client, app, 2, "技术基础扎实，同意推荐。")
    assert response.status_code == 302
    assert recommendations() == [(app.id, 2)]
    assert state_of(app) == S.RECOMMENDED
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.application_id == app.id)
                               .order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.to_state) == ("recommend", S.RECOMMENDED)
    assert "技术基础扎实" in entry.comment

    html = client.get(f"/applications/{app.id}").get_data(as_text=True)
    card = html.split('id="recommendation"', 1)[1]
    assert "Rank 2 of 2" in card and "技术基础扎实，同意推荐。" in card
    assert region.rec_jinan.organization.name in card
    assert 'data-action="recommend"' not in html
    next_html = client.get(f"/applications/{region.jinan[1].id}").get_data(as_text=True)
    assert re.search(r'<option selected value="1">1</option>|<option value="1" selected>',
                     next_html)
    assert '<option value="2"' not in next_html.split('id="recommend"', 1)[1]


def test_lead_applicant_sees_the_recommendation_and_eligibility(region, login):
    client = login(region.rec_jinan)
    recommend(client, region.jinan[0], 1, "同意推荐。")
    lead = db.session.scalars(select(User).where(
        User.organization_id == region.jinan[0].lead_org_id)).first()
    html = login(lead).get(f"/applications/{region.jinan[0].id}").get_data(as_text=True)
    assert "Rank 1 of 2" in html and "同意推荐。" in html
    assert 'id="eligibility"' in html


@pytest.mark.parametrize(("rank", "opinion", "message"), [
    ("1", "排名第一已被占用", "Rank 1 is not free; free ranks: 2."),
    ("9", "超出限额的排名", "Rank 9 is beyond your quota of 2; free ranks: 2."),
    ("1", "   ", "Write the recommendation opinion."),
    ("1", "<script>alert('x')</script>同意", "HTML tags and entities are not accepted"),
    ("abc", "排名不是数字", "Choose one of the free ranks."),
], ids=["rank-taken", "rank-over-quota", "empty-opinion", "hostile-html", "rank-not-number"])
def test_bad_recommendation_is_refused_and_keeps_what_was_typed(region, login, rank, opinion,
                                                                message):
    client = login(region.rec_jinan)
    recommend(client, region.jinan[0], 1)
    before = recommendations()
    app = region.jinan[1]
    response = recommend(client, app, rank, opinion)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html.replace("&#39;", "'")
    assert recommendations() == before
    assert state_of(app) == S.SUBMITTED
    if opinion.strip():
        typed = opinion.replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;")
        assert typed in html
    assert "<script>alert" not in html


def test_used_up_quota_hides_the_recommend_button_and_the_server_refuses(region, login):
    client = login(region.rec_jinan)
    recommend(client, region.jinan[0], 1)
    recommend(client, region.jinan[1], 2)
    last = region.jinan[2]
    html = client.get(f"/applications/{last.id}").get_data(as_text=True)
    assert 'data-action="recommend"' not in html
    assert "Your quota for this call is used up." in html
    assert 'data-action="return"' in html and 'data-action="decline"' in html

    response = recommend(client, last, 1)
    assert response.status_code == 422
    assert "quota for this call is used up (2 of 2)" in response.get_data(as_text=True)
    assert state_of(last) == S.SUBMITTED and len(recommendations()) == 2


def test_passed_recommendation_deadline_hides_the_form(region, login):
    region.call.recommend_deadline = region.call.closes_at
    db.session.commit()
    with factories.clock_at(region.call.closes_at + timedelta(hours=1)):
        html = login(region.rec_jinan).get(f"/applications/{region.jinan[0].id}").get_data(
            as_text=True)
    assert 'data-action="recommend"' not in html
    assert "The recommendation deadline of this call has passed." in html


def test_generic_action_route_does_not_recommend(region, login):
    response = login(region.rec_jinan).post(
        f"/applications/{region.jinan[0].id}/actions/recommend", data={"comment": "同意"})
    assert response.status_code == 404
    assert recommendations() == [] and state_of(region.jinan[0]) == S.SUBMITTED


def isolation_requests(app_id: int):
    yield "GET", f"/applications/{app_id}", None
    yield "POST", f"/recommender/applications/{app_id}/recommend", {"rank": "1", "opinion": "越权"}
    for action in ("return", "decline"):
        yield "POST", f"/applications/{app_id}/actions/{action}", {"comment": "越权"}
    yield "GET", f"/applications/{app_id}/versions/1", None


def test_qingdao_recommender_cannot_see_or_act_on_a_jinan_application(region, login):
    target = region.jinan[0]
    client = login(region.rec_qingdao)
    audit_rows = db.session.scalar(select(func.count()).select_from(AuditEntry))
    for method, path, data in isolation_requests(target.id):
        response = client.open(path, method=method, data=data)
        assert response.status_code == 403, path
        assert target.title not in response.get_data(as_text=True)
        assert target.lead_org.name not in response.get_data(as_text=True)
    assert state_of(target) == S.SUBMITTED and recommendations() == []
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audit_rows


def test_qingdao_queue_and_sheets_hold_nothing_of_jinan(region, login):
    recommend(login(region.rec_jinan), region.jinan[0], 1, "济南推荐意见")
    client = login(region.rec_qingdao)
    assert recommend(client, region.qingdao, 1, "青岛推荐意见").status_code == 302
    html = client.get(f"/recommender/calls/{region.call.id}").get_data(as_text=True)
    assert region.qingdao.title in html
    assert all(app.title not in html for app in region.jinan)
    xlsx = client.get(f"/recommender/calls/{region.call.id}/sheet.xlsx").data
    values = [c for row in load_workbook(BytesIO(xlsx)).active.iter_rows(values_only=True)
              for c in row if c]
    assert region.qingdao.title in values and "青岛推荐意见" in values
    assert not any("济南" in str(v) for v in values)
    pdf = client.get(f"/recommender/calls/{region.call.id}/sheet.pdf").data
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    assert "青岛海洋测试中心" in "".join(text.split())
    assert "济南测试中心" not in "".join(text.split())


@pytest.mark.parametrize(("fmt", "mimetype", "magic"), [
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
    ("pdf", "application/pdf", b"%PDF"),
])
def test_sheet_downloads_with_a_chinese_file_name(region, login, fmt, mimetype, magic):
    client = login(region.rec_jinan)
    recommend(client, region.jinan[1], 2)
    recommend(client, region.jinan[0], 1)
    response = client.get(f"/recommender/calls/{region.call.id}/sheet.{fmt}")
    assert response.status_code == 200
    assert response.mimetype == mimetype and response.data.startswith(magic)
    name = f"{region.rec_jinan.organization.name}{region.call.title}推荐汇总表.{fmt}"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(name)}" in disposition
    if fmt == "xlsx":
        ws = load_workbook(BytesIO(response.data)).active
        assert [ws.cell(r, 2).value for r in (3, 4)] == [region.jinan[0].title,
                                                       region.jinan[1].title]


def test_recommendation_link_in_navbar_only_for_recommenders(region, login):
    assert 'href="/recommender"' in login(region.rec_jinan).get("/").get_data(as_text=True)
    officer = factories.officer()
    db.session.commit()
    assert 'href="/recommender"' not in login(officer).get("/").get_data(as_text=True)
