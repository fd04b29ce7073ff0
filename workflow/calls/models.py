"""Platform types and calls with their fields and required attachments."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflow.calls.chains import DEFAULT_CHAIN, DEFAULT_COUNTY_QUOTA
from workflow.calls.stages import CallStage
from workflow.core.clock import now
from workflow.core.db import Base, UTCDateTime
from workflow.core.states import CallState
from workflow.departments.models import Department
from workflow.vocabulary.models import FieldTerm


class PlatformType(Base):
    __tablename__ = "platform_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    issuing_department: Mapped[str] = mapped_column(String(100))


class Call(Base):
    __tablename__ = "calls"
    __table_args__ = (
        CheckConstraint("closes_at > opens_at", name="window_order"),
        CheckConstraint("quota > 0", name="quota_positive"),
        CheckConstraint("recommender_quota > 0", name="recommender_quota_positive"),
        CheckConstraint("correction_workdays BETWEEN 1 AND 60", name="correction_workdays_range"),
        CheckConstraint("correction_rounds BETWEEN 0 AND 5", name="correction_rounds_range"),
        CheckConstraint("publicity_workdays BETWEEN 1 AND 30", name="publicity_workdays_range"),
        CheckConstraint("stage IN ('', 'cultivation', 'recognition')", name="stage_known"),
        CheckConstraint("prerequisite_call_id IS NULL OR prerequisite_call_id != id",
                        name="prerequisite_not_self"),
        CheckConstraint("recommendation_chain IN ('city', 'county,city', 'department')",
                        name="recommendation_chain_known"),
        CheckConstraint("county_quota > 0", name="county_quota_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_type_id: Mapped[int] = mapped_column(ForeignKey("platform_types.id"))
    # The department that runs the call: only its officers and leaders act on it.
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    year: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(4000), default="")
    state: Mapped[str] = mapped_column(String(20), default=CallState.PLANNED, index=True)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    quota: Mapped[int] = mapped_column(default=30)
    recommender_quota: Mapped[int] = mapped_column(default=5)
    # Recommenders act, and returned applications are resubmitted, before this moment.
    recommend_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Years a center approved by this call has to build itself before acceptance.
    construction_years: Mapped[int] = mapped_column(default=3, server_default="3")
    correction_workdays: Mapped[int] = mapped_column(default=5, server_default="5")
    correction_rounds: Mapped[int] = mapped_column(default=1, server_default="1")
    # Eligibility settings (DOMAIN.md section 4): evaluated by the eligibility rules.
    eligibility: Mapped[dict] = mapped_column(JSON, default=dict)
    # The scoring rubric (dimensions, items, points, veto items); empty: DOMAIN.md's default.
    rubric: Mapped[dict] = mapped_column(JSON, default=dict)
    # Expert review settings: k, max_load, aggregation, dispersion limits, stage weights.
    review_settings: Mapped[dict] = mapped_column(JSON, default=dict)
    # Experts submit their score sheets before this moment; they are reminded before it.
    review_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Publicity (公示): the period in working days, the phones and texts of the announcement.
    publicity_workdays: Mapped[int] = mapped_column(default=5, server_default="5")
    publicity_settings: Mapped[dict] = mapped_column(JSON, default=dict)
    # The approval notice: issuing agency and office code, template, addressees, 抄送, seal.
    notice_settings: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    # Two-stage programs (calls/stages.py): the stage, whether the call stays open all year
    # and decides application by application, and who may apply: the lead units of the
    # applications approved in the prerequisite call, or of a center in the given state.
    stage: Mapped[str] = mapped_column(String(20), default=CallStage.NONE, server_default="")
    rolling: Mapped[bool] = mapped_column(default=False, server_default=false())
    prerequisite_call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"))
    prerequisite_state: Mapped[str | None] = mapped_column(String(20))
    # The chain of recommendation (calls/chains.py, recommendation/levels.py): the county
    # level passes up within its own quota and before its own deadline; the last level uses
    # recommender_quota and recommend_deadline.
    recommendation_chain: Mapped[str] = mapped_column(String(20), default=DEFAULT_CHAIN,
                                                      server_default=DEFAULT_CHAIN.value)
    county_quota: Mapped[int] = mapped_column(default=DEFAULT_COUNTY_QUOTA,
                                              server_default=str(DEFAULT_COUNTY_QUOTA))
    county_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())

    platform_type: Mapped[PlatformType] = relationship(lazy="joined")
    department: Mapped[Department] = relationship(lazy="joined")
    prerequisite_call: Mapped["Call | None"] = relationship(remote_side=[id])
    fields: Mapped[list["CallField"]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="CallField.position",
        lazy="selectin",
    )
    required_attachments: Mapped[list["RequiredAttachment"]] = relationship(
        back_populates="call", cascade="all, delete-orphan",
        order_by="RequiredAttachment.position", lazy="selectin",
    )

    def accepts_filings(self, at: datetime) -> bool:
        return self.state == CallState.OPEN and self.opens_at <= at < self.closes_at


class CallField(Base):
    """A technical field (技术领域) applications of a call choose from: a term of the
    vocabulary the expert pool's fields come from too."""

    __tablename__ = "call_fields"
    __table_args__ = (UniqueConstraint("call_id", "term_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    term_id: Mapped[int] = mapped_column(ForeignKey("field_terms.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    call: Mapped[Call] = relationship(back_populates="fields")
    term: Mapped[FieldTerm] = relationship(lazy="joined")

    @property
    def name(self) -> str:
        return self.term.name


class RequiredAttachment(Base):
    __tablename__ = "required_attachments"
    __table_args__ = (UniqueConstraint("call_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    mandatory: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    # The most pages its PDF may have (the call's form sets it); None: the installation's limit.
    max_pages: Mapped[int | None]

    call: Mapped[Call] = relationship(back_populates="required_attachments")
