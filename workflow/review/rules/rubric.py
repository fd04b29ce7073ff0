"""The scoring rubric as data: dimensions of items with their maximum points, the veto items,
and the grade bands. A call may carry its own rubric (Call.rubric); empty means the default.
An item may name fields of the application form ("fields", by their names): the score sheet
shows what the application gives for them (review/queries/figures.py).
"""
from collections.abc import Iterator

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

DEFAULT_RUBRIC = {
    "dimensions": [
        {"code": "industry", "label": "产业引领", "items": [
            {"code": "industry_standing", "label": "行业地位", "max": 8},
            {"code": "industry_chain", "label": "产业链带动作用", "max": 6},
            {"code": "industry_fit", "label": "与重点产业契合度", "max": 6},
        ]},
        {"code": "innovation", "label": "创新能力", "items": [
            {"code": "innovation_rd", "label": "研发投入强度", "max": 8,
             "fields": ["rd_spend_y1", "rd_spend_y2", "rd_spend_y3", "revenue_y1",
                        "revenue_y2", "revenue_y3"]},
            {"code": "innovation_facilities", "label": "研发条件与设施", "max": 6},
            {"code": "innovation_ip", "label": "核心知识产权", "max": 6},
            {"code": "innovation_projects", "label": "重大项目与奖励", "max": 5},
        ]},
        {"code": "team", "label": "人才团队", "items": [
            {"code": "team_leader", "label": "领军科学家", "max": 6},
            {"code": "team_structure", "label": "研发人员结构", "max": 5,
             "fields": ["staff_total", "rd_staff"]},
            {"code": "team_mechanism", "label": "人才机制", "max": 4},
        ]},
        {"code": "collaboration", "label": "协同开放", "items": [
            {"code": "collab_cobuilders", "label": "共建单位与协议", "max": 6},
            {"code": "collab_results", "label": "联合攻关成果", "max": 5},
            {"code": "collab_sme", "label": "服务中小企业", "max": 4},
        ]},
        {"code": "plan", "label": "建设方案", "items": [
            {"code": "plan_targets", "label": "建设目标", "max": 6},
            {"code": "plan_tasks", "label": "任务与技术路线", "max": 6},
            {"code": "plan_governance", "label": "运行管理机制", "max": 4},
            {"code": "plan_budget", "label": "经费预算", "max": 4,
             "fields": ["total_budget", "own_funds", "local_match"]},
        ]},
        {"code": "local", "label": "地方支持", "items": [
            {"code": "local_support", "label": "政府承诺与投入", "max": 5},
        ]},
    ],
    "vetoes": [
        {"code": "false_material", "label": "虚假材料"},
        {"code": "not_eligible", "label": "不符合申报条件"},
    ],
}

TOTAL_POINTS = 100
# Lowest score of each grade, best first; a veto overrides them all.
GRADES = ((85, "优秀"), (75, "良好"), (60, "合格"), (0, "不合格"))
VETO_GRADE = "不予推荐"
# The grades are stored as the official Chinese terms (the ranking workbook prints them so);
# pages show them in the reader's language.
GRADE_LABELS = {"优秀": _l("Excellent"), "良好": _l("Good"), "合格": _l("Pass"),
                "不合格": _l("Fail"), VETO_GRADE: _l("Not recommended (veto)")}


def rubric_of(call) -> dict:
    """The call's own rubric when it has one, else the default."""
    return call.rubric if call is not None and call.rubric else DEFAULT_RUBRIC


def items(rubric: dict) -> Iterator[tuple[dict, dict]]:
    """Every (dimension, item) pair in order."""
    for dimension in rubric["dimensions"]:
        for item in dimension["items"]:
            yield dimension, item


def item_maxima(rubric: dict) -> dict[str, float]:
    return {item["code"]: item["max"] for _dimension, item in items(rubric)}


def veto_codes(rubric: dict) -> list[str]:
    return [veto["code"] for veto in rubric.get("vetoes", [])]


def dimension_totals(rubric: dict, scores: dict) -> dict[str, float]:
    """Points per dimension of one sheet's scores (items not scored count 0)."""
    return {d["code"]: sum(float(scores.get(i["code"]) or 0) for i in d["items"])
            for d in rubric["dimensions"]}


def validate_rubric(rubric: dict) -> list[str]:
    """Problems of a rubric: maxima must sum to 100 and every code must be unique."""
    problems = []
    codes = [d["code"] for d in rubric.get("dimensions", [])]
    codes += [item["code"] for _dimension, item in items(rubric)]
    codes += veto_codes(rubric)
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        problems.append(_("Codes used twice in the rubric: %(codes)s",
                          codes=", ".join(duplicates)))
    total = sum(item["max"] for _dimension, item in items(rubric))
    if total != TOTAL_POINTS:
        problems.append(_("The rubric's items add up to %(total)s points instead of 100.",
                          total=total))
    if any(item["max"] <= 0 for _dimension, item in items(rubric)):
        problems.append(_("Every rubric item needs a positive maximum."))
    return problems


def grade(score: float | None, *, vetoed: bool = False) -> str:
    if vetoed:
        return VETO_GRADE
    if score is None:
        return ""
    return next(label for floor, label in GRADES if score >= floor)
