"""A Liaoning installation (PROVINCE_CODE 210000) loads Liaoning's demo: its department and
the Jinzhou bureau, units of Jinzhou's districts and county-level cities and of other
Liaoning cities, none of Shandong; the key laboratory call carried to its notice."""
import json

from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import select

from tests.demo_programs.conftest import fast_hashes
from tests.platform.test_migrations import separate_database
from workflow.calls.models import Call
from workflow.core import creditcode, regions
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.demo import liaoning
from workflow.demo import seed as demo
from workflow.departments.models import Department
from workflow.intake.models import Application
from workflow.notices.models import Notice
from workflow.organizations.models import Organization
from workflow.recommendation.models import Recommendation

JINZHOU_COUNTIES = {"210711", "210781", "210782", "210702", "210703"}


def test_a_liaoning_installation_seeds_jinzhou_and_no_shandong(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "PROVINCE_CODE", liaoning.PROVINCE)
    with separate_database(app, tmp_path), monkeypatch.context() as patch:
        fast_hashes(patch)
        upgrade()
        assert demo.seed() is True
        db.session.commit()

        orgs = list(db.session.scalars(select(Organization)))
        assert orgs and all(regions.in_province(o.region_code, liaoning.PROVINCE) for o in orgs)
        assert not any(creditcode.region_of(o.credit_code).startswith("37") for o in orgs)
        counties = {creditcode.region_of(o.credit_code) for o in orgs}
        assert JINZHOU_COUNTIES <= counties
        assert {"210100", "210200"} <= {regions.city_of(o.region_code) for o in orgs}

        offices = {d.office_code: d for d in db.session.scalars(select(Department))}
        assert set(offices) == {"辽科发", "锦科发"}
        assert offices["辽科发"].runs_installation and offices["辽科发"].region_code == "210000"
        assert (offices["锦科发"].level, offices["锦科发"].region_code) == ("city", "210700")

        lab = db.session.scalar(select(Call).where(Call.title == liaoning.LAB_TITLE))
        apps = list(db.session.scalars(select(Application).where(Application.call_id == lab.id)))
        assert lab.platform_type.code == "key_laboratory"
        assert sum(a.state == AppState.APPROVED for a in apps) == 5
        recommenders = set(db.session.scalars(
            select(Organization.name)
            .join(Recommendation, Recommendation.recommender_org_id == Organization.id)
            .join(Application, Application.id == Recommendation.application_id)
            .where(Application.call_id == lab.id, Application.region_code == liaoning.JINZHOU)))
        assert recommenders == {"锦州市科学技术局"}
        notice = db.session.scalar(select(Notice).where(Notice.call_id == lab.id))
        assert notice.number.text == "辽科发〔2021〕96号"
        city_call = db.session.scalar(select(Call).where(Call.title == liaoning.CITY_TITLE))
        assert city_call.department.office_code == "锦科发"
        assert {a.region_code for a in db.session.scalars(select(Application).where(
            Application.call_id == city_call.id))} == {liaoning.JINZHOU}

        assert demo.logins() == liaoning.LOGINS
        printed = current_app.test_cli_runner().invoke(args=["stats", "--json"])
        rows = {c["title"]: c for c in json.loads(printed.output)["calls"]}
        assert rows[liaoning.CITY_TITLE]["region"] == {"code": "210700", "name": "锦州市"}
        assert rows[liaoning.LAB_TITLE]["region"] == {"code": "210000", "name": "辽宁省"}
