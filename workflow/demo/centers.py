"""Changes and a revocation among the 2022 centers (issue 13): in 2024 one center is renamed
with the department's consent and another's change of director is refused for want of the
unit's appointment papers; in March 2026 the leadership revokes an operating center for
fraud, with its numbered decision document (a different center from the one rectifying
after the 2025 evaluation: only an operating one is chosen)."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from workflow.centers.models import ChangeKind
from workflow.centers.operations import (
    ChangeRequest,
    decide_change,
    open_center,
    request_change,
    revoke_center,
)
from workflow.core import pdf_check
from workflow.core.clock import LOCAL, freeze
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.demo.steps import tiny_pdf

if TYPE_CHECKING:  # after_approval lists this step: it is imported from there
    from workflow.demo.after_approval import World

RENAMED, REFUSED = 1, 6  # indexes in world.centers: its industrial software center, another
NEW_NAME = "山东省工业软件与智能制造技术创新中心"
FRAUD = ("经审计核查，该中心2024年度报告所报研发投入中有1260万元无相应支出凭证，"
         "所报2项省级项目未实际承担，存在虚报数据、提供虚假材料的问题。")


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A moment in Beijing time (as after_approval.at)."""
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL)


def _pdf(text: str):
    return pdf_check.check_pdf(tiny_pdf(text))


def seed(world: World) -> None:
    renamed, refused = world.centers[RENAMED], world.centers[REFUSED]
    freeze(at(2024, 6, 12, 10))
    center = open_center(renamed, actor=world.lead_of[renamed.id])
    change = request_change(center, ChangeRequest(
        kind=ChangeKind.NAME, name=NEW_NAME,
        reason="中心研究方向由工业软件拓展至智能制造系统集成，经共建单位协商一致，申请更名。",
        document_filename="更名申请及共建单位同意函.pdf",
        document=_pdf("Renaming request with the co-builders' consent")),
        actor=world.lead_of[renamed.id])
    freeze(at(2024, 6, 20, 15))
    decide_change(change, approve=True, reason="更名理由充分，共建单位同意函齐全，同意更名。",
                  actor=world.officer)

    freeze(at(2024, 9, 5, 11))
    center = open_center(refused, actor=world.lead_of[refused.id])
    change = request_change(center, ChangeRequest(
        kind=ChangeKind.DIRECTOR, director="周海峰", reason="原中心主任工作调动，拟由周海峰接任。",
        document_filename="中心主任变更申请.pdf", document=_pdf("Change of director")),
        actor=world.lead_of[refused.id])
    freeze(at(2024, 9, 14, 10))
    decide_change(change, approve=False,
                  reason="未附单位党委（董事会）任免文件及拟任人选简历，请补齐材料后重新申请。",
                  actor=world.officer)

    operating = [app for app in world.centers if app.state == AppState.OPERATING]
    revoked = operating[-1]
    freeze(at(2026, 3, 18, 16))
    revoke_center(open_center(revoked, actor=world.leader), reason_kind="fraud", reason=FRAUD,
                  actor=world.leader)
    db.session.flush()
    world.notes["revoked"] = revoked.id
