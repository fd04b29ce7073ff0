"""What acceptance (验收) asks of each role on their desk: the lead unit applies when its
construction period nears its end (or finishes a draft, or applies again after a deferral),
the officer forms the panels of submitted requests and records the outcome of confirmed
ones, the experts answer their invitations, score and, as chair, confirm. Each group is one
statement (desk/queries/items.py)."""
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased

from workflow.acceptance.models import (
    AcceptanceRequest,
    AcceptanceSeat,
    AcceptanceSheet,
    RequestState,
    SeatStatus,
)
from workflow.centers.models import Center
from workflow.core import clock
from workflow.core.states import AppState
from workflow.desk.queries.items import Group, Item, Link, capped
from workflow.intake.models import Application
from workflow.lifecycle.permissions import expert_id_of

# The lead unit is asked to apply this long before its construction period ends.
APPLY_AHEAD = timedelta(days=90)


def _end_of(day: date | None) -> datetime | None:
    """The end of `day` in Beijing time: a deadline on a date."""
    return None if day is None else clock.from_local(datetime.combine(day, time(23, 59)))


def to_apply(user) -> Group:
    """Centers of the user's unit under construction whose period ends within APPLY_AHEAD
    (or has ended) and that have no request at work: by the end of the period."""
    today = clock.local(clock.now()).date()
    at_work = exists().where(AcceptanceRequest.application_id == Application.id,
                             AcceptanceRequest.state == RequestState.SUBMITTED)
    rows, total, partial = capped(
        select(Application.id, Application.title, Center.construction_ends_on)
        .join(Center, Center.application_id == Application.id)
        .where(Application.lead_org_id == user.organization_id,
               Application.state == AppState.UNDER_CONSTRUCTION,
               Center.construction_ends_on <= today + APPLY_AHEAD, ~at_work)
        .order_by(Center.construction_ends_on, Application.id))
    return Group("acceptance_to_apply", total, [
        Item(r.title, Link("acceptance.center", {"app_id": r.id}),
             deadline=_end_of(r.construction_ends_on)) for r in rows], partial=partial)


def to_officer(user) -> list[Group]:
    """Submitted requests whose panel is still at work (to fill or to follow), and those whose
    chair confirmed the result (the outcome to record), the oldest first."""
    base = (select(AcceptanceRequest.id, Application.title, AcceptanceRequest.submitted_at,
                   AcceptanceRequest.chair_confirmed_at)
            .join(Application, AcceptanceRequest.application_id == Application.id)
            .where(AcceptanceRequest.state == RequestState.SUBMITTED))
    groups = []
    for key, confirmed, since in (
            ("acceptance_panels", AcceptanceRequest.chair_confirmed_at.is_(None),
             AcceptanceRequest.submitted_at),
            ("acceptance_outcomes", AcceptanceRequest.chair_confirmed_at.is_not(None),
             AcceptanceRequest.chair_confirmed_at)):
        rows, total, partial = capped(base.where(confirmed).order_by(since,
                                                                     AcceptanceRequest.id))
        groups.append(Group(key, total, [
            Item(r.title, Link("acceptance.request_page", {"request_id": r.id}),
                 since=r.chair_confirmed_at or r.submitted_at) for r in rows],
            partial=partial))
    groups.append(_lapsed())
    return groups


def _lapsed() -> Group:
    """Deferred centers whose date to apply again has passed without a new request: the
    acceptance to fail (acceptance.queries.lapsed_deferral)."""
    today = clock.local(clock.now()).date()
    later = aliased(AcceptanceRequest)
    rows, total, partial = capped(
        select(Application.id, Application.title, AcceptanceRequest.rectify_by)
        .join(AcceptanceRequest, AcceptanceRequest.application_id == Application.id)
        .where(Application.state == AppState.UNDER_CONSTRUCTION,
               AcceptanceRequest.outcome == "defer", AcceptanceRequest.rectify_by < today,
               ~exists().where(later.application_id == Application.id,
                               later.attempt > AcceptanceRequest.attempt))
        .order_by(AcceptanceRequest.rectify_by, Application.id))
    return Group("acceptance_lapsed", total, [
        Item(r.title, Link("acceptance.center", {"app_id": r.id}),
             since=_end_of(r.rectify_by)) for r in rows], partial=partial)


def _seats(user, *where):
    return capped(
        select(AcceptanceSeat.id, Application.title, AcceptanceSeat.assigned_at)
        .join(AcceptanceRequest, AcceptanceSeat.request_id == AcceptanceRequest.id)
        .join(Application, AcceptanceRequest.application_id == Application.id)
        .where(AcceptanceSeat.expert_id == expert_id_of(user),
               AcceptanceRequest.state == RequestState.SUBMITTED,
               AcceptanceRequest.chair_confirmed_at.is_(None), *where)
        .order_by(AcceptanceSeat.assigned_at, AcceptanceSeat.id))


def to_expert(user) -> list[Group]:
    """Invitations to acceptance panels to answer, accepted seats whose sheet is not
    submitted, and the panels the expert chairs whose every sheet is in (to confirm)."""
    sheet, other = aliased(AcceptanceSheet), aliased(AcceptanceSeat)
    submitted = exists().where(sheet.seat_id == AcceptanceSeat.id, sheet.submitted_at.is_not(None))
    other_sheet = aliased(AcceptanceSheet)
    open_seat = exists().where(
        other.request_id == AcceptanceSeat.request_id, or_(
            other.status == SeatStatus.INVITED,
            and_(other.status == SeatStatus.ACCEPTED, ~exists().where(
                other_sheet.seat_id == other.id, other_sheet.submitted_at.is_not(None)))))
    found = (
        ("acceptance_invitations", "acceptance.expert_seats",
         _seats(user, AcceptanceSeat.status == SeatStatus.INVITED)),
        ("acceptance_sheets", "acceptance.sheet",
         _seats(user, AcceptanceSeat.status == SeatStatus.ACCEPTED, ~submitted)),
        ("acceptance_confirmations", "acceptance.sheet",
         _seats(user, AcceptanceSeat.status == SeatStatus.ACCEPTED, AcceptanceSeat.is_chair,
                ~open_seat)))
    return [Group(key, total, [
        Item(r.title, Link(endpoint, {"seat_id": r.id} if endpoint == "acceptance.sheet"
                           else {"_anchor": f"seat-{r.id}"}), since=r.assigned_at)
        for r in rows], partial=partial) for key, endpoint, (rows, total, partial) in found]
