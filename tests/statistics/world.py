"""A province of centers for the statistics tests, written as rows (the statistics only read
them): two decided technology-center calls (2022, 2024) with centers in every state after the
notice and applications that were not approved, a key-laboratory call of 2026 still running,
and a planned call of 2027. Budgets come from the application's section, or from a signed
task book; one center changed its name and lead unit."""
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from tests import factories
from workflow.calls.models import PlatformType
from workflow.centers.models import Center
from workflow.core import clock
from workflow.core.extensions import db
from workflow.core.states import UNFILED_STATES, AppState, CallState
from workflow.evaluation.models import Evaluation, EvaluationRound
from workflow.intake.models import Application, ApplicationSection
from workflow.reports.models import AnnualReport, ReportRound, ReportValue
from workflow.task_books.models import TaskBook, TaskBookState

S = AppState
UNFILED = UNFILED_STATES
JINAN, QINGDAO, ZIBO = factories.JINAN, factories.QINGDAO, factories.ZIBO

# (call, city, lead kind, field index, state, application budget (total, own, local) or None,
#  signed task book budget (own, provincial, local) or None)
ROWS = (
    ("c2022", JINAN, "enterprise", 0, S.UNDER_CONSTRUCTION, ("1000", "800", "200"),
     {"own_funds": 700, "provincial_funds": 300, "local_match": 100}),
    ("c2022", JINAN, "university", 0, S.OPERATING, ("500", "400", "100"), None),
    ("c2022", QINGDAO, "enterprise", 1, S.RECTIFICATION, ("300", "300", ""), None),
    ("c2022", QINGDAO, "institute", 1, S.REVOKED, ("999", "999", "0"), None),
    ("c2022", ZIBO, "enterprise", 2, S.NOT_ACCEPTED, ("888", "800", "88"), None),
    ("c2022", ZIBO, "enterprise", 2, S.APPROVED, ("", "", ""), None),
    ("c2022", JINAN, "enterprise", 1, S.NOT_SELECTED, ("100", "100", "0"), None),
    ("c2022", JINAN, "enterprise", 2, S.DRAFT, None, None),
    ("c2022", QINGDAO, "enterprise", 2, S.FORMAL_REJECTED, None, None),
    ("c2022", ZIBO, "enterprise", 0, S.REJECTED_AFTER_PUBLICITY, None, None),
    ("c2024", JINAN, "enterprise", 1, S.OPERATING, ("200", "200", "0"),
     {"own_funds": "250", "provincial_funds": "", "local_match": "50"}),
    ("c2024", QINGDAO, "other", 2, S.APPROVED, ("400", "300", "50"), None),
    ("lab2026", JINAN, "enterprise", 0, S.SUBMITTED, None, None),
    ("lab2026", JINAN, "enterprise", 0, S.RECOMMENDED, None, None),
    ("lab2026", QINGDAO, "enterprise", 1, S.FORMAL_PASSED, None, None),
    ("lab2026", QINGDAO, "university", 1, S.REVIEWED, None, None),
    ("lab2026", ZIBO, "enterprise", 2, S.PUBLICITY, None, None),
    ("lab2026", ZIBO, "enterprise", 2, S.DRAFT, None, None),
    ("lab2026", ZIBO, "enterprise", 2, S.WITHDRAWN, None, None),
)
RENAMED = "山东省更名后技术创新中心"


@dataclass
class World:
    calls: dict
    apps: list = field(default_factory=list)  # (row of ROWS, application id)
    lab_type: PlatformType | None = None
    renamed_app_id: int = 0


def build() -> World:
    """The rows of ROWS; the first center renamed and led by a new university. Committed."""
    officer = factories.officer()
    lab = db.session.scalar(select(PlatformType).where(PlatformType.code == "key_laboratory"))
    fields = ["半导体激光", "工业软件", "焊接装备"]
    calls = {
        "c2022": factories.call(CallState.DECIDED, year=2022, title="2022年技术创新中心",
                                fields=fields, actor=officer),
        "c2024": factories.call(CallState.DECIDED, year=2024, title="2024年技术创新中心",
                                fields=fields, actor=officer),
        "lab2026": factories.call(CallState.REVIEWING, year=2026, title="2026年重点实验室",
                                  fields=fields, platform_type=lab, actor=officer),
        "planned2027": factories.call(CallState.PLANNED, year=2027, title="2027年技术创新中心",
                                      fields=fields, actor=officer),
    }
    creator = factories.applicant()
    filed = clock.now() - timedelta(days=30)
    world = World(calls=calls, lab_type=lab)
    for n, row in enumerate(ROWS):
        call_key, city, kind, field_index, state, budget, book = row
        call = calls[call_key]
        org = factories.org(city, kind=kind)
        app_id = db.session.scalar(insert(Application).returning(Application.id).values(
            call_id=call.id, lead_org_id=org.id, field_id=call.fields[field_index].id,
            title=f"山东省统计测试{n}技术创新中心", region_code=city, state=state,
            created_by_id=creator.id, submitted_at=None if state in UNFILED else filed,
            version_count=0 if state in UNFILED else 1))
        if budget is not None:
            total, own, local = budget
            db.session.add(ApplicationSection(application_id=app_id, key="budget", data={
                "total_budget": total, "own_funds": own, "local_match": local}))
        if book is not None:
            db.session.add(TaskBook(application_id=app_id, state=TaskBookState.SIGNED,
                                    budget=book))
        world.apps.append((row, app_id))
    first = world.apps[0][1]
    db.session.add(Center(application_id=first, name=RENAMED,
                          lead_org_id=factories.org(ZIBO, kind="university").id))
    world.renamed_app_id = first
    _reports(world, officer)
    _evaluations(world, officer)
    db.session.commit()
    return world


# Evaluation rounds of the technology centers: (year, closed, [(row of ROWS, grade)]). Only
# closed rounds count.
EVALUATIONS = (
    (2025, True, [(1, "excellent"), (10, "good"), (2, "unqualified"), (0, "excellent")]),
    (2026, False, [(1, "qualified")]),
)


def _evaluations(world: World, officer) -> None:
    tech = world.calls["c2022"].platform_type_id
    taken = {r.year for r in db.session.scalars(select(EvaluationRound))}  # a second world
    for year, closed, graded in EVALUATIONS:
        if year in taken:
            continue
        round_ = EvaluationRound(platform_type_id=tech, year=year, title=f"{year}年度运行评估",
                                 opened_by_id=officer.id, status="closed" if closed else "rating",
                                 closed_at=clock.now() if closed else None)
        round_.evaluations = [
            Evaluation(application_id=world.apps[row][1], position=n, center_name="中心",
                       lead_unit="单位", city="济南市", score=Decimal(90), opinion="意见",
                       report_name=f"eval-{year}-{n}-{world.apps[row][1]}.pdf", grade=grade,
                       rated_by_id=officer.id)
            for n, (row, grade) in enumerate(graded, start=1)]
        db.session.add(round_)
    db.session.flush()


# Annual reports of the two operating technology centers (rows 1 and 10 of ROWS):
# (year reported on, row, state, {indicator: value}). Only accepted reports count.
REPORTS = (
    (2023, 1, "accepted", {"rd_spending": "100", "patents_applied": "3"}),
    (2024, 1, "accepted", {"rd_spending": "150.5", "patents_applied": "4"}),
    (2024, 10, "accepted", {"rd_spending": "50", "patents_applied": "1", "standards": "2"}),
    (2025, 10, "submitted", {"rd_spending": "9999", "patents_applied": "99"}),
)


def _reports(world: World, officer) -> None:
    tech = world.calls["c2022"].platform_type_id
    rounds = {r.year: r for r in db.session.scalars(select(ReportRound))}  # a second world
    for year in {r[0] for r in REPORTS} - set(rounds):
        rounds[year] = ReportRound(year=year, platform_type_id=tech, opened_by_id=officer.id,
                                   due_at=clock.now())
        db.session.add(rounds[year])
    centers = {}
    for year, row, state, values in REPORTS:
        app_id = world.apps[row][1]
        if app_id not in centers:
            centers[app_id] = Center(application_id=app_id, name=f"中心{row}",
                                     lead_org_id=db.session.get(Application, app_id).lead_org_id)
            db.session.add(centers[app_id])
            db.session.flush()
        report = AnnualReport(round=rounds[year], application_id=app_id,
                              center_id=centers[app_id].id, state=state,
                              first_filed_at=clock.now())
        report.values = [ReportValue(code=code, value=Decimal(v)) for code, v in values.items()]
        db.session.add(report)
    db.session.flush()
