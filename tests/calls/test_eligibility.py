"""Eligibility rules held as data on a call: each rule passing and failing, hard rules
stopping a submission with the reason, soft ones only shown, and the officer's rule editor
refusing what it cannot evaluate."""
import pytest
from sqlalchemy import func, select

from tests import factories
from workflow.calls.models import PlatformType
from workflow.calls.operations import calls
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Action, AppState, Role
from workflow.intake.models import ApplicationVersion
from workflow.intake.operations import intake
from workflow.intake.rules import eligibility
from workflow.lifecycle.transitions import transition

FIGURES = {"revenue_y1": "1000", "revenue_y2": "2000", "revenue_y3": "3000",
           "rd_spend_y1": "50", "rd_spend_y2": "60", "rd_spend_y3": "70",
           "staff_total": "300", "rd_staff": "50"}


def one_rule(code: str, value=None, hard: bool = True) -> dict:
    rule = {"rule": code, "hard": hard}
    if value is not None:
        rule["value"] = value
    return {"rules": [rule]}


def filed_draft(rules: dict, lead=None, figures=None, call=None):
    """A complete draft of `lead` in a call with `rules`, section 3 holding `figures`."""
    call = call or factories.call(eligibility=rules)
    lead = lead or factories.applicant()
    app = factories.application(call, lead)
    intake.save_section(app, "foundation", {**app.section_data("foundation"), **FIGURES,
                                            **(figures or {})}, actor=lead)
    return app


def result(app, code: str) -> eligibility.RuleResult:
    (found,) = [r for r in eligibility.evaluate(app) if r.code == code]
    return found


def platform(code: str) -> PlatformType:
    return db.session.scalar(select(PlatformType).where(PlatformType.code == code))


def approved(lead=None, **call_options):
    return factories.application(factories.call(**call_options), lead or factories.applicant(),
                                 state=AppState.APPROVED)


# Each rule, passing and failing


def test_in_province_passes_for_a_shandong_unit():
    assert result(filed_draft(one_rule("in_province")), "in_province").passed


def test_in_province_fails_for_a_unit_registered_outside_shandong():
    beijing = factories.user(Role.APPLICANT, organization=factories.org("110100"))
    check = result(filed_draft(one_rule("in_province"), beijing), "in_province")
    assert (check.passed, check.detail) == (False, "北京市")


def test_legal_person_passes_and_fails():
    lead = factories.applicant()
    app = filed_draft(one_rule("legal_person"), lead)
    assert result(app, "legal_person").passed
    lead.organization.independent_legal_person = False
    assert not result(app, "legal_person").passed


def test_good_credit_passes_and_fails_on_a_bad_credit_record():
    lead = factories.applicant()
    app = filed_draft(one_rule("good_credit"), lead)
    assert result(app, "good_credit").passed
    lead.organization.bad_credit = True
    assert not result(app, "good_credit").passed


def test_field_free_fails_when_an_earlier_call_approved_a_center_in_the_field():
    earlier = approved()
    app = filed_draft(one_rule("field_free"))
    check = result(app, "field_free")
    assert earlier.field.name == app.field.name == check.detail
    assert not check.passed


def test_field_free_passes_for_another_field_or_another_platform_type():
    approved(platform_type=platform("key_laboratory"))
    factories.application(factories.call(), state=AppState.NOT_SELECTED)
    assert result(filed_draft(one_rule("field_free")), "field_free").passed
    approved()
    other_field = filed_draft(one_rule("field_free"), call=factories.call(
        eligibility=one_rule("field_free"), fields=["海水淡化"]))
    assert result(other_field, "field_free").passed


def test_not_excluded_platform_fails_for_a_lead_of_an_approved_center_of_that_type():
    lead = factories.applicant()
    approved(lead)
    rules = one_rule("not_excluded_platform", "key_laboratory, tech_innovation_center")
    app = filed_draft(rules, lead, call=factories.call(eligibility=rules, fields=["海水淡化"]))
    assert not result(app, "not_excluded_platform").passed


def test_not_excluded_platform_passes_for_other_types_and_for_other_leads():
    lead = factories.applicant()
    approved(lead)
    rules = one_rule("not_excluded_platform", "key_laboratory")
    app = filed_draft(rules, lead, call=factories.call(eligibility=rules, fields=["海水淡化"]))
    assert result(app, "not_excluded_platform").passed
    other = filed_draft(one_rule("not_excluded_platform", "tech_innovation_center"))
    assert result(other, "not_excluded_platform").passed


@pytest.mark.parametrize(("revenue", "passed"), [("9999.99", False), ("10000", True),
                                                 ("250000", True)])
def test_revenue_min_compares_the_last_year(revenue, passed):
    app = filed_draft(one_rule("revenue_min", "10000"), figures={"revenue_y3": revenue})
    assert result(app, "revenue_min").passed is passed


@pytest.mark.parametrize(("spend_y3", "share", "passed"), [
    ("70", "3.00%", True),   # (50 + 60 + 70) / (1000 + 2000 + 3000) = 180 / 6000
    ("69", "2.98%", False),  # 179 / 6000 = 2.983...
    ("310", "7.00%", True),  # 420 / 6000
])
def test_rd_share_min_over_three_years(spend_y3, share, passed):
    app = filed_draft(one_rule("rd_share_min", "3"), figures={"rd_spend_y3": spend_y3})
    check = result(app, "rd_share_min")
    assert (check.passed, check.detail) == (passed, share)


def test_rd_share_min_fails_without_revenue():
    lead = factories.applicant()
    app = filed_draft(one_rule("rd_share_min", "3"), lead)
    intake.save_section(app, "foundation", {"rd_spend_y1": "50"}, actor=lead)
    assert not result(app, "rd_share_min").passed


@pytest.mark.parametrize(("staff", "passed"), [("49", False), ("50", True)])
def test_rd_staff_min(staff, passed):
    app = filed_draft(one_rule("rd_staff_min", "50"), figures={"rd_staff": staff})
    assert result(app, "rd_staff_min").passed is passed


def test_a_call_without_rules_uses_the_defaults():
    call = factories.call()
    assert eligibility.rules_of(call) == eligibility.DEFAULT_RULES
    assert [r.code for r in eligibility.evaluate(filed_draft({}, call=call))] == [
        r["rule"] for r in eligibility.DEFAULT_RULES]


# Hard rules stop a submission, soft ones are only shown


def versions(app) -> int:
    return db.session.scalar(select(func.count()).select_from(ApplicationVersion)
                             .where(ApplicationVersion.application_id == app.id))


def test_hard_failure_stops_submit_with_the_reason():
    lead = factories.applicant()
    lead.organization.independent_legal_person = False
    app = filed_draft(one_rule("legal_person"), lead)

    with pytest.raises(ServiceError) as refused:
        transition(app, Action.SUBMIT, actor=lead)

    assert refused.value.problems == eligibility.hard_failures(app)
    assert str(eligibility.RULES["legal_person"].label) in refused.value.problems[0]
    assert app.state == AppState.DRAFT and versions(app) == 0


def test_soft_failure_lets_the_submission_through_and_stays_visible():
    lead = factories.applicant()
    app = filed_draft(one_rule("revenue_min", "10000", hard=False), lead,
                      figures={"revenue_y3": "800"})

    transition(app, Action.SUBMIT, actor=lead)

    assert app.state == AppState.SUBMITTED and versions(app) == 1
    assert eligibility.hard_failures(app) == []
    check = result(app, "revenue_min")
    assert (check.hard, check.passed, check.detail) == (False, False, "800")


def test_hard_failure_stops_a_resubmission_too():
    call = factories.call(eligibility=one_rule("good_credit"))
    lead = factories.applicant()
    app = factories.application(call, lead, state=AppState.RETURNED)
    lead.organization.bad_credit = True

    with pytest.raises(ServiceError):
        transition(app, Action.RESUBMIT, actor=lead)

    assert app.state == AppState.RETURNED


# The officer's rule editor


@pytest.mark.parametrize("rules", [
    [{"rule": "no_such_rule", "hard": True}],
    [{"rule": "in_province", "hard": True}, {"rule": "in_province", "hard": False}],
    [{"hard": True}],
    [{"rule": "revenue_min", "hard": True, "value": "abc"}],
    [{"rule": "revenue_min", "hard": True, "value": "-1"}],
    [{"rule": "revenue_min", "hard": True, "value": ""}],
    [{"rule": "rd_share_min", "hard": True}],
    [{"rule": "rd_share_min", "hard": True, "value": "NaN"}],
    [{"rule": "rd_share_min", "hard": True, "value": "sNaN"}],
    [{"rule": "rd_staff_min", "hard": True, "value": "Infinity"}],
], ids=["unknown", "repeated", "unnamed", "not-a-number", "negative", "empty", "missing",
        "nan", "snan", "infinite"])
def test_validate_rules_refuses_what_cannot_be_evaluated(rules):
    with pytest.raises(ValueError):
        eligibility.validate_rules(rules)


def test_validate_rules_cleans_flags_and_values():
    clean = eligibility.validate_rules([
        {"rule": "revenue_min", "hard": 1, "value": " 10000 ", "extra": "dropped"},
        {"rule": "in_province", "hard": "", "value": "ignored"},
        {"rule": "not_excluded_platform", "hard": True, "value": "key_laboratory"},
    ])
    assert clean == [{"rule": "revenue_min", "hard": True, "value": "10000"},
                     {"rule": "in_province", "hard": False},
                     {"rule": "not_excluded_platform", "hard": True, "value": "key_laboratory"}]


def test_officer_sets_rules_with_an_audit_row_and_bad_rules_change_nothing():
    officer = factories.officer()
    call = factories.call(actor=officer)

    calls.set_eligibility_rules(call, [{"rule": "rd_staff_min", "hard": False, "value": "80"}],
                                actor=officer)
    with pytest.raises(ServiceError):
        calls.set_eligibility_rules(call, [{"rule": "rd_staff_min", "value": "x"}],
                                    actor=officer)
    with pytest.raises(PermissionDenied):
        calls.set_eligibility_rules(call, [], actor=factories.recommender())

    assert eligibility.rules_of(call) == [{"rule": "rd_staff_min", "hard": False, "value": "80"}]
    (entry,) = db.session.scalars(select(AuditEntry).where(
        AuditEntry.call_id == call.id, AuditEntry.action == "call_eligibility")).all()
    assert (entry.actor_id, entry.comment) == (officer.id, "rd_staff_min=80")
