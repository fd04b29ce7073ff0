"""The evaluation's desk groups: for the leaders, the centers whose rectification failed its
re-evaluation, whose revocation they decide (the REVOKE action's own page); for the lead
unit, its rectification plan or report due; for the officers, those filed to review."""
from datetime import datetime, time

from sqlalchemy import case, select

from workflow.centers.models import Center
from workflow.core.clock import LOCAL
from workflow.core.states import Action, AppState
from workflow.desk.queries.items import Group, Item, Link, capped
from workflow.evaluation.models import (
    STATUS_LABELS,
    Evaluation,
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
