"""The desk of an expert: invitations to answer, sheets to score, and as a panel's chair the
dispersion alarms to resolve and the results to confirm. The same seats as the expert's page
(review/queries/expert_desk.py), read in SQL: never a declined seat, never one on an application a
conflict rule excludes the expert from (permissions.seat_of), not even its title."""
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased

from workflow.calls.models import Call
from workflow.core.states import AppState
from workflow.desk.queries.items import Group, Item, Link, capped
from workflow.experts.models import Exclusion
from workflow.intake.models import Application
from workflow.lifecycle.permissions import expert_id_of
from workflow.review.models import PanelResult, PanelSeat, ScoreSheet


def _excluded(seat):
    return exists().where(Exclusion.application_id == seat.application_id,
                          Exclusion.expert_id == seat.expert_id)


def _seats(user, *columns):
    """The expert's visible seats joined to their application and call."""
    return (select(PanelSeat.id, PanelSeat.application_id, Application.title,
                   Call.title.label("call"), *columns)
            .join(Application, PanelSeat.application_id == Application.id)
            .join(Call, Application.call_id == Call.id)
            .where(PanelSeat.expert_id == expert_id_of(user), PanelSeat.status != "declined",
                   ~_excluded(PanelSeat)))


def invitations(user) -> Group:
    """Invitations to accept or decline, the oldest first (they have no deadline)."""
    rows, total, partial = capped(_seats(user, PanelSeat.assigned_at)
                         .where(PanelSeat.status == "invited")
                         .order_by(PanelSeat.assigned_at, PanelSeat.id))
    return Group("invitations", total, [
        Item(r.title, Link("expert_home.home", {"_anchor": f"seat-{r.id}"}),
             since=r.assigned_at, detail=r.call) for r in rows], partial=partial)


def sheets(user) -> Group:
    """Accepted seats of panels at work whose sheet is not submitted (also a reopened one),
    by the call's review deadline."""
    rows, total, partial = capped(
        _seats(user, PanelSeat.responded_at, ScoreSheet.reopened_at,
               Call.review_deadline.label("deadline"))
        .outerjoin(ScoreSheet, ScoreSheet.seat_id == PanelSeat.id)
        .where(PanelSeat.status == "accepted", Application.state == AppState.EXPERT_REVIEW,
               or_(ScoreSheet.id.is_(None), ScoreSheet.submitted_at.is_(None)))
        .order_by(Call.review_deadline.asc().nulls_last(), PanelSeat.responded_at,
                  PanelSeat.id))
    return Group("sheets", total, [
        Item(r.title, Link("expert_scoring.sheet", {"seat_id": r.id}), deadline=r.deadline,
             since=r.responded_at, detail=r.call, flag="reopened" if r.reopened_at else "")
        for r in rows], partial=partial)


def _chaired(user, *where):
    return capped(_seats(user, PanelResult.updated_at, Call.review_deadline.label("deadline"))
                  .join(PanelResult, PanelResult.application_id == Application.id)
                  .where(PanelSeat.is_chair, PanelSeat.status == "accepted",
                         Application.state == AppState.EXPERT_REVIEW, *where)
                  .order_by(Call.review_deadline.asc().nulls_last(), PanelResult.updated_at,
                            PanelSeat.id))


def _panel_items(rows) -> list[Item]:
    return [Item(r.title, Link("expert_scoring.panel", {"app_id": r.application_id}),
                 deadline=r.deadline, since=r.updated_at, detail=r.call) for r in rows]


def alarms(user) -> Group:
    """Panels the expert chairs whose sheets disagree beyond the limits, the alarm not
    resolved (results.alarm_unresolved)."""
    rows, total, partial = _chaired(user, PanelResult.dispersion_alarm,
                                    PanelResult.alarm_resolved_by_id.is_(None))
    return Group("chair_alarms", total, _panel_items(rows), partial=partial)


def confirmations(user) -> Group:
    """Panels the expert chairs whose result waits for the chair's confirmation: every
    accepted seat's sheet submitted, no invitation unanswered, no seat held by an excluded
    expert who accepted, no open alarm (results.close_problems)."""
    other = aliased(PanelSeat)
    sheet = aliased(ScoreSheet)
    accepted = other.status == "accepted"
    blocking = exists().where(other.application_id == Application.id, or_(
        and_(accepted, ~exists().where(sheet.seat_id == other.id,
                                       sheet.submitted_at.is_not(None))),
        and_(accepted, _excluded(other)),
        and_(other.status == "invited", ~_excluded(other))))
    rows, total, partial = _chaired(user, PanelResult.chair_confirmed_at.is_(None), ~blocking,
                                    or_(~PanelResult.dispersion_alarm,
                                        PanelResult.alarm_resolved_by_id.is_not(None)))
    return Group("chair_confirmations", total, _panel_items(rows), partial=partial)
