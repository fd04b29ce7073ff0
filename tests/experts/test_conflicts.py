"""Conflict-of-interest rules R1-R8 and declared conflicts: each excludes when it must and
only then; compute_exclusions stores them by rule, and again gives the same rows."""
from datetime import date

import pytest
from sqlalchemy import select

from tests import factories
from workflow.accounts.models.users import User
from workflow.core.errors import PermissionDenied
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState
from workflow.experts.models import (
    ConflictDeclaration,
    Exclusion,
    Expert,
    ExpertEmployment,
    ExpertRelation,
)
from workflow.experts.operations.conflicts import (
    compute_exclusions,
    eligible_experts,
    exclusions_for,
)
from workflow.intake.operations import intake

TODAY = date(2026, 6, 1)
HEAD, CONTACT, CONTACT_EMAIL, LEGAL_REP = "刘主任", "马联系", "ma@example.com", "张三"
BASIC = {"project_head": HEAD, "contact_name": CONTACT, "contact_phone": "0531-88888888",
         "contact_email": CONTACT_EMAIL, "summary": "示例"}


def expert(**values) -> Expert:
    defaults = dict(name="某专家", employer_name="青岛某大学",
                    employer_credit_code=factories.credit_code(factories.QINGDAO, "12"),
                    region_code=factories.QINGDAO, title="教授", birth_year=1970,
                    email="expert@example.com", active=True)
    return Expert(**{**defaults, **values})


def with_basic(app):
    lead = db.session.get(User, app.created_by_id)
    intake.save_section(app, "basic", BASIC, actor=lead)
    return app


@pytest.fixture
def app_():
    """An application of a Jinan lead unit with a confirmed co-builder."""
    return with_basic(factories.application(cobuilder=True))


def lead(app):
    return app.lead_org.credit_code


def partner(app):
    return app.cobuilders[0].credit_code


def rel(kind, person=None, code=None, since=None, until=None):
    return ExpertRelation(kind=kind, person_name=person, credit_code=code, since=since,
                          until=until)


def job(code, role="employee", end=None):
    return ExpertEmployment(credit_code=code, org_name="某单位", role=role,
                            start_date=date(2010, 1, 1), end_date=end)


# (rule, builder of the expert from the application): each must be excluded by that rule.
EXCLUDED = {
    "R1 employer is the lead unit": ("R1", lambda a: expert(employer_credit_code=lead(a))),
    "R1 employer is a co-builder": ("R1", lambda a: expert(employer_credit_code=partner(a))),
    "R2 left the lead unit 2 years ago": (
        "R2", lambda a: expert(employments=[job(lead(a), end=date(2024, 6, 1))])),
    "R2 sits on a co-builder's board": (
        "R2", lambda a: expert(employments=[job(partner(a), role="board")])),
    "R3 is the project head": ("R3", lambda a: expert(name=HEAD)),
    "R3 is the contact": ("R3", lambda a: expert(name=CONTACT)),
    "R3 has the contact's email": ("R3", lambda a: expert(email="MA@example.com")),
    "R4 kin of the project head": ("R4", lambda a: expert(relations=[rel("kin", HEAD)])),
    "R4 kin of the legal representative": (
        "R4", lambda a: expert(relations=[rel("kin", LEGAL_REP)])),
    "R5 co-author, ongoing": ("R5", lambda a: expert(relations=[rel("coauthor", HEAD)])),
    "R5 co-author until 2 years ago": (
        "R5", lambda a: expert(relations=[rel("coauthor", HEAD, since=date(2015, 1, 1),
                                              until=date(2024, 6, 1))])),
    "R6 supervisor of the project head": (
        "R6", lambda a: expert(relations=[rel("supervisor", HEAD)])),
    "R6 student of the project head": ("R6", lambda a: expert(relations=[rel("student", HEAD)])),
    "R7 helped write for the lead unit": (
        "R7", lambda a: expert(relations=[rel("helped_write", code=lead(a))])),
    "R7 invested with the project head": (
        "R7", lambda a: expert(relations=[rel("investment", HEAD)])),
    "R8 same city": ("R8", lambda a: expert(region_code=factories.JINAN)),
    "D declared": ("D", lambda a: expert(
        declarations=[ConflictDeclaration(application_id=a.id, reason="曾参与前期论证")])),
}

ALLOWED = {
    "R1 employer elsewhere": lambda a: expert(),
    "R2 left the lead unit 4 years ago": lambda a: expert(
        employments=[job(lead(a), end=date(2022, 5, 31))]),
    "R2 works for an unrelated unit": lambda a: expert(employments=[job(factories.credit_code())]),
    "R3 another name and email": lambda a: expert(name="马联", email="ma2@example.com"),
    "R4 kin of someone else": lambda a: expert(relations=[rel("kin", "王五")]),
    "R4 co-author of the legal representative": lambda a: expert(
        relations=[rel("coauthor", LEGAL_REP, until=date(2012, 1, 1))]),
    "R5 co-author until 4 years ago": lambda a: expert(
        relations=[rel("coauthor", HEAD, until=date(2022, 5, 31))]),
    "R6 supervisor of someone else": lambda a: expert(relations=[rel("supervisor", "王五")]),
    "R7 invested in another unit": lambda a: expert(
        relations=[rel("investment", code=factories.credit_code())]),
    "R8 another city": lambda a: expert(region_code="370600"),
    "D declared on another application": lambda a: expert(
        declarations=[ConflictDeclaration(application_id=a.id + 1000, reason="其他")]),
}


@pytest.mark.parametrize("case", EXCLUDED)
def test_rule_excludes(app_, case):
    rule, build = EXCLUDED[case]
    rules = [r for r, _ in exclusions_for(build(app_), app_, same_city_rule=True, today=TODAY)]
    assert rule in rules


@pytest.mark.parametrize("case", ALLOWED)
def test_rule_does_not_exclude(app_, case):
    assert exclusions_for(ALLOWED[case](app_), app_, same_city_rule=True, today=TODAY) == []


def test_same_city_rule_switched_off(app_):
    assert exclusions_for(expert(region_code=factories.JINAN), app_, same_city_rule=False,
                          today=TODAY) == []


def test_exclusion_detail_names_the_fact(app_):
    found = exclusions_for(expert(employer_credit_code=lead(app_)), app_, same_city_rule=True,
                           today=TODAY)
    assert found == [("R1", lead(app_))]


def stored() -> set[tuple[int, int, str]]:
    return {tuple(row) for row in db.session.execute(
        select(Exclusion.expert_id, Exclusion.application_id, Exclusion.rule))}


def test_compute_exclusions_stores_rules_and_is_idempotent():
    officer = factories.officer()
    call = factories.call(actor=officer)
    passed = factories.application(call, state=AppState.FORMAL_PASSED)
    draft = factories.application(call)
    conflicted = expert(employer_credit_code=passed.lead_org.credit_code,
                        region_code=factories.JINAN, email="c@example.com")
    clean = expert(email="clean@example.com")
    head = passed.section_data("basic")["project_head"]
    inactive = expert(name=head, active=False, email="i@example.com")
    db.session.add_all([conflicted, clean, inactive])
    db.session.flush()

    assert compute_exclusions(call, actor=officer) == 2
    first = stored()
    assert first == {(conflicted.id, passed.id, "R1"), (conflicted.id, passed.id, "R8")}
    assert draft.id not in {a for _, a, _ in first}
    assert compute_exclusions(call, actor=officer) == 2
    assert stored() == first
    assert len(db.session.scalars(select(AuditEntry).filter_by(
        action="compute_exclusions", call_id=call.id)).all()) == 2

    call.eligibility = {"same_city_conflict": False}
    db.session.flush()
    assert compute_exclusions(call, actor=officer) == 1
    assert stored() == {(conflicted.id, passed.id, "R1")}


def test_compute_exclusions_refused_to_applicant():
    call = factories.call()
    with pytest.raises(PermissionDenied):
        compute_exclusions(call, actor=factories.applicant())


def test_eligible_experts_leave_out_inactive_and_over_age():
    call = factories.call(eligibility={"expert_max_age": 60})
    young = expert(birth_year=1966, email="y@example.com")
    old = expert(name="老专家", birth_year=1965, email="o@example.com")
    idle = expert(name="休息专家", birth_year=1980, active=False, email="i@example.com")
    db.session.add_all([young, old, idle])
    db.session.flush()
    assert eligible_experts(call, TODAY) == [young]
