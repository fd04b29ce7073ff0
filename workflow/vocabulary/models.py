"""The one vocabulary of technical fields (技术领域) that calls and experts choose from."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.core.clock import now
from workflow.core.db import Base, UTCDateTime


class FieldTerm(Base):
    """A priority industry (no parent) or a field under one. A term made from free text that
    matched no term (by the migration of issue 10) carries the `unsorted` mark, under its
    industry when that was known, until an officer places or merges it. A retired term stays
    on the calls and experts that have it; new choices no longer offer it. A merged term is
    retired and names the term that took its place."""

    __tablename__ = "field_terms"
    __table_args__ = (
        CheckConstraint("parent_id IS NULL OR parent_id != id", name="not_own_parent"),
        CheckConstraint("merged_into_id IS NULL OR retired_at IS NOT NULL",
                        name="merged_is_retired"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("field_terms.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    unsorted: Mapped[bool] = mapped_column(default=False, server_default=false())
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("field_terms.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    parent: Mapped["FieldTerm | None"] = relationship(
        remote_side=[id], foreign_keys=[parent_id])

    @property
    def is_industry(self) -> bool:
        return self.parent_id is None and not self.unsorted

    @property
    def industry_id(self) -> int | None:
        """The priority industry the term belongs to (an industry to itself); None for an
        unsorted term without one."""
        if self.parent_id is not None:
            return self.parent_id
        return None if self.unsorted else self.id

    @property
    def retired(self) -> bool:
        return self.retired_at is not None

    def __repr__(self) -> str:
        return f"<FieldTerm {self.id} {self.name}>"
