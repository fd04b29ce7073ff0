"""A world of many applications, for measuring the pages (`flask bench-data`, bench/) and for
the tests of the desks (tests/desk_world.py): every state, every city and technical field,
co-builders, corrections, panels with sheets and results, announcements with objections,
notices and letters, units to verify and mails that failed.

`build` makes the calls (one per stage, through `create_call` and `advance_call`), the people
whose desks are looked at and the expert pool; `add` then inserts applications in bulk, the
state cycling through ORDER (the states desks list first) and the technical field through
the call's fields, and with each the rows its state has. Half of the rounds of ORDER are in
Jinan, the city of `recommender`, the others in the other cities in turn; `applicant`'s unit
co-builds many of them; `expert` sits on many panels.
"""
import hashlib
from dataclasses import dataclass
from datetime import timedelta
from itertools import count

from sqlalchemy import func, insert, select

from workflow.accounts.models.users import User
from workflow.accounts.operations import accounts
from workflow.calls.models import Call, PlatformType
from workflow.calls.operations import calls as call_operations
from workflow.core import clock, creditcode
from workflow.core.extensions import db
from workflow.core.states import NOTICE_ISSUED_STATES, AppState, CallState, Role
from workflow.demo.data import CITIES, FIELDS
from workflow.departments import operations as departments
from workflow.experts.models import Exclusion, Expert, ExpertField
from workflow.formal_review.models import CorrectionRequest
from workflow.inbox.models import OutboxMail
from workflow.intake.models import Application, CoBuilder
from workflow.notices.models import DocumentNumber, Notice, OfficialDocument
from workflow.organizations.models import Organization, OrgKind
from workflow.publicity.models import Objection, Publicity, PublicityEntry
from workflow.recommendation.levels import Chain
from workflow.recommendation.models import CountyPass, Recommendation
from workflow.review.models import PanelResult, PanelSeat, ScoreSheet
from workflow.review.rules.rubric import grade, item_maxima, rubric_of
from workflow.vocabulary import rules as vocabulary

S = AppState
ORDER = (S.DRAFT, S.SUBMITTED, S.RETURNED, S.RECOMMENDED, S.CORRECTION_REQUESTED,
         S.FORMAL_PASSED, S.EXPERT_REVIEW, S.REVIEWED, S.OBJECTION_REVIEW, S.APPROVAL_PENDING,
         S.APPROVED, S.PUBLICITY, S.PROPOSED, S.NOT_SELECTED, S.EXPIRED, S.WITHDRAWN,
         S.NOT_RECOMMENDED, S.FORMAL_REJECTED, S.REJECTED_AFTER_PUBLICITY, S.COUNTY_PASSED,
         *sorted(NOTICE_ISSUED_STATES - {S.APPROVED}))
CALL_OF = {S.DRAFT: "open", S.SUBMITTED: "open", S.RETURNED: "open", S.EXPIRED: "open",
           S.WITHDRAWN: "open", S.NOT_RECOMMENDED: "open", S.PUBLICITY: "publicity",
           S.COUNTY_PASSED: "county",
           S.OBJECTION_REVIEW: "publicity", S.REJECTED_AFTER_PUBLICITY: "publicity",
           **{state: "done" for state in NOTICE_ISSUED_STATES}}
K = 5  # experts per panel, the default
# Reviewed and beyond: a panel (without `expert`) whose every sheet is in, its result confirmed.
SCORED = frozenset({S.REVIEWED, S.OBJECTION_REVIEW, S.APPROVAL_PENDING, *NOTICE_ISSUED_STATES,
                    S.PUBLICITY, S.PROPOSED, S.NOT_SELECTED, S.REJECTED_AFTER_PUBLICITY})
MAXIMA = item_maxima(rubric_of(None))  # the calls keep the default rubric
JINAN, ZIBO = "370100", "370300"
LICHENG = "370112"  # a county (district) of Jinan
OTHER_CITIES = tuple(c for c in CITIES if c != JINAN)
EMAIL_DOMAIN = "bench.centerflow.cn"
CALLS = (("open", CallState.OPEN, "开放中的批次"), ("review", CallState.REVIEWING, "评审中的批次"),
         ("county", CallState.OPEN, "县级初审中的批次"),
         ("publicity", CallState.PUBLICITY, "公示中的批次"),
         ("sign", CallState.PUBLICITY, "待签发的批次"),
         ("issue", CallState.PUBLICITY, "待印发的批次"),
         ("done", CallState.DECIDED, "已印发的批次"))
# Synthetic credit codes (and receipt numbers, ranks, positions) count from here, far from
# those tests make one by one; `build` moves it past what an earlier world used.
_serial = count(50_000_000)


@dataclass(frozen=True)
class Person:
    """Who a desk belongs to, as plain values: the tests measure with a cold session."""

    id: int
    email: str
    organization_id: int | None = None
    credit_code: str = ""

    @classmethod
    def of(cls, user: User) -> "Person":
        org = user.organization
        return cls(user.id, user.email, org.id if org else None, org.credit_code if org else "")


@dataclass(frozen=True)
class CallRef:
    id: int
    field_id: int                   # the call's first technical field (a CallField)
    field_ids: tuple[int, ...] = ()  # all of them, in their order


@dataclass
class World:
    officer: Person
    leader: Person
    applicant: Person    # its unit co-builds many applications and leads three
    recommender: Person  # of Jinan
    expert: Person       # sits on many panels, chairs some
    calls: dict[str, CallRef]
    pool: list[int]      # expert ids; pool[0] is `expert`'s
    publicity_id: int
    notice_id: int       # the issued notice of the call "done"
    made: int = 0
    county_org_id: int = 0  # the county bureau that passed up the call "county"

    @property
    def people(self) -> dict[str, Person]:
        return {"applicant": self.applicant, "recommender": self.recommender,
                "expert": self.expert, "officer": self.officer, "leader": self.leader}


def credit_code(region: str, prefix: str = "91") -> str:
    return creditcode.make(prefix, region, f"{next(_serial):08d}")


def _unit(name: str, region: str, kind: str = OrgKind.ENTERPRISE, prefix: str = "91"):
    org = Organization(name=name, credit_code=credit_code(region, prefix), region_code=region,
                       kind=kind, status="verified", legal_representative="张三")
    db.session.add(org)
    return org


def _person(name: str, role: Role, password_hash: str, tag: str, organization=None) -> User:
    return accounts.create_user(email=f"{name}{tag}@{EMAIL_DOMAIN}", name=f"{name}{tag}",
                                roles=[role], password_hash=password_hash,
                                organization=organization)


def _call(officer: User, state: CallState, title: str, fields: list) -> Call:
    start = clock.now()
    call = call_operations.create_call(
        platform_type=db.session.scalars(
            select(PlatformType).filter_by(code="tech_innovation_center")).one(),
        year=start.year, title=title, opens_at=start - timedelta(days=1),
        closes_at=start + timedelta(days=30), recommend_deadline=start + timedelta(days=60),
        quota=30, recommender_quota=5, fields=fields, attachments=[("licence", "营业执照")],
        actor=officer)
    following = {"planned": "open", "open": "closed", "closed": "reviewing",
                 "reviewing": "publicity", "publicity": "decided"}
    while call.state != state:
        call_operations.advance_call(call, CallState(following[call.state]), actor=officer)
    call.review_deadline = start + timedelta(days=20)
    return call


def _experts(expert_user: User, size: int, term_ids: list[int]) -> list[int]:
    """`size` experts from Zibo, each in two technical fields; the first has a login."""
    rows = [{"name": f"专家{n}", "employer_name": f"测试研究院{n}",
             "employer_credit_code": credit_code(ZIBO, "12"), "region_code": ZIBO,
             "title": "研究员", "birth_year": 1970, "email": f"pool{n}@{EMAIL_DOMAIN}",
             "user_id": expert_user.id if n == 0 else None} for n in range(size)]
    ids = list(db.session.scalars(
        insert(Expert).returning(Expert.id, sort_by_parameter_order=True), rows))
    db.session.execute(insert(ExpertField), [
        {"expert_id": expert_id, "term_id": term_ids[(n + step) % len(term_ids)]}
        for n, expert_id in enumerate(ids) for step in (0, 1)])
    return ids


def build(*, pool: int = K + 2, password_hash: str, tag: str = "") -> World:
    """The calls, one per stage, in the technical fields of the demo; the people whose desks
    are measured, who log in with the password of `password_hash` (emails
    `<role><tag>@bench.centerflow.cn`); `pool` experts (at least K + 2). Committed."""
    if pool < K + 2:
        raise ValueError(f"a pool of at least {K + 2} experts seats the panels")
    global _serial
    used = db.session.scalar(select(func.max(Organization.id))) or 0
    used += db.session.scalar(select(func.max(Expert.id))) or 0
    _serial = count(50_000_000 + 10 * used)  # no more than ten a unit or an expert
    vocabulary.ensure_defaults()
    terms = list(vocabulary.by_name([name for name, _industry in FIELDS]).values())
    officer = _person("officer", Role.OFFICER, password_hash, tag)
    leader = _person("leader", Role.LEADER, password_hash, tag)
    officer.department = leader.department = departments.ensure_home_department()
    applicant = _person("applicant", Role.APPLICANT, password_hash, tag,
                        _unit(f"济南测试企业{tag}有限公司", JINAN))
    recommender = _person("recommender", Role.RECOMMENDER, password_hash, tag,
                          _unit(f"济南市科学技术局{tag}", JINAN, OrgKind.GOVERNMENT, "11"))
    expert_user = _person("expert", Role.EXPERT, password_hash, tag)
    calls = {key: _call(officer, state, f"{title}{tag}", terms) for key, state, title in CALLS}
    # County bureaus check its applications first: those passed up wait for their city.
    calls["county"].recommendation_chain = Chain.COUNTY_CITY
    county = _unit(f"历城区工业和信息化局{tag}", LICHENG, OrgKind.GOVERNMENT, "11")
    today = clock.local(clock.now()).date()
    publicity_id = db.session.scalar(insert(Publicity).returning(Publicity.id), {
        "call_id": calls["publicity"].id, "title": "公示", "start_date": today,
        "end_date": today + timedelta(days=7), "workdays": 5, "texts": {},
        "published_by_id": officer.id, "document_name": f"bench-{next(_serial)}.pdf",
        "document_sha256": "0" * 64, "document_size": 1})
    db.session.add(Notice(call_id=calls["issue"].id, state="signed", content={},
                          content_sha256="1" * 64, signed_by_id=leader.id))
    last = db.session.scalar(select(func.max(DocumentNumber.sequence)).filter_by(
        office="鲁科字", year=today.year)) or 0
    number = DocumentNumber(office="鲁科字", year=today.year, sequence=last + 1, title="通知",
                            allocated_by_id=officer.id)
    done = Notice(call_id=calls["done"].id, state="issued", content={}, content_sha256="2" * 64,
                  signed_by_id=leader.id, number=number, issued_on=today,
                  issued_by_id=officer.id, issued_at=clock.now(), completed_at=clock.now())
    db.session.add(done)
    db.session.flush()
    people = [Person.of(u) for u in (officer, leader, applicant, recommender, expert_user)]
    refs = {key: CallRef(c.id, c.fields[0].id, tuple(f.id for f in c.fields))
            for key, c in calls.items()}
    world = World(*people, refs, _experts(expert_user, pool, [t.id for t in terms]),
                  publicity_id, done.id, county_org_id=county.id)
    _own_applications(world)
    db.session.commit()
    return world


def _own_applications(world: World) -> None:
    """The applicant's unit leads a draft, a returned application and one asked for
    corrections, one per call (one live application per unit and call)."""
    for key, state in (("open", S.DRAFT), ("publicity", S.RETURNED),
                       ("review", S.CORRECTION_REQUESTED)):
        app_id = db.session.scalar(insert(Application).returning(Application.id), _app_row(
            world, world.calls[key], world.applicant.organization_id, state, JINAN,
            f"本单位的{state}", world.calls[key].field_id))
        if state == S.CORRECTION_REQUESTED:
            db.session.execute(insert(CorrectionRequest), [_correction(world, app_id, 3)])


def _app_row(world, call, org_id, state, city, title, field_id) -> dict:
    filed = state not in (S.DRAFT, S.EXPIRED)
    return {"call_id": call.id, "lead_org_id": org_id, "field_id": field_id,
            "title": title, "region_code": city, "state": state,
            "created_by_id": world.applicant.id,
            "submitted_at": clock.now() - timedelta(days=2) if filed else None,
            "version_count": 1 if filed else 0}


def _correction(world, app_id: int, days: int) -> dict:
    return {"application_id": app_id, "round": 1, "requested_by_id": world.officer.id,
            "deadline_at": clock.now() + timedelta(days=days),
            "items": [{"code": "cobuilders", "label": "共建单位", "scope": "cobuilders",
                       "note": "补充"}]}


def add(world: World, n: int) -> None:
    """`n` more applications, each of a new unit, and the rows of their states; a unit to
    verify and some mails per round of ORDER begun. Committed."""
    start, world.made = world.made, world.made + n
    plan = [(ORDER[i % len(ORDER)], i // len(ORDER)) for i in range(start, start + n)]
    cities = [city_of(r) for _state, r in plan]
    codes = [credit_code(city) for city in cities]
    units = [{"name": f"桌面企业{start + i}", "credit_code": code, "region_code": city,
              "status": "verified"} for i, (code, city) in enumerate(zip(codes, cities,
                                                                            strict=True))]
    org_ids = db.session.scalars(insert(Organization).returning(
        Organization.id, sort_by_parameter_order=True), units).all()
    rows = []
    for i, ((state, r), org_id, city) in enumerate(zip(plan, org_ids, cities, strict=True)):
        call = world.calls[_call_key(state, r)]
        fields = call.field_ids or (call.field_id,)
        rows.append(_app_row(world, call, org_id, state, city, f"桌面技术创新中心{start + i}",
                             fields[(start + i) % len(fields)]))
    ids = db.session.scalars(insert(Application).returning(
        Application.id, sort_by_parameter_order=True), rows).all()
    _state_rows(world, list(zip(ids, plan, rows, strict=True)))
    _units_and_mails([r for i, (_s, r) in enumerate(plan, start=start)
                      if i % len(ORDER) == 0], codes)
    db.session.commit()


def city_of(r: int) -> str:
    """Jinan in even rounds; the other cities in turn in odd ones."""
    return JINAN if r % 2 == 0 else OTHER_CITIES[(r // 2) % len(OTHER_CITIES)]


def _call_key(state, r: int) -> str:
    if state == S.APPROVAL_PENDING:
        return "sign" if r % 2 == 0 else "issue"
    return CALL_OF.get(state, "review")


def _state_rows(world: World, apps: list) -> None:
    """What each state has beside the application: see the module's docstring."""
    org = world.applicant.organization_id
    rows = {model: [] for model in (CoBuilder, CorrectionRequest, Recommendation, CountyPass,
                                    PublicityEntry, OfficialDocument, PanelResult, Exclusion)}
    panels = []
    for app_id, (state, r), row in apps:
        mine = {"application_id": app_id, "credit_code": world.applicant.credit_code,
                "name": "本单位", "organization_id": org}
        if state in (S.DRAFT, S.RETURNED) or (state == S.CORRECTION_REQUESTED and r % 2):
            rows[CoBuilder].append(mine)
        if state == S.CORRECTION_REQUESTED:
            rows[CorrectionRequest].append(_correction(world, app_id, 1 + r % 9))
        if state == S.RECOMMENDED and row["region_code"] == JINAN:
            rows[Recommendation].append({
                "application_id": app_id, "call_id": row["call_id"], "rank": next(_serial),
                "recommender_org_id": world.recommender.organization_id, "opinion": "同意",
                "recommended_by_id": world.recommender.id})
        if state == S.COUNTY_PASSED:
            rows[CountyPass].append({
                "application_id": app_id, "call_id": row["call_id"], "rank": next(_serial),
                "county_org_id": world.county_org_id, "opinion": "同意",
                "passed_by_id": world.recommender.id})
        if state in (S.PUBLICITY, S.OBJECTION_REVIEW, S.REJECTED_AFTER_PUBLICITY):
            rows[PublicityEntry].append({"publicity_id": world.publicity_id,
                                         "application_id": app_id, "position": next(_serial),
                                         "center_name": row["title"], "lead_unit": "企业",
                                         "city": CITIES[row["region_code"]]})
        if state in NOTICE_ISSUED_STATES:
            rows[OfficialDocument].append(_letter(world, app_id))
            if r % 2 == 0:
                rows[CoBuilder].append({**mine, "confirmed_at": clock.now(),
                                        "confirmed_by_id": world.applicant.id})
        if state in (S.FORMAL_PASSED, S.EXPERT_REVIEW) or state in SCORED:
            panels.append((app_id, state, r))
    for model, values in rows.items():
        if values:
            db.session.execute(insert(model), values)
    _objections(world, [(a, s, r) for a, (s, r), _row in apps
                        if s in (S.PUBLICITY, S.OBJECTION_REVIEW, S.REJECTED_AFTER_PUBLICITY)])
    _panels(world, panels)


def _letter(world: World, app_id: int) -> dict:
    code = hashlib.sha256(f"letter{app_id}".encode()).hexdigest()[:16].upper()
    return {"notice_id": world.notice_id, "kind": "letter", "position": next(_serial),
            "application_id": app_id, "verification_code": code,
            "stored_name": f"{code}.pdf", "sha256": "3" * 64, "size_bytes": 1,
            "stored_at": clock.now()}


def _objections(world: World, announced: list) -> None:
    """One objection per announced application: open and not handled (in publicity, and
    every other one in objection review), open and handled (waiting for the leader), or
    upheld."""
    entries = dict(db.session.execute(
        select(PublicityEntry.application_id, PublicityEntry.id)
        .where(PublicityEntry.application_id.in_([a for a, _s, _r in announced]))).all())
    values = []
    for app_id, state, r in announced:
        handled = state != S.PUBLICITY and r % 2 == 0
        upheld = state == S.REJECTED_AFTER_PUBLICITY
        values.append({"publicity_id": world.publicity_id, "entry_id": entries[app_id],
                       "receipt_no": f"YY{next(_serial):08d}", "filer_kind": "person",
                       "person_name": "王五", "phone": "13800000000", "content": "异议",
                       "status": "upheld" if upheld else "open",
                       "admissible": True if handled else None,
                       "handled_by_id": world.officer.id if handled else None,
                       "handled_at": clock.now() if handled else None,
                       "decided_by_id": world.leader.id if upheld else None})
    if values:
        db.session.execute(insert(Objection), values)


def _panels(world: World, panels: list) -> None:
    """Seats, sheets and results. Formal review passed: a complete panel, the expert's
    invitation, or no panel yet. Expert review, the expert: to score, chair of an alarm,
    chair of a result to confirm, or seated but excluded (a rule applied since). Scored
    (reviewed and beyond): every sheet in, the result confirmed by the chair."""
    seats, plans = [], []
    for app_id, state, r in panels:
        variant = r % 4 if state == S.EXPERT_REVIEW else r % 3
        if state == S.FORMAL_PASSED and variant == 2:
            continue
        me = state not in SCORED and not (state == S.FORMAL_PASSED and variant == 0)
        others = [world.pool[1 + (app_id * K + j) % (len(world.pool) - 1)] for j in range(K)]
        members = ([world.pool[0]] + others[:K - 1]) if me else others
        for j, expert_id in enumerate(dict.fromkeys(members)):
            invited = state == S.FORMAL_PASSED and j == 0 and me
            chair = j == (0 if state == S.EXPERT_REVIEW and variant in (1, 2) else 1)
            seats.append({"application_id": app_id, "expert_id": expert_id,
                          "method": "manual", "status": "invited" if invited else "accepted",
                          "is_chair": chair, "assigned_by_id": world.officer.id,
                          "responded_at": None if invited else clock.now()})
            plans.append((app_id, state, variant, j))
    seat_ids = db.session.scalars(insert(PanelSeat).returning(
        PanelSeat.id, sort_by_parameter_order=True), seats).all() if seats else []
    sheets, totals = [], {}
    for seat_id, (app_id, state, variant, j) in zip(seat_ids, plans, strict=True):
        if state in SCORED or (state == S.EXPERT_REVIEW and not (j == 0 and variant in (0, 3))):
            sheets.append(_sheet(seat_id, app_id * K + j))
            totals.setdefault(app_id, []).append(sheets[-1]["total"])
    results = [_result(a, totals[a], alarm=state == S.EXPERT_REVIEW and r % 4 == 1,
                       confirmed=state in SCORED) for a, state, r in panels if a in totals]
    excluded = [{"expert_id": world.pool[0], "application_id": a, "rule": "D"}
                for a, state, r in panels if state == S.EXPERT_REVIEW and r % 4 == 3]
    for model, values in ((ScoreSheet, sheets), (PanelResult, results), (Exclusion, excluded)):
        if values:
            db.session.execute(insert(model), values)


def _sheet(seat_id: int, n: int) -> dict:
    """A submitted sheet giving every item of the rubric the same share of its maximum, 60 to
    99 per cent as `n` goes."""
    share = 0.6 + (n * 7 % 40) / 100
    scores = {code: round(top * share, 1) for code, top in MAXIMA.items()}
    return {"seat_id": seat_id, "scores": scores, "total": round(sum(scores.values()), 1),
            "submitted_at": clock.now()}


def _result(app_id: int, totals: list[float], *, alarm: bool, confirmed: bool) -> dict:
    score = round(sum(totals) / len(totals), 2)
    return {"application_id": app_id, "review_score": score,
            "final_score": score if confirmed else None,
            "grade": grade(score) if confirmed else "", "sheets": len(totals),
            "dispersion_alarm": alarm, "chair_confirmed_at": clock.now() if confirmed else None}


def _units_and_mails(rounds: list[int], codes: list[str]) -> None:
    """Per round a unit waiting for its verification (every third one disputing the credit
    code of a verified unit), a mail that failed, one given up and two sent."""
    units, mails = [], []
    for r in rounds:
        city = city_of(r)
        units.append({"name": f"待核验单位{next(_serial)}", "region_code": city,
                      "credit_code": codes[0] if r % 3 == 0 else credit_code(city),
                      "status": "unverified"})
        for status in ("failed", "given_up", "sent", "sent"):
            mails.append({"to_address": f"desk{next(_serial)}@example.com", "subject": "通知",
                          "body": "正文", "error": "" if status == "sent" else "550",
                          "attempts": 1, "given_up_at": clock.now()
                          if status == "given_up" else None,
                          "sent_at": clock.now() if status == "sent" else None})
    db.session.execute(insert(Organization), units)
    db.session.execute(insert(OutboxMail), mails)
