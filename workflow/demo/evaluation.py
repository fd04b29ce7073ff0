"""The 2025 evaluation of the 2022 centers operating after their acceptance: a third-party
body reviews each one, the officer records the reviews (all four grades appear), closes the
round and announces its results for five working days; a person objects to a grade and the
officer dismisses the objection; the period over, the results are final, the officer issues
the numbered results document in January 2026 and the center graded 不合格 rectifies: its
plan is filed a week later and accepted, and its rectification report is due in January 2027
(the lead unit's desk asks for it)."""
from __future__ import annotations

import io
from datetime import datetime
from typing import TYPE_CHECKING

from workflow.core.clock import LOCAL, freeze
from workflow.core.extensions import db
from workflow.demo.steps import tiny_pdf
from workflow.evaluation import operations as evaluation
from workflow.evaluation import rules
from workflow.evaluation.operations import results
from workflow.publicity.operations.objections import Filing

if TYPE_CHECKING:  # after_approval lists this step: it is imported from there
    from workflow.demo.after_approval import World

REVIEWER = "山东省科技评估中心（第三方评估机构）"
# Scores in the order of the operating centers: the first is graded 不合格, then the three
# other grades in turn (thresholds 90 / 80 / 60, the defaults).
SCORES = ("52.5", "93.0", "86.5", "74.0")
OPINIONS = {
    "52.5": "年度报告显示研发投入和成果转化收入均未达到任务书年度目标，运行管理制度不健全，"
            "评估结论为不合格。",
    "93.0": "运行管理规范，研发投入持续增长，关键技术攻关和成果转化成效显著，评估结论为优秀。",
    "86.5": "运行情况良好，主要指标达到任务书目标，产学研协同有待加强，评估结论为良好。",
    "74.0": "基本完成年度目标，部分指标低于预期，需加强人才引进，评估结论为合格。",
}


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL)


def seed(world: World) -> None:
    freeze(at(2025, 12, 8, 10))
    row = evaluation.open_round(world.call.platform_type, 2025, actor=world.officer)
    for n, item in enumerate(row.evaluations):
        score = SCORES[n % len(SCORES)] if n < len(SCORES) else SCORES[1 + n % 3]
        freeze(at(2025, 12, 19, 9, n))
        evaluation.rate_center(item, score=score, opinion=OPINIONS[score], reviewer=REVIEWER,
                               report_filename=f"评估报告{n + 1}.pdf",
                               report=io.BytesIO(tiny_pdf(f"Evaluation report {n + 1}")),
                               actor=world.officer)
    freeze(at(2025, 12, 26, 15))
    evaluation.close_round(row, actor=world.officer)
    announcement = results.publish_results(row, workdays=5, texts=results.default_texts(row),
                                           actor=world.officer)
    _object_and_dismiss(world, announcement, row.evaluations[3])
    freeze(at(2026, 1, 7, 2))  # `flask tick` after the period
    results.end_periods()
    freeze(at(2026, 1, 8, 10))
    results.issue_results(row, actor=world.officer)
    rectifying = row.evaluations[0].application
    freeze(at(2026, 1, 16, 11))
    evaluation.file_plan(
        rules.open_rectification(rectifying),
        text="一、健全运行管理制度；二、2026年研发投入提高至任务书目标；三、建立成果转化专班，"
             "按季度报告进展。",
        filename="整改方案.pdf", stream=io.BytesIO(tiny_pdf("Rectification plan")),
        actor=world.lead_of[rectifying.id])
    freeze(at(2026, 1, 26, 15))  # the officer accepts the plan: the report is due in January 2027
    evaluation.accept_plan(rules.open_rectification(rectifying), actor=world.officer)
    db.session.flush()
    world.notes["rectification"] = rectifying.id
    world.notes["evaluation_round"] = row.id
    world.notes["evaluation_announcement"] = announcement.id


def _object_and_dismiss(world: World, announcement, item) -> None:
    """A person objects to the 合格 of a center; the officer finds the objection groundless."""
    freeze(at(2025, 12, 29, 14))
    objection = results.file_objection(announcement, Filing(
        kind="person", entry_id=item.id, person_name="王建国", phone="13906418827",
        content=f"{item.center_name}2024年度牵头承担国家重点研发计划项目2项，评估结论未予体现，"
                "申请复核评估等级。"), actor=None)
    freeze(at(2025, 12, 31, 10))
    results.decide_objection(
        objection, outcome="dismissed", actor=world.officer,
        reason="经复核，所述国家重点研发计划项目已在年度报告和专家评估中计入，评估等级维持合格。")