"""Every list of applications, units, experts and users has a search box: applications by
title, by the name and credit code of the lead unit and of the co-builders. What is typed is
matched as typed (% and _ are characters), a credit code with spaces or in small letters
too; the search stays with the filters and the pages, and a list never shows more than its
reader may see. A searched list issues as many statements for 10 rows as for 60."""
from urllib.parse import unquote

import pytest
from sqlalchemy import update

from tests import factories, publicity_world
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from tests.web.test_queries import counted_statements, insert_applications
from workflow.core.extensions import db
from workflow.core.states import AppState, Role
from workflow.intake.models import Application

HOSTILE = "<script>alert(1)</script>"


def shown(html: str, table: str) -> list[int]:
    """The ids of the applications the table with id `table` lists (its rows' data-app)."""
    part = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    return [int(p.split('"', 1)[0]) for p in part.split('data-app="')[1:]]


class Filed:
    """A call with three filed applications of Jinan (one with a co-builder) and one of
    Qingdao, named so that each search below finds a known set."""

    def __init__(self, state: AppState):
        self.officer = factories.officer()
        self.call = factories.call(actor=self.officer)
        self.apps = [factories.application(self.call, state=state, cobuilder=n == 1)
                     for n in range(3)]
        self.apps.append(factories.application(
            self.call, factories.applicant(factories.QINGDAO), state=state))
        titles = ("山东省激光100%技术创新中心", "山东省焊接_装备技术创新中心",
                  "山东省工业软件技术创新中心", "山东省海洋技术创新中心")
        units = ("华光光电", "泰山重工", "浪潮软件", "青岛海工")
        for n, (app, title, unit) in enumerate(zip(self.apps, titles, units, strict=True)):
            app.title = title
            app.lead_org.name = f"{unit}股份有限公司{n}"
        db.session.commit()

    def code(self, n: int) -> str:
        return self.apps[n].lead_org.credit_code


SEARCHES = [
    (lambda f: "激光", [0]),
    (lambda f: "100%", [0]),
    (lambda f: "%", [0]),  # the one title with a percent sign, not every row
    (lambda f: "_", [1]),
    (lambda f: "浪潮", [2]),
    (lambda f: f.code(2)[-6:].lower(), [2]),
    (lambda f: f"{f.code(2)[:9]} {f.code(2)[9:]}", [2]),
    (lambda f: "测试大学", [1]),  # the co-builder
    (lambda f: HOSTILE, []),
    (lambda f: "   ", [0, 1, 2, 3]),
]


@pytest.fixture
def recommended() -> Filed:
    return Filed(AppState.RECOMMENDED)


@pytest.mark.parametrize(("query", "expected"), SEARCHES)
@pytest.mark.parametrize(("path", "table"), [("/officer/calls/{call}", "applications"),
                                             ("/officer/calls/{call}/formal-review",
                                              "formal-review-queue")])
def test_the_officers_lists_find_title_unit_code_and_cobuilder(recommended, login, query,
                                                               expected, path, table):
    html = login(recommended.officer).get(path.format(call=recommended.call.id),
                                          query_string={"q": query(recommended)}).get_data(
        as_text=True)
    assert sorted(shown(html, table)) == sorted(recommended.apps[n].id for n in expected)
    assert HOSTILE not in html


def test_the_recommender_finds_only_in_its_own_region(login):
    filed = Filed(AppState.SUBMITTED)
    jinan = factories.recommender(factories.JINAN)
    db.session.commit()
    client = login(jinan)
    assert shown(client.get(f"/recommender/calls/{filed.call.id}?q=股份").get_data(
        as_text=True), "queue") == [a.id for a in filed.apps[:3]]
    assert shown(client.get(f"/recommender/calls/{filed.call.id}?q=青岛海工").get_data(
        as_text=True), "queue") == []
    found = client.get(f"/recommender/calls/{filed.call.id}",
                       query_string={"q": filed.code(1).lower(), "state": "submitted"})
    assert shown(found.get_data(as_text=True), "queue") == [filed.apps[1].id]


def test_the_panels_page_finds_by_credit_code(login):
    filed = Filed(AppState.FORMAL_PASSED)
    html = login(filed.officer).get(f"/officer/calls/{filed.call.id}/panels",
                                    query_string={"q": filed.code(3)}).get_data(as_text=True)
    assert f'id="panel-{filed.apps[3].id}"' in html
    assert all(f'id="panel-{a.id}"' not in html for a in filed.apps[:3])


def test_the_applicant_finds_only_its_own(login):
    lead = factories.applicant()
    call = factories.call()
    mine = factories.application(call, lead)
    mine.title = "山东省自有技术创新中心"
    theirs = factories.application(factories.call(), state=AppState.SUBMITTED)
    theirs.title = "山东省自有之外技术创新中心"
    db.session.commit()
    client = login(lead)
    html = client.get("/my?q=自有").get_data(as_text=True)
    assert mine.title in html and theirs.title not in html
    assert "测试申报批次" in client.get("/my?q=测试申报").get_data(as_text=True)  # the call
    assert "No application matches." in client.get("/my?q=无此").get_data(as_text=True)


def test_results_and_selection_keep_the_rank_of_what_they_find(login):
    world = publicity_world.world("半导体激光", "工业软件", "焊接装备")
    db.session.commit()
    second = world.apps[1]
    code = second.lead_org.credit_code
    for path, client in ((f"/officer/calls/{world.call.id}/results", login(world.officer)),
                         (f"/leader/calls/{world.call.id}/selection", login(world.leader))):
        html = client.get(path, query_string={"q": code.lower()}).get_data(as_text=True)
        table = "ranking" if "results" in path else "selection"
        assert shown(html, table) == [second.id], path
        rows = html.split(f'id="{table}"', 1)[1]
        rank = rows.split(f'data-app="{second.id}"', 1)[1].split("</td>", 1)[0]
        assert rank.rsplit(">", 1)[1].strip() == "2", path  # its place in the whole ranking


def test_pages_carry_the_search_and_the_filters(recommended, login):
    insert_applications(recommended.call, 60)
    client = login(recommended.officer)
    db.session.execute(update(Application).values(
        state=AppState.SUBMITTED, submitted_at=Application.created_at).where(
        Application.title.like("批量%")))
    db.session.commit()
    html = client.get(f"/officer/calls/{recommended.call.id}?q=批量&state=submitted").get_data(
        as_text=True)
    links = [unquote(link) for link in html.split('class="page-link" href="')[1:]]
    assert links and all("q=批量" in link and "state=submitted" in link for link in links)
    second = client.get(unquote(links[1].split('"', 1)[0].replace("&amp;", "&"))).get_data(
        as_text=True)
    assert len(shown(second, "applications")) == 25
    form = html.split('id="bulk-form"', 1)[1]
    assert '<input type="hidden" name="q" value="批量">' in form


def test_a_searched_list_issues_the_same_statements_for_10_and_60_rows(login):
    officer = factories.officer()
    call = factories.call(actor=officer)
    db.session.commit()
    client = login(officer)

    def measure() -> tuple[int, int]:
        db.session.expire_all()
        with counted_statements() as statements:
            html = client.get(f"/officer/calls/{call.id}?q=批量企业").get_data(as_text=True)
        return len(statements), len(shown(html, "applications"))

    insert_applications(call, 10)
    few, rows_few = measure()
    insert_applications(call, 50, start=10)
    many, rows_many = measure()
    assert (rows_few, rows_many) == (10, 25) and many == few


def test_units_and_users_are_found_by_credit_code(login):
    officer = factories.officer()
    waiting = factories.org(factories.QINGDAO, "青岛待核企业有限公司", status="unverified")
    person = factories.user(Role.APPLICANT, organization=factories.org(name="济南查找有限公司"))
    db.session.commit()
    client = login(officer)
    html = client.get("/verification", query_string={
        "q": waiting.credit_code.lower()}).get_data(as_text=True)
    assert "青岛待核企业有限公司" in html
    html = client.get("/officer/users", query_string={
        "q": person.organization.credit_code}).get_data(as_text=True)
    assert person.email in html and officer.email not in html.split('id="users"', 1)[1]

