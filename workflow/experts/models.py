"""The expert pool: experts, their fields, past employers, declared relations and conflicts,
and the exclusions computed from them (DOMAIN.md section 6)."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from workflow.accounts.models.users import User
from workflow.core.clock import now
from workflow.core.db import Base, UTCDateTime
from workflow.intake.models import Application
from workflow.vocabulary.models import FieldTerm

RELATION_KINDS = ("kin", "coauthor", "supervisor", "student", "investment", "helped_write")
EMPLOYMENT_ROLES = ("employee", "board")
EXCLUSION_RULES = ("R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "D")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Expert(Base):
    __tablename__ = "experts"
    __table_args__ = (
        CheckConstraint("length(employer_credit_code) = 18", name="employer_credit_code_length"),
        CheckConstraint("length(region_code) = 6", name="region_code_length"),
        CheckConstraint("birth_year >= 1900", name="birth_year_plausible"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The login of an expert who has one; imported experts get theirs when invited.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    employer_name: Mapped[str] = mapped_column(String(200))
    employer_credit_code: Mapped[str] = mapped_column(String(18), index=True)
    # The city (地级市), e.g. 370100.
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    title: Mapped[str] = mapped_column(String(50))
    birth_year: Mapped[int]
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(254), default="", index=True)
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    user: Mapped[User | None] = relationship()
    # Read when asked for: a seat's expert is loaded on many paths that need none of these.
    # Whatever reads them for many experts (the conflict rules, the assignment) loads them
    # with rule_data() below.
    fields: Mapped[list["ExpertField"]] = relationship(
        back_populates="expert", cascade="all, delete-orphan", order_by="ExpertField.id",
    )
    employments: Mapped[list["ExpertEmployment"]] = relationship(
        back_populates="expert", cascade="all, delete-orphan",
    )
    relations: Mapped[list["ExpertRelation"]] = relationship(
        back_populates="expert", cascade="all, delete-orphan",
    )
    declarations: Mapped[list["ConflictDeclaration"]] = relationship(
        back_populates="expert", cascade="all, delete-orphan",
    )

    def age_in(self, year: int) -> int:
        return year - self.birth_year

    def __repr__(self) -> str:
        return f"<Expert {self.id} {self.name}>"


class ExpertField(Base):
    """A technical field the expert reviews in: a term of the vocabulary calls choose their
    fields from (vocabulary/rules.py matches them)."""

    __tablename__ = "expert_fields"
    __table_args__ = (UniqueConstraint("expert_id", "term_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"))
    term_id: Mapped[int] = mapped_column(ForeignKey("field_terms.id"), index=True)

    expert: Mapped[Expert] = relationship(back_populates="fields")
    term: Mapped[FieldTerm] = relationship(lazy="joined")

    @property
    def name(self) -> str:
        return self.term.name


class ExpertEmployment(Base):
    """A past (or parallel) employer or board seat, for rule R2."""

    __tablename__ = "expert_employments"
    __table_args__ = (
        CheckConstraint(_one_of("role", EMPLOYMENT_ROLES), name="role_known"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_order"),
        CheckConstraint("length(credit_code) = 18", name="credit_code_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(
        ForeignKey("experts.id", ondelete="CASCADE"), index=True
    )
    credit_code: Mapped[str] = mapped_column(String(18), index=True)
    org_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10), default="employee")
    start_date: Mapped[date] = mapped_column(Date())
    end_date: Mapped[date | None] = mapped_column(Date())

    expert: Mapped[Expert] = relationship(back_populates="employments")


class ExpertRelation(Base):
    """A relation the expert declared with a person (by name) or an organization (by credit
    code), for rules R4-R7."""

    __tablename__ = "expert_relations"
    __table_args__ = (
        CheckConstraint(_one_of("kind", RELATION_KINDS), name="kind_known"),
        CheckConstraint("person_name IS NOT NULL OR credit_code IS NOT NULL",
                        name="names_someone"),
        CheckConstraint("until IS NULL OR since IS NULL OR until >= since", name="dates_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(
        ForeignKey("experts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    person_name: Mapped[str | None] = mapped_column(String(50))
    credit_code: Mapped[str | None] = mapped_column(String(18))
    since: Mapped[date | None] = mapped_column(Date())
    until: Mapped[date | None] = mapped_column(Date())
    note: Mapped[str] = mapped_column(String(500), default="")

    expert: Mapped[Expert] = relationship(back_populates="relations")


class ConflictDeclaration(Base):
    """A conflict the expert declares on an application; excludes the pair (rule D)."""

    __tablename__ = "conflict_declarations"
    __table_args__ = (UniqueConstraint("expert_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"))
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    expert: Mapped[Expert] = relationship(back_populates="declarations")
    application: Mapped[Application] = relationship()


class Exclusion(Base):
    """An (expert, application) pair that may not be assigned, with the rule that says so."""

    __tablename__ = "exclusions"
    __table_args__ = (
        UniqueConstraint("expert_id", "application_id", "rule"),
        CheckConstraint(_one_of("rule", EXCLUSION_RULES), name="rule_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"))
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    rule: Mapped[str] = mapped_column(String(2))
    detail: Mapped[str] = mapped_column(String(500), default="")
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    expert: Mapped[Expert] = relationship()
    application: Mapped[Application] = relationship()


def rule_data() -> tuple:
    """What the conflict rules and the assignment read of each expert, loaded in four
    statements for any number of experts: `select(Expert).options(*rule_data())`. (A function:
    loader options configure the mappers, which needs every model imported.)"""
    return (selectinload(Expert.fields).joinedload(ExpertField.term),
            selectinload(Expert.employments), selectinload(Expert.relations),
            selectinload(Expert.declarations))
