"""Conflict-of-interest rules (回避, DOMAIN.md section 6) and the exclusions they produce.

`exclusions_for` is pure over loaded objects; `compute_exclusions` stores its results for a
call. The details are facts (codes, names, dates), not sentences: pages label them by rule.
"""
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from workflow.core import audit, clock, regions
from workflow.core.errors import PermissionDenied
from workflow.core.extensions import db
from workflow.core.states import PANEL_FORMING_STATES
from workflow.experts.models import Exclusion, Expert, rule_data
from workflow.intake.models import Application
from workflow.lifecycle.permissions import can
from workflow.review.models import PanelSeat
from workflow.review.settings import review_settings_of

LOOKBACK_YEARS = 3


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _people(app: Application) -> dict[str, str]:
    """The project head and the contact, by name and email, from section 1.

    Limitation: applications list no other participants, so R3 sees only these two people,
    and by name (or the contact's email): a namesake is excluded too, a participant who is
    neither head nor contact is not."""
    basic = app.section_data("basic")
    return {key: str(basic.get(key) or "").strip()
            for key in ("project_head", "contact_name", "contact_email")}


def exclusions_for(expert: Expert, app: Application, *, same_city_rule: bool,
                   today: date) -> list[tuple[str, str]]:
    """(rule, detail) for every rule R1-R8 and D that keeps `expert` from `app`; empty when
    the expert may review it. Reads only the loaded objects."""
    lead = app.lead_org
    applicants = {lead.credit_code} | {c.credit_code for c in app.cobuilders}
    people = _people(app)
    head = people["project_head"]
    cutoff = years_before(today, LOOKBACK_YEARS)
    found = []
    if expert.employer_credit_code in applicants:
        found.append(("R1", expert.employer_credit_code))
    for job in expert.employments:
        if job.credit_code in applicants and (job.end_date is None or job.end_date >= cutoff):
            found.append(("R2", f"{job.org_name} {job.start_date}~{job.end_date or ''}"))
    if expert.name in (head, people["contact_name"]) or (
            expert.email and expert.email.lower() == people["contact_email"].lower()):
        found.append(("R3", expert.name))
    for rel in expert.relations:
        rule = _relation_rule(rel, head, lead, cutoff)
        if rule:
            found.append((rule, rel.person_name or rel.credit_code))
    if same_city_rule and _same_city(expert.region_code, lead.region_code):
        found.append(("R8", regions.city_name(lead.region_code)))
    if any(d.application_id == app.id for d in expert.declarations):
        found.append(("D", next(d.reason for d in expert.declarations
                                if d.application_id == app.id)))
    return list(dict.fromkeys(found))


def _same_city(one: str, other: str) -> bool:
    """Whether two regions lie in the same prefecture-level city (a county and its city do);
    a code of no city of today only matches itself."""
    return (regions.city_of(one) or one) == (regions.city_of(other) or other)


def _relation_rule(rel, head: str, lead, cutoff: date) -> str | None:
    with_head = bool(head) and rel.person_name == head
    if rel.kind == "kin" and (with_head or (
            lead.legal_representative and rel.person_name == lead.legal_representative)):
        return "R4"
    # A co-authorship counts while it lasts and for three years after its end.
    if rel.kind == "coauthor" and with_head and (rel.until is None or rel.until >= cutoff):
        return "R5"
    if rel.kind in ("supervisor", "student") and with_head:
        return "R6"
    if rel.kind in ("helped_write", "investment") and (
            with_head or (rel.credit_code and rel.credit_code == lead.credit_code)):
        return "R7"
    return None


def eligible_experts(call, today: date) -> list[Expert]:
    """Active experts within the call's age limit (expert_max_age, default 65) this year."""
    max_age = review_settings_of(call).expert_max_age
    return list(db.session.scalars(
        select(Expert)
        .where(Expert.active.is_(True), Expert.birth_year >= today.year - max_age)
        .options(*rule_data()).order_by(Expert.id)
    ))


def compute_exclusions(call, *, actor) -> int:
    """Replace the stored exclusions of `call` with those of every (active or seated expert,
    application under review) pair; writes an audit row, flushes, returns the count."""
    if not can(actor, "call.compute_exclusions", call):
        raise PermissionDenied("call.compute_exclusions")
    today = clock.local(clock.now()).date()
    same_city = review_settings_of(call).same_city_conflict
    apps = list(db.session.scalars(
        select(Application)
        .where(Application.call_id == call.id, Application.state.in_(PANEL_FORMING_STATES))
        .options(selectinload(Application.cobuilders), selectinload(Application.sections))
        .order_by(Application.id)
    ))
    ids = [app.id for app in apps]
    # A seated expert keeps their exclusions when deactivated: they may still log in.
    seated = select(PanelSeat.expert_id).where(PanelSeat.application_id.in_(ids))
    experts = db.session.scalars(select(Expert).where(
        Expert.active.is_(True) | Expert.id.in_(seated)).options(*rule_data())).all()
    # Only the applications recomputed: those past review keep their exclusions, which
    # still hide them from the excluded experts (and remain the record of the recusal).
    db.session.execute(delete(Exclusion).where(Exclusion.application_id.in_(ids)))
    rows = [Exclusion(expert_id=expert.id, application_id=app.id, rule=rule, detail=detail[:500])
            for app in apps for expert in experts
            for rule, detail in exclusions_for(expert, app, same_city_rule=same_city,
                                               today=today)]
    db.session.add_all(rows)
    audit.record(actor=actor, action="compute_exclusions", call=call,
                 comment=f"{len(rows)} exclusions, {len(apps)} applications, "
                         f"{len(experts)} experts")
    db.session.flush()
    return len(rows)
