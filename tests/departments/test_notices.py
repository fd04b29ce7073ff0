"""Each department's notices carry its agency name and take their numbers from its office
code's series; no department takes numbers from another's series."""
import pytest
from flask_babel import force_locale

from tests.departments.test_cross_department import client_of
from tests.departments.world import department_b
from workflow.core import clock
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.departments import operations as departments
from workflow.notices.models import DocumentNumber
from workflow.notices.operations import drafts, numbers
from workflow.notices.settings import notice_settings_of


@pytest.fixture(autouse=True)
def english_messages():
    """The texts asserted are the source texts (the default language is Chinese)."""
    with force_locale("en"):
        yield



@pytest.fixture
def pair(make):
    home, b = departments.ensure_home_department(), department_b()
    officer_a, officer_b = make.officer(home), make.officer(b)
    call_a = make.call(actor=officer_a, title="科技厅申报")
    call_b = make.call(actor=officer_b, title="工信厅申报", fields=["高端数控机床", "工业机器人"])
    return {"a": (home, officer_a, call_a), "b": (b, officer_b, call_b)}


def test_the_notice_texts_default_from_the_department(pair):
    for department, _officer, call in pair.values():
        settings = notice_settings_of(call)
        assert (settings.agency, settings.office_code) == (department.agency_name,
                                                           department.office_code)


def test_two_departments_number_their_notices_in_their_own_series(make, pair):
    year = clock.local(clock.now()).year
    issued = {}
    for key, (department, officer, call) in pair.items():
        make.approval_pending_batch(call, 2, officer)
        notice = make.issue_notice(call, officer)
        issued[key] = notice
        assert notice.content["agency"] == department.agency_name
        assert notice.content["header"] == f"{department.agency_name}文件"
        assert notice.number.office == department.office_code
    assert issued["a"].number.text == f"鲁科字〔{year}〕1号"
    assert issued["b"].number.text == f"鲁工信技〔{year}〕1号"
    # The next number of each series follows its own last one.
    _department, officer_b, _call = pair["b"]
    reserved = numbers.reserve_number("鲁工信技", year, title="另一份文件", actor=officer_b)
    assert reserved.text == f"鲁工信技〔{year}〕2号"
    assert numbers.last_number("鲁科字", year).sequence == 1


def test_no_department_takes_numbers_of_anothers_office_code(pair):
    year = clock.local(clock.now()).year
    _department, officer_b, call_b = pair["b"]
    with pytest.raises(PermissionDenied):
        numbers.reserve_number("鲁科字", year, title="冒用文号", actor=officer_b)
    with pytest.raises(PermissionDenied):
        numbers.set_first_number("鲁科字", year, 100, actor=officer_b)
    texts = {**notice_settings_of(call_b).texts(), "office_code": "鲁科字"}
    with pytest.raises(ServiceError, match="another department"):
        drafts.save_settings(call_b, texts, actor=officer_b)
    db.session.rollback()
    assert db.session.query(DocumentNumber).count() == 0
    assert notice_settings_of(call_b).office_code == "鲁工信技"


def test_the_number_registry_shows_the_own_departments_numbers(app, pair):
    year = clock.local(clock.now()).year
    for key, code in (("a", "鲁科字"), ("b", "鲁工信技")):
        numbers.reserve_number(code, year, title=f"{code}的文件", actor=pair[key][1])
    db.session.commit()
    for key, mine, theirs in (("a", "鲁科字", "鲁工信技"), ("b", "鲁工信技", "鲁科字")):
        html = client_of(app, pair[key][1].id).get("/officer/numbers").get_data(as_text=True)
        assert f"{mine}的文件" in html and f"{theirs}的文件" not in html
