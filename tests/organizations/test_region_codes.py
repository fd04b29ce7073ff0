"""Credit codes' region digits against the region tree, and a unit's city at registration:
a code naming no region is refused with a message and nothing stored; a code of a region
gone since it was issued is valid, but its unit names its city; a county's code places the
unit in its city. And a Liaoning installation: its cities offered, a Shandong unit not in
the province."""
from html import unescape

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests import factories
from tests.calls.test_eligibility import filed_draft, one_rule, result
from tests.intake.test_intake import registration
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.accounts.models.users import User
from workflow.accounts.operations import accounts
from workflow.core import creditcode
from workflow.core.errors import ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Role
from workflow.organizations.models import Licence, Organization
from workflow.organizations.operations import organizations, verification

NO_REGION = "Characters 3-8 (%s) are not the code of any region of China"
CHOOSE_CITY = "is no city or county of today: choose the organization's city"
LIAONING, JINZHOU, HEISHAN = "210000", "210700", "210726"


@pytest.fixture(autouse=True)
def english_messages():
    """The problems are asserted in the source texts (the default language is Chinese)."""
    with force_locale("en"):
        yield


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def english(app):
    client = app.test_client()
    client.post("/language/en", data={"next": "/"})
    return client


@pytest.fixture
def liaoning(app, monkeypatch):
    """The app as a Liaoning installation for this test."""
    monkeypatch.setitem(app.config, "PROVINCE_CODE", LIAONING)


@pytest.mark.parametrize("region", ["999999", "379999", "370099", "000000"])
def test_a_code_whose_region_digits_name_no_region_is_refused(region):
    code = factories.credit_code(region)

    assert creditcode.problem(code) == (
        f"{NO_REGION % region}: please check the code.")


@pytest.mark.parametrize("region", [
    "370102",  # a district of today
    "371202",  # Laiwu's Laicheng district, gone in 2019: the code was issued before
    "370101",  # Jinan's districts taken together
    "370000",  # the province
    "100000",  # the national level (ministries, universities under them)
    "110105",  # another province
])
def test_a_code_of_any_region_ever_listed_or_of_the_national_level_is_valid(region):
    assert creditcode.problem(factories.credit_code(region)) is None


def test_registration_with_a_code_of_no_region_stores_nothing_and_keeps_what_was_typed(app):
    client = english(app)

    response = client.post("/register", data=registration(factories.credit_code("999999")))

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert NO_REGION % "999999" in html
    assert 'value="青岛蓝海智能装备有限公司"' in html and 'value="赵六"' in html
    assert count(Organization) == count(User) == count(Licence) == count(AuditEntry) == 0


def test_a_code_of_a_gone_region_registers_once_the_unit_names_its_city(app):
    client = english(app)
    laiwu = factories.credit_code("371202")

    refused = client.post("/register", data=registration(laiwu))

    assert refused.status_code == 422
    assert CHOOSE_CITY in unescape(refused.get_data(as_text=True))
    assert count(Organization) == count(User) == count(Licence) == count(AuditEntry) == 0

    done = client.post("/register", data=registration(laiwu, region_code="370100"))

    assert done.status_code == 302
    org = db.session.scalar(select(Organization).where(Organization.credit_code == laiwu))
    assert org.region_code == "370100"


def test_a_county_code_places_the_unit_in_its_city():
    shouguang = accounts.create_organization(name="寿光某公司",
                                             credit_code=factories.credit_code("370783"))
    national = accounts.create_organization(name="某部属大学", kind="university",
                                            credit_code=factories.credit_code("100000", "12"))

    assert (shouguang.region_code, national.region_code) == ("370700", "100000")


def test_a_correction_to_a_code_of_no_region_changes_nothing(make):
    unit = factories.user(Role.APPLICANT, organization=factories.org(status="unverified"))
    factories.licence(unit.organization, unit)
    verification.reject_organization(unit.organization, reason="信用代码有误",
                                     licence_id=unit.organization.licence.id,
                                     actor=make.officer())
    org = unit.organization
    before = (org.name, org.credit_code, org.region_code, org.status)

    with pytest.raises(ServiceError) as refused:
        organizations.correct_organization(
            org, org_name="新名称", credit_code=factories.credit_code("379999"),
            region_code=None, kind="enterprise", independent_legal_person=True,
            legal_representative="张三", actor=unit)

    assert NO_REGION % "379999" in refused.value.problems[0]
    assert (org.name, org.credit_code, org.region_code, org.status) == before
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "correct_organization")) == 0


# A Liaoning installation

def test_a_liaoning_installation_offers_its_cities_to_recommenders_and_units(app, liaoning,
                                                                            login, make):
    officer = make.officer()
    db.session.commit()

    invite = login(officer).get("/officer/users/new").get_data(as_text=True)
    register = app.test_client().get("/register").get_data(as_text=True)

    for page in (invite, register):
        assert f'<option value="{JINZHOU}">锦州市</option>' in page
        assert 'value="210100"' in page and 'value="211400"' in page
        assert 'value="370100"' not in page and "济南市" not in page


def test_a_liaoning_installation_refuses_a_shandong_city_for_a_recommender(app, liaoning,
                                                                           login, make):
    officer = make.officer()
    db.session.commit()

    response = login(officer).post("/officer/users/new", data={
        "name": "淄博推荐员", "email": "zibo.rec@example.com", "roles": ["recommender"],
        "credit_code": factories.credit_code("370300", "11"), "org_name": "淄博市科学技术局",
        "org_region": "370300"})

    assert response.status_code == 422
    assert count(Organization) == 0
    assert db.session.scalar(select(User).where(User.email == "zibo.rec@example.com")) is None


def test_a_shandong_unit_is_not_in_a_liaoning_installations_province(liaoning):
    shandong = accounts.create_organization(name="济南某公司",
                                            credit_code=factories.credit_code("370102"))
    jinzhou = accounts.create_organization(name="锦州某公司",
                                           credit_code=factories.credit_code(HEISHAN))
    shandong.status = jinzhou.status = "verified"

    outside = result(filed_draft(one_rule("in_province"), factories.user(
        Role.APPLICANT, organization=shandong)), "in_province")
    inside = result(filed_draft(one_rule("in_province"), factories.user(
        Role.APPLICANT, organization=jinzhou)), "in_province")

    assert (shandong.region_code, outside.passed, outside.detail) == ("370100", False, "济南市")
    assert (jinzhou.region_code, inside.passed, inside.detail) == (JINZHOU, True, "锦州市")


def test_in_province_counts_a_county_of_the_province_and_not_the_province_itself():
    county = factories.user(Role.APPLICANT, organization=factories.org("370783"))
    province = factories.user(Role.APPLICANT, organization=factories.org("370000"))

    assert result(filed_draft(one_rule("in_province"), county), "in_province").passed
    assert not result(filed_draft(one_rule("in_province"), province), "in_province").passed
