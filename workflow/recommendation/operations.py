"""Recommendation by a city (or department): ranks within the quota, held by the database."""
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from workflow.core.clock import now
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.regions import city_name
from workflow.core.states import Action, AppState, find_transition
from workflow.intake.models import Application
from workflow.lifecycle.permissions import can
from workflow.lifecycle.transitions import transition
from workflow.recommendation.models import Recommendation
from workflow.recommendation.sheet_data import SheetRow, SummarySheet
from workflow.web.formatting import STATE_LABELS


def used_ranks(call_id: int, org_id: int) -> list[int]:
    return list(db.session.scalars(
        select(Recommendation.rank).where(Recommendation.call_id == call_id,
                                          Recommendation.recommender_org_id == org_id)
        .order_by(Recommendation.rank)
    ))


def quota_left(call, org_id: int) -> int:
    used = db.session.scalar(select(func.count()).select_from(Recommendation).where(
        Recommendation.call_id == call.id, Recommendation.recommender_org_id == org_id))
    return max(0, call.recommender_quota - (used or 0))


def free_ranks(call, org_id: int) -> list[int]:
    taken = set(used_ranks(call.id, org_id))
    return [r for r in range(1, call.recommender_quota + 1) if r not in taken]


def recommend_application(app: Application, *, rank: int | None, opinion: str,
                          actor) -> Recommendation:
    """Recommend `app` at `rank` (the best free rank when None) within the quota.

    The rank is unique per call and recommender and at most the quota, so of two concurrent
    recommendations for the last place the database lets exactly one through; the other
    gets a clear refusal. Side effects: the Recommendation row, the transition and its
    audit row and notifications. On a refusal the caller rolls back, which takes the row
    back too (no savepoint: on SQLite, releasing a savepoint that opened the transaction
    commits the row at once)."""
    if not can(actor, Action.RECOMMEND, app):
        raise PermissionDenied(Action.RECOMMEND)
    if find_transition(AppState(app.state), Action.RECOMMEND) is None:
        raise ServiceError(_("This application is %(state)s; it cannot be recommended now.",
                             state=STATE_LABELS.get(app.state, app.state)))
    call, org_id = app.call, actor.organization_id
    opinion = (opinion or "").strip()
    if not opinion:
        raise ServiceError(_("Write the recommendation opinion."))
    free = free_ranks(call, org_id)
    if not free:
        raise ServiceError(_("Your quota for this call is used up (%(n)d of %(n)d).",
                             n=call.recommender_quota))
    rank = free[0] if rank is None else rank
    if not 1 <= rank <= call.recommender_quota:
        raise ServiceError(_("Rank %(rank)d is beyond your quota of %(n)d; free ranks: %(free)s.",
                             rank=rank, n=call.recommender_quota,
                             free=", ".join(map(str, free))))
    if rank not in free:
        raise ServiceError(_("Rank %(rank)d is not free; free ranks: %(free)s.", rank=rank,
                             free=", ".join(map(str, free))))
    row = Recommendation(application_id=app.id, call_id=call.id, recommender_org_id=org_id,
                         rank=rank, opinion=opinion, recommended_by_id=actor.id,
                         recommended_at=now())
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise ServiceError(_("Another recommendation took rank %(rank)d a moment ago; the "
                             "quota may be used up. Reload the page and try again.",
                             rank=rank)) from exc
    transition(app, Action.RECOMMEND, actor=actor, comment=_("Rank %(rank)d. %(opinion)s",
                                                              rank=rank, opinion=opinion))
    return row


def summary_sheet(call, org) -> SummarySheet:
    """The recommender's ranked summary sheet (推荐汇总表) of one call, its rows' co-builders
    loaded with them."""
    rows = db.session.execute(
        select(Recommendation, Application).join(Application)
        .where(Recommendation.call_id == call.id, Recommendation.recommender_org_id == org.id)
        .options(selectinload(Application.cobuilders))
        .order_by(Recommendation.rank)
    ).all()
    return SummarySheet(
        call_title=call.title, recommender=org.name, generated_at=now(),
        quota=call.recommender_quota,
        rows=tuple(SheetRow(
            rank=rec.rank, title=app.title, lead_unit=app.lead_org.name,
            credit_code=app.lead_org.credit_code, field=app.field.name if app.field else "",
            city=city_name(app.region_code),
            cobuilders="、".join(c.name for c in app.cobuilders), opinion=rec.opinion,
        ) for rec, app in rows),
    )
