"""What the department's panels page reads: each application's seats, the exclusions of a
call with their rules, the seats a rule now excludes, and the experts an officer may still
seat by hand."""
from flask_babel import gettext as _
from sqlalchemy import select

from workflow import clock
from workflow.extensions import db
from workflow.models import Application, Exclusion, Expert, PanelSeat
from workflow.services import conflicts


def panels_of(call) -> list[tuple[Application, list[PanelSeat]]]:
    """The call's applications waiting for or under expert review, each with its seats."""
    apps = db.session.scalars(select(Application).where(
        Application.call_id == call.id, Application.state.in_(conflicts.REVIEW_STATES))
        .order_by(Application.id)).all()
    seats = db.session.scalars(select(PanelSeat).join(Application).where(
        Application.call_id == call.id).order_by(PanelSeat.id)).all()
    return [(a, [s for s in seats if s.application_id == a.id]) for a in apps]


def exclusions_of(call) -> list[Exclusion]:
    return list(db.session.scalars(select(Exclusion).join(Application).where(
        Application.call_id == call.id).order_by(Exclusion.application_id,
                                                 Exclusion.expert_id, Exclusion.rule)))


def candidates_for(app: Application) -> list[Expert]:
    """Eligible experts an officer may seat by hand: not excluded by a stored exclusion, not
    seated on this panel before."""
    taken = set(db.session.scalars(select(Exclusion.expert_id).where(
        Exclusion.application_id == app.id)))
    taken |= set(db.session.scalars(select(PanelSeat.expert_id).where(
        PanelSeat.application_id == app.id)))
    today = clock.local(clock.now()).date()
    return [e for e in conflicts.eligible_experts(app.call, today) if e.id not in taken]


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


def excluded_seat_problems(app: Application, status: str | None = None) -> list[str]:
    """Each excluded seat of `app` (of `status`, if given) named with its rules: the
    department must release it."""
    return [_("%(name)s is excluded by rule %(rule)s.", name=seat.expert.name,
              rule=", ".join(rules)) for seat, rules in excluded_seats(app).items()
            if status in (None, seat.status)]
