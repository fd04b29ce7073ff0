"""The lists of officers and leaders show their own department's calls only; the public pages
list every department's."""
import pytest
from flask_babel import force_locale

from tests.departments.test_cross_department import client_of
from tests.departments.world import department_b
from workflow.calls.models import Call
from workflow.core.errors import ServiceError
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.departments import operations as departments


@pytest.fixture(autouse=True)
def english_messages():
    """The texts asserted are the source texts (the default language is Chinese)."""
    with force_locale("en"):
        yield


TITLE_A, TITLE_B = "科技厅技术创新中心申报", "工信厅制造业创新中心培育申报"


@pytest.fixture
def two(make):
    home, b = departments.ensure_home_department(), department_b()
    people = {"officer_a": make.officer(home), "leader_a": make.leader(home),
              "officer_b": make.officer(b), "leader_b": make.leader(b)}
    call_a = make.call(actor=people["officer_a"], title=TITLE_A)
    call_b = make.call(actor=people["officer_b"], title=TITLE_B)
    for call in (call_a, call_b):  # something for every list: a reviewed application
        make.application(call, state=AppState.REVIEWED)
    db.session.commit()
    return {who: u.id for who, u in people.items()}


@pytest.mark.parametrize("path", ["/officer/calls", "/desk", "/officer/panels", "/results",
                                  "/officer/publicity", "/officer/notices"])
def test_officer_lists_show_the_own_departments_calls(app, two, path):
    for who, mine, theirs in (("officer_a", TITLE_A, TITLE_B), ("officer_b", TITLE_B, TITLE_A)):
        html = client_of(app, two[who]).get(path).get_data(as_text=True)
        assert theirs not in html, (who, path)
        if path in ("/officer/calls", "/desk", "/officer/panels", "/results"):
            assert mine in html, (who, path)


@pytest.mark.parametrize("path", ["/desk", "/leader/selection"])
def test_leader_lists_show_the_own_departments_calls(app, two, path):
    for who, mine, theirs in (("leader_a", TITLE_A, TITLE_B), ("leader_b", TITLE_B, TITLE_A)):
        html = client_of(app, two[who]).get(path).get_data(as_text=True)
        assert mine in html and theirs not in html, (who, path)


def test_the_public_list_shows_every_departments_calls(app, two):
    html = app.test_client().get("/").get_data(as_text=True)
    assert TITLE_A in html and TITLE_B in html


def test_a_new_call_belongs_to_its_officers_department(app, two):
    calls = {c.title: c.department.office_code for c in db.session.query(Call)}
    assert calls == {TITLE_A: "鲁科字", TITLE_B: "鲁工信技"}


def test_an_officer_of_no_department_sees_no_call_and_makes_none(app, two, make):
    officer = make.officer()
    officer.department = None
    db.session.commit()
    html = client_of(app, officer.id).get("/officer/calls").get_data(as_text=True)
    assert TITLE_A not in html and TITLE_B not in html
    before = db.session.query(Call).count()
    with force_locale("en"), pytest.raises(ServiceError, match="own department"):
        make.call(actor=officer, title="无部门的申报")
    db.session.rollback()
    assert db.session.query(Call).count() == before
