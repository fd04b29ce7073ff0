"""The accepted seats of a panel and whether every one of their score sheets is submitted."""
from sqlalchemy import select

from workflow.core.extensions import db
from workflow.intake.models import Application
from workflow.review.models import PanelSeat


def accepted_seats(app: Application) -> list[PanelSeat]:
    return list(db.session.scalars(select(PanelSeat).where(
        PanelSeat.application_id == app.id, PanelSeat.status == "accepted")
        .order_by(PanelSeat.id)))


def all_submitted(app: Application) -> bool:
    seats = accepted_seats(app)
    return bool(seats) and all(s.sheet is not None and s.sheet.submitted_at for s in seats)
