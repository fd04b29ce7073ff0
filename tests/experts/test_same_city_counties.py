"""R8 (same city) through the region tree: a county and its prefecture city are one city, a
municipality's districts are one city, and a code of no region of today matches only
itself (never another unknown code sharing its first digits)."""
import pytest

from tests import factories
from tests.experts.test_conflicts import TODAY, expert
from workflow.experts.operations.conflicts import exclusions_for


def r8(expert_region: str, lead_region: str) -> list[tuple[str, str]]:
    app = factories.application(lead=factories.applicant(lead_region), complete=False)
    return [found for found in exclusions_for(expert(region_code=expert_region), app,
                                              same_city_rule=True, today=TODAY)
            if found[0] == "R8"]


@pytest.mark.parametrize(("expert_region", "lead_region", "city"), [
    ("370783", "370700", "潍坊市"),  # Shouguang, a county-level city of Weifang
    ("370700", "370783", "潍坊市"),
    ("370102", "370112", "济南市"),  # two districts of Jinan
    ("370116", "370100", "济南市"),  # Laiwu district, Jinan's since 2019
    ("210726", "210700", "锦州市"),  # Heishan county, Jinzhou (Liaoning)
    ("110105", "110108", "北京市"),  # two districts of Beijing
    ("500229", "500103", "重庆市"),  # a county and a district of Chongqing
])
def test_a_county_and_its_city_are_the_same_city(expert_region, lead_region, city):
    assert r8(expert_region, lead_region) == [("R8", city)]


@pytest.mark.parametrize(("expert_region", "lead_region"), [
    ("370783", "370100"),  # Weifang's county, a Jinan lead
    ("370102", "370202"),  # Jinan and Qingdao
    ("210726", "370700"),  # Jinzhou and Weifang
    ("371202", "371203"),  # two districts of Laiwu, gone: no city of today joins them
    ("370199", "370100"),  # no region, though it starts like Jinan
])
def test_regions_of_other_cities_or_of_none_are_not_the_same_city(expert_region, lead_region):
    assert r8(expert_region, lead_region) == []


def test_a_code_of_no_region_of_today_matches_itself():
    assert r8("371202", "371202") == [("R8", "371202")]
