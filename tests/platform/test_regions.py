"""The region tree read from python-stdnum's administrative division codes: today's regions
only, under their current names; the levels from the codes; the municipalities' districts
under XX0100; unknown and gone codes answered with nothing. And the installation's province
as a setting, checked at start-up."""
import pytest

from tests.platform.test_config import other_app
from workflow import create_app
from workflow.core import regions
from workflow.core.config import ConfigError
from workflow.core.regions import Level

# DOMAIN.md section 9.
SHANDONG_CITIES = {
    "370100": "济南市", "370200": "青岛市", "370300": "淄博市", "370400": "枣庄市",
    "370500": "东营市", "370600": "烟台市", "370700": "潍坊市", "370800": "济宁市",
    "370900": "泰安市", "371000": "威海市", "371100": "日照市", "371300": "临沂市",
    "371400": "德州市", "371500": "聊城市", "371600": "滨州市", "371700": "菏泽市",
}
JINZHOU_COUNTIES = {"210702": "古塔区", "210703": "凌河区", "210711": "太和区",
                    "210726": "黑山县", "210727": "义县", "210781": "凌海市", "210782": "北镇市"}


def test_shandong_has_its_sixteen_cities_of_today():
    cities = regions.cities("370000")

    assert {c.code: c.name for c in cities} == SHANDONG_CITIES
    assert [c.code for c in cities] == sorted(SHANDONG_CITIES)
    assert {(c.level, c.parent_code) for c in cities} == {(Level.CITY, "370000")}


def test_laiwu_is_gone_and_its_districts_are_jinans_now():
    assert regions.region("371200") is None and not regions.is_known("371200")
    assert regions.counties("371200") == [] and regions.city_of("371202") is None
    assert regions.is_listed("371200") and regions.is_listed("371202")
    assert regions.full_name("370116") == "山东省济南市莱芜区"
    assert regions.city_of("370116") == "370100"


def test_jinzhou_is_a_city_of_liaoning_with_its_counties():
    jinzhou = regions.region("210700")

    assert jinzhou == regions.Region("210700", "锦州市", Level.CITY, "210000")
    assert "210700" in {c.code for c in regions.cities("210000")}
    assert {c.code: c.name for c in regions.counties("210700")} == JINZHOU_COUNTIES
    assert regions.city_of("210726") == "210700" and regions.province_of("210726") == "210000"
    assert regions.full_name("210781") == "辽宁省锦州市凌海市"
    assert regions.in_province("210726", "210000")
    assert not regions.in_province("210726", "370000")


def test_levels_and_names_follow_the_codes():
    assert regions.region("370000") == regions.Region("370000", "山东省", Level.PROVINCE, None)
    assert regions.region("370102") == regions.Region("370102", "历下区", Level.COUNTY,
                                                      "370100")
    assert regions.full_name("370102") == "山东省济南市历下区"
    assert regions.full_name("370000") == "山东省"
    assert regions.city_of("370100") == "370100" and regions.city_of("370000") is None
    assert regions.province_of("370000") == "370000"
    assert regions.city_name("370783") == "潍坊市"  # Shouguang, a county-level city


def test_the_districts_taken_together_are_no_county():
    assert regions.region("370101") is None
    assert "370101" not in {c.code for c in regions.counties("370100")}
    assert regions.is_listed("370101")


@pytest.mark.parametrize(("province", "city", "county", "full"), [
    ("110000", "110100", "110105", "北京市朝阳区"),
    ("120000", "120100", "120116", "天津市滨海新区"),
    ("310000", "310100", "310115", "上海市浦东新区"),
    ("500000", "500100", "500229", "重庆市城口县"),  # a county, listed under 500200 "县"
])
def test_a_municipality_is_one_city_holding_its_districts_and_counties(province, city,
                                                                       county, full):
    (only,) = regions.cities(province)

    assert (only.code, only.name) == (city, regions.name(province))
    assert regions.city_of(county) == city and regions.province_of(county) == province
    assert county in {c.code for c in regions.counties(city)}
    assert regions.full_name(county) == full
    assert regions.city_name(county) == regions.name(province)


def test_a_renamed_region_has_its_current_name():
    assert regions.name("210112") == "浑南区"  # [1983-2013]东陵区,[2014-]浑南区
    assert regions.name("210113") == "沈北新区"
    assert regions.name("210200") == "大连市"  # [-1980]旅大市,[1981-]大连市
    assert regions.current_name("[1983-2013]东陵区,[2014-]浑南区") == "浑南区"
    assert regions.current_name("[1992-2018]莱芜市") is None
    assert regions.current_name("济南市") == "济南市"


@pytest.mark.parametrize("code", ["999999", "379999", "", "37010", "abcdef", "000000"])
def test_an_unknown_code_is_nothing(code):
    assert regions.region(code) is None and not regions.is_known(code)
    assert regions.province_of(code) is None and regions.city_of(code) is None
    assert regions.name(code) is None and regions.full_name(code) is None
    assert regions.city_name(code) == code
    assert not regions.in_province(code, "370000")
    assert regions.cities(code) == [] and regions.counties(code) == []


def test_a_list_is_asked_of_the_right_level_only():
    assert regions.counties("370000") == [] and regions.cities("370100") == []
    assert not regions.in_province("370102", "370100")  # a city is no province


def test_every_region_hangs_under_a_region_of_the_level_above():
    tree = regions._tree().regions
    above = {Level.CITY: Level.PROVINCE, Level.COUNTY: Level.CITY}
    for found in tree.values():
        if found.level is Level.PROVINCE:
            assert found.parent_code is None
        else:
            assert tree[found.parent_code].level is above[found.level], found
        assert found.name and found.name != regions.PLACEHOLDER and "[" not in found.name
    assert len({c for c in tree if tree[c].level is Level.PROVINCE}) == 34


# The installation's province

def test_the_province_is_shandong_unless_set(monkeypatch):
    monkeypatch.delenv("CENTERFLOW_PROVINCE", raising=False)
    assert create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}).config[
        "PROVINCE_CODE"] == "370000"
    monkeypatch.setenv("CENTERFLOW_PROVINCE", " 210000 ")
    assert create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}).config[
        "PROVINCE_CODE"] == "210000"


@pytest.mark.parametrize("code", ["999999", "210700", "371200", "370101", "810000", "Shandong"])
def test_start_up_stops_on_a_code_that_is_no_province_with_cities(app, monkeypatch, code):
    monkeypatch.setenv("CENTERFLOW_PROVINCE", code)
    with pytest.raises(ConfigError, match="CENTERFLOW_PROVINCE must be the six-digit code of a "
                                          "province with cities"):
        other_app(app, drop=("PROVINCE_CODE",))
    with pytest.raises(ConfigError, match=repr(code)):
        other_app(app, PROVINCE_CODE=code)
