"""Read-only checks of acceptance: the default acceptance rubric, the outcome a panel score
suggests, the arithmetic of the self-assessment against the task book's final targets, and
who may do what (declared with `grant`, asked with `can`).

The rubric has the shape of the review's (review/rules/rubric.py: dimensions of items with
their maximum points, veto items) and is checked and summed by the same functions."""
import math
from dataclasses import dataclass

from workflow.acceptance.models import (
    AcceptanceRequest,
    AcceptanceSeat,
    Outcome,
    RequestState,
    SeatStatus,
)
from workflow.centers.indicators import INDICATORS, Indicator
from workflow.core.states import NOTICE_ISSUED_STATES, AppState
from workflow.lifecycle.permissions import (
    expert_id_of,
    grant,
    is_lead_member,
    is_leader,
    is_officer,
    is_region_recommender,
)

DEFAULT_ACCEPTANCE_RUBRIC = {
    "dimensions": [
        {"code": "targets", "label": "目标任务完成情况", "items": [
            {"code": "targets_indicators", "label": "考核指标完成度", "max": 25},
            {"code": "targets_tasks", "label": "建设任务完成情况", "max": 15},
        ]},
        {"code": "capacity", "label": "创新能力提升", "items": [
            {"code": "capacity_rd", "label": "研发条件与投入", "max": 10},
            {"code": "capacity_results", "label": "成果产出与转化", "max": 10},
        ]},
        {"code": "openness", "label": "开放共享与协同", "items": [
            {"code": "openness_services", "label": "服务行业与中小企业", "max": 8},
            {"code": "openness_cobuilders", "label": "协同共建成效", "max": 7},
        ]},
        {"code": "governance", "label": "运行管理", "items": [
            {"code": "governance_mechanism", "label": "管理制度与运行机制", "max": 8},
            {"code": "governance_team", "label": "人才队伍建设", "max": 7},
        ]},
        {"code": "funds", "label": "经费投入与使用", "items": [
            {"code": "funds_use", "label": "经费到位与使用规范", "max": 10},
        ]},
    ],
    "vetoes": [
        {"code": "false_material", "label": "弄虚作假"},
        {"code": "major_incident", "label": "重大安全、质量或科研诚信问题"},
    ],
}

# Lowest panel score of each suggested outcome, best first; a veto suggests failing.
OUTCOME_BANDS = ((80, Outcome.PASS), (70, Outcome.PASS_WITH_CONDITIONS), (60, Outcome.DEFER),
                 (0, Outcome.FAIL))
# How long a deferred center has to rectify and apply again, by default.
DEFAULT_RECTIFY_MONTHS = 6


def suggested_outcome(score: float | None, *, vetoed: bool = False) -> Outcome | None:
    """The outcome the panel's score points to (the officer decides)."""
    if vetoed:
        return Outcome.FAIL
    if score is None:
        return None
    return next(outcome for floor, outcome in OUTCOME_BANDS if score >= floor)


@dataclass(frozen=True)
class Line:
    """One indicator of the self-assessment against the signed task book."""

    indicator: Indicator
    baseline: float | None
    target: float | None  # the task book's final target
    achieved: float | None

    @property
    def ratio(self) -> float | None:
        """Achieved over target (1.0 = met); None without a positive target or a value."""
        if self.achieved is None or not self.target:
            return None
        return self.achieved / self.target

    @property
    def missed(self) -> bool:
        return self.target is not None and self.achieved is not None and \
            self.achieved < self.target


def number(value) -> float | None:
    if value in (None, ""):
        return None
    result = float(value)
    return result if math.isfinite(result) else None


def final_targets(indicators: dict) -> dict[str, float]:
    """The final target of each indicator the task book sets (`TaskBook.indicators`)."""
    found = {}
    for code, row in (indicators or {}).items():
        target = number((row or {}).get("final"))
        if target is not None:
            found[code] = target
    return found


def lines(indicators: dict, values: dict) -> list[Line]:
    """The indicators the task book sets a final target for, in the catalogue's order, with
    the value achieved."""
    targets = final_targets(indicators)
    return [Line(i, number((indicators.get(i.code) or {}).get("baseline")), targets[i.code],
                 number((values or {}).get(i.code)))
            for i in INDICATORS if i.code in targets]


def targets_met(found: list[Line]) -> tuple[int, int]:
    """(indicators met, indicators with a target and a value)."""
    valued = [line for line in found if line.achieved is not None]
    return sum(not line.missed for line in valued), len(valued)


# Permissions -------------------------------------------------------------------------------

def can_apply(user, app) -> bool:
    """The lead unit of a center under construction."""
    return is_lead_member(user, app) and app.state == AppState.UNDER_CONSTRUCTION


def can_view_center(user, app) -> bool:
    """The acceptance page of a center: its lead unit, the department, its city."""
    return app.state in NOTICE_ISSUED_STATES and (
        is_lead_member(user, app) or is_officer(user) or is_leader(user)
        or is_region_recommender(user, app))


def _seat(user, request: AcceptanceRequest) -> AcceptanceSeat | None:
    expert_id = expert_id_of(user)
    if expert_id is None or not isinstance(request, AcceptanceRequest):
        return None
    return next((s for s in request.seats if s.expert_id == expert_id
                 and s.status != SeatStatus.DECLINED), None)


def can_view(user, request) -> bool:
    """The lead unit, the department, the city of the center, and the panel's experts."""
    if not isinstance(request, AcceptanceRequest):
        return False
    if request.state == RequestState.DRAFTING:
        return is_lead_member(user, request) or is_officer(user)
    return (is_lead_member(user, request) or is_officer(user) or is_leader(user)
            or is_region_recommender(user, request) or _seat(user, request) is not None)


def can_edit(user, request) -> bool:
    return (isinstance(request, AcceptanceRequest) and request.state == RequestState.DRAFTING
            and can_apply(user, request.application))


def _own_seat(user, seat) -> bool:
    return (isinstance(seat, AcceptanceSeat) and expert_id_of(user) == seat.expert_id
            and seat.status != SeatStatus.DECLINED)


def can_respond(user, seat) -> bool:
    return (_own_seat(user, seat) and seat.status == SeatStatus.INVITED
            and seat.request.state == RequestState.SUBMITTED)


def can_score(user, seat) -> bool:
    sheet = seat.sheet if isinstance(seat, AcceptanceSeat) else None
    return (_own_seat(user, seat) and seat.status == SeatStatus.ACCEPTED
            and seat.request.state == RequestState.SUBMITTED
            and seat.request.chair_confirmed_at is None
            and (sheet is None or sheet.submitted_at is None))


def can_view_seat(user, seat) -> bool:
    return _own_seat(user, seat) and seat.request.state != RequestState.DRAFTING


def is_member(user, request) -> bool:
    """An expert with a seat on the request's panel that is not declined."""
    return _seat(user, request) is not None


def is_chair(user, request) -> bool:
    seat = _seat(user, request)
    return seat is not None and seat.is_chair and seat.status == SeatStatus.ACCEPTED


def can_confirm(user, request) -> bool:
    return (is_chair(user, request) and request.state == RequestState.SUBMITTED
            and request.chair_confirmed_at is None)


grant("acceptance.apply", can_apply)
grant("acceptance.view", can_view)
grant("acceptance.center", can_view_center)
grant("acceptance.edit", can_edit)
grant("acceptance.manage", lambda user, obj=None: is_officer(user))
grant("acceptance.respond", can_respond)
grant("acceptance.score", can_score)
grant("acceptance.view_seat", can_view_seat)
grant("acceptance.confirm", can_confirm)
grant("acceptance.panels", lambda user, obj=None: expert_id_of(user) is not None)
