"""What the department's panels page reads: a page of applications with their seats, the
seats a rule now excludes, why each review cannot open and how many experts could still sit
on each panel; the exclusions of those applications with their rules."""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from workflow.calls.models import CallField
from workflow.core.extensions import db
from workflow.core.states import PANEL_FORMING_STATES
from workflow.experts.models import Exclusion, Expert
from workflow.intake.models import Application
from workflow.review.models import AssignmentRun, PanelResult, PanelSeat
from workflow.review.queries import eligible_experts
from workflow.review.settings import ReviewSettings
from workflow.vocabulary.models import FieldTerm
from workflow.web.queries import search
from workflow.web.queries.lists import Page, paginate


@dataclass
class PanelRow:
    """One application on the panels page: its seats, those a rule now excludes (with the
    rules), why its review cannot open, and how many experts could still sit on it."""

    app: Application
    seats: list[PanelSeat]
    excluded: dict[PanelSeat, list[str]]
    problems: list[str]
    eligibility: eligible_experts.Eligibility
    shortfall: list[str]

    @property
    def active(self) -> list[PanelSeat]:
        return [s for s in self.seats if s.status != "declined"]


def panels_page(call, settings: ReviewSettings, *, text: str = "", page: int = 1,
                per_page: int = 20) -> Page:
    """A page of the call's applications waiting for or under expert review (by id), found by
    `text` (web/queries/search.py), as PanelRows: seven statements, whatever their number."""
    stmt = select(Application).where(Application.call_id == call.id,
                                     Application.state.in_(PANEL_FORMING_STATES))
    if text:
        stmt = stmt.where(search.application_matches(text))
    # The term's industry too: a panel no expert can fill names it (eligible_experts.shortfall).
    found = paginate(stmt.options(joinedload(Application.field).joinedload(CallField.term)
                                  .joinedload(FieldTerm.parent))
                     .order_by(Application.id), page=page, per_page=per_page)
    ids = [a.id for a in found.items]
    seats = db.session.scalars(select(PanelSeat).where(PanelSeat.application_id.in_(ids))
                               .order_by(PanelSeat.id)).all()
    rules: dict[tuple[int, int], list[str]] = {}
    for app_id, expert_id, rule in db.session.execute(
            select(Exclusion.application_id, Exclusion.expert_id, Exclusion.rule)
            .where(Exclusion.application_id.in_(ids)).order_by(Exclusion.rule)):
        rules.setdefault((app_id, expert_id), []).append(rule)
    counts = eligible_experts.counts(call, ids, max_load=settings.max_load)
    rows = []
    for app in found.items:
        own = [s for s in seats if s.application_id == app.id]
        excluded = {s: rules[(app.id, s.expert_id)] for s in own
                    if s.status != "declined" and (app.id, s.expert_id) in rules}
        open_seats = settings.k - sum(1 for s in own if s.status != "declined")
        rows.append(PanelRow(app, own, excluded, problems(settings.k, own, excluded),
                             counts[app.id], eligible_experts.shortfall(
                                 app, counts[app.id], open_seats,
                                 max_load=settings.max_load)))
    return Page(items=rows, total=found.total, page=found.page, per_page=found.per_page)


def problems(k: int, seats: list[PanelSeat], excluded: dict[PanelSeat, list[str]]
             ) -> list[str]:
    """Why a panel cannot start: fewer than k accepted experts, no accepted chair, an
    accepted or invited expert excluded by a conflict rule since being seated."""
    accepted = [s for s in seats if s.status == "accepted"]
    found = []
    if len(accepted) < k:
        found.append(_("%(n)d of %(k)d experts have accepted.", n=len(accepted), k=k))
    if not any(s.is_chair for s in accepted):
        found.append(_("The panel has no chair who has accepted."))
    return found + excluded_problems(excluded)


def seats_of(app: Application) -> list[PanelSeat]:
    return list(db.session.scalars(select(PanelSeat).where(PanelSeat.application_id == app.id)
                                   .order_by(PanelSeat.id)))


def last_run(call) -> AssignmentRun | None:
    return db.session.scalar(select(AssignmentRun).where(AssignmentRun.call_id == call.id)
                             .order_by(AssignmentRun.id.desc()).limit(1))


def exclusions_on(app_ids: list[int]) -> list[tuple[Exclusion, str, str]]:
    """The stored exclusions of these applications, each with the application's title and
    the expert's name: one statement."""
    return list(db.session.execute(
        select(Exclusion, Application.title, Expert.name)
        .join(Application, Exclusion.application_id == Application.id)
        .join(Expert, Exclusion.expert_id == Expert.id)
        .where(Exclusion.application_id.in_(app_ids))
        .order_by(Exclusion.application_id, Exclusion.expert_id, Exclusion.rule)))


def excluded_seats(app: Application) -> dict[PanelSeat, list[str]]:
    """The seats of `app` that are not declined but whose expert a stored exclusion keeps
    from it (a rule that applied after the seat was made), each with its rules."""
    rules: dict[int, list[str]] = {}
    for expert_id, rule in db.session.execute(
            select(Exclusion.expert_id, Exclusion.rule)
            .where(Exclusion.application_id == app.id).order_by(Exclusion.rule)):
        rules.setdefault(expert_id, []).append(rule)
    seats = db.session.scalars(select(PanelSeat).where(
        PanelSeat.application_id == app.id, PanelSeat.status != "declined",
        PanelSeat.expert_id.in_(list(rules))).order_by(PanelSeat.id))
    return {seat: rules[seat.expert_id] for seat in seats}


def excluded_problems(excluded: dict[PanelSeat, list[str]], status: str | None = None
                      ) -> list[str]:
    """Each excluded seat (of `status`, if given) named with its rules: the department must
    release it."""
    return [_("%(name)s is excluded by rule %(rule)s.", name=seat.expert.name,
              rule=", ".join(rules)) for seat, rules in excluded.items()
            if status in (None, seat.status)]


@dataclass
class Panels:
    """The seats (by id, their sheets loaded), stored exclusions and results of a list of
    applications, read in three statements for the whole list."""

    seats: dict[int, list[PanelSeat]]
    excluded: dict[int, dict[PanelSeat, list[str]]]
    results: dict[int, PanelResult]


def panels_of(app_ids) -> Panels:
    """The Panels of the applications `app_ids` (a list or a select of ids)."""
    seats: dict[int, list[PanelSeat]] = {}
    for seat in db.session.scalars(select(PanelSeat).where(PanelSeat.application_id.in_(app_ids))
                                   .options(selectinload(PanelSeat.sheet))
                                   .order_by(PanelSeat.id)):
        seats.setdefault(seat.application_id, []).append(seat)
    rules: dict[tuple[int, int], list[str]] = {}
    for app_id, expert_id, rule in db.session.execute(
            select(Exclusion.application_id, Exclusion.expert_id, Exclusion.rule)
            .where(Exclusion.application_id.in_(app_ids)).order_by(Exclusion.rule)):
        rules.setdefault((app_id, expert_id), []).append(rule)
    excluded = {app_id: {s: rules[(app_id, s.expert_id)] for s in own
                         if s.status != "declined" and (app_id, s.expert_id) in rules}
                for app_id, own in seats.items()}
    results = {r.application_id: r for r in db.session.scalars(
        select(PanelResult).where(PanelResult.application_id.in_(app_ids)))}
    return Panels(seats, excluded, results)
