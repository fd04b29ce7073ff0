from sqlalchemy import select

from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState


def test_application_reaches_approved_through_transitions_only(make):
    app = make.application(state=AppState.APPROVED)
    trail = db.session.scalars(
        select(AuditEntry).where(AuditEntry.application_id == app.id,
                                 AuditEntry.to_state.is_not(None),
                                 AuditEntry.from_state.is_not(None))
        .order_by(AuditEntry.id)
    ).all()
    assert app.state == AppState.APPROVED
    assert [e.to_state for e in trail][-1] == AppState.APPROVED
    assert trail[0].from_state == AppState.DRAFT
