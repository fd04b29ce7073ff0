"""Users and the roles they hold; one person can hold several roles."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from workflow.core.clock import now
from workflow.core.db import Base, UTCDateTime
from workflow.core.states import Role
from workflow.departments.models import Department
from workflow.organizations.models import Organization

# How a person gets the mails of their notifications: each at once, or one digest a day.
MAIL_DELIVERIES = ("immediate", "daily")


class User(UserMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("mail_delivery IN ('immediate', 'daily')", name="mail_delivery_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    # None until the person sets a password from the invitation mail.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    phone: Mapped[str] = mapped_column(String(30), default="")
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id"), index=True
    )
    # The department an officer or leader works for (workflow/departments/); others: none.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[object] = mapped_column(UTCDateTime(), default=now)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The second factor (TOTP, RFC 6238): the shared secret once enrolment is confirmed, and
    # the last time step used, so a code is accepted once.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None] = mapped_column()
    # Notification mails at once, or collected in one digest a day (inbox/digest.py); the
    # digest moment last covered, so that a day's digest is sent once.
    mail_delivery: Mapped[str] = mapped_column(String(10), default="immediate",
                                               server_default="immediate")
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organization: Mapped[Organization | None] = relationship(lazy="joined")
    department: Mapped[Department | None] = relationship(lazy="joined")
    role_rows: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_activated(self) -> bool:
        return self.password_hash is not None

    @property
    def has_totp(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(r.role) for r in self.role_rows)

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.password_changed_at = now()

    def check_password(self, password: str) -> bool:
        return self.password_hash is not None and check_password_hash(self.password_hash,
                                                                      password)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))

    user: Mapped[User] = relationship(back_populates="role_rows", foreign_keys=[user_id])
