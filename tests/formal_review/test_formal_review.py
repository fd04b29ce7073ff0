"""Formal review by the department: the checklist, pass and fail, the one consolidated
correction request (一次性告知) with its working-day deadline, its scope and its rounds."""
import io
from datetime import datetime, timedelta

import pytest
from flask_babel import gettext as _
from sqlalchemy import func, select

from tests import factories
from workflow.accounts.models.users import User
from workflow.core import clock
from workflow.core.clock import LOCAL
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Action, AppState, Role
from workflow.formal_review.models import CorrectionRequest
from workflow.formal_review.operations import checklist
from workflow.formal_review.operations import correction as formal_review
from workflow.intake.models import Application
from workflow.intake.operations import attachments, intake
from workflow.lifecycle.transitions import transition

ATTACHMENTS = [("licence", "营业执照"), ("agreement", "共建协议")]


def recommended(**call_options) -> tuple[Application, User, User]:
    """A recommended application of a call with two required attachments, its lead unit's
    user and an officer."""
    call = factories.call(attachments=ATTACHMENTS, **call_options)
    lead = factories.applicant()
    app = factories.application(call, lead, state=AppState.RECOMMENDED)
    return app, lead, factories.officer()


def findings(app, failing=(), unchecked=()) -> dict:
    return {i.code: {"ok": i.code not in failing, "note": "需补正" if i.code in failing else ""}
            for i in checklist.ensure_checklist(app.call) if i.code not in unchecked}


def label(app, code: str) -> str:
    return next(i.label for i in checklist.ensure_checklist(app.call) if i.code == code)


def ask(app, officer, failing=("basic_info",), **options) -> CorrectionRequest:
    checklist.record_findings(app, findings(app, failing), actor=officer)
    return formal_review.request_correction(app, actor=officer, **options)


def audit_count(app) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.application_id == app.id))


# The checklist


def test_default_checklist_has_the_fixed_items_one_per_attachment_and_eligibility():
    app, _lead, _officer = recommended()
    codes = [i.code for i in checklist.ensure_checklist(app.call)]
    assert codes == ["basic_info", "positioning", "figures", "budget", "cobuilders",
                     "att_licence", "att_agreement", "eligibility"]
    assert checklist.ensure_checklist(app.call)[0].scope == "section:basic"


def test_findings_are_saved_item_by_item():
    app, _lead, officer = recommended()

    checklist.record_findings(app, {"basic_info": {"ok": True, "note": "  完整 "},
                                    "figures": {"ok": False, "note": "第二年数据不一致"}},
                              actor=officer)
    db.session.commit()
    db.session.expire_all()

    review = checklist.review_of(app)
    assert review.findings == {"basic_info": {"ok": True, "note": "完整"},
                               "figures": {"ok": False, "note": "第二年数据不一致"}}
    assert review.reviewer_id == officer.id
    assert [i["code"] for i in checklist.failed_items(app)] == ["figures"]
    assert len(checklist.unchecked_items(app)) == len(checklist.ensure_checklist(app.call)) - 2


def test_findings_on_an_unknown_item_are_refused():
    app, _lead, officer = recommended()
    with pytest.raises(ServiceError):
        checklist.record_findings(app, {"no_such_item": {"ok": True}}, actor=officer)


@pytest.mark.parametrize("who", ["lead", "recommender", "leader"])
def test_only_an_officer_records_findings(who):
    app, lead, _officer = recommended()
    actor = {"lead": lead, "recommender": factories.recommender(app.region_code),
             "leader": factories.leader()}[who]
    with pytest.raises(PermissionDenied):
        checklist.record_findings(app, findings(app), actor=actor)


def test_findings_only_while_recommended():
    app = factories.application(state=AppState.SUBMITTED)
    with pytest.raises(PermissionDenied):
        checklist.record_findings(app, {}, actor=factories.officer())


# Pass and fail


def test_pass_is_refused_while_items_are_unchecked_or_failed_with_each_named():
    app, _lead, officer = recommended()
    checklist.record_findings(app, findings(app, failing={"figures"},
                                            unchecked={"budget", "att_agreement"}),
                              actor=officer)
    rows = audit_count(app)

    with pytest.raises(ServiceError) as refused:
        transition(app, Action.PASS_FORMAL_REVIEW, actor=officer)

    assert refused.value.problems == [
        _("Checklist item not checked: %(label)s", label=label(app, "budget")),
        _("Checklist item not checked: %(label)s", label=label(app, "att_agreement")),
        _("Checklist item failed: %(label)s", label=label(app, "figures")),
    ]
    assert app.state == AppState.RECOMMENDED and audit_count(app) == rows


def test_pass_with_every_item_ok_moves_to_formal_passed():
    app, _lead, officer = recommended()
    checklist.record_findings(app, findings(app), actor=officer)

    entry = transition(app, Action.PASS_FORMAL_REVIEW, actor=officer)

    assert (app.state, entry.actor_id, entry.to_state) == (
        AppState.FORMAL_PASSED, officer.id, AppState.FORMAL_PASSED)


def test_fail_needs_reasons_and_moves_to_formal_rejected():
    app, _lead, officer = recommended()
    with pytest.raises(ServiceError):
        transition(app, Action.FAIL_FORMAL_REVIEW, actor=officer, comment=" ")

    entry = transition(app, Action.FAIL_FORMAL_REVIEW, actor=officer, comment="共建协议未盖章")

    assert (app.state, entry.comment) == (AppState.FORMAL_REJECTED, "共建协议未盖章")


# The correction request


def test_request_lists_every_failed_item_once_in_checklist_order():
    app, _lead, officer = recommended()
    checklist.record_findings(app, findings(app, failing={"att_agreement", "basic_info"}),
                              actor=officer)

    request = formal_review.request_correction(app, actor=officer, message="请一次性补正。")

    assert app.state == AppState.CORRECTION_REQUESTED
    assert [(i["code"], i["scope"], i["note"]) for i in request.items] == [
        ("basic_info", "section:basic", "需补正"),
        ("att_agreement", "attachment:agreement", "需补正")]
    assert (request.round, request.requested_by_id, request.answered_at) == (1, officer.id, None)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.application_id == app.id)
                               .order_by(AuditEntry.id.desc())).first()
    assert entry.action == Action.REQUEST_CORRECTION
    assert entry.comment == (f"请一次性补正。\n1. {label(app, 'basic_info')}：需补正\n"
                             f"2. {label(app, 'att_agreement')}：需补正")
    assert db.session.scalar(select(func.count()).select_from(CorrectionRequest)) == 1


def test_request_without_a_failed_item_is_refused():
    app, _lead, officer = recommended()
    checklist.record_findings(app, findings(app), actor=officer)
    with pytest.raises(ServiceError) as refused:
        formal_review.request_correction(app, actor=officer)
    assert str(refused.value) == _("Mark the items to correct as failed in the checklist "
                                   "first.")
    assert app.state == AppState.RECOMMENDED


def test_request_with_unchecked_items_is_refused_so_everything_is_told_at_once():
    app, _lead, officer = recommended()
    checklist.record_findings(app, findings(app, failing={"figures"}, unchecked={"budget"}),
                              actor=officer)
    with pytest.raises(ServiceError):
        formal_review.request_correction(app, actor=officer)
    assert app.state == AppState.RECOMMENDED
    assert db.session.scalar(select(func.count()).select_from(CorrectionRequest)) == 0


@pytest.mark.parametrize("who", ["lead", "recommender"])
def test_only_an_officer_requests_corrections(who):
    app, lead, officer = recommended()
    checklist.record_findings(app, findings(app, failing={"figures"}), actor=officer)
    actor = lead if who == "lead" else factories.recommender(app.region_code)
    with pytest.raises(PermissionDenied):
        formal_review.request_correction(app, actor=actor)


def test_generic_transition_without_a_correction_request_is_refused():
    app, _lead, officer = recommended()
    with pytest.raises(ServiceError) as refused:
        transition(app, Action.REQUEST_CORRECTION, actor=officer, comment="请补正")
    assert str(refused.value) == _("Request corrections through the checklist.")
    assert app.state == AppState.RECOMMENDED


@pytest.mark.parametrize(("days", "last_day"), [
    (1, (2, 13)), (2, (2, 14)), (3, (2, 24)), (5, (2, 26)), (None, (2, 26)),
], ids=["1", "2-make-up-saturday", "3-after-the-holiday", "5", "call-default-5"])
def test_deadline_counts_working_days_across_the_spring_festival(days, last_day):
    clock.freeze(datetime(2026, 2, 10, 9, 0, tzinfo=LOCAL))
    app, _lead, officer = recommended()
    clock.freeze(datetime(2026, 2, 12, 10, 0, tzinfo=LOCAL))  # a Thursday

    request = ask(app, officer, working_days=days)

    assert request.deadline_at == datetime(2026, *last_day, 23, 59, 59, tzinfo=LOCAL)


def test_deadline_outside_1_to_60_working_days_is_refused():
    app, _lead, officer = recommended()
    with pytest.raises(ServiceError):
        ask(app, officer, working_days=61)


def answer(app, lead) -> None:
    intake.save_section(app, "basic", {**app.section_data("basic"), "project_head": "王补正"},
                        actor=lead)
    transition(app, Action.RESUBMIT_CORRECTION, actor=lead)


def test_second_round_is_refused_by_default():
    app, lead, officer = recommended()
    ask(app, officer)
    answer(app, lead)

    with pytest.raises(ServiceError) as refused:
        ask(app, officer, failing=("figures",))

    assert str(refused.value) == _("The %(n)d correction round(s) of this call are used; pass "
                                   "or fail the application.", n=1)
    assert app.state == AppState.RECOMMENDED


def test_a_call_allowing_two_rounds_takes_a_second_request():
    app, lead, officer = recommended(correction_rounds=2)
    ask(app, officer)
    answer(app, lead)

    second = ask(app, officer, failing=("figures",))

    assert second.round == 2 and [i["code"] for i in second.items] == ["figures"]
    assert app.state == AppState.CORRECTION_REQUESTED


def test_a_call_without_rounds_refuses_any_request():
    app, _lead, officer = recommended(correction_rounds=0)
    with pytest.raises(ServiceError):
        ask(app, officer)


# What the applicant may change while corrections are requested


def upload(app, lead, kind: str):
    return attachments.store_attachment(app, kind=kind, filename=f"{kind}-v2.pdf",
                                        stream=io.BytesIO(factories.PDF), actor=lead)


def test_listed_section_and_the_basics_may_be_changed():
    app, lead, officer = recommended()
    ask(app, officer, failing=("basic_info",))

    intake.save_section(app, "basic", {**app.section_data("basic"), "summary": "补正后的简介"},
                        actor=lead)
    intake.update_basics(app, title="山东省补正技术创新中心", field_id=app.field_id, actor=lead)

    assert app.section_data("basic")["summary"] == "补正后的简介"
    assert app.title == "山东省补正技术创新中心"


def test_unlisted_section_is_refused():
    app, lead, officer = recommended()
    ask(app, officer, failing=("basic_info",))
    before = dict(app.section_data("risks"))

    with pytest.raises(PermissionDenied):
        intake.save_section(app, "risks", {"risks": "未列入补正的修改"}, actor=lead)

    assert app.section_data("risks") == before


def test_listed_attachment_may_be_replaced_and_an_unlisted_one_not():
    app, lead, officer = recommended()
    ask(app, officer, failing=("att_agreement",))

    upload(app, lead, "agreement")
    with pytest.raises(PermissionDenied):
        upload(app, lead, "licence")

    current = {a.kind: a.original_name for a in app.current_attachments()}
    assert current == {"licence": "licence.pdf", "agreement": "agreement-v2.pdf"}


def test_cobuilders_are_refused_unless_listed():
    app, lead, officer = recommended()
    ask(app, officer, failing=("basic_info",))
    with pytest.raises(PermissionDenied):
        intake.add_cobuilder(app, credit_code=factories.credit_code(), name="未列入的大学",
                             division="联合研发", actor=lead)
    assert app.cobuilders == []


def test_listed_cobuilders_may_be_added_and_confirmed_then_resubmitted():
    app, lead, officer = recommended()
    ask(app, officer, failing=("cobuilders",))
    partner = factories.user(Role.APPLICANT, organization=factories.org(name="补充的大学",
                                                                       kind="university"))

    intake.add_cobuilder(app, credit_code=partner.organization.credit_code, name="补充的大学",
                         division="联合研发", actor=lead)
    with pytest.raises(ServiceError):  # the new co-builder has not confirmed yet
        transition(app, Action.RESUBMIT_CORRECTION, actor=lead)
    intake.confirm_cobuilding(app, actor=partner)
    transition(app, Action.RESUBMIT_CORRECTION, actor=lead)

    assert app.state == AppState.RECOMMENDED
    assert app.versions[-1].snapshot["cobuilders"][0]["confirmed"] is True


def test_another_organization_cannot_change_a_listed_part():
    app, _lead, officer = recommended()
    ask(app, officer, failing=("basic_info",))
    with pytest.raises(PermissionDenied):
        intake.save_section(app, "basic", {"project_head": "冒名"}, actor=factories.applicant())


def test_after_resubmission_nothing_is_editable_any_more():
    app, lead, officer = recommended()
    ask(app, officer)
    answer(app, lead)
    with pytest.raises(PermissionDenied):
        intake.save_section(app, "basic", {"project_head": "再改"}, actor=lead)


# Resubmission and the deadline


def test_resubmit_before_the_deadline_returns_to_recommended_with_a_new_version():
    app, lead, officer = recommended()
    request = ask(app, officer)
    versions = app.version_count
    clock.freeze(request.deadline_at)

    answer(app, lead)

    assert app.state == AppState.RECOMMENDED
    assert app.version_count == versions + 1
    assert app.versions[-1].number == versions + 1
    assert app.versions[-1].snapshot["sections"]["basic"]["project_head"] == "王补正"
    assert app.versions[-2].snapshot["sections"]["basic"]["project_head"] != "王补正"
    assert request.answered_at == request.deadline_at
    assert checklist.open_correction(app) is None


def test_resubmit_after_the_deadline_is_refused():
    app, lead, officer = recommended()
    request = ask(app, officer)
    versions = app.version_count
    clock.freeze(request.deadline_at + timedelta(seconds=1))

    with pytest.raises(ServiceError) as refused:
        transition(app, Action.RESUBMIT_CORRECTION, actor=lead)

    assert str(refused.value) == _("The correction deadline has passed.")
    assert app.state == AppState.CORRECTION_REQUESTED and app.version_count == versions
    assert request.answered_at is None


def test_after_corrections_the_officer_checks_the_failed_items_again_before_passing():
    app, lead, officer = recommended()
    ask(app, officer, failing=("basic_info",))
    answer(app, lead)

    with pytest.raises(ServiceError):
        transition(app, Action.PASS_FORMAL_REVIEW, actor=officer)
    checklist.record_findings(app, findings(app), actor=officer)
    transition(app, Action.PASS_FORMAL_REVIEW, actor=officer)

    assert app.state == AppState.FORMAL_PASSED


@pytest.mark.parametrize("action", [Action.PASS_FORMAL_REVIEW, Action.FAIL_FORMAL_REVIEW,
                                    Action.REQUEST_CORRECTION])
def test_while_corrections_are_requested_the_officer_waits(action):
    app, _lead, officer = recommended()
    ask(app, officer)
    rows = audit_count(app)

    with pytest.raises(ServiceError):
        transition(app, action, actor=officer, comment="不应在补正期间办理")

    assert app.state == AppState.CORRECTION_REQUESTED and audit_count(app) == rows
