"""Ranked decisions of the recommenders (a county's pass-up, a city's or a department's
recommendation): ranks within each level's quota, held by the database."""
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from workflow.calls.chains import DEFAULT_COUNTY_QUOTA, Chain, Level
from workflow.core import audit, regions
from workflow.core.clock import now
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.regions import city_name
from workflow.core.states import UNFILED_STATES, Action, AppState, find_transition
from workflow.intake.models import Application
from workflow.lifecycle.permissions import can, grant, is_applicant, is_member
from workflow.lifecycle.transitions import transition
from workflow.organizations.models import Organization, OrgKind, OrgStatus
from workflow.recommendation.levels import chain_of, last_level, settings_of
from workflow.recommendation.models import CountyPass, Recommendation
from workflow.recommendation.rules import unit_level
from workflow.recommendation.sheet_data import SheetRow, SummarySheet
from workflow.web.formatting import STATE_LABELS


def _ranks_of(level: Level):
    """The table holding `level`'s ranks and its column of the recommending unit."""
    if level is Level.COUNTY:
        return CountyPass, CountyPass.county_org_id
    return Recommendation, Recommendation.recommender_org_id


def used_ranks(call_id: int, org_id: int, level: Level = Level.CITY) -> list[int]:
    table, org_column = _ranks_of(level)
    return list(db.session.scalars(
        select(table.rank).where(table.call_id == call_id, org_column == org_id)
        .order_by(table.rank)))


def quota_left(call, org_id: int, level: Level | None = None) -> int:
    """Places left to `org_id` at `level` (by default the chain's last) of the call."""
    level = level or last_level(call)
    return max(0, settings_of(call, level).quota - len(used_ranks(call.id, org_id, level)))


def free_ranks(call, org_id: int, level: Level | None = None) -> list[int]:
    level = level or last_level(call)
    taken = set(used_ranks(call.id, org_id, level))
    return [r for r in range(1, settings_of(call, level).quota + 1) if r not in taken]


def _checked_rank(app: Application, action: Action, level: Level, rank: int | None,
                  opinion: str, actor) -> tuple[int, str]:
    """The rank (the best free one when None) and the opinion of a ranked decision at
    `level`, or a clear refusal that changes nothing."""
    if find_transition(AppState(app.state), action) is None:
        raise ServiceError(_("This application is %(state)s; it cannot be recommended now.",
                             state=STATE_LABELS.get(app.state, app.state)))
    if not can(actor, action, app):
        raise PermissionDenied(action)
    opinion = (opinion or "").strip()
    if not opinion:
        raise ServiceError(_("Write the recommendation opinion."))
    quota = settings_of(app.call, level).quota
    free = free_ranks(app.call, actor.organization_id, level)
    if not free:
        raise ServiceError(_("Your quota for this call is used up (%(n)d of %(n)d).", n=quota))
    rank = free[0] if rank is None else rank
    if not 1 <= rank <= quota:
        raise ServiceError(_("Rank %(rank)d is beyond your quota of %(n)d; free ranks: %(free)s.",
                             rank=rank, n=quota, free=", ".join(map(str, free))))
    if rank not in free:
        raise ServiceError(_("Rank %(rank)d is not free; free ranks: %(free)s.", rank=rank,
                             free=", ".join(map(str, free))))
    return rank, opinion


def _hold_rank(row, rank: int) -> None:
    """Insert the ranked row: the unique rank lets one of two concurrent requests through."""
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise ServiceError(_("Another recommendation took rank %(rank)d a moment ago; the "
                             "quota may be used up. Reload the page and try again.",
                             rank=rank)) from exc


def recommend_application(app: Application, *, rank: int | None, opinion: str,
                          actor) -> Recommendation:
    """Recommend `app` at `rank` (the best free rank when None) within the quota of the
    chain's last level (the city, or the department).

    The rank is unique per call and recommender and at most the quota, so of two concurrent
    recommendations for the last place the database lets exactly one through; the other
    gets a clear refusal. Side effects: the Recommendation row, the transition and its
    audit row and notifications. On a refusal the caller rolls back, which takes the row
    back too (no savepoint: on SQLite, releasing a savepoint that opened the transaction
    commits the row at once)."""
    rank, opinion = _checked_rank(app, Action.RECOMMEND, last_level(app.call), rank, opinion,
                                  actor)
    row = Recommendation(application_id=app.id, call_id=app.call_id,
                         recommender_org_id=actor.organization_id, rank=rank, opinion=opinion,
                         recommended_by_id=actor.id, recommended_at=now())
    _hold_rank(row, rank)
    transition(app, Action.RECOMMEND, actor=actor, comment=_("Rank %(rank)d. %(opinion)s",
                                                              rank=rank, opinion=opinion))
    return row


def pass_up_application(app: Application, *, rank: int | None, opinion: str,
                        actor) -> CountyPass:
    """The county bureau passes `app` up to its city at `rank` within the call's county
    quota, race-safe as recommend_application is. Side effects: the CountyPass row, the
    transition to county_passed with its audit row, the lead unit's notification and the
    city's hand-off; on a refusal the caller rolls back."""
    rank, opinion = _checked_rank(app, Action.PASS_UP, Level.COUNTY, rank, opinion, actor)
    row = CountyPass(application_id=app.id, call_id=app.call_id,
                     county_org_id=actor.organization_id, rank=rank, opinion=opinion,
                     passed_by_id=actor.id, passed_at=now())
    _hold_rank(row, rank)
    transition(app, Action.PASS_UP, actor=actor, comment=_("Rank %(rank)d. %(opinion)s",
                                                            rank=rank, opinion=opinion))
    return row


def forget_county_pass(app: Application, actor) -> None:
    """Effect of the city's return to the county: the county's pass is taken back (its place
    in the county's quota is free again); the audit trail keeps what it said."""
    db.session.execute(delete(CountyPass).where(CountyPass.application_id == app.id))


def set_chain(call, *, chain: Chain, county_quota: int = DEFAULT_COUNTY_QUOTA,
              county_deadline=None, actor) -> None:
    """Set the call's chain of recommendation with the county level's quota and deadline.
    The chain is fixed once an application was filed (those on the way would be stranded);
    the county's quota never drops below the places its counties used, and its deadline
    falls after the filing window and before the city's. Side effect: one audit row."""
    if not can(actor, "call.manage", call):
        raise PermissionDenied("call.manage")
    chain = Chain(chain)
    if chain is not chain_of(call) and db.session.scalar(select(Application.id).where(
            Application.call_id == call.id,
            Application.state.not_in([s.value for s in UNFILED_STATES])).limit(1)):
        raise ServiceError(_("Applications were filed in this call: its chain of "
                             "recommendation can no longer change."))
    problems = []
    used = db.session.scalar(select(func.max(CountyPass.rank)).where(
        CountyPass.call_id == call.id)) or 0
    if not isinstance(county_quota, int) or county_quota < max(1, used):
        problems.append(_("The county quota must be a whole number of at least %(n)d.",
                          n=max(1, used)))
    if county_deadline is not None and county_deadline <= call.closes_at:
        problems.append(_("The county's deadline must fall after the filing window closes."))
    if (county_deadline is not None and call.recommend_deadline is not None
            and county_deadline >= call.recommend_deadline):
        problems.append(_("The county's deadline must fall before the recommendation "
                          "deadline."))
    if problems:
        raise ServiceError(*problems)
    call.recommendation_chain, call.county_quota = chain.value, county_quota
    call.county_deadline = county_deadline
    deadline = county_deadline.isoformat() if county_deadline else "-"
    audit.record(actor=actor, action="set_recommendation_chain", call=call,
                 comment=f"chain={chain.value} county_quota={county_quota} "
                         f"county_deadline={deadline}")
    db.session.flush()


def _names_supervisor(user, org) -> bool:
    return is_applicant(user) and is_member(user, org)


grant("organization.supervising_department", _names_supervisor)


def name_supervising_department(org: Organization, supervisor_id: int | None, *,
                                actor) -> None:
    """A user of the unit names the provincial department it reports to (主管部门), which
    recommends its applications in department chains; None names none. Refused for another
    unit and for a supervisor that is no verified provincial government body. Side effect:
    one audit row."""
    if not can(actor, "organization.supervising_department", org):
        raise PermissionDenied("organization.supervising_department")
    supervisor = db.session.get(Organization, supervisor_id) if supervisor_id else None
    if supervisor_id and (
            supervisor is None or supervisor.id == org.id
            or supervisor.status != OrgStatus.VERIFIED or supervisor.kind != OrgKind.GOVERNMENT
            or regions.level_of(supervisor.region_code) is not regions.Level.PROVINCE):
        raise ServiceError(_("Choose a verified provincial department as the supervising "
                             "department."))
    org.supervising_org_id = supervisor.id if supervisor is not None else None
    audit.record(actor=actor, action="name_supervising_department", organization=org,
                 comment=supervisor.name if supervisor is not None else "-")
    db.session.flush()


def summary_sheet(call, org) -> SummarySheet:
    """The recommender's ranked summary sheet (推荐汇总表) of one call at its level (a
    county's sheet lists what it passed up), its rows' co-builders loaded with them."""
    level = unit_level(call, org) or last_level(call)
    table, org_column = _ranks_of(level)
    rows = db.session.execute(
        select(table, Application).join(Application, table.application_id == Application.id)
        .where(table.call_id == call.id, org_column == org.id)
        .options(selectinload(Application.cobuilders))
        .order_by(table.rank)
    ).all()
    return SummarySheet(
        call_title=call.title, recommender=org.name, generated_at=now(),
        quota=settings_of(call, level).quota,
        rows=tuple(SheetRow(
            rank=rec.rank, title=app.title, lead_unit=app.lead_org.name,
            credit_code=app.lead_org.credit_code, field=app.field.name if app.field else "",
            city=city_name(app.region_code),
            cobuilders="、".join(c.name for c in app.cobuilders), opinion=rec.opinion,
        ) for rec, app in rows),
    )
