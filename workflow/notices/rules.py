"""Who may issue and read decision documents (acceptance results, evaluation results,
revocations): officers and leaders issue them from the operations of those decisions and
read every one; the lead unit of a center a decision is about reads it too."""
from sqlalchemy import select

from workflow.centers.models import Center
from workflow.core.extensions import db
from workflow.lifecycle.permissions import (
    grant,
    is_applicant,
    is_lead_member,
    is_officer_or_leader,
)
from workflow.notices.models import DecisionDocument


def is_decision_lead(user, doc) -> bool:
    """Whether `user` belongs to the lead unit of a center `doc` decides on: the unit that
    applied, or the one a change made lead unit since."""
    if not isinstance(doc, DecisionDocument) or not doc.applications:
        return False
    if any(is_lead_member(user, app) for app in doc.applications):
        return True
    if not is_applicant(user):
        return False
    leads = db.session.scalars(select(Center.lead_org_id).where(
        Center.application_id.in_([app.id for app in doc.applications])))
    return user.organization_id in set(leads)


def can_download_decision(user, doc) -> bool:
    return isinstance(doc, DecisionDocument) and (is_officer_or_leader(user)
                                                  or is_decision_lead(user, doc))


grant("decision.issue", is_officer_or_leader)
grant("decision.download", can_download_decision)
