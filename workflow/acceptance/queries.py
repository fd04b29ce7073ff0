"""Read-only reads of acceptance: a call's rubric, a center's requests and task book, what
may start a request, the officer's list, the panel of a request, the seats of an expert, and
the centers whose construction period nears its end."""
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import selectinload

from workflow.acceptance.models import (
    AcceptanceExclusion,
    AcceptanceRequest,
    AcceptanceRubric,
    AcceptanceSeat,
    AcceptanceSheet,
    Outcome,
    RequestState,
    SeatStatus,
)
from workflow.acceptance.rules import DEFAULT_ACCEPTANCE_RUBRIC, Line, lines
from workflow.calls.models import Call
from workflow.centers.models import Center
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.departments.rules import calls_of
from workflow.experts.models import Expert
from workflow.intake.models import Application
from workflow.task_books.models import TaskBook, TaskBookState
from workflow.web.queries.lists import Page, paginate


def rubric_row(call) -> AcceptanceRubric | None:
    return db.session.scalar(select(AcceptanceRubric).where(AcceptanceRubric.call_id == call.id))


def rubric_of(call) -> dict:
    """The call's own acceptance rubric, else the default."""
    row = rubric_row(call)
    return row.rubric if row is not None else DEFAULT_ACCEPTANCE_RUBRIC


def signed_task_book(app: Application) -> TaskBook | None:
    return db.session.scalar(select(TaskBook).where(TaskBook.application_id == app.id,
                                                    TaskBook.state == TaskBookState.SIGNED))


def center_of(app: Application) -> Center | None:
    return db.session.scalar(select(Center).where(Center.application_id == app.id))


def requests_of(app: Application) -> list[AcceptanceRequest]:
    """The center's requests, the latest first."""
    return list(db.session.scalars(select(AcceptanceRequest).where(
        AcceptanceRequest.application_id == app.id).order_by(AcceptanceRequest.attempt.desc())))


def open_request(app: Application) -> AcceptanceRequest | None:
    return db.session.scalar(select(AcceptanceRequest).where(
        AcceptanceRequest.application_id == app.id,
        AcceptanceRequest.state != RequestState.DECIDED))


def start_problems(app: Application, today: date) -> list[str]:
    """What keeps the lead unit from starting a request now: the center is not under
    construction, its task book is not signed, a request is at work, or its last request
    was deferred and the time to apply again has run out."""
    if app.state != AppState.UNDER_CONSTRUCTION:
        return [_("Only a center under construction applies for acceptance.")]
    if signed_task_book(app) is None:
        return [_("The center has no signed task book to be measured against.")]
    if open_request(app) is not None:
        return [_("An acceptance request of this center is already at work.")]
    last = next(iter(requests_of(app)), None)
    if last is not None and last.outcome == Outcome.DEFER and last.rectify_by < today:
        return [_("The time to rectify and apply again ended on %(day)s.",
                  day=last.rectify_by.isoformat())]
    return []


def lapsed_deferral(app: Application, today: date) -> AcceptanceRequest | None:
    """The center's last request when it was deferred, the date to apply again has passed
    and no request is at work: the department may then fail the acceptance."""
    last = next(iter(requests_of(app)), None)
    if (app.state == AppState.UNDER_CONSTRUCTION and last is not None
            and last.outcome == Outcome.DEFER and last.rectify_by < today):
        return last
    return None


def self_assessment(request: AcceptanceRequest) -> list[Line]:
    """The request's values against the signed task book's final targets."""
    book = signed_task_book(request.application)
    return lines(book.indicators if book else {}, request.values)


@dataclass
class PanelRow:
    """A request on the officer's list with how far its panel is."""

    request: AcceptanceRequest
    seated: int  # invited or accepted
    accepted: int
    submitted: int


def _panel_counts(ids: list[int]) -> dict[int, tuple[int, int, int]]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(AcceptanceSeat.request_id,
               func.sum(case((AcceptanceSeat.status != SeatStatus.DECLINED, 1), else_=0)),
               func.sum(case((AcceptanceSeat.status == SeatStatus.ACCEPTED, 1), else_=0)),
               func.count(AcceptanceSheet.submitted_at))
        .outerjoin(AcceptanceSheet, AcceptanceSheet.seat_id == AcceptanceSeat.id)
        .where(AcceptanceSeat.request_id.in_(ids)).group_by(AcceptanceSeat.request_id))
    return {r[0]: (int(r[1] or 0), int(r[2] or 0), int(r[3] or 0)) for r in rows}


def officer_list(*, state: str = RequestState.SUBMITTED, page: int = 1,
                 per_page: int = 50) -> Page:
    """A page of the requests in `state` (submitted: the panels at work), the oldest first,
    with their panel counts: three statements whatever their number."""
    stmt = (select(AcceptanceRequest).where(AcceptanceRequest.state == state)
            .options(selectinload(AcceptanceRequest.application)
                     .joinedload(Application.lead_org))
            .order_by(AcceptanceRequest.submitted_at, AcceptanceRequest.id))
    found = paginate(stmt, page=page, per_page=per_page)
    counts = _panel_counts([r.id for r in found.items])
    items = [PanelRow(r, *counts.get(r.id, (0, 0, 0))) for r in found.items]
    return Page(items=items, total=found.total, page=found.page, per_page=found.per_page)


def calls_waiting(user=None) -> list[tuple[Call, int]]:
    """(call, submitted requests) of the calls whose centers have requests at work, for the
    assignment runs (an officer's: their department's): one statement."""
    return [(call, n) for call, n in db.session.execute(
        select(Call, func.count(AcceptanceRequest.id))
        .join(Application, Application.call_id == Call.id)
        .join(AcceptanceRequest, AcceptanceRequest.application_id == Application.id)
        .where(AcceptanceRequest.state == RequestState.SUBMITTED, calls_of(user))
        .group_by(Call.id).order_by(Call.year.desc(), Call.id))]


def seats_of(request: AcceptanceRequest) -> list[AcceptanceSeat]:
    """The request's seats with their sheets, the chair first: one statement."""
    return list(db.session.scalars(
        select(AcceptanceSeat).where(AcceptanceSeat.request_id == request.id)
        .options(selectinload(AcceptanceSeat.sheet))
        .order_by(AcceptanceSeat.is_chair.desc(), AcceptanceSeat.id)))


def counted_sheets(request: AcceptanceRequest) -> list[AcceptanceSheet]:
    return [s.sheet for s in seats_of(request) if s.status == SeatStatus.ACCEPTED
            and s.sheet is not None and s.sheet.submitted_at is not None]


def panel_complete(request: AcceptanceRequest) -> bool:
    """No invitation waits and every accepted expert submitted (at least one)."""
    seats = [s for s in seats_of(request) if s.status != SeatStatus.DECLINED]
    return bool(seats) and all(s.status == SeatStatus.ACCEPTED and s.sheet is not None
                               and s.sheet.submitted_at is not None for s in seats)


def exclusions_of(request: AcceptanceRequest) -> list[tuple[AcceptanceExclusion, str]]:
    """The request's recorded exclusions with the name of each expert: one statement."""
    return list(db.session.execute(
        select(AcceptanceExclusion, Expert.name)
        .join(Expert, Expert.id == AcceptanceExclusion.expert_id)
        .where(AcceptanceExclusion.request_id == request.id)
        .order_by(Expert.name, AcceptanceExclusion.expert_id, AcceptanceExclusion.rule)))


def expert_seats(expert_id: int | None, *, page: int = 1, per_page: int = 50) -> Page:
    """A page of the expert's seats that are not declined, on submitted or decided requests,
    the newest first, with their request, center and sheet: three statements."""
    stmt = (select(AcceptanceSeat)
            .join(AcceptanceRequest, AcceptanceSeat.request_id == AcceptanceRequest.id)
            .where(AcceptanceSeat.expert_id == expert_id,
                   AcceptanceSeat.status != SeatStatus.DECLINED,
                   AcceptanceRequest.state != RequestState.DRAFTING)
            .options(selectinload(AcceptanceSeat.request), selectinload(AcceptanceSeat.sheet))
            .order_by(AcceptanceSeat.assigned_at.desc(), AcceptanceSeat.id.desc()))
    return paginate(stmt, page=page, per_page=per_page)


def ending_soon(today: date, days: int) -> list[tuple[Application, Center]]:
    """Centers under construction whose period ends within `days` and that have no request
    at work or decided yet (a deferred one applies again on its own deadline)."""
    asked = select(AcceptanceRequest.id).where(
        AcceptanceRequest.application_id == Application.id).exists()
    rows = db.session.execute(
        select(Application, Center).join(Center, Center.application_id == Application.id)
        .where(Application.state == AppState.UNDER_CONSTRUCTION,
               Center.construction_ends_on.is_not(None),
               and_(Center.construction_ends_on <= today + timedelta(days=days)), ~asked)
        .order_by(Center.construction_ends_on, Application.id))
    return [(app, center) for app, center in rows]
