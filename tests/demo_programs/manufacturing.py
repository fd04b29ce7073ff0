"""A manufacturing innovation center of the Department of Industry and Information
Technology (seeds/004): cultivated in the 2023 call, where county bureaus passed up to their
city, then recognised on its own in the rolling 2024 call open to cultivated units only."""
from sqlalchemy import select

from tests.demo_programs import world
from workflow.application_forms.queries import values
from workflow.core import regions
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.demo import manufacturing
from workflow.intake.models import Application
from workflow.notices.operations import rolling
from workflow.recommendation.models import CountyPass, Recommendation


def test_the_cultivation_call_passes_up_from_counties_and_issues_its_result(seeded):
    call = world.call(manufacturing.CULTIVATION_TITLE)
    apps = world.applications(call)
    passes = list(db.session.scalars(select(CountyPass).where(CountyPass.call_id == call.id)))

    assert (call.stage, call.recommendation_chain) == ("cultivation", "county,city")
    assert call.department.office_code == "鲁工信技"
    assert len(passes) == len(apps) == len(manufacturing.CANDIDATES)
    for row in passes:
        assert regions.level_of(row.county_org.region_code) is regions.Level.COUNTY
        app = db.session.get(Application, row.application_id)
        assert row.county_org.region_code == app.county_code
    recommended = db.session.scalars(select(Recommendation.application_id).where(
        Recommendation.call_id == call.id))
    assert set(recommended) == {a.id for a in apps}
    assert sorted(a.state for a in apps) == ["approved", "approved", "not_selected"]
    assert world.notice(call).number.text == "鲁工信技〔2023〕37号"


def test_the_cultivated_center_is_recognised_on_its_own_in_the_rolling_call(seeded):
    cultivation = world.call(manufacturing.CULTIVATION_TITLE)
    call = world.call(manufacturing.RECOGNITION_TITLE)
    (app,) = world.applications(call)
    cultivated = next(a for a in world.applications(cultivation) if a.title == app.title)

    assert (call.stage, call.rolling, call.prerequisite_call_id) == (
        "recognition", True, cultivation.id)
    assert cultivated.state == AppState.APPROVED and app.lead_org_id == cultivated.lead_org_id
    assert app.state == AppState.APPROVED
    assert rolling.recognition_of(app).number.text == "鲁工信技〔2024〕52号"
    assert world.notice(call) is None  # no batch notice: one decision per center
    data = values(app)
    assert data["cultivation_notice"] == "鲁工信技〔2023〕37号"
    assert data["defense_contact"]["name"] and data["site_address"]
