"""The people of the specification tables (tests/tables/), one application per state, and
a reader of those Markdown tables."""
from pathlib import Path
from types import SimpleNamespace

from flask_login import AnonymousUserMixin

from tests import factories
from workflow.accounts.models.users import User
from workflow.core.extensions import db
from workflow.core.states import AppState, Role

TABLES = Path(__file__).resolve().parent / "tables"
WHO = ["lead", "cobuilder", "other_org", "recommender_same_region",
       "recommender_other_region", "officer", "leader", "expert", "anonymous"]


def read_table(name: str) -> list[dict[str, str]]:
    """The rows of the one table in tests/tables/<name>, as {column: cell}."""
    lines = [line.strip() for line in (TABLES / name).read_text(encoding="utf-8").splitlines()
             if line.strip().startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    return [dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")),
                     strict=True))
            for line in lines[2:]]


def names(cell: str) -> list[str]:
    """The comma-separated names of a cell, in the table's order (tests are collected in the
    same order by every worker)."""
    return list(dict.fromkeys(part.strip() for part in cell.split(",") if part.strip()))


def build_world() -> SimpleNamespace:
    """One application per state: lead unit in Qingdao, a confirmed co-builder in Jinan."""
    apps, leads, cobuilders = {}, {}, {}
    for state in AppState:
        lead = factories.applicant(factories.QINGDAO)
        apps[state] = factories.application(lead=lead, state=state, cobuilder=True)
        leads[state] = lead
        cobuilders[state] = db.session.get(User, apps[state].cobuilders[0].confirmed_by_id)
    shared = {
        "other_org": factories.applicant(factories.QINGDAO),
        "recommender_same_region": factories.recommender(factories.QINGDAO),
        "recommender_other_region": factories.recommender(factories.JINAN),
        "officer": factories.officer(),
        "leader": factories.leader(),
        "expert": factories.user(Role.EXPERT),
    }
    return SimpleNamespace(apps=apps, leads=leads, cobuilders=cobuilders, shared=shared)


def user_for(world, who: str, state: AppState):
    if who == "lead":
        return world.leads[state]
    if who == "cobuilder":
        return world.cobuilders[state]
    if who == "anonymous":
        return AnonymousUserMixin()
    return world.shared[who]
