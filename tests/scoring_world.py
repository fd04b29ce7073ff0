"""Panels for the scoring tests: an application in expert review with accepted seats (the
first one chairs), each expert with a login; sheets filled to a given total."""
from dataclasses import dataclass

from tests import factories
from workflow.core.extensions import db
from workflow.core.states import Action, AppState, Role
from workflow.experts.models import Expert
from workflow.lifecycle.transitions import transition
from workflow.review.models import PanelSeat
from workflow.review.operations import scoring
from workflow.review.rules.rubric import DEFAULT_RUBRIC, items


@dataclass
class Panel:
    app: object
    officer: object
    seats: list
    experts: list  # the experts' users, in seat order; experts[0] chairs

    @property
    def chair(self):
        return self.experts[0]


def expert_user(name: str):
    user = factories.user(Role.EXPERT)
    user.name = name
    db.session.add(Expert(user_id=user.id, name=name, employer_name="青岛某大学",
                          employer_credit_code=factories.credit_code(factories.QINGDAO, "12"),
                          region_code=factories.QINGDAO, title="教授", birth_year=1970,
                          email=user.email))
    db.session.flush()
    return user


def panel(size: int = 5, call=None, names=None) -> Panel:
    """An application with `size` accepted experts, opened for review by an officer."""
    officer = factories.officer()
    call = call or factories.call(actor=officer)
    if size != 5:
        call.review_settings = {**(call.review_settings or {}), "k": size}
    app = factories.application(call, state=AppState.FORMAL_PASSED)
    names = names or [f"评审专家{chr(0x7532 + i)}" for i in range(size)]
    users, seats = [], []
    for index, name in enumerate(names):
        user = expert_user(name)
        seat = PanelSeat(application_id=app.id, expert_id=user_expert_id(user), method="manual",
                         status="accepted", is_chair=index == 0, assigned_by_id=officer.id)
        db.session.add(seat)
        users.append(user)
        seats.append(seat)
    db.session.flush()
    transition(app, Action.OPEN_REVIEW, actor=officer)
    db.session.flush()
    return Panel(app, officer, seats, users)


def user_expert_id(user) -> int:
    return db.session.query(Expert.id).filter_by(user_id=user.id).scalar()


def scores_totalling(total: float, rubric=DEFAULT_RUBRIC) -> dict:
    """Item scores adding up to `total`: every item at the same share of its maximum."""
    pairs = [item for _dimension, item in items(rubric)]
    scores = {item["code"]: round(item["max"] * total / 100, 4) for item in pairs}
    drift = round(total - sum(scores.values()), 4)
    scores[pairs[0]["code"]] = round(scores[pairs[0]["code"]] + drift, 4)
    return scores


def submit(panel: Panel, index: int, total: float, vetoes=(), scores=None):
    seat, user = panel.seats[index], panel.experts[index]
    scoring.save_sheet(seat, scores or scores_totalling(total), {}, list(vetoes), "", actor=user)
    return scoring.submit_sheet(seat, actor=user)


def submit_all(panel: Panel, totals, vetoes=None):
    for index, total in enumerate(totals):
        submit(panel, index, total, (vetoes or {}).get(index, ()))
