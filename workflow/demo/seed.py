"""The Shandong demo of DOMAIN.md section 9, loaded once through the services.

`seed()` registers the units and users, runs the 2022 call of technology innovation centers
to its decision (25 approved, the rest in the other end states; an expert pool of 120
scores the panels the optimal assignment seats) and fills the current call, placed so that
it is open on the day the demo is loaded, with applications in every state from draft to
expert review (one panel's dispersion alarm waiting for its chair, expert@). Every change
goes through a service with the actor of its role
(`transition`, `recommend_application`, the checklist, `request_correction`, `advance_call`,
`set_day`), while the clock is frozen at the date it happened on, so the audit trail reads
like the real year. Attachments are tiny generated PDFs under UPLOAD_DIR. Every unit
registers with its business licence (a tiny PDF too) and is verified through
`verify_organization` by the recommender of its city (the department and the city bureaus by
an officer); one unit, registered the day before, waits for its verification.
"""
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from workflow import tick
from workflow.accounts.models.users import User
from workflow.accounts.operations import accounts, second_factor
from workflow.calendar import operations as calendar
from workflow.calendar.queries import overrides
from workflow.calls.models import Call, PlatformType
from workflow.calls.operations import calls
from workflow.core import creditcode, workdays
from workflow.core.clock import LOCAL, freeze, now
from workflow.core.extensions import db
from workflow.core.regions import city_of
from workflow.core.states import Action, AppState, CallState, Role
from workflow.demo import after_approval, communities, data, liaoning, manufacturing, review
from workflow.demo.steps import (
    act,
    answer_correction,
    fail_review,
    licence_pdf,
    pass_review,
    recommend,
    request_correction,
    tiny_pdf,
    verify,
    verify_body,
)
from workflow.departments import operations as departments
from workflow.intake.models import Application
from workflow.intake.operations import attachments, intake
from workflow.lifecycle.permissions import SYSTEM
from workflow.lifecycle.transitions import transition
from workflow.notices.documents.specimen import specimen_seal
from workflow.notices.operations import drafts as notices
from workflow.notices.operations import issue as notice_issue
from workflow.notices.operations import numbers
from workflow.organizations.models import Organization, OrgKind
from workflow.publicity.operations import objections, publicity
from workflow.vocabulary import rules as vocabulary


def _email(name: str) -> str:
    return f"{name}@{data.DOMAIN}"


OFFICER_EMAIL = _email("officer")
LOGINS: list[tuple[str, str, str]] = [
    (OFFICER_EMAIL, data.PASSWORD, "officer, 山东省科学技术厅"),
    (_email("leader"), data.PASSWORD, "leader, 山东省科学技术厅"),
    (_email("officer-gxt"), data.PASSWORD,
     "officer, 山东省工业和信息化厅 (鲁工信技); manufacturing innovation centers: the 2023 "
     "cultivation call (county, then city) and the 2024 rolling recognition call"),
    (_email("leader-gxt"), data.PASSWORD, "leader, 山东省工业和信息化厅 (鲁工信技)"),
    (_email("county-licheng"), data.PASSWORD,
     "recommender, 济南市历城区工业和信息化局 (county: passes up to rec-jinan@)"),
    (_email("community-laser"), data.PASSWORD,
     "applicant, 济南高新区智能装备产业发展中心; its 2019 laser equipment community approved"),
    (_email("mfg-hydrogen"), data.PASSWORD,
     "applicant, 山东氢动未来创新中心有限公司; cultivated in 2023, recognised in 2024"),
    (_email("expert"), data.PASSWORD,
     "expert, chair of a panel of the open call whose dispersion alarm waits to be resolved; "
     "1 panel invitation to answer; 2022 panels scored"),
    (_email("applicant"), data.PASSWORD,
     "applicant, 山东华光光电子股份有限公司 (济南); no application in the open call yet; "
     "its 2022 center graded 不合格 in the 2025 evaluation, its rectification report due"),
    (_email("applicant2"), data.PASSWORD,
     "applicant, 济南历山视界数字科技有限公司; application in the open call returned"),
    (_email("applicant3"), data.PASSWORD,
     "applicant, 济南天枢空天信息技术有限公司; corrections requested in the open call"),
    (_email("applicant4"), data.PASSWORD,
     "applicant, 济南鲁骐汽车集团有限公司智能网联分公司; draft a hard eligibility rule stops"),
    (_email("cobuilder"), data.PASSWORD,
     "applicant, 山东大学 (co-builder); 1 confirmation pending"),
    (_email("waiting"), data.PASSWORD,
     f"applicant, {data.WAITING[1]}; registered yesterday, waits for rec-qingdao@ or "
     "officer@ to verify it; a draft it cannot submit yet"),
] + [
    (_email(f"rec-{slug}"), data.PASSWORD, f"recommender, {data.CITIES[code]}科学技术局"
     + ("; 3 applications to decide, 3 of 5 places used" if slug == "jinan" else "")
     + ("; 1 organization to verify" if slug == "qingdao" else ""))
    for code, slug in data.CITY_SLUGS.items()
]
# Lead units with a login of their own name (the others are lead01@, lead02@, ...).
_LEAD_EMAILS = {data.HUAGUANG: "applicant", data.RETURNED_CURRENT: "applicant2",
                data.SPACE: "applicant3", data.BRANCH: "applicant4"}

TITLE_2022 = "2022年度山东省技术创新中心建设申报"
TITLE_CURRENT = "{year}年度山东省技术创新中心建设申报"
DESCRIPTION = ("根据《山东省技术创新中心管理办法》，组织开展{year}年度山东省技术创新中心建设申报。"
               "申报单位通过系统在线填报，经所在市科技局审核推荐后报送省科技厅。")


@dataclass
class _People:
    officer: User
    leader: User
    expert: User | None = None
    recommenders: dict[str, User] = field(default_factory=dict)  # by city code
    partners: dict[str, User] = field(default_factory=dict)  # by key of data.PARTNERS
    leads: list[User] = field(default_factory=list)  # in the order of data.LEADS


def seed() -> bool:
    """Load the demo unless its officer exists already; True when something was created.

    Side effects: organizations, users, two calls with their applications, audit rows and
    attachment files; flushed, not committed. The clock is frozen while loading and
    released afterwards, also on failure.
    """
    if accounts.find_user_by_email(OFFICER_EMAIL) is not None:
        return False
    today = now().astimezone(LOCAL)
    try:
        if is_liaoning():
            liaoning.seed()
            return True
        people = _register_people()
        _run_call_2022(people)
        communities.run(people.officer, people.leader, people.recommenders)
        manufacturing.run(people.officer, people.recommenders)
        _fill_current_call(people, today)
    finally:
        freeze(None)
    return True


def is_liaoning() -> bool:
    """Whether the installation's province (CENTERFLOW_PROVINCE) is Liaoning, whose demo
    replaces Shandong's."""
    return current_app.config["PROVINCE_CODE"] == liaoning.PROVINCE


def logins() -> list[tuple[str, str, str]]:
    """(email, password, what it shows) of the demo the installation's province loads."""
    return liaoning.LOGINS if is_liaoning() else LOGINS


def _at(month: int, day: int, hour: int = 9, minute: int = 0, *, year: int = 2022) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL)


def _credit_code(prefix: str, region: str, n: int) -> str:
    # The organization-code body differs for every n, so no two demo units share a code.
    body = ("MA" if prefix == "91" else "0" + prefix[1]) + f"{n * 7919 % 1_000_000:06d}"
    return creditcode.make(prefix, region, body)


def _government_body(name: str, region: str, n: int) -> Organization:
    return accounts.create_organization(
        name=name, credit_code=_credit_code("11", region, n), region_code=region,
        kind=OrgKind.GOVERNMENT, legal_representative=data.person(n + 400),
    )


def _with_second_factor(user: User) -> User:
    """Department accounts log in with a second factor; the demo's secrets are printed with
    the demo logins (`flask demo-code` gives the current code)."""
    import pyotp

    secret = second_factor.new_secret()
    second_factor.enable(user, secret, pyotp.TOTP(secret).at(now()))
    return user


def department_secrets() -> list[tuple[str, str]]:
    """(email, TOTP secret) of the demo's department accounts, for `make run` to print."""
    emails = liaoning.DEPARTMENT_EMAILS if is_liaoning() else (
        OFFICER_EMAIL, _email("leader"), _email("officer-gxt"), _email("leader-gxt"))
    rows = [accounts.find_user_by_email(email) for email in emails]
    return [(u.email, u.totp_secret) for u in rows if u is not None and u.has_totp]


def _register_people() -> _People:
    freeze(_at(5, 16))
    department = _government_body("山东省科学技术厅", data.PROVINCE, 0)

    home = departments.ensure_home_department()

    def staff(name: str, role: Role, n: int, org, works_for=None) -> User:
        user = accounts.create_user(email=_email(name), name=data.person(n), roles=[role],
                                    password=data.PASSWORD, organization=org)
        user.department = works_for
        return user

    people = _People(
        officer=_with_second_factor(staff("officer", Role.OFFICER, 1, department, home)),
        leader=_with_second_factor(staff("leader", Role.LEADER, 2, department, home)))
    _register_second_department(people.officer)
    # The installation's own department is verified by the system, not by its own officer.
    verify_body(_at(5, 16, 9, 1), department, people.officer, SYSTEM)
    people.expert = staff("expert", Role.EXPERT, 3, None)
    for n, (code, slug) in enumerate(data.CITY_SLUGS.items(), start=1):
        bureau = _government_body(f"{data.CITIES[code]}科学技术局", code, n)
        people.recommenders[code] = staff(f"rec-{slug}", Role.RECOMMENDER, 10 + n, bureau)
        verify_body(_at(5, 16, 9, 1 + n), bureau, people.recommenders[code], people.officer)
    for n, (key, (name, region, kind)) in enumerate(data.PARTNERS.items()):
        freeze(_at(5, 16, 10) + timedelta(hours=5 * n))
        email = "cobuilder" if key == data.COBUILDER_PARTNER else f"partner-{key}"
        people.partners[key] = _register(name, _credit_code("12", region, 20 + n), kind,
                                         email, 30 + n)
    for i, (region, name, *_rest) in enumerate(data.LEADS):
        freeze(_at(5, 18 + i // 4, 9 + i % 4 * 2))
        people.leads.append(_register_lead(i, region, name))
    # Each city's bureau verifies the units of its city before the call opens.
    for n, user in enumerate([*people.partners.values(), *people.leads]):
        verify(_at(5, 30, 9) + timedelta(minutes=3 * n), user.organization,
               _verifier(people, user))
    return people


def _register_second_department(officer: User) -> None:
    """The Department of Industry and Information Technology (鲁工信技), created by the
    installation's officer, with an officer and a leader of its own (its calls:
    workflow.demo.manufacturing)."""
    industry = departments.create_department(data.INDUSTRY_DEPARTMENT, actor=officer)
    for name, role, n in (("officer-gxt", Role.OFFICER, 4), ("leader-gxt", Role.LEADER, 5)):
        user = accounts.create_user(email=_email(name), name=data.person(n), roles=[role],
                                    password=data.PASSWORD)
        departments.assign_department(user, industry, actor=officer)
        _with_second_factor(user)


def _verifier(people: _People, user: User) -> User:
    """The recommender of the city of `user`'s unit."""
    return people.recommenders[city_of(user.organization.region_code)]


def _register_lead(i: int, region: str, name: str, legal_person: bool = True) -> User:
    return _register(name, _credit_code("91", region, 40 + i), OrgKind.ENTERPRISE,
                     _LEAD_EMAILS.get(i, f"lead{i + 1:02d}"), 60 + i, legal_person)


def _register(name: str, code: str, kind: str, email: str, n: int,
              legal_person: bool = True) -> User:
    return accounts.register_organization(
        org_name=name, credit_code=code, region_code=None, kind=kind,
        independent_legal_person=legal_person, legal_representative=data.person(n + 200),
        user_name=data.person(n), email=_email(email), password=data.PASSWORD,
        phone=data.phone(creditcode.region_of(code), n), licence=licence_pdf(code),
    )


def _file(call, people: _People, index: int, field_name: str, partner_keys, start: datetime, *,
          sections: int = 9, files: int = 7, confirm: bool = True,
          submit: bool = True) -> Application:
    """One application of lead `index` as its users would make it, over a few days."""
    lead = people.leads[index]
    freeze(start)
    field_id = next(f.id for f in call.fields if f.name == field_name)
    app = intake.start_application(call, title=f"山东省{field_name}技术创新中心",
                                   field_id=field_id, actor=lead)
    partners = [people.partners[key] for key in partner_keys]
    content = data.sections(index, lead.organization.name, field_name,
                            [p.organization.name for p in partners])
    freeze(start + timedelta(hours=3))
    for key in list(content)[:sections]:
        intake.save_section(app, key, content[key], actor=lead)
    for partner in partners:
        org = partner.organization
        intake.add_cobuilder(app, credit_code=org.credit_code, name=org.name,
                             division=data.division(org.name, field_name), actor=lead)
    if confirm:
        freeze(start + timedelta(days=1, hours=2))
        for partner in partners:
            intake.confirm_cobuilding(app, actor=partner)
    freeze(start + timedelta(days=2, hours=1))
    for required in call.required_attachments[:files]:
        pdf = tiny_pdf(f"Centerflow demo: {required.code}, {lead.organization.credit_code}, "
                       f"{call.year}")
        attachments.store_attachment(app, kind=required.code, filename=f"{required.label}.pdf",
                                     stream=io.BytesIO(pdf), actor=lead)
    if submit:
        freeze(start + timedelta(days=4, hours=-1))
        transition(app, Action.SUBMIT, actor=lead)
    return app


def _create_call(people: _People, year: int, title: str, opens_at: datetime,
                 closes_at: datetime, fields, recommend_deadline: datetime) -> Call:
    platform_type = db.session.scalar(
        select(PlatformType).where(PlatformType.code == "tech_innovation_center"))
    return calls.create_call(
        platform_type=platform_type, year=year, title=title,
        description=DESCRIPTION.format(year=year), opens_at=opens_at, closes_at=closes_at,
        quota=30, recommender_quota=5,
        fields=list(vocabulary.by_name([name for name, _ in fields]).values()),
        attachments=calls.DEFAULT_ATTACHMENTS, actor=people.officer,
        recommend_deadline=recommend_deadline,
    )


def _advance(call, target: CallState, when: datetime, people: _People, comment="") -> None:
    freeze(when)
    calls.advance_call(call, target, actor=people.officer, comment=comment)


def _run_call_2022(people: _People) -> None:
    freeze(_at(5, 20, 10))
    call = _create_call(people, 2022, TITLE_2022, _at(6, 1, 0), _at(7, 15, 23, 59),
                        data.FIELDS, recommend_deadline=_at(7, 29, 17))
    _advance(call, CallState.OPEN, _at(6, 1, 9), people)
    filed: list[tuple[Application, str]] = []
    for i, (_region, _name, field_name, outcome, partner_keys) in enumerate(data.LEADS):
        start = _at(6, 2, 9) + timedelta(days=i * 3 // 4, hours=i % 4 * 2)
        complete = outcome != data.EXPIRED
        app = _file(call, people, i, field_name, partner_keys, start,
                    files=7 if complete else 3, submit=complete)
        filed.append((app, outcome))

    def having(*outcomes):
        return [app for app, outcome in filed if outcome in outcomes]

    def recommender(app):
        return people.recommenders[city_of(app.region_code)]

    lead_of = {app.id: people.leads[i] for i, (app, _) in enumerate(filed)}
    for app in having(data.RETURNED_THEN_APPROVED):
        act(_at(7, 5, 15), app, Action.RETURN, recommender(app), data.REASONS["return"])
        act(_at(7, 8, 11), app, Action.RESUBMIT, lead_of[app.id])
    for app in having(data.WITHDRAWN):
        act(_at(7, 12, 16), app, Action.WITHDRAW, lead_of[app.id], data.REASONS["withdraw"])
    for app in having(data.EXPIRED):
        act(_at(7, 16, 0, 5), app, Action.EXPIRE, SYSTEM)
    _advance(call, CallState.CLOSED, _at(7, 16, 9), people)

    recommended = sorted(data.APPROVED_OUTCOMES | {data.NOT_SELECTED, data.FORMAL_REJECTED})
    for n, code in enumerate(data.CITY_SLUGS):
        day = _at(7, 18 + n % 5, 10, n * 3)
        in_city = [app for app, _ in filed if app.region_code == code]
        for rank, app in enumerate((a for a in in_city if a in having(*recommended)), 1):
            recommend(day + timedelta(minutes=rank), app, rank, recommender(app))
        for app in (a for a in in_city if a in having(data.DECLINED)):
            act(day, app, Action.DECLINE, recommender(app), data.REASONS["decline"])

    officer, leader = people.officer, people.leader
    for app in having(data.CORRECTED_THEN_APPROVED):
        request_correction(_at(8, 1, 10), app, officer, data.CORRECTION_2022)
        answer_correction(_at(8, 4, 14), app, lead_of[app.id])
    for app in having(data.FORMAL_REJECTED):
        fail_review(_at(8, 3, 15), app, officer)
    passing = having(*data.APPROVED_OUTCOMES, data.NOT_SELECTED)
    corrected = having(data.CORRECTED_THEN_APPROVED)
    for n, app in enumerate(passing):
        pass_review(_at(8, 8, 10) if app in corrected else _at(8, 2 + n % 4, 10, n), app, officer)
    _advance(call, CallState.REVIEWING, _at(8, 15, 9), people)
    freeze(_at(8, 12, 10))
    review.import_pool(officer, people.expert)
    review.assign(call, officer, _at(8, 16, 10))
    for n, app in enumerate(passing):
        review.accept_all(app, _at(8, 17 + n % 3, 9, n))
    for app in passing:
        act(_at(8, 22, 10), app, Action.OPEN_REVIEW, officer)
    approved_ids = {a.id for a in having(*data.APPROVED_OUTCOMES)}
    for n, app in enumerate(passing):
        level = 80 + n * 7 % 12 if app.id in approved_ids else 66 + n % 5
        review.score(app, review.level_totals(level, n), _at(9, 1 + n % 10, 9 + n % 8))
    for n, app in enumerate(passing):
        review.confirm(app, _at(9, 26 + n % 3, 15, n))
    for app in having(*data.APPROVED_OUTCOMES):
        act(_at(10, 25, 15), app, Action.SHORTLIST, leader, "列入2022年度拟建设名单。")
    for app in having(data.NOT_SELECTED):
        act(_at(10, 25, 15), app, Action.NOT_SELECT, leader, data.REASONS["not_select"])

    _announce_2022(call, officer, leader, having(data.OBJECTION_THEN_APPROVED)[0])
    _issue_notice_2022(call, officer, leader)
    after_approval.run(after_approval.World(
        call=call, centers=having(*data.APPROVED_OUTCOMES), lead_of=lead_of, officer=officer,
        leader=leader, recommenders=people.recommenders))


def _issue_notice_2022(call, officer: User, leader: User) -> None:
    """Notice 鲁科字〔2022〕154号 of 2022-11-21 approving the list, with a letter to each lead
    unit: the office numbered 153 documents outside the system that year, so the officer
    lets its numbers start at 154 and adds the specimen seal; the leader signs; the officer
    issues, every document is stored and the call is decided."""
    freeze(_at(11, 18, 9))
    numbers.set_first_number("鲁科字", 2022, 154, actor=officer)
    notices.store_seal(call, stream=io.BytesIO(specimen_seal()), actor=officer)
    freeze(_at(11, 21, 9, 30))
    notices.sign_notice(call, actor=leader)
    freeze(_at(11, 21, 10))
    notice = notice_issue.issue_notice(call, actor=officer)
    while notice_issue.store_next_document(notice, actor=officer) is not None:
        pass
    notice_issue.finish_issue(notice, actor=officer)


def _announce_2022(call, officer: User, leader: User, objected: Application) -> None:
    """The announcement of 2022-11-04 (5 working days, to 11-10); a real-name objection
    against one listed center, handled by the officer and dismissed by the leader; the
    others move on to approval when `flask tick` ends the period."""
    freeze(_at(11, 4, 9, 30))
    announcement = publicity.publish_announcement(call, actor=officer)
    freeze(_at(11, 8, 15, 20))
    filing = objections.Filing(
        kind="person", entry_id=publicity.entry_of(objected).id, person_name=data.person(500),
        phone="13905320417", content="该中心牵头单位申报材料所列核心专利“深远海养殖网箱自动升降"
        "装置”系与我方合作研发形成，专利权属存在争议，请予核查。")
    objection = objections.file_objection(announcement, filing, actor=None)
    freeze(_at(11, 10, 10))
    objections.record_handling(objection, notes=data.REASONS["objection"], admissible=True,
                               actor=officer)
    freeze(_at(11, 11, 0, 10))
    for app_id, action in tick.due_expiries():
        tick.apply_expiry(app_id, action)
    publicity.close_ended_periods()
    act(_at(11, 17, 16), objected, Action.DISMISS_OBJECTION, leader, data.REASONS["dismiss"])


def current_window(today: datetime) -> tuple[datetime, datetime]:
    """The current call's filing window, placed around the day the demo is loaded so that
    `make run` always shows an open call: opened three weeks ago, open for ten more weeks."""
    opens = datetime(today.year, today.month, today.day, tzinfo=LOCAL) - timedelta(days=21)
    return opens, opens + timedelta(days=91, hours=23, minutes=59)


def _last_workday_before(today: datetime) -> date:
    day, marks = today.date() - timedelta(days=1), overrides()
    while not workdays.is_workday(day, marks):
        day -= timedelta(days=1)
    return day


def _fill_current_call(people: _People, today: datetime) -> None:
    opens, closes = current_window(today)
    freeze(opens - timedelta(days=10))
    call = _create_call(people, closes.year, TITLE_CURRENT.format(year=closes.year), opens,
                        closes, data.FIELDS + data.NEW_FIELDS,
                        recommend_deadline=closes.replace(hour=18, minute=0) + timedelta(days=21))
    _advance(call, CallState.OPEN, opens + timedelta(hours=9), people)
    for n, (region, name, legal_person) in enumerate(data.NEW_LEADS):
        freeze(opens + timedelta(hours=10 + 2 * n))
        lead = _register_lead(len(data.LEADS) + n, region, name, legal_person)
        verify(opens + timedelta(hours=11 + 2 * n), lead.organization, _verifier(people, lead))
        people.leads.append(lead)
    # The officer asks for corrections on the last working day, so the deadline lies ahead.
    asked = datetime.combine(_last_workday_before(today), datetime.min.time(), LOCAL)
    ranks: Counter = Counter()
    for n, (index, field_name, state, partner_keys) in enumerate(data.CURRENT):
        start = opens + timedelta(days=1 + n // 2, hours=9 + n % 2 * 5)
        filled = int(state.split(":")[1]) if state.startswith("draft:") else 9
        draft = state.startswith("draft:") or state in ("pending", "blocked")
        app = _file(call, people, index, field_name, partner_keys, start, sections=filled,
                    files=7 if filled == 9 else filled // 2, confirm=state != "pending",
                    submit=not draft)
        _decide(app, state, people, people.leads[index], start + timedelta(days=6), ranks,
                asked + timedelta(hours=10))
    _review_current(call, people, opens)
    freeze(asked + timedelta(hours=16))
    for day, is_workday, note in data.CALENDAR_2027:
        calendar.set_day(day, is_workday=is_workday, note=note, actor=people.officer)
    _register_waiting_unit(call, today)


def _register_waiting_unit(call, today: datetime) -> None:
    """A unit that registered yesterday with its licence and started a draft; nobody has
    verified it yet, so the draft cannot be submitted."""
    region, name, field_name = data.WAITING
    freeze(today - timedelta(days=1, hours=3))
    user = _register(name, _credit_code("91", region, 90), OrgKind.ENTERPRISE, "waiting", 90)
    freeze(today - timedelta(days=1, hours=2))
    intake.start_application(call, title=f"山东省{field_name}技术创新中心（青岛）",
                             field_id=next(f.id for f in call.fields if f.name == field_name),
                             actor=user)


def _decide(app: Application, state: str, people: _People, lead: User, when: datetime,
            ranks: Counter, asked: datetime) -> None:
    """Take a filed application of the current call on to `state`: the recommender acts on
    `when`, the officer two days later, a correction is requested at `asked`."""
    city = city_of(app.region_code)
    recommender, officer = people.recommenders[city], people.officer
    if state in ("returned", "resubmitted"):
        act(when, app, Action.RETURN, recommender, data.REASONS["return"])
    if state == "resubmitted":
        act(when + timedelta(days=2), app, Action.RESUBMIT, lead)
    if state == "withdrawn":
        act(when, app, Action.WITHDRAW, lead, data.REASONS["withdraw"])
    if state == "declined":
        act(when, app, Action.DECLINE, recommender, data.REASONS["decline"])
    if state in ("recommended", "correction", "formal_passed", "formal_rejected"):
        ranks[city] += 1
        recommend(when, app, ranks[city], recommender)
    if state == "formal_passed":
        pass_review(when + timedelta(days=2), app, officer)
    if state == "formal_rejected":
        fail_review(when + timedelta(days=2), app, officer)
    if state == "correction":
        request_correction(asked, app, officer, data.CORRECTION_CURRENT)


def _review_current(call, people: _People, opens: datetime) -> None:
    """Panels for the two formal_passed applications: one in expert review with every sheet
    in and a dispersion alarm waiting for its chair (expert@), the other waiting for
    expert@ to answer the invitation."""
    officer, expert = people.officer, people.expert
    review.assign(call, officer, opens + timedelta(days=14, hours=10))
    waiting = [a for a in db.session.scalars(select(Application).where(
        Application.call_id == call.id, Application.state == AppState.FORMAL_PASSED)
        .order_by(Application.id))]
    scored, invited = waiting[0], waiting[1]
    review.accept_all(scored, opens + timedelta(days=15, hours=9))
    review.accept_all(invited, opens + timedelta(days=15, hours=14), except_user=expert)
    act(opens + timedelta(days=16, hours=10), scored, Action.OPEN_REVIEW, officer)
    review.score(scored, review.DISPERSED_TOTALS, opens + timedelta(days=16, hours=14))
