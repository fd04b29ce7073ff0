"""Reads shared by the verification pages and the desks."""
from sqlalchemy import exists
from sqlalchemy.orm import aliased

from workflow.lifecycle.permissions import CLAIMING
from workflow.organizations.models import Organization


def claim_disputed_sql():
    """permissions.claim_disputed as an SQL condition on Organization: another registration
    claims the unit's credit code (one waiting for a decision, or the verified one)."""
    rival = aliased(Organization)
    return exists().where(rival.credit_code == Organization.credit_code,
                          rival.id != Organization.id, rival.status.in_(CLAIMING))
