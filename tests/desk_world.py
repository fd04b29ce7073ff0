"""A world of many applications for the desks, inserted as rows (these worlds are only read):
every state, every city, co-builders, corrections, panels with sheets and results,
announcements with objections, notices and letters, units to verify and mails that failed.

The calls and the people whose desks are looked at are made through the services; `add`
then inserts applications in bulk, the state cycling through ORDER (the states desks list
first), and with each the rows its state has. Half of the rounds of ORDER are in Jinan, the
city of `recommender`; `applicant`'s unit co-builds many of them; `expert` sits on many
panels. Used by tests/test_desk_statements.py and bench/desks.py.
"""
import hashlib
from dataclasses import dataclass
from datetime import timedelta
from itertools import count

from sqlalchemy import insert, select

from tests import factories
from workflow.accounts.models.users import User
from workflow.calls.models import Call
from workflow.core import clock
from workflow.core.extensions import db
from workflow.core.reference import CITIES
from workflow.core.states import AppState, CallState, Role
from workflow.experts.models import Exclusion, Expert
from workflow.formal_review.models import CorrectionRequest
from workflow.inbox.models import OutboxMail
from workflow.intake.models import Application, CoBuilder
from workflow.notices.models import DocumentNumber, Notice, OfficialDocument
from workflow.organizations.models import Organization
from workflow.publicity.models import Objection, Publicity, PublicityEntry
from workflow.recommendation.models import Recommendation
from workflow.review.models import PanelResult, PanelSeat, ScoreSheet

S = AppState
ORDER = (S.DRAFT, S.SUBMITTED, S.RETURNED, S.RECOMMENDED, S.CORRECTION_REQUESTED,
         S.FORMAL_PASSED, S.EXPERT_REVIEW, S.REVIEWED, S.OBJECTION_REVIEW, S.APPROVAL_PENDING,
         S.APPROVED, S.PUBLICITY, S.PROPOSED, S.NOT_SELECTED, S.EXPIRED, S.WITHDRAWN,
         S.NOT_RECOMMENDED, S.FORMAL_REJECTED, S.REJECTED_AFTER_PUBLICITY)
CALL_OF = {S.DRAFT: "open", S.SUBMITTED: "open", S.RETURNED: "open", S.EXPIRED: "open",
           S.WITHDRAWN: "open", S.NOT_RECOMMENDED: "open", S.PUBLICITY: "publicity",
           S.OBJECTION_REVIEW: "publicity", S.REJECTED_AFTER_PUBLICITY: "publicity",
           S.APPROVED: "done"}
K = 5  # experts per panel, the default
JINAN = factories.JINAN
OTHER_CITIES = tuple(c for c in CITIES if c != JINAN)
_serial = count(1)


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
    field_id: int


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

    @property
    def people(self) -> dict[str, Person]:
        return {"applicant": self.applicant, "recommender": self.recommender,
                "expert": self.expert, "officer": self.officer, "leader": self.leader}


def _call(officer, state: CallState, title: str) -> Call:
    start = clock.now()
    call = factories.call(state, actor=officer, title=title,
                          recommend_deadline=start + timedelta(days=60))
    call.review_deadline = start + timedelta(days=20)
    return call


def _experts(expert_user: User, size: int) -> list[int]:
    rows = [{"name": f"专家{n}", "employer_name": f"测试研究院{n}",
             "employer_credit_code": factories.credit_code(factories.ZIBO, "12"),
             "region_code": factories.ZIBO, "title": "研究员", "birth_year": 1970,
             "user_id": expert_user.id if n == 0 else None} for n in range(size)]
    return list(db.session.scalars(
        insert(Expert).returning(Expert.id, sort_by_parameter_order=True), rows))


def build(*, pool: int = K + 2) -> World:
    """The calls, one per stage, and the people whose desks are measured; `pool` experts
    (at least K + 2). Committed."""
    officer = factories.officer()
    leader, applicant = factories.leader(), factories.applicant(JINAN)
    calls = {"open": _call(officer, CallState.OPEN, "开放中的批次"),
             "review": _call(officer, CallState.REVIEWING, "评审中的批次"),
             "publicity": _call(officer, CallState.PUBLICITY, "公示中的批次"),
             "sign": _call(officer, CallState.PUBLICITY, "待签发的批次"),
             "issue": _call(officer, CallState.PUBLICITY, "待印发的批次"),
             "done": _call(officer, CallState.DECIDED, "已印发的批次")}
    expert_user = factories.user(Role.EXPERT)
    today = clock.local(clock.now()).date()
    publicity_id = db.session.scalar(insert(Publicity).returning(Publicity.id), {
        "call_id": calls["publicity"].id, "title": "公示", "start_date": today,
        "end_date": today + timedelta(days=7), "workdays": 5, "texts": {},
        "published_by_id": officer.id, "document_name": f"desk-{next(_serial)}.pdf",
        "document_sha256": "0" * 64, "document_size": 1})
    db.session.add(Notice(call_id=calls["issue"].id, state="signed", content={},
                          content_sha256="1" * 64, signed_by_id=leader.id))
    number = DocumentNumber(office="鲁科字", year=today.year, sequence=next(_serial),
                            title="通知", allocated_by_id=officer.id)
    done = Notice(call_id=calls["done"].id, state="issued", content={}, content_sha256="2" * 64,
                  signed_by_id=leader.id, number=number, issued_on=today,
                  issued_by_id=officer.id, issued_at=clock.now(), completed_at=clock.now())
    db.session.add(done)
    db.session.flush()
    people = [Person.of(u) for u in (officer, leader, applicant, factories.recommender(JINAN),
                                     expert_user)]
    world = World(*people, {key: CallRef(c.id, c.fields[0].id) for key, c in calls.items()},
                  _experts(expert_user, pool), publicity_id, done.id)
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
            f"本单位的{state}"))
        if state == S.CORRECTION_REQUESTED:
            db.session.execute(insert(CorrectionRequest), [_correction(world, app_id, 3)])


def _app_row(world, call, org_id, state, city, title) -> dict:
    filed = state not in (S.DRAFT, S.EXPIRED)
    return {"call_id": call.id, "lead_org_id": org_id, "field_id": call.field_id,
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
    codes = [factories.credit_code(city) for city in cities]
    units = [{"name": f"桌面企业{start + i}", "credit_code": code, "region_code": city,
              "status": "verified"} for i, (code, city) in enumerate(zip(codes, cities,
                                                                            strict=True))]
    org_ids = db.session.scalars(insert(Organization).returning(
        Organization.id, sort_by_parameter_order=True), units).all()
    rows = [_app_row(world, world.calls[_call_key(state, r)], org_id, state, city,
                     f"桌面技术创新中心{start + i}")
            for i, ((state, r), org_id, city) in enumerate(zip(plan, org_ids, cities,
                                                              strict=True))]
    ids = db.session.scalars(insert(Application).returning(
        Application.id, sort_by_parameter_order=True), rows).all()
    _state_rows(world, list(zip(ids, plan, rows, strict=True)))
    _units_and_mails(world, [r for i, (_s, r) in enumerate(plan, start=start)
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
    rows = {model: [] for model in (CoBuilder, CorrectionRequest, Recommendation,
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
        if state in (S.PUBLICITY, S.OBJECTION_REVIEW, S.REJECTED_AFTER_PUBLICITY):
            rows[PublicityEntry].append({"publicity_id": world.publicity_id,
                                         "application_id": app_id, "position": next(_serial),
                                         "center_name": row["title"], "lead_unit": "企业",
                                         "city": "济南市"})
        if state == S.APPROVED:
            rows[OfficialDocument].append(_letter(world, app_id))
            if r % 2 == 0:
                rows[CoBuilder].append({**mine, "confirmed_at": clock.now(),
                                        "confirmed_by_id": world.applicant.id})
        if state in (S.FORMAL_PASSED, S.EXPERT_REVIEW):
            panels.append((app_id, state, r))
        if state == S.REVIEWED:
            rows[PanelResult].append({"application_id": app_id, "review_score": 80.0,
                                      "final_score": 80.0, "sheets": K,
                                      "chair_confirmed_at": clock.now()})
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
    chair of a result to confirm, or seated but excluded (a rule applied since)."""
    seats, plans = [], []
    for app_id, state, r in panels:
        variant = r % 4 if state == S.EXPERT_REVIEW else r % 3
        if state == S.FORMAL_PASSED and variant == 2:
            continue
        me = not (state == S.FORMAL_PASSED and variant == 0)
        others = [world.pool[1 + (app_id * K + j) % (len(world.pool) - 1)] for j in range(K)]
        members = ([world.pool[0]] + others[:K - 1]) if me else others
        for j, expert_id in enumerate(dict.fromkeys(members)):
            invited = state == S.FORMAL_PASSED and j == 0 and me
            chair = j == (0 if state == S.EXPERT_REVIEW and variant in (1, 2) else 1)
            seats.append({"application_id": app_id, "expert_id": expert_id,
                          "method": "manual", "status": "invited" if invited else "accepted",
                          "is_chair": chair, "assigned_by_id": world.officer.id,
                          "responded_at": None if invited else clock.now()})
            plans.append((state, variant, j))
    seat_ids = db.session.scalars(insert(PanelSeat).returning(
        PanelSeat.id, sort_by_parameter_order=True), seats).all() if seats else []
    sheets = [{"seat_id": seat_id, "scores": {}, "total": 80.0, "submitted_at": clock.now()}
              for seat_id, (state, variant, j) in zip(seat_ids, plans, strict=True)
              if state == S.EXPERT_REVIEW and not (j == 0 and variant in (0, 3))]
    results = [{"application_id": a, "review_score": 80.0, "sheets": K - 1,
                "dispersion_alarm": r % 4 == 1}
               for a, state, r in panels if state == S.EXPERT_REVIEW]
    excluded = [{"expert_id": world.pool[0], "application_id": a, "rule": "D"}
                for a, state, r in panels if state == S.EXPERT_REVIEW and r % 4 == 3]
    for model, values in ((ScoreSheet, sheets), (PanelResult, results), (Exclusion, excluded)):
        if values:
            db.session.execute(insert(model), values)


def _units_and_mails(world: World, rounds: list[int], codes: list[str]) -> None:
    """Per round a unit waiting for its verification (every third one disputing the credit
    code of a verified unit), a mail that failed, one given up and two sent."""
    units, mails = [], []
    for r in rounds:
        city = city_of(r)
        units.append({"name": f"待核验单位{next(_serial)}", "region_code": city,
                      "credit_code": codes[0] if r % 3 == 0 else factories.credit_code(city),
                      "status": "unverified"})
        for status in ("failed", "given_up", "sent", "sent"):
            mails.append({"to_address": f"desk{next(_serial)}@example.com", "subject": "通知",
                          "body": "正文", "error": "" if status == "sent" else "550",
                          "attempts": 1, "given_up_at": clock.now()
                          if status == "given_up" else None,
                          "sent_at": clock.now() if status == "sent" else None})
    db.session.execute(insert(Organization), units)
    db.session.execute(insert(OutboxMail), mails)
