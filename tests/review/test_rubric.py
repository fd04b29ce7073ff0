"""The rubric as data: the default of DOMAIN.md, validation, per-call override, grades."""
import copy

import pytest

from tests import factories
from workflow.review.rules.rubric import (
    DEFAULT_RUBRIC,
    grade,
    item_maxima,
    items,
    rubric_of,
    validate_rubric,
    veto_codes,
)


def test_default_rubric_is_valid_and_adds_up_to_100():
    assert validate_rubric(DEFAULT_RUBRIC) == []
    assert sum(item_maxima(DEFAULT_RUBRIC).values()) == 100


def test_default_rubric_has_the_dimensions_of_the_domain():
    points = {d["code"]: [i["max"] for i in d["items"]] for d in DEFAULT_RUBRIC["dimensions"]}
    assert points == {"industry": [8, 6, 6], "innovation": [8, 6, 6, 5], "team": [6, 5, 4],
                      "collaboration": [6, 5, 4], "plan": [6, 6, 4, 4], "local": [5]}
    assert veto_codes(DEFAULT_RUBRIC) == ["false_material", "not_eligible"]
    assert {v["label"] for v in DEFAULT_RUBRIC["vetoes"]} == {"虚假材料", "不符合申报条件"}
    assert all(item["label"] for _d, item in items(DEFAULT_RUBRIC))


def test_rubric_whose_maxima_do_not_add_up_to_100_is_refused():
    rubric = copy.deepcopy(DEFAULT_RUBRIC)
    rubric["dimensions"][0]["items"][0]["max"] = 9
    assert any("101" in p for p in validate_rubric(rubric))


def test_rubric_with_a_duplicate_code_is_refused():
    rubric = copy.deepcopy(DEFAULT_RUBRIC)
    rubric["dimensions"][1]["items"][0]["code"] = "industry_standing"
    assert any("industry_standing" in p for p in validate_rubric(rubric))


def test_call_rubric_overrides_the_default():
    call = factories.call()
    assert rubric_of(call) is DEFAULT_RUBRIC
    own = {"dimensions": [{"code": "all", "label": "综合", "items": [
        {"code": "overall", "label": "综合评价", "max": 100}]}], "vetoes": []}
    call.rubric = own
    assert rubric_of(call) == own
    assert validate_rubric(own) == []


@pytest.mark.parametrize(("score", "expected"), [
    (100, "优秀"), (85, "优秀"), (84.99, "良好"), (75, "良好"), (74.99, "合格"), (60, "合格"),
    (59.99, "不合格"), (0, "不合格"), (None, ""),
])
def test_grade_bands_at_their_boundaries(score, expected):
    assert grade(score) == expected


def test_veto_overrides_any_grade():
    assert grade(99, vetoed=True) == "不予推荐"
