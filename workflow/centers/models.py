"""The center an approved application became: one row per approved application, made when
its lead unit starts the task book. The application's state is the center's state
(core/states.py: CENTER_STATES and after); this row keeps what can change after approval."""
from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.accounts.models.users import User
from workflow.core.clock import now
from workflow.core.db import Base, UTCDateTime
from workflow.core.machine import Machine, Move
from workflow.core.states import AppState
from workflow.intake.models import Application
from workflow.notices.models import DecisionDocument
from workflow.organizations.models import Organization

# While a center is being built its name carries "（筹）" (DOMAIN.md section 11).
PREPARATORY_STATES = frozenset({AppState.APPROVED, AppState.UNDER_CONSTRUCTION})
PREPARATORY_MARK = "（筹）"
_OPEN = "state = 'open'"
_CURRENT = "left_at IS NULL"


class Center(Base):
    __tablename__ = "centers"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), unique=True)
    # The current name, lead unit and director: the application's until a change is approved.
    name: Mapped[str] = mapped_column(String(200))
    lead_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    director: Mapped[str] = mapped_column(String(50), default="")
    construction_years: Mapped[int] = mapped_column(default=3, server_default="3")
    construction_starts_on: Mapped[date | None] = mapped_column(Date)
    construction_ends_on: Mapped[date | None] = mapped_column(Date)
    operating_since: Mapped[date | None] = mapped_column(Date)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    application: Mapped[Application] = relationship(lazy="joined")
    lead_org: Mapped[Organization] = relationship(lazy="joined")

    @property
    def display_name(self) -> str:
        """The name as documents print it: with "（筹）" while the center is being built."""
        if self.application.state in PREPARATORY_STATES:
            return self.name + PREPARATORY_MARK
        return self.name


class ChangeKind(StrEnum):
    """What a center asks to change (DOMAIN.md section 11): each needs the department's
    consent."""

    NAME = "name"
    LEAD_UNIT = "lead_unit"
    DIRECTOR = "director"
    COBUILDERS = "cobuilders"


KIND_LABELS = {ChangeKind.NAME: _l("Center name"), ChangeKind.LEAD_UNIT: _l("Lead unit"),
               ChangeKind.DIRECTOR: _l("Director"), ChangeKind.COBUILDERS: _l("Co-builders")}


class ChangeState(StrEnum):
    OPEN = "open"  # with the department
    APPROVED = "approved"  # applied to the center
    REFUSED = "refused"


class CenterChange(Base):
    """A change (变更) the center's lead unit asked for, with its reason and a supporting PDF
    (the new co-building agreement, the unit's resolution, ...), and the department's
    decision. `before` and `after` keep the values as they were when it was asked and as it
    asks them to be; on approval `after` is what the center became:
        name: {"name": ...}; director: {"director": ...};
        lead_unit: {"organization_id", "name", "credit_code"};
        cobuilders: {"cobuilders": [{"credit_code", "name", "division_of_work"}, ...]}.
    One open request per center and kind at a time: the database holds it."""

    __tablename__ = "center_changes"
    __table_args__ = (
        CheckConstraint("kind IN ('name', 'lead_unit', 'director', 'cobuilders')",
                        name="kind_known"),
        CheckConstraint("state IN ('open', 'approved', 'refused')", name="state_known"),
        CheckConstraint(
            "state = 'open' OR (decided_by_id IS NOT NULL AND decided_at IS NOT NULL "
            "AND decision_reason != '')", name="decided_has_reason"),
        CheckConstraint("document_size > 0", name="document_size_positive"),
        Index("uq_center_changes_open_kind", "center_id", "kind", unique=True,
              sqlite_where=text(_OPEN), postgresql_where=text(_OPEN)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id", ondelete="CASCADE"),
                                           index=True)
    kind: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(10), default=ChangeState.OPEN, index=True)
    reason: Mapped[str] = mapped_column(String(2000))
    before: Mapped[dict] = mapped_column(JSON)
    after: Mapped[dict] = mapped_column(JSON)
    # The supporting PDF, checked (core/pdf_check.py) and stored once under UPLOAD_DIR.
    document_name: Mapped[str] = mapped_column(String(80), unique=True)
    document_original: Mapped[str] = mapped_column(String(255))
    document_sha256: Mapped[str] = mapped_column(String(64))
    document_size: Mapped[int]
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_reason: Mapped[str] = mapped_column(String(2000), default="", server_default="")

    center: Mapped[Center] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class CenterCoBuilder(Base):
    """The center's co-builders as they are after its changes: written from the application's
    confirmed co-builders when the first change of them is approved, then by each approved
    change (a unit leaving keeps its row, with when and by which change it left). Before any
    such change the application's confirmed co-builders are the center's."""

    __tablename__ = "center_cobuilders"
    __table_args__ = (
        Index("uq_center_cobuilders_current", "center_id", "credit_code", unique=True,
              sqlite_where=text(_CURRENT), postgresql_where=text(_CURRENT)),
        CheckConstraint("left_at IS NULL OR left_change_id IS NOT NULL", name="left_by_change"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id", ondelete="CASCADE"),
                                           index=True)
    credit_code: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(200))
    division_of_work: Mapped[str] = mapped_column(String(1000), default="")
    # The verified unit holding the code, when there is one.
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    # None: a co-builder of the application, from the start.
    joined_change_id: Mapped[int | None] = mapped_column(ForeignKey("center_changes.id"))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    left_change_id: Mapped[int | None] = mapped_column(ForeignKey("center_changes.id"))
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RevocationReason(StrEnum):
    FAILED_RECTIFICATION = "failed_rectification"
    FRAUD = "fraud"
    ON_REQUEST = "on_request"


REASON_LABELS = {
    RevocationReason.FAILED_RECTIFICATION: _l("Rectification failed"),
    RevocationReason.FRAUD: _l("Fraud (falsified materials or data)"),
    RevocationReason.ON_REQUEST: _l("At the lead unit's request"),
}


class Revocation(Base):
    """The leadership's decision to revoke (撤销) a center: the kind of reason, the reason,
    who decided and when, and the decision document issued for it. Written just before the
    REVOKE action, whose guard asks for it."""

    __tablename__ = "center_revocations"
    __table_args__ = (
        CheckConstraint(
            "reason_kind IN ('failed_rectification', 'fraud', 'on_request')",
            name="reason_kind_known"),
        CheckConstraint("reason != ''", name="has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id", ondelete="CASCADE"),
                                           unique=True)
    reason_kind: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(String(4000))
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    # The numbered revocation decision (notices/operations/decisions.py), issued with it.
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision_documents.id"), unique=True)

    center: Mapped[Center] = relationship()
    decided_by: Mapped[User] = relationship()
    decision: Mapped[DecisionDocument] = relationship()


CHANGE_MACHINE = Machine(_l("change request"), CenterChange, "state", (
    Move("approve", frozenset({ChangeState.OPEN}), ChangeState.APPROVED, "approve_center_change"),
    Move("refuse", frozenset({ChangeState.OPEN}), ChangeState.REFUSED, "refuse_center_change"),
))
