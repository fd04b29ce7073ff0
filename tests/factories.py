"""Test data through the services. States are reached only through the transition function,
along the shortest path of the transition table, each step by an actor of the right role."""
import io
from collections import deque
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from itertools import count

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from workflow.acceptance import queries as acceptance_queries
from workflow.acceptance import rules as acceptance_rules
from workflow.acceptance.operations import outcomes as acceptance_outcomes
from workflow.acceptance.operations import panels as acceptance_panels
from workflow.acceptance.operations import requests as acceptance_requests
from workflow.acceptance.operations import scoring as acceptance_scoring
from workflow.accounts.models.users import User, UserRole
from workflow.application_forms.queries import form_of
from workflow.application_forms.schema import read as read_form
from workflow.application_forms.shipped import TECHNOLOGY_CENTER
from workflow.calendar import queries as calendar
from workflow.calls.chains import Chain
from workflow.calls.models import PlatformType
from workflow.calls.operations import calls
from workflow.centers import operations as center_operations
from workflow.centers.indicators import INDICATORS
from workflow.core import clock, creditcode, pdf_check, regions, workdays
from workflow.core.extensions import db
from workflow.core.reference import PRIORITY_INDUSTRIES
from workflow.core.states import (
    NOTICE_ISSUED_STATES,
    TRANSITIONS,
    Action,
    AppState,
    CallState,
    Role,
)
from workflow.demo.steps import tiny_pdf
from workflow.departments import operations as departments
from workflow.departments.models import Department
from workflow.evaluation import operations as evaluation
from workflow.evaluation import rules as evaluation_rules
from workflow.evaluation.models import Grade
from workflow.evaluation.operations import results as evaluation_results
from workflow.evaluation.settings import EvaluationSettings
from workflow.experts.models import Expert, ExpertField
from workflow.formal_review.operations import checklist
from workflow.formal_review.operations import correction as formal_review
from workflow.intake.operations import attachments, intake
from workflow.lifecycle.permissions import SYSTEM
from workflow.lifecycle.transitions import transition
from workflow.notices.operations import drafts as notices
from workflow.notices.operations import issue as notice_issue
from workflow.notices.operations import rolling
from workflow.organizations.models import Organization
from workflow.organizations.operations import licences
from workflow.publicity import queries as publicity_queries
from workflow.publicity.operations import objections, publicity
from workflow.recommendation import operations as recommendation
from workflow.review.operations import assignment, results, scoring
from workflow.review.queries import panel_seats
from workflow.review.rules.rubric import items, rubric_of
from workflow.review.settings import review_settings_of
from workflow.task_books import operations as task_books
from workflow.task_books.queries import years_of
from workflow.task_books.rules import read_content
from workflow.vocabulary.models import FieldTerm

PASSWORD = "correct-horse-battery"
# One cheap hash for every test user: the real login path, without seconds of hashing.
_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")
_seq = count(1)

# A real one-page PDF (made with pikepdf): uploads are parsed (core/pdf_check.py).
PDF = (b"%PDF-1.3\n%\xbf\xf7\xa2\xfe\n1 0 obj\n<< /Pages 2 0 R /Type /Catalog >>\nendobj\n"
       b"2 0 obj\n<< /Count 1 /Kids [ 3 0 R ] /Type /Pages >>\nendobj\n3 0 obj\n"
       b"<< /Contents 4 0 R /MediaBox [ 0 0 595 842 ] /Parent 2 0 R /Resources << >> "
       b"/Type /Page >>\nendobj\n4 0 obj\n<< /Length 0 /Filter /FlateDecode >>\nstream\n\n"
       b"endstream\nendobj\nxref\n0 5\n0000000000 65535 f \n0000000015 00000 n \n"
       b"0000000064 00000 n \n0000000123 00000 n \n0000000229 00000 n \ntrailer << /Root 1 0 R "
       b"/Size 5 /ID [<31415926535897932384626433832795><31415926535897932384626433832795>] >>"
       b"\nstartxref\n299\n%%EOF\n")
JINAN, QINGDAO, ZIBO = "370100", "370200", "370300"

# The sections of the technology innovation center form every factory call starts with.
TECH_FORM = read_form(TECHNOLOGY_CENTER)
SECTIONS = TECH_FORM.sections


def credit_code(region: str = JINAN, prefix: str = "91") -> str:
    return creditcode.make(prefix, region, f"{next(_seq):08d}")


def org(region: str = JINAN, name: str | None = None, kind: str = "enterprise",
        status: str = "verified") -> Organization:
    """A unit whose identity the department has verified, unless `status` says otherwise."""
    row = Organization(name=name or f"测试企业{next(_seq)}有限公司",
                       credit_code=credit_code(region), status=status,
                       region_code=region, kind=kind, legal_representative="张三")
    db.session.add(row)
    db.session.flush()
    return row


def licence(org: Organization, actor: User | None = None):
    """A real one-page PDF as the unit's current business licence (营业执照)."""
    pdf = pdf_check.check_pdf(tiny_pdf(f"Business licence {org.credit_code}"))
    return licences.add_licence(org, pdf, actor=actor)


def user(*roles: Role, organization: Organization | None = None, email: str | None = None,
         department: Department | None = None) -> User:
    """A user holding `roles`; an officer or leader works for `department`, by default the
    installation's."""
    roles = roles or (Role.APPLICANT,)
    if Role.APPLICANT in roles and organization is None:
        organization = org()
    row = User(email=email or f"user{next(_seq)}@example.com", name=f"用户{next(_seq)}",
               password_hash=_HASH, organization=organization)
    if set(roles) & {Role.OFFICER, Role.LEADER}:
        row.department = department or departments.ensure_home_department()
    row.role_rows = [UserRole(role=r) for r in roles]
    db.session.add(row)
    db.session.flush()
    return row


def applicant(region: str = JINAN) -> User:
    return user(Role.APPLICANT, organization=org(region))


def recommender(region: str = JINAN) -> User:
    """The science bureau of a city, or of a county when `region` is a county's code."""
    return user(Role.RECOMMENDER, organization=org(region, f"{region}科学技术局", "government"))


def county_applicant(county: str) -> User:
    """A user of a unit of `county`: placed in its city as registration places units, its
    credit code's region digits naming the county (start_application reads them)."""
    unit = Organization(name=f"测试企业{next(_seq)}有限公司", credit_code=credit_code(county),
                        status="verified", region_code=regions.city_of(county),
                        kind="enterprise", legal_representative="张三")
    db.session.add(unit)
    db.session.flush()
    return user(Role.APPLICANT, organization=unit)


def county_chain(call_row, *, county_quota: int = 3, county_deadline=None):
    """Set `call_row`'s chain of recommendation to county, then city."""
    recommendation.set_chain(call_row, chain=Chain.COUNTY_CITY, county_quota=county_quota,
                             county_deadline=county_deadline, actor=officer(call_row.department))
    return call_row


def officer(department: Department | None = None) -> User:
    return user(Role.OFFICER, department=department)


def leader(department: Department | None = None) -> User:
    return user(Role.LEADER, department=department)


def term(name: str, industry: str | None = None) -> FieldTerm:
    """The active term of the vocabulary of that name, made when missing (or brought back
    when retired): a priority industry, a field under `industry` (made too when missing), or
    else an unsorted term under none, so that it matches only itself."""
    row = db.session.scalar(select(FieldTerm).where(FieldTerm.name == name))
    if row is not None and row.retired_at is not None:
        row.retired_at = row.merged_into_id = None
    if row is None:
        parent = term(industry) if industry else None
        row = FieldTerm(name=name, parent=parent,
                        unsorted=industry is None and name not in PRIORITY_INDUSTRIES)
        db.session.add(row)
        db.session.flush()
    return row


def call(state: CallState = CallState.OPEN, **overrides):
    """A call; its `fields` may be given by name (terms made as `term` does)."""
    officer_user = overrides.pop("actor", None) or officer()
    start = clock.now()
    options = dict(
        platform_type=db.session.query(PlatformType).filter_by(code="tech_innovation_center").one(),
        year=start.year, title="测试申报批次", opens_at=start - timedelta(days=1),
        closes_at=start + timedelta(days=30), quota=30, recommender_quota=5,
        fields=["半导体激光", "工业软件", "焊接装备"], attachments=[("licence", "营业执照")],
        actor=officer_user,
    )
    options.update(overrides)
    options["fields"] = [term(f) if isinstance(f, str) else f for f in options["fields"]]
    row = calls.create_call(**options)
    target = CallState(state)
    while row.state != target:
        nxt = {"planned": "open", "open": "closed", "closed": "reviewing",
               "reviewing": "publicity", "publicity": "decided", "decided": "archived"}[row.state]
        calls.advance_call(row, CallState(nxt), actor=officer_user)
    return row


SAMPLE = {"number": "100", "money": "100", "text": "示例", "textarea": "示例内容",
          "email": "a@example.com", "phone": "0531-88888888", "industry": "高端装备"}


def sample_value(f):
    """A value `f` of any kind accepts (a choice its first option, a table its least rows)."""
    if f.kind == "choice":
        return f.choices[0].value
    if f.kind == "date":
        return "2024-05-01"
    if f.kind == "person":
        return {"name": "李四", "title": "主任", "phone": "0531-88888888",
                "email": "lisi@example.com"}
    if f.kind == "organization":
        return {"credit_code": credit_code(), "name": "示例有限公司"}
    if f.kind == "table":
        row = {c.key: {"text": "示例", "date": "2024-05-01", "year": "2024"}.get(c.kind, "10")
               for c in f.columns}
        return [dict(row) for _ in range(max(1, f.min_rows))]
    return SAMPLE[f.kind]


def application(call_row=None, lead: User | None = None, *, complete: bool = True,
                state: AppState = AppState.DRAFT, cobuilder: bool = False):
    """An application of `lead`'s organization, filled when `complete`, in `state`. One
    headed past its approval gets a call whose first field is its own: a center holds its
    field, and the next application in that field would not be eligible."""
    if call_row is None and AppState(state) in NOTICE_ISSUED_STATES:
        call_row = call(fields=[f"测试领域{next(_seq)}", "工业软件", "焊接装备"])
    call_row = call_row or call()
    lead = lead or applicant()
    app = intake.start_application(call_row, title="山东省测试技术创新中心",
                                   field_id=call_row.fields[0].id, actor=lead)
    if complete:
        for section in form_of(app).sections:
            intake.save_section(app, section.key,
                                {f.key: sample_value(f) for f in section.fields}, actor=lead)
        for req in call_row.required_attachments:
            attachments.store_attachment(app, kind=req.code, filename=f"{req.code}.pdf",
                                         stream=io.BytesIO(PDF), actor=lead)
    if cobuilder:
        partner = user(Role.APPLICANT, organization=org(JINAN, "测试大学", "university"))
        intake.add_cobuilder(app, credit_code=partner.organization.credit_code, name="测试大学",
                             division="联合研发", actor=lead)
        intake.confirm_cobuilding(app, actor=partner)
    drive(app, AppState(state), lead=lead)
    db.session.flush()
    return app


def _through_a_county(app) -> None:
    """Passing up needs a county, city chain and a county: the application's call gets the
    chain (the call is the application's own unless given) and, when its lead unit names
    no county, the first county of its city."""
    app.call.recommendation_chain = Chain.COUNTY_CITY
    if app.county_code == app.region_code:
        app.county_code = regions.counties(app.region_code)[0].code


# Only a rolling call takes it (tests/calls/test_two_stage.py drives it there itself).
ROLLING_ONLY = frozenset({Action.RECOGNISE_ONE})


def path_to(target: AppState) -> list:
    """The shortest list of transitions from draft to `target` in a call decided as a
    batch."""
    queue, seen = deque([(AppState.DRAFT, [])]), {AppState.DRAFT}
    while queue:
        state, path = queue.popleft()
        if state == target:
            return path
        for t in TRANSITIONS:
            if t.source == state and t.target not in seen and t.action not in ROLLING_ONLY:
                seen.add(t.target)
                queue.append((t.target, path + [t]))
    raise ValueError(f"{target} cannot be reached")


def actor_for(role: Role, app, lead: User, action: Action | None = None):
    if role == Role.APPLICANT:
        return lead
    if action == Action.PASS_UP:
        return recommender(app.county_code)
    if role == Role.RECOMMENDER:
        return recommender(app.region_code)
    if role == Role.OFFICER:
        return officer(app.call.department)
    if role == Role.LEADER:
        return leader(app.call.department)
    return SYSTEM


def drive(app, target: AppState, *, lead: User) -> None:
    """Move `app` along the shortest path to `target`, each step the way a person would:
    recommendations with a rank, formal review through the checklist; through a county
    (county_passed) in a county, city chain."""
    steps = path_to(target)
    if any(step.action == Action.PASS_UP for step in steps):
        _through_a_county(app)
    for step in steps:
        step_through(app, step.action, actor_for(step.role, app, lead, step.action))


def step_through(app, action: Action, actor) -> None:
    """One step of `drive`; the clock's steps (expiries) happen just after their deadline."""
    if action == Action.EXPIRE:
        with clock_at(app.call.closes_at + timedelta(seconds=1)):
            transition(app, action, actor=actor)
    elif action == Action.EXPIRE_CORRECTION:
        with clock_at(checklist.open_correction(app).deadline_at + timedelta(seconds=1)):
            transition(app, action, actor=actor)
    elif action == Action.RECOMMEND:
        recommendation.recommend_application(app, rank=None, opinion="同意推荐", actor=actor)
    elif action == Action.PASS_UP:
        recommendation.pass_up_application(app, rank=None, opinion="初审通过", actor=actor)
    elif action == Action.PASS_FORMAL_REVIEW:
        check_all(app, actor, ok=True)
        transition(app, action, actor=actor)
    elif action == Action.OPEN_REVIEW:
        seat_panel(app, actor)
        transition(app, action, actor=actor)
    elif action == Action.CLOSE_REVIEW:
        score_panel(app)
    elif action == Action.REQUEST_CORRECTION:
        check_all(app, actor, ok=True, failing={"basic_info"})
        formal_review.request_correction(app, actor=actor)
    elif action == Action.PUBLISH_PUBLICITY:
        announce(app.call, actor)
    elif action in (Action.END_PUBLICITY, Action.RAISE_OBJECTION_REVIEW):
        if action == Action.RAISE_OBJECTION_REVIEW:
            object_to(app)
        with clock_at(publicity_queries.ends_at(publicity.entry_of(app).publicity)):
            transition(app, action, actor=actor, comment="测试意见")
    elif action == Action.ISSUE_NOTICE:
        issue_notice(app.call, actor)
    elif action == Action.RECOGNISE_ONE:
        app.call.rolling = True  # only a rolling call decides one application on its own
        rolling.recognise_application(app, actor=actor)
    elif action == Action.SIGN_TASK_BOOK:
        sign_task_book(app, actor)
    elif action in (Action.PASS_ACCEPTANCE, Action.FAIL_ACCEPTANCE):
        acceptance_decided(app, "pass" if action == Action.PASS_ACCEPTANCE else "fail", actor)
    elif action == Action.REVOKE:
        revoke(app, actor)
    elif action == Action.START_RECTIFICATION:
        graded_unqualified(app, actor)
    elif action == Action.END_RECTIFICATION:
        rectification_passed(app, actor)
    else:
        transition(app, action, actor=actor, comment="测试意见")


def acceptance_request(app, *, submit: bool = True):
    """The center's acceptance request drafted by its lead unit: every final target of its
    task book reached, a narrative and one PDF; submitted when `submit`."""
    lead = user(Role.APPLICANT, organization=app.lead_org)
    row = acceptance_requests.start_request(app, actor=lead)
    book = acceptance_queries.signed_task_book(app)
    targets = {code: f"{v:g}" for code, v in acceptance_rules.final_targets(
        book.indicators).items()}
    acceptance_requests.save_self_assessment(row, targets, "建设任务全面完成。", actor=lead)
    acceptance_requests.add_attachment(row, filename="验收报告.pdf", stream=io.BytesIO(PDF),
                                       actor=lead)
    if submit:
        acceptance_requests.submit_request(row, actor=lead)
    return row


def acceptance_panel(row, officer_user=None, *, accept: bool = True):
    """k experts of the center's field invited to the request's panel by the optimal
    assignment, each accepting when `accept`."""
    officer_user = officer_user or officer()
    app = row.application
    for _ in range(review_settings_of(app.call).k):
        expert(app.field.name)
    acceptance_panels.assign_panels(app.call, method="optimal", actor=officer_user)
    if accept:
        for seat in row.seats:
            acceptance_panels.respond(seat, accept=True, actor=seat.expert.user)
    return row


def score_acceptance(row, share: float = 0.9, *, confirm: bool = True):
    """Every accepted expert scores `share` of each item's maximum and submits; the chair
    confirms when `confirm`."""
    for seat in row.seats:
        if seat.status == "accepted":
            score_acceptance_seat(seat, share)
    if confirm:
        chair = next(s for s in row.seats if s.is_chair)
        acceptance_scoring.confirm_result(row, note="意见一致" if row.dispersion_alarm else "",
                                          actor=chair.expert.user)
    return row


def score_acceptance_seat(seat, share: float = 0.9):
    """The seat's expert scores `share` of each item's maximum and submits."""
    rubric = acceptance_queries.rubric_of(seat.request.application.call)
    acceptance_scoring.save_sheet(
        seat, {i["code"]: round(i["max"] * share * 2) / 2 for _d, i in items(rubric)}, {}, [],
        "同意通过验收。", actor=seat.expert.user)
    acceptance_scoring.submit_sheet(seat, actor=seat.expert.user)


def acceptance_decided(app, outcome: str, officer_user=None):
    """The center applied, its panel scored it (well for a pass, poorly otherwise) and
    confirmed, and an officer recorded `outcome`."""
    officer_user = officer_user or officer()
    row = acceptance_panel(acceptance_request(app), officer_user)
    score_acceptance(row, 0.9 if outcome in ("pass", "pass_with_conditions") else 0.5)
    acceptance_outcomes.record_outcome(
        row, outcome, conditions="一年内补齐人才指标" if outcome == "pass_with_conditions" else "",
        rectify_by=clock.local(clock.now()).date() + timedelta(days=180)
        if outcome == "defer" else None, opinion="测试意见", actor=officer_user)
    return row


def task_book_form(app, **changes) -> dict:
    """The task book's edit form filled in: every indicator with its baseline, a target for
    each construction year and a final target, two tasks, the budget, the liability."""
    form = {"liability": "未完成目标的，按管理办法处理。", "budget-own_funds": "500",
            "budget-provincial_funds": "300", "budget-local_match": "200",
            "task-0-title": "关键技术攻关", "task-0-content": "突破核心工艺",
            "task-1-title": "成果转化", "task-1-content": "转化成果5项"}
    years = years_of(app)
    for n, ind in enumerate(INDICATORS, start=1):
        form[f"ind-{ind.code}-baseline"] = str(n * 10)
        for k, year in enumerate(years, start=1):
            form[f"ind-{ind.code}-{year}"] = str(n * 10 + k * 5)
        form[f"ind-{ind.code}-final"] = str(n * 10 + len(years) * 5)
    form.update(changes)
    return form


def task_book(app, *, until: str = "signed", officer_user=None):
    """`app`'s task book started by its lead unit, filled in, and taken on to `until`
    (drafting, submitted, city_passed, agreed, unit_signed or signed: the department's
    signature is SIGN_TASK_BOOK, approved -> under_construction)."""
    lead = user(Role.APPLICANT, organization=app.lead_org)
    book = task_books.start_task_book(app, actor=lead)
    task_books.save_task_book(book, read_content(task_book_form(app), years_of(app)), actor=lead)
    steps = (("submitted", lambda: task_books.submit_task_book(book, actor=lead)),
             ("city_passed", lambda: task_books.city_pass(
                 book, actor=recommender(app.region_code), comment="同意")),
             ("agreed", lambda: task_books.department_agree(book, actor=officer_user or officer())),
             ("unit_signed", lambda: task_books.unit_sign(book, actor=lead)),
             ("signed", lambda: task_books.department_sign(book,
                                                           actor=officer_user or officer())))
    for _state, step in steps:
        if book.state == until:
            break
        step()
    return book


def sign_task_book(app, officer_user):
    """SIGN_TASK_BOOK the way it happens: the book drafted, passed by the city, agreed, and
    signed by both sides."""
    task_book(app, officer_user=officer_user)


def revoke(app, leader_user, reason_kind: str = "fraud"):
    """REVOKE the way it happens: the leadership's decision recorded on the center's
    revocation page, with its ground and reasons."""
    center = center_operations.open_center(app, actor=leader_user)
    return center_operations.revoke_center(center, reason_kind=reason_kind,
                                           reason="测试意见：提供虚假材料", actor=leader_user)


def issue_notice(call_row, officer_user):
    """The call's approval notice signed by a leader, issued, every document stored."""
    notices.sign_notice(call_row, actor=leader(call_row.department))
    notice = notice_issue.issue_notice(call_row, actor=officer_user)
    while notice_issue.store_next_document(notice, actor=officer_user) is not None:
        pass
    notice_issue.finish_issue(notice, actor=officer_user)
    return notice


def approval_pending_batch(call_row, n: int, officer_user, *, cobuilder=False) -> list:
    """`n` applications of `call_row`, one per technical field (the call needs n of them),
    through one announcement to approval_pending."""
    apps = []
    for field in call_row.fields[:n]:
        lead = applicant()
        app = application(call_row, lead, cobuilder=cobuilder)
        intake.update_basics(app, title=f"山东省{field.name}技术创新中心", field_id=field.id,
                             actor=lead)
        drive(app, AppState.PROPOSED, lead=lead)
        apps.append(app)
    announce(call_row, officer_user)
    for app in apps:
        step_through(app, Action.END_PUBLICITY, SYSTEM)
    return apps


def announce(call_row, officer_user):
    """The call's announcement published now, its period running (published in the evening
    or on a day off, it is published at 9:00 of the last working day instead, since its
    period would start only later); the call is first moved on to its review (tests decide
    applications while their call is still open)."""
    following = {"open": "closed", "closed": "reviewing"}
    while call_row.state in following:
        calls.advance_call(call_row, CallState(following[call_row.state]), actor=officer_user)
    at = clock.now()
    if publicity_queries.period_start(at) != clock.local(at).date():
        day = clock.local(at).date()
        while not workdays.is_workday(day, calendar.overrides()):
            day -= timedelta(days=1)
        at = datetime.combine(day, time(9), clock.LOCAL)
    with clock_at(at):
        return publicity.publish_announcement(call_row, actor=officer_user)


def objection_filing(entry, **fields) -> objections.Filing:
    """An organization's sealed objection against `entry`, changed by `fields`."""
    values = dict(kind="organization", entry_id=entry.id, content="核心专利权属存在争议",
                  organization_name="测试异议单位", contact_person="李四",
                  phone="0531-88880000", letter_filename="异议函.pdf", letter=io.BytesIO(PDF))
    values.update(fields)
    return objections.Filing(**values)


def object_to(app):
    """An objection against `app` during its period, handled by an officer as admissible."""
    entry = publicity.entry_of(app)
    row = objections.file_objection(entry.publicity, objection_filing(entry), actor=None)
    objections.record_handling(row, notes="已核实异议人身份，转领导审定", admissible=True,
                               actor=officer(entry.publicity.call.department))
    return row


def expert(field: str, region: str = ZIBO) -> Expert:
    """An active expert in `field` with a login, from a city no test application is in."""
    n = next(_seq)
    row = Expert(name=f"评审专家{n}", employer_name=f"淄博测试研究院{n}",
                 employer_credit_code=credit_code(region, "12"), region_code=region,
                 title="研究员", birth_year=1970, email=f"expert{n}@example.com",
                 fields=[ExpertField(term=term(field))], user=user(Role.EXPERT))
    db.session.add(row)
    db.session.flush()
    return row


def seat_panel(app, officer_user) -> None:
    """A complete panel for `app`: k experts of its field seated by hand, all accepted."""
    for _ in range(review_settings_of(app.call).k):
        seat = assignment.add_seat(app, expert(app.field.name), actor=officer_user)
        assignment.respond(seat, accept=True, actor=seat.expert.user)


def submit_sheets(app) -> None:
    """Every accepted expert of `app`'s panel submits a sheet of 80 points."""
    for seat in panel_seats.accepted_seats(app):
        scores = {item["code"]: item["max"] * 0.8 for _d, item in items(rubric_of(app.call))}
        scoring.save_sheet(seat, scores, {}, [], "", actor=seat.expert.user)
        scoring.submit_sheet(seat, actor=seat.expert.user)


def score_panel(app) -> None:
    """All sheets in; the chair's confirmation then closes the review (CLOSE_REVIEW)."""
    submit_sheets(app)
    chair = next(s for s in panel_seats.accepted_seats(app) if s.is_chair)
    results.confirm_panel(app, actor=chair.expert.user)


def check_all(app, officer_user, *, ok: bool, failing=frozenset()) -> None:
    """The officer's findings: every checklist item `ok`, except `failing` ones."""
    findings = {i.code: {"ok": ok and i.code not in failing,
                         "note": "需补正" if i.code in failing else ""}
                for i in checklist.ensure_checklist(app.call)}
    checklist.record_findings(app, findings, actor=officer_user)


@contextmanager
def clock_at(at):
    """The clock frozen at `at` for a block, then as it was before (frozen or running)."""
    before = clock._frozen
    clock.freeze(at)
    try:
        yield
    finally:
        clock.freeze(before)


def evaluation_round(officer_user=None, *, grades: dict | None = None, close: bool = True):
    """An evaluation round of the operating centers of the technology-center type, each
    center's expert review recorded (the application id -> Grade in `grades`, else good),
    closed when `close`, its results then announced, final after the period and issued: a
    center graded unqualified then rectifies. Each round its own year, the settings
    evaluating every year."""
    officer_user = officer_user or officer()
    platform = db.session.query(PlatformType).filter_by(code="tech_innovation_center").one()
    row = evaluation.open_round(platform, 2025 + next(_seq), actor=officer_user,
                                settings=EvaluationSettings(every_years=1))
    scores = {Grade.EXCELLENT: "95", Grade.GOOD: "85", Grade.QUALIFIED: "70",
              Grade.UNQUALIFIED: "45.5"}
    for item in row.evaluations:
        evaluation.rate_center(item, score=scores[(grades or {}).get(item.application_id,
                                                                       Grade.GOOD)],
                               opinion="测试专家意见", reviewer="测试第三方评估机构",
                               report_filename="评估报告.pdf", report=io.BytesIO(PDF),
                               actor=officer_user)
    if close:
        evaluation.close_round(row, actor=officer_user)
        results_final(row, officer_user)
        evaluation_results.issue_results(row, actor=officer_user)
    return row


def results_final(row, officer_user=None):
    """The closed round's results announced for 5 working days and, the period over
    without objection, final (as `flask tick` makes them)."""
    announcement = evaluation_results.publish_results(
        row, workdays=5, texts=evaluation_results.default_texts(row),
        actor=officer_user or officer())
    with clock_at(publicity_queries.ends_at(announcement)):
        evaluation_results.end_periods()
    return announcement


def graded_unqualified(app, officer_user=None):
    """START_RECTIFICATION the way it happens: graded unqualified in a closed round."""
    return evaluation_round(officer_user, grades={app.id: Grade.UNQUALIFIED})


def rectification_filed(app, *, report: bool = True):
    """The center's rectification plan filed and accepted, and its report filed when
    `report`."""
    lead, officer_user = user(Role.APPLICANT, organization=app.lead_org), officer()
    rect = evaluation_rules.open_rectification(app)
    evaluation.file_plan(rect, text="整改方案", filename="整改方案.pdf", stream=io.BytesIO(PDF),
                         actor=lead)
    evaluation.accept_plan(rect, actor=officer_user)
    if report:
        evaluation.file_report(rect, text="整改报告", filename="整改报告.pdf",
                               stream=io.BytesIO(PDF), actor=lead)
    return rect


def rectification_passed(app, officer_user=None):
    """END_RECTIFICATION the way it happens: the report re-evaluated qualified."""
    rectification_filed(app)
    return evaluation.reevaluate(app, score="75", opinion="整改到位",
                                 actor=officer_user or officer())
