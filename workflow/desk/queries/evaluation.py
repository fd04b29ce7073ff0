"""The evaluation's desk groups: for the leaders, the centers whose rectification failed its
re-evaluation, whose revocation they decide (the REVOKE action's own page)."""
from sqlalchemy import select

from workflow.centers.models import Center
from workflow.core.states import Action, AppState
from workflow.desk.queries.items import Group, Item, Link, capped
from workflow.evaluation.models import Rectification, RectificationStatus
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
