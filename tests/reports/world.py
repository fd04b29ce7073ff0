"""A world of annual reports for the tests: three centers under construction of one platform
type (two in Jinan of two units, one in Qingdao), one approved center without a signed task book
yet, their signed task books with targets for 2023, and the people around them."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from tests import factories
from workflow.calls.models import PlatformType
from workflow.centers.indicators import INDICATORS
from workflow.core.clock import LOCAL
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.reports.operations import rounds
from workflow.task_books.models import TaskBook, TaskBookState

JINAN, QINGDAO = factories.JINAN, factories.QINGDAO
OPENED = datetime(2024, 1, 10, 9, 0, tzinfo=LOCAL)
DUE_ON = date(2024, 3, 31)
# The 2023 targets of every book: rd_spending 1400 (10,000 yuan), rd_staff 50, the counts 4.
TARGETS = {i.code: (1400 if i.code == "rd_spending" else 50 if i.code == "rd_staff" else 4)
           for i in INDICATORS}
TARGETS["transfer_profit"] = 0  # a target of zero: nothing to miss


@dataclass
class World:
    apps: dict  # "a" (Jinan), "b" (Jinan, another unit), "c" (Qingdao), "approved"
    users: dict  # lead_a, lead_b, lead_c, rec_jinan, rec_qingdao, officer, leader
    platform_type: PlatformType


def signed_book(app, targets: dict[str, float], year: int = 2023) -> TaskBook:
    """`app`'s task book signed, with `targets` for `year` (made here when none exists)."""
    book = db.session.scalar(select(TaskBook).where(TaskBook.application_id == app.id))
    if book is None:
        book = TaskBook(application_id=app.id)
        db.session.add(book)
    book.indicators = {code: {"baseline": 0, "yearly": {str(year): value}, "final": value}
                       for code, value in targets.items()}
    book.state = TaskBookState.SIGNED
    db.session.flush()
    return book


def build() -> World:
    users = {"lead_a": factories.applicant(JINAN), "lead_b": factories.applicant(JINAN),
             "lead_c": factories.applicant(QINGDAO), "lead_x": factories.applicant(JINAN),
             "rec_jinan": factories.recommender(JINAN),
             "rec_qingdao": factories.recommender(QINGDAO),
             "officer": factories.officer(), "leader": factories.leader()}
    apps = {key: factories.application(lead=users[f"lead_{key}"],
                                       state=AppState.UNDER_CONSTRUCTION)
            for key in ("a", "b", "c")}
    apps["approved"] = factories.application(lead=users["lead_x"], state=AppState.APPROVED)
    for key in ("a", "b", "c"):
        signed_book(apps[key], TARGETS)
    platform_type = apps["a"].call.platform_type
    return World(apps, users, platform_type)


def open_2023(world: World):
    with factories.clock_at(OPENED):
        return rounds.open_round(year=2023, platform_type=world.platform_type, due_on=DUE_ON,
                                 actor=world.users["officer"])


def full_values(**overrides) -> dict[str, str]:
    """A value for every indicator: each at its target unless overridden."""
    values = {code: str(value) for code, value in TARGETS.items()}
    values.update({code: str(value) for code, value in overrides.items()})
    return values


NARRATIVE = {"progress": "本年度中心围绕关键共性技术开展研发，建成中试平台两处，引进人才五名。",
             "tasks_done": "完成年度任务书规定的三项主要任务，其中两项通过第三方测试验证。",
             "problems": "高端人才引进难度较大，部分设备采购周期较长，影响了研发进度安排。",
             "plan": "下一年度将加快中试平台运行，推进成果转化，新增孵化企业两家以上。"}
