"""An expert's profile: fields, contact, past employers and declared relations, changed by the
expert or an officer; an officer (de)activates experts. Reading an expert's record for the
officer's page.

Employers and relations feed the conflict rules, so every change recomputes the exclusions
of the calls in review (as the system, under each call's lock): a new conflict takes effect
at once. The expert no longer sees an application it excludes them from, and their seat
shows on the panels page as excluded, for the department to release
(`panel_overview.excluded_seats`, `seat_release.release_seat`).
"""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from workflow.calls.models import Call
from workflow.core import audit, clock, creditcode
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.states import PANEL_FORMING_STATES, CallState
from workflow.experts.models import (
    EMPLOYMENT_ROLES,
    RELATION_KINDS,
    Exclusion,
    Expert,
    ExpertEmployment,
    ExpertField,
    ExpertRelation,
)
from workflow.experts.operations.pool import EMAIL, PHONE, give_expert_login
from workflow.intake.models import Application
from workflow.lifecycle.permissions import SYSTEM, can
from workflow.review.models import PanelSeat
from workflow.review.operations import assignment
from workflow.vocabulary import rules as vocabulary
from workflow.vocabulary.models import FieldTerm

MAX_FIELDS = 20
FIRST_DAY = date(1940, 1, 1)


def _require(actor, action: str, obj=None) -> None:
    if not can(actor, action, obj):
        raise PermissionDenied(action)


def _today() -> date:
    return clock.local(clock.now()).date()


def _record(actor, action: str, expert: Expert, what: str) -> None:
    audit.record(actor=actor, action=action, comment=f"expert {expert.id} {expert.name}: {what}")


def recompute_review_exclusions() -> int:
    """Recompute the stored exclusions of every call in review, each under the call's lock
    (an assignment run beside it reads and rewrites the same rows); returns how many there
    are. A lock not obtained in time is a ServiceError: the caller rolls back."""
    calls = db.session.scalars(select(Call).where(Call.state == CallState.REVIEWING)
                               .order_by(Call.id)).all()
    return sum(assignment.recompute_exclusions(call, actor=SYSTEM) for call in calls)


def _profile_problems(expert: Expert, title: str, fields: list[FieldTerm], asked: int,
                      phone: str, email: str) -> list[str]:
    problems = []
    if not 1 <= len(title) <= 50:
        problems.append(_("A title of 1 to 50 characters is required."))
    held = {f.term_id for f in expert.fields}
    if len(fields) != asked or any(t.retired_at and t.id not in held for t in fields):
        problems.append(_("Choose technical fields the vocabulary offers."))
    elif not 1 <= len(fields) <= MAX_FIELDS:
        problems.append(_("Choose 1 to %(n)d technical fields.", n=MAX_FIELDS))
    if phone and not PHONE.match(phone):
        problems.append(_("The phone number is not valid."))
    if len(email) > 254 or not EMAIL.match(email):
        problems.append(_("A valid email address is required."))
    elif db.session.scalar(select(Expert.id).where(
            func.lower(Expert.email) == email.lower(), Expert.id != expert.id).limit(1)):
        problems.append(_("Another expert of the pool has this email address."))
    return problems


def update_expert_profile(expert: Expert, data: dict, *, actor) -> None:
    """Set the title, technical fields, phone and email from `data` (keys of those names;
    fields a list of ids of terms of the vocabulary: active ones, or retired ones the expert
    has). Refused with every problem when one is invalid. Writes an audit row naming what
    changed, gives an expert without a login one (invited by mail), recomputes the exclusions
    in review (rule R3 reads the email), flushes."""
    _require(actor, "expert.profile", expert)
    title, phone, email = (data[k].strip() for k in ("title", "phone", "email"))
    asked = list(dict.fromkeys(data["fields"]))
    fields = vocabulary.terms_by_ids(asked)
    problems = _profile_problems(expert, title, fields, len(asked), phone, email)
    if problems:
        raise ServiceError(*problems)
    kept = {f.term_id for f in expert.fields}
    before = (expert.title, kept, expert.phone, expert.email)
    expert.title, expert.phone, expert.email = title, phone, email
    expert.fields = ([f for f in expert.fields if f.term_id in set(asked)]
                     + [ExpertField(term=t) for t in fields if t.id not in kept])
    changed = [name for name, old, new in zip(("title", "fields", "phone", "email"), before,
                                              (title, set(asked), phone, email), strict=True)
               if old != new]
    _record(actor, "edit_expert_profile", expert, ", ".join(changed) or "-")
    db.session.flush()
    give_expert_login(expert, actor=actor)
    recompute_review_exclusions()


def _check_code(raw: str, problems: list[str]) -> str:
    reason = creditcode.problem(raw)
    if reason:
        problems.append(_("Credit code: %(problem)s", problem=reason))
    return creditcode.normalize(raw)


def start_problem(start: date | None) -> str | None:
    if start and not FIRST_DAY <= start <= _today():
        return _("The start date must lie between %(first)s and today.",
                 first=FIRST_DAY.isoformat())
    return None


def end_problem(start: date | None, end: date | None) -> str | None:
    if end and end < (start or FIRST_DAY):
        return _("The end date may not come before the start date.")
    return None


def date_problems(start: date | None, end: date | None) -> list[str]:
    """What is wrong with a period (either end may be open); empty when nothing is."""
    return [p for p in (start_problem(start), end_problem(start, end)) if p]


def add_employment(expert: Expert, *, org_name: str, credit_code: str, role: str,
                   start_date: date, end_date: date | None, actor) -> ExpertEmployment:
    """Add a past (or parallel) employer or board seat, which rule R2 reads for 3 years after
    it ends. Audit row, exclusions in review recomputed, flushed."""
    _require(actor, "expert.profile", expert)
    org_name, problems = org_name.strip(), []
    if not 1 <= len(org_name) <= 200:
        problems.append(_("The organization's name of 1 to 200 characters is required."))
    code = _check_code(credit_code, problems)
    if role not in EMPLOYMENT_ROLES:
        problems.append(_("Choose employee or board member."))
    if start_date is None:
        problems.append(_("The start date is required."))
    problems += date_problems(start_date, end_date)
    if problems:
        raise ServiceError(*problems)
    job = ExpertEmployment(org_name=org_name, credit_code=code, role=role,
                           start_date=start_date, end_date=end_date)
    expert.employments.append(job)
    _record(actor, "add_expert_employment", expert,
            f"{code} {org_name} {role} {start_date}~{end_date or ''}")
    db.session.flush()
    recompute_review_exclusions()
    return job


def remove_employment(job: ExpertEmployment, *, actor) -> None:
    """Remove a past employer; audit row (with what it said), exclusions recomputed."""
    expert = job.expert
    _require(actor, "expert.profile", expert)
    _record(actor, "remove_expert_employment", expert,
            f"{job.credit_code} {job.org_name} {job.role} {job.start_date}~{job.end_date or ''}")
    expert.employments.remove(job)
    db.session.flush()
    recompute_review_exclusions()


def add_relation(expert: Expert, *, kind: str, person_name: str, credit_code: str,
                 since: date | None, until: date | None, note: str, actor) -> ExpertRelation:
    """Declare a relation with a person (by name) or an organization (by credit code), which
    rules R4-R7 read. Audit row, exclusions in review recomputed, flushed."""
    _require(actor, "expert.profile", expert)
    person_name, credit_code, note = person_name.strip(), credit_code.strip(), note.strip()
    problems = []
    if kind not in RELATION_KINDS:
        problems.append(_("Choose the kind of relation."))
    if not person_name and not credit_code:
        problems.append(_("Name the person or give the organization's credit code."))
    if len(person_name) > 50:
        problems.append(_("A name has at most 50 characters."))
    code = _check_code(credit_code, problems) if credit_code else None
    if len(note) > 500:
        problems.append(_("The note has at most 500 characters."))
    problems += date_problems(since, until)
    if problems:
        raise ServiceError(*problems)
    relation = ExpertRelation(kind=kind, person_name=person_name or None, credit_code=code,
                              since=since, until=until, note=note)
    expert.relations.append(relation)
    _record(actor, "add_expert_relation", expert, f"{kind} {person_name or code}")
    db.session.flush()
    recompute_review_exclusions()
    return relation


def remove_relation(relation: ExpertRelation, *, actor) -> None:
    """Withdraw a declared relation; audit row (with what it said), exclusions recomputed."""
    expert = relation.expert
    _require(actor, "expert.profile", expert)
    _record(actor, "remove_expert_relation", expert,
            f"{relation.kind} {relation.person_name or relation.credit_code}")
    expert.relations.remove(relation)
    db.session.flush()
    recompute_review_exclusions()


def set_expert_active(expert: Expert, active: bool, *, actor) -> None:
    """Take an expert out of the pool or back in: assignment and draws choose among the
    active only; seats held stay. Audit row, flushed."""
    _require(actor, "expert.set_active", expert)
    if expert.active == active:
        raise ServiceError(_("The expert is already active.") if active
                           else _("The expert is already inactive."))
    expert.active = active
    _record(actor, "activate_expert" if active else "deactivate_expert", expert,
            "active" if active else "inactive")
    db.session.flush()


def exclusions_of_expert(expert: Expert) -> list[Exclusion]:
    """The exclusions stored for the expert in every call, by call and application."""
    return list(db.session.scalars(
        select(Exclusion).join(Application).where(Exclusion.expert_id == expert.id)
        .options(joinedload(Exclusion.application).joinedload(Application.call))
        .order_by(Application.call_id, Application.id, Exclusion.rule)))


def current_seats(expert: Expert) -> list[PanelSeat]:
    """The expert's seats on applications waiting for or under expert review."""
    return list(db.session.scalars(
        select(PanelSeat).join(Application).where(
            PanelSeat.expert_id == expert.id, Application.state.in_(PANEL_FORMING_STATES))
        .options(joinedload(PanelSeat.application))
        .order_by(Application.call_id, Application.id)))
