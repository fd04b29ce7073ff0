"""Annual reports as the department runs them: the officer opens the 2023 round in January
2024, due at the end of March; each center under construction files its values against its
task book with the narrative; its city passes it on or returns it with reasons; then the
officer accepts it or returns it. Every step is in the audit trail and tells the next actor."""
import io
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.reports.world import NARRATIVE, OPENED, build, full_values, open_2023
from workflow.centers.indicators import BY_CODE
from workflow.core.clock import LOCAL
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.inbox.models import Notification
from workflow.reports import queries
from workflow.reports.models import SECTIONS, AnnualReport, ReportState
from workflow.reports.operations import filing, review, rounds

MARCH = datetime(2024, 3, 1, 10, 0, tzinfo=LOCAL)


@pytest.fixture
def world(restored):
    return restored("reports", build)


def report_of(round_, app) -> AnnualReport:
    return db.session.scalar(select(AnnualReport).where(
        AnnualReport.round_id == round_.id, AnnualReport.application_id == app.id))


def told(user, kind: str) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind)))


def audited(action: str, app) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == action, AuditEntry.application_id == app.id)))


def file(report, lead, **overrides):
    with factories.clock_at(MARCH):
        filing.save_report(report, values=full_values(**overrides), narrative=NARRATIVE,
                           submit=True, actor=lead)


def test_opening_a_round_gives_each_center_under_construction_its_report(world):
    round_ = open_2023(world)
    reports = db.session.scalars(select(AnnualReport).where(
        AnnualReport.round_id == round_.id)).all()
    assert {r.application_id for r in reports} == {world.apps[k].id for k in "abc"}
    assert all(r.state == ReportState.DRAFTING and not r.late for r in reports)
    assert round_.due_at == datetime(2024, 3, 31, 23, 59, 59, tzinfo=LOCAL)
    # The approved center without a signed task book has nothing to report yet.
    assert report_of(round_, world.apps["approved"]) is None
    note = told(world.users["lead_a"], "report_due")
    assert len(note) == 1 and f"/reports/{report_of(round_, world.apps['a']).id}" in note[0].link
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "open_report_round"))
    assert entry.actor_id == world.users["officer"].id and "2023" in entry.comment


def test_a_round_opens_once_per_year_and_type_with_a_deadline_after_the_year(world):
    open_2023(world)
    with factories.clock_at(OPENED), pytest.raises(ServiceError, match="已开启"):
        open_2023(world)
    with factories.clock_at(OPENED), pytest.raises(ServiceError, match="截止时间须晚于当前时间"):
        rounds.open_round(year=2022, platform_type=world.platform_type,
                          due_on=datetime(2024, 1, 1).date(), actor=world.users["officer"])
    with factories.clock_at(OPENED), pytest.raises(ServiceError, match="以往年度或当年"):
        rounds.open_round(year=2025, platform_type=world.platform_type,
                          due_on=datetime(2026, 3, 31).date(), actor=world.users["officer"])
    with factories.clock_at(OPENED), pytest.raises(PermissionDenied):
        rounds.open_round(year=2022, platform_type=world.platform_type,
                          due_on=datetime(2024, 3, 31).date(), actor=world.users["rec_jinan"])


def test_a_report_is_filed_only_with_every_value_and_section(world):
    report = report_of(open_2023(world), world.apps["a"])
    lead = world.users["lead_a"]
    with factories.clock_at(MARCH):
        filing.save_report(report, values={"rd_spending": "1500"}, narrative={"progress": "短"},
                           actor=lead)
        assert report.value_of("rd_spending") == Decimal("1500.00")
        with pytest.raises(ServiceError) as refused:
            filing.submit_report(report, actor=lead)
    assert str(BY_CODE["rd_staff"].label) in str(refused.value)
    assert str(dict(SECTIONS)["plan"]) in str(refused.value)
    assert report.state == ReportState.DRAFTING and report.first_filed_at is None


def test_bad_values_keep_nothing_and_say_which_indicator(world):
    report = report_of(open_2023(world), world.apps["a"])
    with pytest.raises(ServiceError) as refused:
        filing.save_report(report, values=full_values(patents_granted="2.5"),
                           narrative=NARRATIVE, actor=world.users["lead_a"])
    assert str(BY_CODE["patents_granted"].label) in str(refused.value)
    assert report.values == [] and report.narrative == {}


def test_the_city_then_the_department_with_returns_and_reasons(world):
    round_ = open_2023(world)
    report = report_of(round_, world.apps["a"])
    lead, city, officer = world.users["lead_a"], world.users["rec_jinan"], world.users["officer"]
    file(report, lead, rd_spending="1399.99", standards="1")
    assert report.state == ReportState.SUBMITTED and not report.late
    assert told(city, "handoff_report_city") and not told(world.users["rec_qingdao"],
                                                          "handoff_report_city")
    # Another city and the lead unit itself cannot review it.
    for outsider in (world.users["rec_qingdao"], lead, officer):
        with pytest.raises(PermissionDenied):
            review.city_review(report, passed=True, actor=outsider)
    with pytest.raises(ServiceError, match="理由"):
        review.city_review(report, passed=False, reason="  ", actor=city)
    review.city_review(report, passed=False, reason="研发投入数据缺少审计报告。", actor=city)
    assert (report.state, report.returned_by_role) == (ReportState.RETURNED, "recommender")
    assert "缺少审计报告" in told(lead, "report_returned")[0].body
    assert audited("city_return_report", world.apps["a"])[0].comment == "研发投入数据缺少审计报告。"

    file(report, lead, rd_spending="1399.99", standards="1")
    review.city_review(report, passed=True, actor=city)
    assert report.state == ReportState.CITY_PASSED and told(officer, "handoff_report_officer")
    review.officer_review(report, accepted=False, reason="请补充标准起草证明材料。", actor=officer)
    assert (report.state, report.returned_by_role) == (ReportState.RETURNED, "officer")
    file(report, lead, rd_spending="1399.99", standards="1")
    review.city_review(report, passed=True, actor=city)
    review.officer_review(report, accepted=True, actor=officer)
    assert report.state == ReportState.ACCEPTED and told(lead, "report_accepted")
    assert [e.role for e in audited("submit_report", world.apps["a"])] == ["applicant"] * 3
    # Two indicators miss their 2023 target: R&D spending (1399.99 of 1400), standards (1 of 4).
    measures = {m.indicator.code: m for m in queries.report_measures(report)}
    assert [c for c, m in measures.items() if m.missed] == ["rd_spending", "standards"]
    assert measures["rd_spending"].share == Decimal("99.9")
    assert measures["transfer_profit"].share is None  # its target is zero
    # Accepted, nothing more to do: neither side may change or review it again.
    with pytest.raises(PermissionDenied):
        filing.save_report(report, values=full_values(), narrative=NARRATIVE, actor=lead)
    with pytest.raises(PermissionDenied):
        review.officer_review(report, accepted=True, actor=officer)


def test_the_statistics_sum_accepted_reports_only_per_year_and_platform_type(world):
    round_ = open_2023(world)
    city, officer = world.users["rec_jinan"], world.users["officer"]
    for key, spend in (("a", "1000.50"), ("b", "200.25")):
        report = report_of(round_, world.apps[key])
        file(report, world.users[f"lead_{key}"], rd_spending=spend)
        review.city_review(report, passed=True, actor=city)
        review.officer_review(report, accepted=True, actor=officer)
    file(report_of(round_, world.apps["c"]), world.users["lead_c"], rd_spending="999")  # filed
    rows = {r.code: r for r in queries.indicator_totals(first_year=2023, last_year=2023)}
    assert rows["rd_spending"].total == Decimal("1200.75") and rows["rd_spending"].reports == 2
    assert rows["rd_staff"].total == Decimal(100)
    assert rows["rd_spending"].platform_type_id == world.platform_type.id
    assert queries.totals_by_year()[2023]["rd_spending"] == Decimal("1200.75")
    assert queries.indicator_totals(first_year=2024) == []
    assert queries.indicator_totals(platform_type_id=world.platform_type.id + 999) == []


def test_pdf_attachments_are_checked_like_the_applications(world):
    report = report_of(open_2023(world), world.apps["a"])
    lead = world.users["lead_a"]
    kept = filing.store_report_attachment(report, filename="../审计报告.pdf",
                                          stream=io.BytesIO(factories.PDF), actor=lead)
    assert kept.original_name == "审计报告.pdf" and len(kept.sha256) == 64
    assert filing.read_report_attachment(kept) == factories.PDF
    with pytest.raises(ServiceError):
        filing.store_report_attachment(report, filename="x.pdf",
                                       stream=io.BytesIO(b"<html>not a pdf</html>"), actor=lead)
    with pytest.raises(PermissionDenied):
        filing.store_report_attachment(report, filename="x.pdf",
                                       stream=io.BytesIO(factories.PDF),
                                       actor=world.users["lead_b"])
    filing.remove_report_attachment(kept, actor=lead)
    assert queries.current_attachments(report) == []
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action.in_(["upload_report_attachment", "remove_report_attachment"]))) == 2
