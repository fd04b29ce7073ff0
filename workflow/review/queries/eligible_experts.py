"""How many experts could still sit on each panel, and why a panel stays short: counted in
the database for a page of applications at once (two statements, whatever their number).

An expert is eligible for an application when they work in its field or its priority
industry (affinity > 0, vocabulary/rules.py), are active and within the call's age limit,
no stored exclusion keeps them from it, they hold no seat on its panel yet (a declined seat
counts: they are never seated again) and their load in the call is below max_load. This is
what an assignment run chooses from; the run recomputes the exclusions first."""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import and_, case, exists, false, func, literal, or_, select
from sqlalchemy.orm import aliased, lazyload, selectinload

from workflow.calls.models import CallField
from workflow.core import clock
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.experts.models import Exclusion, Expert, ExpertField, rule_data
from workflow.intake.models import Application
from workflow.review.models import PanelSeat
from workflow.review.settings import review_settings_of
from workflow.vocabulary.models import FieldTerm
from workflow.vocabulary.rules import EXACT, SAME_INDUSTRY, industry_sql
from workflow.web.queries import search
from workflow.web.queries.lists import Page


@dataclass
class Eligibility:
    """The experts of an application's field or industry, counted step by step."""

    in_field: int = 0  # work in the field or its industry, whatever their status
    available: int = 0  # of those, active and within the age limit
    excluded: int = 0  # of those, kept from the application by a stored exclusion
    rules: dict[str, int] = field(default_factory=dict)  # the excluded by rule (overlapping)
    seated: int = 0  # of the rest, on the panel already (declined too)
    full: int = 0  # of the rest, at max_load in the call
    eligible: int = 0  # the rest: who a run may still seat
    exact: int = 0  # of the eligible, those of the very field


def max_age(call) -> int:
    return review_settings_of(call).expert_max_age


def _within_age(call):
    """Active and within the call's age limit this year."""
    return and_(Expert.active.is_(True),
                Expert.birth_year >= clock.local(clock.now()).year - max_age(call))


def loads(call):
    """Per expert, the seats of the call that are not declined (a subquery)."""
    return (select(PanelSeat.expert_id.label("expert_id"), func.count().label("n"))
            .join(Application, PanelSeat.application_id == Application.id)
            .where(Application.call_id == call.id, PanelSeat.status != "declined")
            .group_by(PanelSeat.expert_id).subquery())


def _pairs(app_ids: list[int]):
    """(application, expert, exact) for every expert of the application's field or industry."""
    wanted, held = aliased(FieldTerm), aliased(FieldTerm)
    exact = held.id == wanted.id
    same_industry = and_(industry_sql(wanted).is_not(None),
                         industry_sql(held) == industry_sql(wanted))
    return (select(Application.id.label("app_id"), ExpertField.expert_id.label("expert_id"),
                   func.max(case((exact, 1), else_=0)).label("exact"))
            .join(CallField, Application.field_id == CallField.id)
            .join(wanted, CallField.term_id == wanted.id)
            .join(held, or_(exact, same_industry))
            .join(ExpertField, ExpertField.term_id == held.id)
            .where(Application.id.in_(app_ids))
            .group_by(Application.id, ExpertField.expert_id).subquery())


def counts(call, app_ids: list[int], *, max_load: int) -> dict[int, Eligibility]:
    """The Eligibility of each application of `app_ids` (all of `call`, whose review
    settings give `max_load`): two statements."""
    found = {app_id: Eligibility() for app_id in app_ids}
    if not app_ids:
        return found
    pairs, load = _pairs(app_ids), loads(call)
    available = _within_age(call)
    excluded = exists().where(Exclusion.expert_id == pairs.c.expert_id,
                              Exclusion.application_id == pairs.c.app_id)
    seated = exists().where(PanelSeat.expert_id == pairs.c.expert_id,
                            PanelSeat.application_id == pairs.c.app_id)
    full = func.coalesce(load.c.n, 0) >= max_load
    steps = [literal(True), available, and_(available, excluded),
             and_(available, ~excluded, seated), and_(available, ~excluded, ~seated, full),
             and_(available, ~excluded, ~seated, ~full),
             and_(available, ~excluded, ~seated, ~full, pairs.c.exact == 1)]
    rows = db.session.execute(
        select(pairs.c.app_id, *[func.sum(case((step, 1), else_=0)) for step in steps])
        .join(Expert, Expert.id == pairs.c.expert_id)
        .outerjoin(load, load.c.expert_id == pairs.c.expert_id)
        .group_by(pairs.c.app_id))
    for app_id, in_field, avail, excl, seat, at_max, eligible, exact in rows:
        found[app_id] = Eligibility(in_field, avail or 0, excl or 0, {}, seat or 0,
                                    at_max or 0, eligible or 0, exact or 0)
    for app_id, rule, n in db.session.execute(
            select(pairs.c.app_id, Exclusion.rule, func.count())
            .join(Expert, Expert.id == pairs.c.expert_id)
            .join(Exclusion, and_(Exclusion.expert_id == pairs.c.expert_id,
                                  Exclusion.application_id == pairs.c.app_id))
            .where(available).group_by(pairs.c.app_id, Exclusion.rule)
            .order_by(pairs.c.app_id, Exclusion.rule)):
        found[app_id].rules[rule] = n
    return found


def shortfall(app: Application, found: Eligibility, open_seats: int, *,
              max_load: int) -> list[str]:
    """Why a run cannot fill the `open_seats` of `app`'s panel from the eligible experts;
    empty when it can. Each reason names how many experts it keeps out."""
    if open_seats <= 0 or found.eligible >= open_seats:
        return []
    term = app.field.term if app.field else None
    if term is None:
        return [_("The application names no technical field.")]
    if found.in_field == 0:
        industry = term.parent.name if term.parent else (term.name if term.is_industry
                                                         else None)
        return [_("No expert of the pool works in “%(field)s” or in its industry "
                  "“%(industry)s”.", field=term.name, industry=industry) if industry else
                _("No expert of the pool works in “%(field)s”, which belongs to no priority "
                  "industry yet.", field=term.name)]
    reasons = []
    if found.in_field > found.available:
        reasons.append(_("%(n)d of the field are inactive or older than %(age)d.",
                         n=found.in_field - found.available, age=max_age(app.call)))
    if found.excluded:
        reasons.append(_("%(n)d are excluded (%(rules)s).", n=found.excluded, rules=", ".join(
            f"{rule} ×{n}" for rule, n in found.rules.items())))
    if found.seated:
        reasons.append(_("%(n)d are on the panel already.", n=found.seated))
    if found.full:
        reasons.append(_("%(n)d have a full load of %(max)d applications.", n=found.full,
                         max=max_load))
    reasons.append(_("%(n)d eligible for %(open)d open seats.", n=found.eligible,
                     open=open_seats))
    return reasons


def exclusions_computed_at(call):
    """When the call's exclusions were last computed (an assignment run does it first)."""
    return db.session.scalar(select(func.max(AuditEntry.at)).where(
        AuditEntry.call_id == call.id, AuditEntry.action == "compute_exclusions"))


@dataclass
class Candidate:
    """An expert on the list of whom to invite, with what the officer weighs."""

    expert: Expert
    affinity: int  # vocabulary.EXACT, SAME_INDUSTRY or 0
    load: int  # seats in the call, not declined
    seat: str | None  # the status of a seat on this panel, if any
    rules: list[str]  # the stored exclusions from this application


def _affinity(app: Application):
    term = app.field.term if app.field else None
    if term is None:
        return literal(0)
    exact = exists().where(ExpertField.expert_id == Expert.id, ExpertField.term_id == term.id)
    industry = term.industry_id
    same = exists().where(ExpertField.expert_id == Expert.id,
                          ExpertField.term_id == FieldTerm.id,
                          industry_sql(FieldTerm) == industry) if industry else false()
    return case((exact, EXACT), (same, SAME_INDUSTRY), else_=0)


def candidates_page(app: Application, *, text: str = "", everyone: bool = False,
                    page: int = 1, per_page: int = 25) -> Page:
    """Active experts within the call's age limit, of the application's field or industry
    (or `everyone`), found by `text` in name, employer, credit code or field; those who may
    be invited first (not on the panel, not excluded), then the best match, then by name.
    A page of Candidates in five statements, whatever its length."""
    affinity, load = _affinity(app), loads(app.call)
    seat = aliased(PanelSeat)
    stmt = (select(Expert, affinity, func.coalesce(load.c.n, 0), seat.status)
            .outerjoin(load, load.c.expert_id == Expert.id)
            .outerjoin(seat, and_(seat.expert_id == Expert.id, seat.application_id == app.id))
            .where(_within_age(app.call)))
    if not everyone:
        stmt = stmt.where(affinity > 0)
    if text:
        stmt = stmt.where(search.expert_matches(text, fields=True))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    page = min(max(1, page), max(1, -(-total // per_page)))
    blocked = or_(seat.id.is_not(None), exists().where(
        Exclusion.expert_id == Expert.id, Exclusion.application_id == app.id))
    rows = db.session.execute(
        stmt.options(selectinload(Expert.fields).joinedload(ExpertField.term), lazyload("*"))
        .order_by(case((blocked, 1), else_=0), affinity.desc(), Expert.name, Expert.id)
        .limit(per_page).offset((page - 1) * per_page)).all()
    rules: dict[int, list[str]] = {}
    for expert_id, rule in db.session.execute(
            select(Exclusion.expert_id, Exclusion.rule).where(
                Exclusion.application_id == app.id,
                Exclusion.expert_id.in_([r[0].id for r in rows])).order_by(Exclusion.rule)):
        rules.setdefault(expert_id, []).append(rule)
    items = [Candidate(expert, value, n, status, rules.get(expert.id, []))
             for expert, value, n, status in rows]
    return Page(items=items, total=total, page=page, per_page=per_page)


def invitable(app: Application, ids: list[int]) -> list[Expert]:
    """The experts of `ids` an officer may invite to `app`'s panel: active, within the age
    limit and without a seat on it (declined or not); in the order of `ids`."""
    seated = select(PanelSeat.expert_id).where(PanelSeat.application_id == app.id)
    found = {e.id: e for e in db.session.scalars(select(Expert).where(
        Expert.id.in_(ids), _within_age(app.call), Expert.id.not_in(seated))
        .options(*rule_data()))}
    return [found[i] for i in ids if i in found]
