"""The report pages as people use them: the officer opens a round with its form and sees
every center with its state, late flag and indicators below target, in a fixed number of
statements; the lead unit writes its report (a wrong value is named and nothing typed is
lost) and files it; the city and the officer find it on their desks and decide on its page,
where the indicators below target are marked against the target."""
import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from tests import factories
from tests.reports.world import NARRATIVE, TARGETS, build, full_values, open_2023, signed_book
from tests.web.test_queries import counted_statements
from workflow.core.clock import LOCAL
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.reports.models import AnnualReport, ReportRound, ReportState
from workflow.reports.operations import filing, rounds

MARCH = datetime(2024, 3, 1, 10, 0, tzinfo=LOCAL)


@pytest.fixture
def world(restored):
    return restored("reports", build)


def report_of(world, key) -> AnnualReport:
    return db.session.scalar(select(AnnualReport).where(
        AnnualReport.application_id == world.apps[key].id))


def form_of(**values) -> dict:
    data = {f"v_{code}": value for code, value in full_values(**values).items()}
    data.update({f"s_{key}": text for key, text in NARRATIVE.items()})
    return data


def test_the_officer_opens_a_round_with_the_form_and_a_wrong_one_keeps_the_input(
        world, login_as):
    client = login_as(world.users["officer"])
    bad = client.post("/officer/reports", data={"year": "2026",
                                                "platform_type_id": world.platform_type.id,
                                                "due_on": "2020-03-31"})
    assert bad.status_code == 422 and "2020-03-31" in bad.text
    assert db.session.scalar(select(ReportRound.id)) is None
    year = date.today().year - 1
    sent = client.post("/officer/reports", data={"year": str(year),
                                                 "platform_type_id": world.platform_type.id,
                                                 "due_on": f"{year + 2}-03-31"})
    round_ = db.session.scalar(select(ReportRound))
    assert sent.status_code == 302 and sent.location.endswith(f"/officer/reports/{round_.id}")
    page = client.get(sent.location).text
    assert page.count('href="/reports/') == 3


def test_the_round_page_shows_state_late_and_missed_in_fixed_statements(world, login_as):
    first = open_2023(world)
    with factories.clock_at(MARCH):
        filing.save_report(report_of(world, "a"), values=full_values(rd_spending="1000",
                                                                     standards="1"),
                           narrative=NARRATIVE, submit=True, actor=world.users["lead_a"])
    with factories.clock_at(datetime(2024, 4, 2, tzinfo=LOCAL)):
        rounds.flag_late_reports()
    client = login_as(world.users["officer"])

    def shown(round_id):
        with counted_statements() as statements:
            html = client.get(f"/officer/reports/{round_id}").text
        return len(statements), html

    n_small, html = shown(first.id)
    rows = html.split('id="reports"', 1)[1].split("</table>", 1)[0]
    assert rows.count("<tr>") == 1 + 3
    assert rows.count("text-bg-danger") == 2  # b and c, never filed
    assert re.search(r'text-bg-warning">2<', rows)  # a: R&D spending and standards missed
    # Two more centers, a second round of all five: the same statements for the page.
    for _n in range(2):
        app = factories.application(lead=factories.applicant(),
                                    state=AppState.UNDER_CONSTRUCTION)
        signed_book(app, TARGETS, 2022)
    with factories.clock_at(MARCH):
        second = rounds.open_round(year=2022, platform_type=world.platform_type,
                                   due_on=date(2024, 6, 30), actor=world.users["officer"])
    for key in "bc":
        report = db.session.scalar(select(AnnualReport).where(
            AnnualReport.round_id == second.id,
            AnnualReport.application_id == world.apps[key].id))
        with factories.clock_at(MARCH):
            filing.save_report(report, values=full_values(), narrative=NARRATIVE, submit=True,
                               actor=world.users[f"lead_{key}"])
    db.session.commit()
    n_large, html = shown(second.id)
    assert html.split('id="reports"', 1)[1].split("</table>", 1)[0].count("<tr>") == 1 + 5
    assert n_large == n_small
    filtered = client.get(f"/officer/reports/{first.id}?late=1").text
    assert filtered.split('id="reports"', 1)[1].count("<tr>") == 1 + 2


def test_the_lead_unit_writes_and_files_and_a_wrong_value_is_named_and_kept(world, login_as):
    open_2023(world)
    report = report_of(world, "a")
    client = login_as(world.users["lead_a"])
    assert f"/reports/{report.id}" in client.get("/desk").text
    bad = client.post(f"/reports/{report.id}/edit", data=form_of(rd_staff="五十"))
    assert bad.status_code == 422 and 'value="五十"' in bad.text and NARRATIVE["plan"] in bad.text
    assert report.values == []
    saved = client.post(f"/reports/{report.id}/edit", data=form_of(standards="1"))
    assert saved.status_code == 302 and saved.location.endswith(f"/reports/{report.id}/edit")
    filed = client.post(f"/reports/{report.id}/edit",
                        data={**form_of(standards="1"), "file": "1"})
    assert filed.status_code == 302
    db.session.expire_all()
    assert report_of(world, "a").state == ReportState.SUBMITTED
    page = client.get(f"/reports/{report.id}").text
    table = page.split('id="measures"', 1)[1].split("</table>", 1)[0]
    standards = table.split('data-code="standards"', 1)[1].split("</tr>", 1)[0]
    assert "1" in standards and "4" in standards and "25.0 %" in standards
    assert table.count("table-warning") == 1


def test_the_city_then_the_officer_find_it_on_their_desk_and_decide_on_its_page(world,
                                                                                login_as):
    open_2023(world)
    report = report_of(world, "a")
    filing.save_report(report, values=full_values(), narrative=NARRATIVE, submit=True,
                       actor=world.users["lead_a"])
    db.session.commit()
    city = login_as(world.users["rec_jinan"])
    assert f"/reports/{report.id}" in city.get("/desk").text
    assert f"/reports/{report.id}" in city.get("/recommender/reports").text
    refused = city.post(f"/reports/{report.id}/review", data={"decision": "return", "reason": ""})
    assert refused.status_code == 422
    assert city.post(f"/reports/{report.id}/review",
                     data={"decision": "pass"}).status_code == 302
    officer = login_as(world.users["officer"])
    assert f"/reports/{report.id}" in officer.get("/desk").text
    assert officer.post(f"/reports/{report.id}/review",
                        data={"decision": "return", "reason": "请补充说明。"}).status_code == 302
    db.session.expire_all()
    assert report_of(world, "a").state == ReportState.RETURNED
    lead = login_as(world.users["lead_a"])
    assert "请补充说明。" in lead.get(f"/reports/{report.id}").text


def test_the_city_and_unit_lists_issue_the_same_statements_for_more_reports(world, login_as):
    open_2023(world)
    db.session.commit()
    city = login_as(world.users["rec_jinan"])

    def counted(client, path):
        with counted_statements() as statements:
            html = client.get(path).text
        return len(statements), html.split('id="reports"', 1)[1].count("<tr>")

    few = counted(city, "/recommender/reports")
    with factories.clock_at(MARCH):
        rounds.open_round(year=2022, platform_type=world.platform_type,
                          due_on=date(2024, 6, 30), actor=world.users["officer"])
    db.session.commit()
    more = counted(city, "/recommender/reports")
    assert (few[1], more[1]) == (1 + 2, 1 + 4) and few[0] == more[0]
    lead = login_as(world.users["lead_a"])
    assert counted(lead, "/reports")[1] == 1 + 2
