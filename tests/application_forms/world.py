"""Two departments, each with a call and its form (the shipped one a new call starts from):
A's officer builds A's call's form; A's leader, B's officer, an applicant, a recommender and
an expert are refused it."""
from sqlalchemy import func, select

from tests import factories
from tests.conftest import kept_unchanged
from tests.departments.world import department_b
from workflow.application_forms.models import ApplicationForm
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Role
from workflow.departments import operations as departments


def build() -> dict:
    home, b = departments.ensure_home_department(), department_b()
    users = {"officer": factories.officer(home), "leader": factories.leader(home),
             "officer_b": factories.officer(b), "applicant": factories.applicant(),
             "recommender": factories.recommender(), "expert": factories.user(Role.EXPERT)}
    call = factories.call(actor=users["officer"], title="技术创新中心申报")
    call_b = factories.call(actor=users["officer_b"], title="制造业创新中心培育申报")
    return {"users": {who: u.id for who, u in users.items()},
            "ids": {"call": call.id, "call_b": call_b.id}}


def fingerprint() -> tuple:
    return (db.session.scalar(select(func.count()).select_from(AuditEntry)),
            tuple(db.session.execute(select(ApplicationForm.id, ApplicationForm.version,
                                            ApplicationForm.sha256)
                                     .order_by(ApplicationForm.id))))


def world_of(kept) -> dict:
    return kept_unchanged(kept, "application_forms_builder", build, fingerprint)
