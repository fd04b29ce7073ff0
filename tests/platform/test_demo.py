"""The demo loader: loaded once, the 2022 call decided as DOMAIN.md section 9 describes,
every state reached through audited transitions, the current call open with applications in
every state of recommendation and formal review, and `flask stats` counting them.

The demo is loaded once for the module (it takes a few seconds); the tests only read it."""
import json
from collections import Counter
from datetime import date, timedelta
from functools import partial

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from tests.conftest import emptied_afterwards
from workflow.accounts.models import users as user_models
from workflow.accounts.models.users import User
from workflow.accounts.operations import second_factor
from workflow.accounts.operations.login import Attempt, check_password
from workflow.calendar import queries as calendar
from workflow.calendar.models import CalendarDay
from workflow.calls.models import Call
from workflow.core import pdf_check
from workflow.core.clock import local, now
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import NOTICE_ISSUED_STATES, AppState, Role
from workflow.demo import data as demo_data
from workflow.demo import manufacturing
from workflow.demo import seed as demo
from workflow.experts.models import Expert
from workflow.formal_review.operations import checklist
from workflow.intake.models import Application, CoBuilder
from workflow.intake.operations import intake
from workflow.intake.rules import eligibility
from workflow.organizations.models import Organization, OrgStatus
from workflow.organizations.operations import licences, organizations
from workflow.recommendation import operations as recommendation
from workflow.recommendation.models import Recommendation
from workflow.review.models import PanelSeat
from workflow.review.operations import results
from workflow.review.queries import panel_seats

JINAN = "370100"
# The demo's other programs, checked on the same load (tests/demo_programs).
from tests.demo_programs.communities import *  # noqa: E402, F403
from tests.demo_programs.manufacturing import *  # noqa: E402, F403
from tests.demo_programs.stats import *  # noqa: E402, F403


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _call(title: str) -> Call:
    return db.session.scalar(select(Call).where(Call.title == title))


def _current() -> Call:
    return db.session.scalar(select(Call).where(Call.state == "open",
                                                Call.title.startswith(str(local(now()).year))
                                                | Call.title.startswith(
                                                    str(local(now()).year + 1))))


def _apps(call: Call, **where) -> list[Application]:
    stmt = select(Application).where(Application.call_id == call.id).order_by(Application.id)
    for name, value in where.items():
        stmt = stmt.where(getattr(Application, name) == value)
    return list(db.session.scalars(stmt))


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


@pytest.fixture(scope="module")
def seeded(app):
    """The demo, loaded once; `seed()` answered True."""
    with pytest.MonkeyPatch.context() as patch, emptied_afterwards(app):
        # About 80 accounts: the default scrypt would spend most of the loading hashing.
        patch.setattr(user_models, "generate_password_hash",
                      partial(generate_password_hash, method="pbkdf2:sha256:1"))
        created = demo.seed()
        db.session.commit()
        yield created


@pytest.fixture(autouse=True)
def _context(seeded):
    """Replaces conftest's: the tests here read the demo loaded once."""
    yield
    db.session.rollback()


def test_seed_twice_creates_the_demo_once(seeded):
    counts = (_count(User), _count(Application), _count(AuditEntry))

    assert demo.seed() is False
    db.session.commit()

    assert seeded is True
    assert (_count(User), _count(Application), _count(AuditEntry)) == counts
    # The current call also holds the draft of the unit waiting for its verification.
    # Beside them: five communities, three manufacturing centers and one recognition.
    assert counts[1] == len(demo_data.LEADS) + len(demo_data.CURRENT) + 1 + 5 + 3 + 1
    for email, password, _roles in demo.LOGINS:
        assert check_password(email, password, attempt=Attempt()).user is not None, email


def test_seed_department_accounts_log_in_with_a_second_factor(app):
    secrets = dict(demo.department_secrets())
    assert set(secrets) == {demo.OFFICER_EMAIL, "leader@demo.centerflow.cn",
                            "officer-gxt@demo.centerflow.cn", "leader-gxt@demo.centerflow.cn"}
    runner = app.test_cli_runner()
    printed = runner.invoke(args=["seed-demo"]).output
    assert all(secret in printed for secret in secrets.values())
    code = runner.invoke(args=["demo-code", demo.OFFICER_EMAIL]).output.strip()
    officer = _user(demo.OFFICER_EMAIL)
    officer.totp_last_step = None
    assert second_factor.check_code(officer, code)
    db.session.rollback()
    assert runner.invoke(args=["demo-code", "applicant@demo.centerflow.cn"]).exit_code != 0


def test_seed_has_a_second_department_with_its_own_officer_leader_and_calls():
    calls = {c.title: c.department.office_code for c in db.session.scalars(select(Call))}
    assert set(calls.values()) == {"鲁科字", "鲁工信技"} and calls[demo.TITLE_2022] == "鲁科字"
    assert {t for t, office in calls.items() if office == "鲁工信技"} == {
        manufacturing.CULTIVATION_TITLE, manufacturing.RECOGNITION_TITLE}
    staff = {u.email: (u.department.office_code, sorted(u.roles)) for u in (
        _user(f"{name}@demo.centerflow.cn") for name in ("officer", "leader", "officer-gxt",
                                                          "leader-gxt"))}
    assert staff == {"officer@demo.centerflow.cn": ("鲁科字", [Role.OFFICER]),
                     "leader@demo.centerflow.cn": ("鲁科字", [Role.LEADER]),
                     "officer-gxt@demo.centerflow.cn": ("鲁工信技", [Role.OFFICER]),
                     "leader-gxt@demo.centerflow.cn": ("鲁工信技", [Role.LEADER])}
    industry = _user("officer-gxt@demo.centerflow.cn").department
    assert (industry.name, industry.agency_name, industry.runs_installation) == (
        "山东省工业和信息化厅", "山东省工业和信息化厅", False)


def test_seed_2022_call_has_25_approved_from_all_16_cities():
    call = _call(demo.TITLE_2022)
    apps = _apps(call)

    assert call.state == "decided"
    # The 25 centers approved by the notice have gone on since (task books, acceptance,
    # evaluation, one revocation): each is in a state of the notice's aftermath.
    approved = [a for a in apps if a.state in NOTICE_ISSUED_STATES]
    assert len(approved) == 25
    assert {a.region_code for a in apps} == set(demo_data.CITIES)
    assert len({a.field_id for a in approved}) == 25
    flagship = {a.lead_org.name: a.title for a in approved}
    assert flagship["山东华光光电子股份有限公司"] == "山东省半导体激光技术创新中心"
    assert flagship["浪潮通用软件有限公司"] == "山东省工业软件技术创新中心"
    assert flagship["山东奥太电气有限公司"] == "山东省焊接装备技术创新中心"


def test_seed_2022_recommendations_rank_within_each_city_quota():
    call = _call(demo.TITLE_2022)
    rows = db.session.scalars(select(Recommendation).where(Recommendation.call_id == call.id))
    ranks: dict[int, list[int]] = {}
    for row in rows:
        ranks.setdefault(row.recommender_org_id, []).append(row.rank)
    recommended_once = {*NOTICE_ISSUED_STATES, AppState.NOT_SELECTED, AppState.FORMAL_REJECTED}

    assert sum(map(len, ranks.values())) == sum(a.state in recommended_once for a in _apps(call))
    for org_ranks in ranks.values():
        assert sorted(org_ranks) == list(range(1, len(org_ranks) + 1))
        assert len(org_ranks) <= call.recommender_quota
    assert call.recommend_deadline > call.closes_at


def test_seed_2022_correction_was_asked_once_and_answered_in_time():
    call = _call(demo.TITLE_2022)
    (corrected,) = [a for a in _apps(call) if a.corrections]
    (request,) = corrected.corrections

    assert corrected.state in NOTICE_ISSUED_STATES
    assert {i["code"] for i in request.items} == set(demo_data.CORRECTION_2022)
    assert request.requested_at < request.answered_at < request.deadline_at
    assert local(request.deadline_at).date() == date(2022, 8, 8)  # 5 working days after 8/1
    assert [v.number for v in corrected.versions] == [1, 2]


def test_seed_every_state_matches_its_last_audit_row():
    apps = db.session.scalars(select(Application)).all()

    for app in apps:
        last = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.application_id == app.id, AuditEntry.to_state.is_not(None))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        ).first()
        assert last is not None and last.to_state == app.state, app.title
    assert {a.state for a in apps} >= {
        AppState.OPERATING, AppState.UNDER_CONSTRUCTION, AppState.RECTIFICATION,
        AppState.NOT_ACCEPTED, AppState.REVOKED, AppState.NOT_RECOMMENDED, AppState.FORMAL_REJECTED,
        AppState.NOT_SELECTED, AppState.WITHDRAWN, AppState.DRAFT, AppState.SUBMITTED,
        AppState.RETURNED, AppState.RECOMMENDED, AppState.CORRECTION_REQUESTED,
        AppState.FORMAL_PASSED, AppState.EXPIRED, AppState.EXPERT_REVIEW,
    }


def test_seed_audit_trail_lies_in_the_past():
    assert db.session.scalar(select(func.max(AuditEntry.at))) <= now()


def test_seed_current_call_is_open_and_leaves_room_to_try():
    call = _current()
    huaguang = _user("applicant@demo.centerflow.cn")
    partner = _user("cobuilder@demo.centerflow.cn")
    pending = db.session.scalars(
        select(CoBuilder).where(CoBuilder.organization_id == partner.organization_id,
                                CoBuilder.confirmed_at.is_(None))
    ).all()

    assert call.opens_at < now() < call.closes_at
    assert call.accepts_filings(now())
    assert not _apps(call, lead_org_id=huaguang.organization_id)
    assert [(c.application.call_id, c.application.state) for c in pending] == [
        (call.id, AppState.DRAFT)
    ]


def test_seed_current_call_has_every_state_of_recommendation_and_formal_review():
    states = Counter(a.state for a in _apps(_current()))
    for state in (AppState.SUBMITTED, AppState.RETURNED, AppState.RECOMMENDED,
                  AppState.NOT_RECOMMENDED, AppState.CORRECTION_REQUESTED,
                  AppState.FORMAL_PASSED, AppState.FORMAL_REJECTED, AppState.DRAFT,
                  AppState.WITHDRAWN, AppState.EXPERT_REVIEW):
        assert states[state] >= 1, state


def test_seed_current_recommend_deadline_is_weeks_after_the_filing_closes():
    call = _current()
    assert timedelta(days=14) <= call.recommend_deadline - call.closes_at <= timedelta(days=35)


def test_seed_jinan_has_a_queue_and_uses_3_of_its_5_places():
    call = _current()
    rec_jinan = _user("rec-jinan@demo.centerflow.cn")
    bureau = rec_jinan.organization
    queue = _apps(call, region_code=JINAN, state=AppState.SUBMITTED)

    assert rec_jinan.has_role(Role.RECOMMENDER) and bureau.region_code == JINAN
    assert len(queue) >= 3
    assert recommendation.used_ranks(call.id, bureau.id) == [1, 2, 3]
    assert recommendation.quota_left(call, bureau.id) == 2
    sheet = recommendation.summary_sheet(call, bureau)
    assert [r.rank for r in sheet.rows] == [1, 2, 3]
    assert {r.city for r in sheet.rows} == {"济南市"}


def test_seed_open_correction_lists_the_failed_items_with_a_deadline_ahead():
    call = _current()
    (app,) = _apps(call, state=AppState.CORRECTION_REQUESTED)
    request = checklist.open_correction(app)
    applicant3 = _user("applicant3@demo.centerflow.cn")

    assert applicant3.organization_id == app.lead_org_id
    assert {i["code"] for i in request.items} == set(demo_data.CORRECTION_CURRENT)
    assert request.requested_at < now() < request.deadline_at
    assert 1 <= calendar.working_days_left(now(), request.deadline_at) <= call.correction_workdays
    assert {i["code"] for i in checklist.failed_items(app)} == set(demo_data.CORRECTION_CURRENT)


def test_seed_formal_review_results_have_complete_checklists():
    call = _current()
    for app in _apps(call, state=AppState.FORMAL_PASSED):
        assert not checklist.unchecked_items(app) and not checklist.failed_items(app)
    (rejected,) = _apps(call, state=AppState.FORMAL_REJECTED)
    assert {i["code"] for i in checklist.failed_items(rejected)} == set(demo_data.FORMAL_FAIL)


def test_seed_one_filed_application_fails_a_soft_rule_and_a_draft_a_hard_one():
    call = _current()
    quantum = next(a for a in _apps(call) if a.lead_org.name == "济南量子信通科技有限公司")
    results = eligibility.evaluate(quantum)
    branch = db.session.scalar(select(Organization).where(
        Organization.name == "济南鲁骐汽车集团有限公司智能网联分公司"))
    (blocked,) = _apps(call, lead_org_id=branch.id)

    assert quantum.state == AppState.SUBMITTED
    assert [r.code for r in results if not r.passed] == ["revenue_min"]
    assert not next(r for r in results if r.code == "revenue_min").hard
    assert blocked.state == AppState.DRAFT
    assert blocked.version_count == 0
    assert [str(r.code) for r in eligibility.evaluate(blocked) if not r.passed] == [
        "legal_person"]
    assert len(eligibility.hard_failures(blocked)) == 1


def test_seed_officer_entered_days_of_2027():
    rows = {r.day: r for r in db.session.scalars(select(CalendarDay))}
    assert set(rows) == {day for day, _workday, _note in demo_data.CALENDAR_2027}
    assert all(r.day.year == 2027 for r in rows.values())
    assert {r.is_workday for r in rows.values()} == {True, False}
    assert rows[date(2027, 2, 20)].day.weekday() == 5 and rows[date(2027, 2, 20)].is_workday
    assert not rows[date(2027, 2, 11)].is_workday and rows[date(2027, 2, 11)].day.weekday() < 5


def test_stats_json_counts_the_demo(app):
    result = app.test_cli_runner().invoke(args=["stats", "--json"])
    output = json.loads(result.output)
    calls = {c["title"]: c for c in output["calls"]}

    current = calls[_current().title]
    assert current["total"] == len(demo_data.CURRENT) + 1  # and the waiting unit's draft
    assert current["by_state"] == dict(Counter(a.state for a in _apps(_current())))
    # The 25 centers of 2022 went on after their notice (task books, acceptance, ...); the
    # five communities of 2019 and the manufacturing centers (two cultivated, one
    # recognised) wait at approved.
    after_notice = dict(Counter(a.state for a in db.session.scalars(select(Application))
                                if a.state in NOTICE_ISSUED_STATES))
    assert output["centers"]["by_status"] == {
        state: after_notice.get(state, 0) for state in output["centers"]["by_status"]}
    assert sum(output["centers"]["by_status"].values()) == 25 + 5 + 3


def test_seed_expert_pool_has_about_120_experts_with_accounts():
    experts = db.session.scalars(select(Expert)).all()
    expert_login = _user("expert@demo.centerflow.cn")

    assert 110 <= len(experts) <= 130
    assert all(e.user is not None and e.user.has_role(Role.EXPERT) for e in experts)
    assert expert_login.id in {e.user_id for e in experts}


def test_seed_2022_panels_were_scored_and_confirmed():
    call = _call(demo.TITLE_2022)
    reviewed = [a for a in _apps(call)
                if a.state in NOTICE_ISSUED_STATES | {AppState.NOT_SELECTED}]

    assert reviewed
    for app in reviewed:
        seats = panel_seats.accepted_seats(app)
        row = results.result_of(app)
        assert len(seats) == 5 and sum(s.is_chair for s in seats) == 1
        assert panel_seats.all_submitted(app)
        assert row.chair_confirmed_at is not None and not results.alarm_unresolved(row)


def test_seed_current_call_has_an_unresolved_alarm_for_expert_as_chair():
    call = _current()
    expert_login = _user("expert@demo.centerflow.cn")
    (scored,) = _apps(call, state=AppState.EXPERT_REVIEW)
    row = results.result_of(scored)
    chair = next(s for s in panel_seats.accepted_seats(scored) if s.is_chair)
    totals = [s.sheet.total for s in panel_seats.accepted_seats(scored)]

    assert panel_seats.all_submitted(scored) and max(totals) - min(totals) > 20
    assert results.alarm_unresolved(row)
    assert chair.expert.user_id == expert_login.id
    invited = db.session.scalars(select(PanelSeat).join(Expert).where(
        Expert.user_id == expert_login.id, PanelSeat.status == "invited")).all()
    assert [s.application.state for s in invited] == [AppState.FORMAL_PASSED]
    assert invited[0].application.call_id == call.id


def test_seed_verified_every_unit_but_one_that_waits_with_its_licence():
    orgs = db.session.scalars(select(Organization).order_by(Organization.id)).all()
    (waiting,) = [o for o in orgs if o.status != OrgStatus.VERIFIED]
    login = _user("waiting@demo.centerflow.cn")
    (draft,) = _apps(_current(), lead_org_id=waiting.id)
    rec_qingdao = _user("rec-qingdao@demo.centerflow.cn")
    queue = organizations.verification_queue(city=rec_qingdao.organization.region_code)

    assert (waiting.name, waiting.status) == (demo_data.WAITING[1], OrgStatus.UNVERIFIED)
    assert login.organization_id == waiting.id
    assert all(o.licence is not None for o in orgs)
    assert pdf_check.check_pdf(licences.read_licence(waiting.licence)).pages == 1
    assert [(o.id, disputed) for o, disputed in queue.items] == [(waiting.id, False)]
    assert draft.state == AppState.DRAFT
    with force_locale("en"):
        assert "waiting for its verification" in intake.submission_problems(draft)[0]


def test_seed_units_were_verified_by_their_city_bureau_and_bureaus_by_the_officer():
    """Nobody verifies their own unit: the department is verified by the system."""
    officer = _user(demo.OFFICER_EMAIL)
    rows = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "verify_organization")).all()
    verified = {o.id: o for o in db.session.scalars(select(Organization).where(
        Organization.status == OrgStatus.VERIFIED))}

    assert sorted(r.organization_id for r in rows) == sorted(verified)
    for row in rows:
        unit = verified[row.organization_id]
        if unit.name == "山东省科学技术厅":
            assert row.actor_id is None and row.role == "system"
        elif unit.kind == "government":
            assert row.actor_id == officer.id
        else:
            assert row.actor.has_role(Role.RECOMMENDER)
            assert row.actor.organization.region_code == unit.region_code
