"""The versions of a call's application form: a definition (schema.py) that freezes when
the first application is filed against it; a later change makes the next version, and each
application keeps the version it was filled in."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from workflow.application_forms import schema
from workflow.core.clock import now
from workflow.core.db import Base, UTCDateTime


class ApplicationForm(Base):
    __tablename__ = "application_forms"
    __table_args__ = (UniqueConstraint("call_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"),
                                         index=True)
    version: Mapped[int] = mapped_column(default=1)
    definition: Mapped[dict] = mapped_column(JSON)
    # Where it started: a shipped template's code or "call:<id>" for a copy.
    source: Mapped[str] = mapped_column(String(60), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def form(self) -> schema.FormDef:
        cached = self.__dict__.get("_form")
        if cached is None or self.__dict__.get("_form_of") is not self.definition:
            cached = schema.read(self.definition)
            self.__dict__["_form"], self.__dict__["_form_of"] = cached, self.definition
        return cached


# queries.current_form keeps each call's newest form for the length of one transaction.
CURRENT_FORMS = "centerflow.current_forms"


@event.listens_for(Session, "after_begin")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_current_forms(session, *_args) -> None:
    session.info.pop(CURRENT_FORMS, None)
