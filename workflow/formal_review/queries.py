"""When the lead unit must act on an application it can still change, and its open correction.

`lead_deadline()` is when the lead unit must act on such an application
(COBUILDING_CONFIRMABLE_STATES): the call's close for a draft, the recommenders' deadline for
a returned one, the open correction's deadline for a correction. Select it with `Call`
joined and the open correction outer-joined (`open_correction()`)."""
from sqlalchemy import and_, case

from workflow.calls.models import Call
from workflow.core.states import AppState
from workflow.formal_review.models import CorrectionRequest
from workflow.intake.models import Application
from workflow.recommendation.queries import resubmit_deadline


def open_correction():
    """The join condition of an application's correction request not yet answered."""
    return and_(CorrectionRequest.application_id == Application.id,
                CorrectionRequest.answered_at.is_(None))


def lead_deadline():
    state = Application.state
    return case((state == AppState.DRAFT, Call.closes_at),
                (state == AppState.RETURNED, resubmit_deadline()),
                else_=CorrectionRequest.deadline_at)
