"""Calls with several reviewed applications, for the selection, announcement and objection
tests. Every panel gives the same score, so the ranking follows the order of filing (ties
break on the earlier submission)."""
from dataclasses import dataclass, field

from tests import factories
from workflow.accounts.models.users import User
from workflow.calls.models import Call
from workflow.core.extensions import db
from workflow.core.states import Action, AppState, Role
from workflow.intake.models import Application
from workflow.intake.operations import intake
from workflow.lifecycle.transitions import transition

FIELDS = ["半导体激光", "工业软件", "焊接装备", "海洋牧场装备"]


@dataclass
class World:
    call: Call
    officer: User
    leader: User
    apps: list[Application] = field(default_factory=list)
    leads: list[User] = field(default_factory=list)

    def add(self, field_name: str, *, title: str | None = None,
            region: str = factories.JINAN, cobuilder: bool = False) -> Application:
        """A reviewed application in `field_name`, ranked after those added before."""
        lead = factories.user(Role.APPLICANT, organization=factories.org(region))
        app = factories.application(self.call, lead, state=AppState.DRAFT, cobuilder=cobuilder)
        intake.update_basics(app, title=title or f"山东省{field_name}技术创新中心{len(self.apps)}",
                             field_id=next(f.id for f in self.call.fields if f.name == field_name),
                             actor=lead)
        factories.drive(app, AppState.REVIEWED, lead=lead)
        self.apps.append(app)
        self.leads.append(lead)
        return app

    def shortlist(self, app: Application, reason: str = "") -> None:
        transition(app, Action.SHORTLIST, actor=self.leader, comment=reason)

    def not_select(self, app: Application, reason: str = "本年度不列入") -> None:
        transition(app, Action.NOT_SELECT, actor=self.leader, comment=reason)

    def publish(self):
        return factories.announce(self.call, self.officer)


def world(*fields: str, quota: int = 30) -> World:
    """A call with a reviewed application per field named, in that order of rank."""
    officer = factories.officer()
    call = factories.call(actor=officer, fields=FIELDS, quota=quota)
    call.review_settings = {"k": 3}  # panels of three: the scores are not under test here
    built = World(call, officer, factories.leader())
    for name in fields:
        built.add(name)
    db.session.flush()
    return built
