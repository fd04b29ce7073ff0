"""The evaluation's desk groups: for the leaders, the centers whose rectification failed its
re-evaluation, whose revocation they decide (the REVOKE action's own page); for the lead
unit, its rectification plan or report due; for the officers, those filed to review, the
rounds with centers to rate, the announced results with objections open and the final
results whose document is to issue."""
from datetime import datetime, time

from sqlalchemy import case, func, select

from workflow.centers.models import Center
from workflow.core.clock import LOCAL
from workflow.core.states import Action, AppState
from workflow.desk.queries.items import Group, Item, Link, capped
from workflow.evaluation.models import (
    STATUS_LABELS,
    AnnouncementStatus,
    Evaluation,
    EvaluationAnnouncement,
    EvaluationObjection,
    EvaluationRound,
    Rectification,
    RectificationStatus,
)
from workflow.intake.models import Application
from workflow.lifecycle.registry import own_form


def revocations_due(user) -> Group:
    """Centers still in rectification whose re-evaluation failed, the oldest first."""
    rows, total, partial = capped(
        select(Center.id, Center.name, Rectification.reevaluated_at, Rectification.reopinion)
        .join(Application, Rectification.application_id == Application.id)
        .join(Center, Center.application_id == Application.id)
        .where(Rectification.status == RectificationStatus.FAILED,
               Application.state == AppState.RECTIFICATION)
        .order_by(Rectification.reevaluated_at, Rectification.id))
    return Group("revocations_due", total, [
        Item(r.name, Link(own_form(Action.REVOKE), {"center_id": r.id}),
             since=r.reevaluated_at, detail=r.reopinion[:120]) for r in rows],
        partial=partial)


def _rectification_items(key: str, where, deadline) -> Group:
    rows, total, partial = capped(
        select(Rectification.id, Rectification.status, Rectification.returned_reason,
               Evaluation.center_name, deadline.label("due"), Rectification.created_at)
        .join(Evaluation, Rectification.evaluation_id == Evaluation.id)
        .join(Application, Rectification.application_id == Application.id)
        .where(Application.state == AppState.RECTIFICATION, *where)
        .order_by(deadline, Rectification.id))
    return Group(key, total, [
        Item(r.center_name, Link("evaluation.page", {"rect_id": r.id}),
             deadline=datetime.combine(r.due, time(23, 59), LOCAL) if r.due else None,
             since=r.created_at, detail=str(STATUS_LABELS[r.status]),
             flag="returned" if r.returned_reason else "") for r in rows], partial=partial)


def rectifications_to_file(user) -> Group:
    """The unit's rectification plans and reports due, the soonest first."""
    due = case((Rectification.status == RectificationStatus.PLAN_DUE, Rectification.plan_due_on),
               else_=Rectification.ends_on)
    return _rectification_items("rectifications_to_file", (
        Application.lead_org_id == user.organization_id,
        Rectification.status.in_([RectificationStatus.PLAN_DUE,
                                  RectificationStatus.RECTIFYING])), due)


def rectifications_to_review(user) -> Group:
    """Rectification plans to accept or return and reports to re-evaluate or return."""
    filed = case((Rectification.status == RectificationStatus.PLAN_FILED,
                  Rectification.plan_due_on), else_=Rectification.ends_on)
    return _rectification_items("rectifications_to_review", (
        Rectification.status.in_([RectificationStatus.PLAN_FILED,
                                  RectificationStatus.REPORT_FILED]),), filed)


def rounds_to_rate(user) -> Group:
    """Rounds still rating, with how many centers wait for their expert review."""
    waiting = func.count(Evaluation.id) - func.count(Evaluation.grade)
    rows, total, partial = capped(
        select(EvaluationRound.id, EvaluationRound.title, EvaluationRound.opened_at,
               waiting.label("waiting"), func.count(Evaluation.id).label("centers"))
        .join(Evaluation, Evaluation.round_id == EvaluationRound.id)
        .where(EvaluationRound.status == "rating")
        .group_by(EvaluationRound.id, EvaluationRound.title, EvaluationRound.opened_at)
        .order_by(EvaluationRound.opened_at, EvaluationRound.id))
    return Group("evaluation_rounds", total, [
        Item(r.title, Link("evaluation_rounds.round_page", {"round_id": r.id}),
             since=r.opened_at, detail=f"{r.centers - r.waiting}/{r.centers}")
        for r in rows], partial=partial)


def objections_to_decide(user) -> Group:
    """Announced results with objections open, the oldest objection first."""
    rows, total, partial = capped(
        select(EvaluationAnnouncement.round_id, EvaluationAnnouncement.title,
               func.min(EvaluationObjection.received_at).label("since"),
               func.count(EvaluationObjection.id).label("open"))
        .join(EvaluationObjection,
              EvaluationObjection.announcement_id == EvaluationAnnouncement.id)
        .where(EvaluationObjection.status == "open")
        .group_by(EvaluationAnnouncement.round_id, EvaluationAnnouncement.title)
        .order_by(func.min(EvaluationObjection.received_at)))
    return Group("evaluation_objections", total, [
        Item(r.title, Link("evaluation_rounds.objections", {"round_id": r.round_id}),
             since=r.since, detail=str(r.open)) for r in rows], partial=partial)


def results_to_issue(user) -> Group:
    """Final results whose numbered document is not issued yet."""
    rows, total, partial = capped(
        select(EvaluationRound.id, EvaluationRound.title, EvaluationAnnouncement.final_at)
        .join(EvaluationAnnouncement, EvaluationAnnouncement.round_id == EvaluationRound.id)
        .where(EvaluationAnnouncement.status == AnnouncementStatus.FINAL,
               EvaluationRound.results_document_id.is_(None))
        .order_by(EvaluationAnnouncement.final_at, EvaluationRound.id))
    return Group("evaluation_results_to_issue", total, [
        Item(r.title, Link("evaluation_rounds.round_page", {"round_id": r.id}),
             since=r.final_at) for r in rows], partial=partial)
