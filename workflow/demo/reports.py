"""The annual reports of the 2022 centers (issue 13): the department opens the round for 2023
in January 2024, due 31 March 2024, and the one for 2024 in January 2025, due 31 March 2025.
Each center files its values (most at or above their yearly targets, some short of them),
the narrative and its audited accounts as a PDF; its city passes it on, then the
department accepts it. In 2023 one report is returned by a city and one by the department,
and one center files late (flagged by the tick when the deadline passes); in 2024 one is
returned by the department, one still waits for its city and one for the department."""
from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from workflow.centers.indicators import INDICATORS
from workflow.core.clock import LOCAL, freeze
from workflow.core.extensions import db
from workflow.demo.steps import tiny_pdf
from workflow.reports.models import AnnualReport
from workflow.reports.operations import filing, review, rounds
from workflow.reports.rules import yearly_targets
from workflow.task_books.models import TaskBook, TaskBookState

if TYPE_CHECKING:  # after_approval lists this step: it is imported from there
    from workflow.demo.after_approval import World

# What a center reaches of its yearly target, by its place in the list: most reach it, some
# fall short (the round pages and the statistics show them).
SHARES = (Decimal("1.12"), Decimal("1.05"), Decimal("1.00"), Decimal("1.20"), Decimal("0.86"),
          Decimal("1.08"), Decimal("0.95"), Decimal("1.30"), Decimal("1.02"), Decimal("0.78"))
# Without a target: a plausible value of the year for a center of this size.
DEFAULTS = {"rd_spending": 1800, "rd_staff": 60, "patents_applied": 12, "patents_granted": 5,
            "standards": 2, "projects_national": 1, "projects_provincial": 3,
            "funds_received": 600, "transfer_revenue": 900, "transfer_profit": 150,
            "incubated_enterprises": 2, "sme_services": 80}


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A moment in Beijing time (as after_approval.at)."""
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL)


def _values(targets: dict, n: int, year: int) -> dict[str, str]:
    share = SHARES[n % len(SHARES)] + Decimal("0.04") * (year - 2023)
    values = {}
    for i, indicator in enumerate(INDICATORS):
        base = targets.get(indicator.code) or Decimal(DEFAULTS[indicator.code])
        # Not every indicator of a center moves alike: every third one reaches its target.
        value = base * (max(share, Decimal(1)) if (i + n) % 3 == 0 else share)
        step = Decimal("0.01") if indicator.money else Decimal(1)
        values[indicator.code] = str(value.quantize(step))
    return values


def _narrative(name: str, year: int) -> dict[str, str]:
    return {
        "progress": f"{year}年，{name}围绕领域关键共性技术开展联合攻关，研发平台和中试线建设"
                    "按任务书推进，新增研发人员并完善了成果转化机制。",
        "tasks_done": f"完成{year}年度任务书确定的研发任务和平台建设任务，主要技术指标通过第三方"
                      "检测，相关成果已在行业骨干企业应用。",
        "problems": "高层次人才引进和中试验证资金仍有缺口，部分进口设备到货周期较长，影响了个别"
                    "任务的进度。",
        "plan": f"{year + 1}年将加快中试平台运行，扩大对中小企业的技术服务，推进两项以上成果转化，"
                "并按期完成年度考核指标。",
    }


def _targets(app_ids: list[int], year: int) -> dict[int, dict]:
    return {book.application_id: yearly_targets(book.indicators, year)
            for book in db.session.scalars(select(TaskBook).where(
                TaskBook.application_id.in_(app_ids), TaskBook.state == TaskBookState.SIGNED))}


def _file(world: World, report: AnnualReport, n: int, targets: dict, when) -> None:
    freeze(when)
    lead = world.lead_of[report.application_id]
    filing.save_report(report, values=_values(targets, n, report.round.year),
                       narrative=_narrative(report.center.name, report.round.year), actor=lead)
    if not report.attachments:
        filing.store_report_attachment(
            report, filename=f"{report.round.year}年度财务审计报告.pdf", actor=lead,
            stream=io.BytesIO(tiny_pdf(f"Audited accounts {report.round.year}")))
    filing.submit_report(report, actor=lead)


def _round(world: World, year: int, *, returned_by_city: int | None, returned_by_officer: int,
           late: int | None, waiting_city: int | None, waiting_officer: int | None) -> None:
    """One round: opened in the second week of January, due 31 March, reports filed through
    February and March, reviewed by the cities within days and by the department in April."""
    freeze(at(year + 1, 1, 8, 10))
    round_ = rounds.open_round(year=year, platform_type=world.call.platform_type,
                               due_on=date(year + 1, 3, 31), actor=world.officer)
    reports = list(db.session.scalars(select(AnnualReport).where(
        AnnualReport.round_id == round_.id).order_by(AnnualReport.application_id)))
    targets = _targets([r.application_id for r in reports], year)
    order = {app.id: n for n, app in enumerate(world.centers)}
    for report in reports:
        n = order.get(report.application_id, 0)
        if n == late:
            continue
        _file(world, report, n, targets.get(report.application_id, {}),
              at(year + 1, 2 + n % 2, 10 + n % 15, 9 + n % 8))
    freeze(at(year + 1, 3, 25, 9))
    rounds.remind_due_reports()
    freeze(at(year + 1, 4, 1, 0, 30))
    rounds.flag_late_reports()
    for report in reports:
        n = order.get(report.application_id, 0)
        if n == late:
            _file(world, report, n, targets.get(report.application_id, {}),
                  at(year + 1, 4, 12, 16))
        if n == waiting_city:
            continue
        city = world.recommender_of(report.application)
        if n == returned_by_city:
            freeze(at(year + 1, 4, 2, 10))
            review.city_review(report, passed=False, actor=city,
                               reason="研发投入数据与财务审计报告不一致，请核实后重新填报。")
            _file(world, report, n, targets.get(report.application_id, {}),
                  at(year + 1, 4, 8, 15))
        freeze(at(year + 1, 4, 15, 10))
        review.city_review(report, passed=True, actor=city, reason="经审核，同意报送。")
        if n == waiting_officer:
            continue
        if n == returned_by_officer:
            freeze(at(year + 1, 4, 22, 10))
            review.officer_review(report, accepted=False, actor=world.officer,
                                  reason="标准起草情况缺少证明材料，请补充后重新报送。")
            _file(world, report, n, targets.get(report.application_id, {}),
                  at(year + 1, 4, 26, 11))
            freeze(at(year + 1, 4, 28, 10))
            review.city_review(report, passed=True, actor=city, reason="补充材料齐全，同意报送。")
        freeze(at(year + 1, 4, 29, 15))
        review.officer_review(report, accepted=True, actor=world.officer)


def seed(world: World) -> None:
    _round(world, 2023, returned_by_city=2, returned_by_officer=4, late=6, waiting_city=None,
           waiting_officer=None)
    _round(world, 2024, returned_by_city=None, returned_by_officer=8, late=None,
           waiting_city=10, waiting_officer=12)
