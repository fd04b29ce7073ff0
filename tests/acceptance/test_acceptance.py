"""Acceptance (验收) at the end of construction, as the department runs it: the lead unit
applies with its self-assessment against the signed task book, the officer forms a panel from
the expert pool (conflict rules, optimal assignment or draw), the experts score sealed with
the acceptance rubric, the chair confirms, and the officer records the outcome."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from workflow.acceptance import queries
from workflow.acceptance.models import AcceptanceExclusion, AcceptanceRequest, AcceptanceSeat
from workflow.acceptance.operations import outcomes, panels, requests, scoring
from workflow.acceptance.rules import DEFAULT_ACCEPTANCE_RUBRIC, suggested_outcome
from workflow.core import clock
from workflow.core.errors import ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Action, AppState
from workflow.experts.operations import conflicts
from workflow.inbox.models import Notification
from workflow.lifecycle.transitions import transition
from workflow.notices.models import DecisionDocument
from workflow.notices.operations.decisions import decision_bytes
from workflow.review.rules.rubric import items

S = AppState


def actions_of(app) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.application_id == app.id).order_by(AuditEntry.id)))


def kinds_told(user) -> set[str]:
    return set(db.session.scalars(select(Notification.kind).where(
        Notification.user_id == user.id)))


@pytest.fixture
def center(restored):
    return restored("under_construction", lambda: factories.application(
        state=S.UNDER_CONSTRUCTION))


def test_a_center_applies_is_scored_by_a_sealed_panel_and_passes(center):
    officer = factories.officer()
    lead = factories.user(factories.Role.APPLICANT, organization=center.lead_org)
    row = requests.start_request(center, actor=lead)
    assert requests.submit_problems(row)  # nothing typed yet: values, narrative, report
    targets = {line.indicator.code: line.target for line in queries.self_assessment(row)}
    assert targets  # the signed task book's final targets
    values = {code: str(t) for code, t in targets.items()}
    values["rd_staff"] = str(targets["rd_staff"] - 1)  # one target missed
    requests.save_self_assessment(row, values, "三年建设任务完成情况……", actor=lead)
    requests.add_attachment(row, filename="验收报告.pdf", stream=factories.io.BytesIO(
        factories.PDF), actor=lead)
    requests.submit_request(row, actor=lead)
    assert "acceptance_submitted" in kinds_told(officer)
    missed = [line.indicator.code for line in queries.self_assessment(row) if line.missed]
    assert missed == ["rd_staff"]

    # The pool: the five experts who reviewed the application, and five more of its field.
    [factories.expert(center.field.name) for _ in range(5)]
    done = panels.assign_panels(center.call, method="optimal", actor=officer)
    assert done == {"seats": 5, "unfilled": {}}
    experts = [s.expert for s in row.seats]
    assert sum(s.is_chair for s in row.seats) == 1
    assert all("acceptance_invitation" in kinds_told(e.user) for e in experts)
    for seat in row.seats:
        panels.respond(seat, accept=True, actor=seat.expert.user)

    rubric = DEFAULT_ACCEPTANCE_RUBRIC
    first, *others = row.seats
    scoring.save_sheet(first, {i["code"]: i["max"] for _d, i in items(rubric)}, {}, [],
                       "完成良好", actor=first.expert.user)
    scoring.submit_sheet(first, actor=first.expert.user)
    # Sealed: before every sheet is in, no expert (not even the chair) sees another score.
    assert all(scoring.totals_for(row, s.expert.user) == [] for s in row.seats)
    assert len(scoring.totals_for(row, officer)) == 1
    for seat in others:
        scoring.save_sheet(seat, {i["code"]: i["max"] * 0.8 for _d, i in items(rubric)}, {},
                           [], "基本完成", actor=seat.expert.user)
        scoring.submit_sheet(seat, actor=seat.expert.user)
    assert row.score == 80.0  # the trimmed mean drops the 100
    chair = next(s for s in row.seats if s.is_chair)
    plain = next(s for s in row.seats if not s.is_chair)
    assert "acceptance_chair" in kinds_told(chair.expert.user)
    assert len(scoring.totals_for(row, chair.expert.user)) == 5
    assert scoring.totals_for(row, plain.expert.user) == []
    with pytest.raises(ServiceError):  # only once the chair confirmed
        outcomes.record_outcome(row, "pass", actor=officer)
    scoring.confirm_result(row, actor=chair.expert.user)
    assert len(scoring.totals_for(row, plain.expert.user)) == 5
    assert suggested_outcome(row.score) == "pass"

    outcomes.record_outcome(row, "pass", opinion="同意通过验收", actor=officer)
    assert center.state == S.OPERATING
    assert row.state == "decided" and row.outcome == "pass"
    book_center = queries.center_of(center)
    assert book_center.operating_since == clock.local(clock.now()).date()
    assert "（筹）" not in book_center.display_name
    trail = actions_of(center)
    assert trail[-3:] == [Action.PASS_ACCEPTANCE, "decide_acceptance",
                          "issue_acceptance_result"]
    doc = db.session.get(DecisionDocument, row.document_id)
    assert doc.kind == "acceptance_result" and doc.number.text.endswith("号")
    assert [a.id for a in doc.applications] == [center.id]
    assert "（筹）建设验收结果的通知" in doc.content["title"]
    assert "通过验收" in doc.content["paragraphs"][1]
    assert decision_bytes(doc).startswith(b"%PDF")
    assert {"start_acceptance", "edit_acceptance", "upload_acceptance_attachment",
            "submit_acceptance", "accept_acceptance_seat", "submit_acceptance_sheet",
            "confirm_acceptance_panel"} <= set(trail)
    assert db.session.scalar(select(Notification.id).where(
        Notification.user_id == lead.id, Notification.application_id == center.id,
        Notification.kind == "transition")) or lead.id


def test_pass_with_conditions_keeps_the_conditions(center):
    officer = factories.officer()
    row = factories.acceptance_panel(factories.acceptance_request(center), officer)
    factories.score_acceptance(row, 0.75)
    with pytest.raises(ServiceError):
        outcomes.record_outcome(row, "pass_with_conditions", actor=officer)
    assert center.state == S.UNDER_CONSTRUCTION
    outcomes.record_outcome(row, "pass_with_conditions", conditions="一年内引进高层次人才3名",
                            actor=officer)
    assert center.state == S.OPERATING
    row = db.session.get(AcceptanceRequest, row.id)
    assert row.conditions == "一年内引进高层次人才3名"
    doc = db.session.get(DecisionDocument, row.document_id)
    assert "一年内引进高层次人才3名" in doc.content["paragraphs"][1]


def test_a_deferred_center_stays_under_construction_and_applies_again_in_time(center):
    officer = factories.officer()
    row = factories.acceptance_panel(factories.acceptance_request(center), officer)
    factories.score_acceptance(row, 0.65)
    today = clock.local(clock.now()).date()
    lead = factories.user(factories.Role.APPLICANT, organization=center.lead_org)
    with pytest.raises(ServiceError):
        outcomes.record_outcome(row, "defer", actor=officer)
    outcomes.record_outcome(row, "defer", rectify_by=today + timedelta(days=180),
                            actor=officer)
    assert center.state == S.UNDER_CONSTRUCTION
    assert "acceptance_deferred" in kinds_told(lead)
    doc = db.session.get(DecisionDocument, row.document_id)
    assert "暂缓通过验收" in doc.content["paragraphs"][1]
    again = requests.start_request(center, actor=lead)
    assert again.attempt == 2
    db.session.delete(again)
    db.session.flush()
    with factories.clock_at(clock.now() + timedelta(days=200)):
        assert queries.start_problems(center, today + timedelta(days=200))
        with pytest.raises(ServiceError):
            requests.start_request(center, actor=lead)


def test_a_failed_center_fails_acceptance_with_reasons(center):
    officer = factories.officer()
    row = factories.acceptance_panel(factories.acceptance_request(center), officer)
    factories.score_acceptance(row, 0.5)
    assert suggested_outcome(row.score) == "fail"
    with pytest.raises(ServiceError):
        outcomes.record_outcome(row, "fail", actor=officer)
    outcomes.record_outcome(row, "fail", opinion="主要指标完成不足六成", actor=officer)
    assert center.state == S.NOT_ACCEPTED
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.application_id == center.id,
        AuditEntry.action == Action.FAIL_ACCEPTANCE)).one()
    assert entry.comment == "主要指标完成不足六成" and entry.role == "officer"
    doc = db.session.get(DecisionDocument, row.document_id)
    assert "未通过验收" in doc.content["paragraphs"][1]
    assert "主要指标完成不足六成" in doc.content["paragraphs"]


def test_departing_from_the_panel_needs_reasons(center):
    officer = factories.officer()
    row = factories.acceptance_panel(factories.acceptance_request(center), officer)
    factories.score_acceptance(row, 0.9)
    with pytest.raises(ServiceError):
        outcomes.record_outcome(row, "pass_with_conditions", conditions="补充材料",
                                actor=officer)


def test_the_actions_refuse_without_a_confirmed_panel_result(center):
    officer = factories.officer()
    row = factories.acceptance_panel(factories.acceptance_request(center), officer)
    factories.score_acceptance(row, 0.9, confirm=False)
    for action in (Action.PASS_ACCEPTANCE, Action.FAIL_ACCEPTANCE):
        with pytest.raises(ServiceError):
            transition(center, action, actor=officer, comment="直接通过")
    assert center.state == S.UNDER_CONSTRUCTION


def test_the_conflict_rules_keep_the_lead_units_expert_off_the_panel(center):
    officer = factories.officer()
    row = factories.acceptance_request(center)
    own = factories.expert(center.field.name)
    own.employer_credit_code = center.lead_org.credit_code  # R1
    same_city = factories.expert(center.field.name, region=center.lead_org.region_code)  # R8
    [factories.expert(center.field.name) for _ in range(5)]
    panels.assign_panels(center.call, method="draw", seed=42, actor=officer)
    seated = {s.expert_id for s in row.seats}
    assert len(seated) == 5 and not seated & {own.id, same_city.id}
    assert {s.seed for s in row.seats} == {42}
    rules = {(x.expert_id, x.rule) for x in db.session.scalars(select(AcceptanceExclusion))}
    assert (own.id, "R1") in rules and (same_city.id, "R8") in rules
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "assign_acceptance_draw")).one()
    assert "seed 42" in entry.comment


def test_the_same_seed_draws_the_same_panel(app):
    def draw(seed):
        center = factories.application(state=S.UNDER_CONSTRUCTION)
        row = factories.acceptance_request(center)
        for _ in range(4):
            factories.expert(center.field.name)
        pool = sorted(e.id for e in conflicts.eligible_experts(center.call, clock.now().date())
                      if center.field.term in [f.term for f in e.fields])
        panels.assign_panels(center.call, method="draw", seed=seed, actor=factories.officer())
        return [pool.index(s.expert_id) for s in row.seats]

    assert draw(7) == draw(7)


def test_a_declined_seat_gives_up_the_chair_and_is_refilled(center):
    officer = factories.officer()
    row = factories.acceptance_panel(factories.acceptance_request(center), officer,
                                     accept=False)
    chair = next(s for s in row.seats if s.is_chair)
    with pytest.raises(ServiceError):
        panels.respond(chair, accept=False, actor=chair.expert.user)
    panels.respond(chair, accept=False, reason="与牵头单位有合作关系", actor=chair.expert.user)
    assert not chair.is_chair and sum(s.is_chair for s in row.seats) == 1
    factories.expert(center.field.name)
    assert panels.assign_panels(center.call, method="optimal", actor=officer)["seats"] == 1
    assert len([s for s in row.seats if s.status != "declined"]) == 5


def test_bad_input_changes_nothing(center):
    lead = factories.user(factories.Role.APPLICANT, organization=center.lead_org)
    row = requests.start_request(center, actor=lead)
    requests.save_self_assessment(row, {"rd_staff": "12"}, "原文", actor=lead)
    for value in ("-1", "many", "nan", "1e999"):
        with pytest.raises(ServiceError):
            requests.save_self_assessment(row, {"rd_staff": value}, "改了", actor=lead)
        db.session.refresh(row)
        assert row.values == {"rd_staff": 12.0} and row.narrative == "原文"
    with pytest.raises(ServiceError):
        requests.add_attachment(row, filename="x.pdf", stream=factories.io.BytesIO(b"not a pdf"),
                                actor=lead)
    assert row.attachments == []
    with pytest.raises(ServiceError):
        requests.submit_request(row, actor=lead)
    assert row.state == "drafting"


def test_a_score_out_of_range_is_refused_whole(center):
    row = factories.acceptance_panel(factories.acceptance_request(center))
    seat = row.seats[0]
    with pytest.raises(ServiceError):
        scoring.save_sheet(seat, {"funds_use": 11, "capacity_rd": 5}, {}, [], "",
                           actor=seat.expert.user)
    assert seat.sheet is None
    scoring.save_sheet(seat, {"capacity_rd": 5}, {}, [], "意见", actor=seat.expert.user)
    with pytest.raises(ServiceError):  # every item must be scored
        scoring.submit_sheet(seat, actor=seat.expert.user)
    assert seat.sheet.submitted_at is None and seat.sheet.scores == {"capacity_rd": 5}


def test_only_one_request_at_work_per_center(center):
    factories.acceptance_request(center)
    lead = factories.user(factories.Role.APPLICANT, organization=center.lead_org)
    with pytest.raises(ServiceError):
        requests.start_request(center, actor=lead)
    assert db.session.scalar(select(db.func.count(AcceptanceSeat.id))) == 0


def test_the_lead_unit_is_reminded_when_construction_nears_its_end(center):
    lead = factories.user(factories.Role.APPLICANT, organization=center.lead_org)
    ends = queries.center_of(center).construction_ends_on
    today = clock.local(clock.now()).date()
    with factories.clock_at(clock.now() + (ends - today) - timedelta(days=100)):
        assert outcomes.remind_ending() == 0
    with factories.clock_at(clock.now() + (ends - today) - timedelta(days=60)):
        assert outcomes.remind_ending() >= 1
        assert outcomes.remind_ending() == 0  # once
    assert "acceptance_due" in kinds_told(lead)



def test_the_lead_unit_reads_its_outcome_and_downloads_the_decision(center, login_as):
    row = factories.acceptance_decided(center, "pass_with_conditions")
    lead = factories.user(factories.Role.APPLICANT, organization=center.lead_org)
    db.session.commit()
    page = login_as(lead).get(f"/acceptance/{row.id}").get_data(as_text=True)
    assert "一年内补齐人才指标" in page and 'id="decision-document"' in page
    assert 'id="seats"' not in page and 'id="exclusions"' not in page  # the panel's names
    doc = db.session.get(DecisionDocument, row.document_id)
    answer = login_as(lead).get(f"/decisions/{doc.id}")
    assert answer.status_code == 200 and answer.data == decision_bytes(doc)


def test_a_dispersion_alarm_needs_the_chairs_note(center):
    row = factories.acceptance_panel(factories.acceptance_request(center))
    accepted = [s for s in row.seats if s.status == "accepted"]
    for seat, share in zip(accepted, (0.95, 0.9, 0.85, 0.6, 0.5), strict=True):
        factories.score_acceptance_seat(seat, share)
    assert row.dispersion_alarm
    chair = next(s for s in row.seats if s.is_chair)
    with pytest.raises(ServiceError):
        scoring.confirm_result(row, actor=chair.expert.user)
    assert row.chair_confirmed_at is None
    scoring.confirm_result(row, note="经讨论，两位专家对成果转化评价偏严，维持原评分。",
                           actor=chair.expert.user)
    assert row.chair_confirmed_at is not None and row.alarm_note.startswith("经讨论")
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "confirm_acceptance_panel")).one()
    assert "经讨论" in entry.comment


def test_a_deferral_that_lapses_lets_the_department_fail_the_center(center):
    officer = factories.officer()
    row = factories.acceptance_decided(center, "defer", officer)
    with pytest.raises(ServiceError):  # the center may still apply again
        outcomes.fail_lapsed(center, reason="逾期", actor=officer)
    later = clock.now() + timedelta(days=200)
    with factories.clock_at(later):
        assert queries.lapsed_deferral(center, clock.local(later).date()) == row
        with pytest.raises(ServiceError):  # a lapse passes nobody
            transition(center, Action.PASS_ACCEPTANCE, actor=officer)
        outcomes.fail_lapsed(center, reason="逾期未重新申请验收", actor=officer)
    assert center.state == S.NOT_ACCEPTED
    docs = db.session.scalars(select(DecisionDocument).order_by(DecisionDocument.id)).all()
    assert len(docs) == 2 and "逾期未申请" in docs[-1].content["paragraphs"][0]
    assert actions_of(center)[-2:] == [Action.FAIL_ACCEPTANCE, "issue_acceptance_result"]


def test_the_officers_desk_lists_a_lapsed_deferral(center, login_as):
    officer = factories.officer()
    factories.acceptance_decided(center, "defer", officer)
    db.session.commit()
    client = login_as(officer)
    assert 'data-group="acceptance_lapsed"' not in client.get("/desk").get_data(as_text=True)
    with factories.clock_at(clock.now() + timedelta(days=200)):
        page = client.get("/desk").get_data(as_text=True)
    assert 'data-group="acceptance_lapsed" data-count="1"' in page
