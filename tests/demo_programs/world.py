"""Reading the loaded demo: a call by title, its applications, its notice."""
from sqlalchemy import select

from workflow.calls.models import Call
from workflow.core.extensions import db
from workflow.intake.models import Application
from workflow.notices.models import Notice


def call(title: str) -> Call:
    return db.session.scalar(select(Call).where(Call.title == title))


def applications(of: Call) -> list[Application]:
    return list(db.session.scalars(select(Application).where(Application.call_id == of.id)
                                   .order_by(Application.id)))


def notice(of: Call) -> Notice | None:
    return db.session.scalar(select(Notice).where(Notice.call_id == of.id))
