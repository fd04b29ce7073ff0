"""All models, imported here so Alembic and the app see one metadata."""
from workflow.models.applications import (
    Application,
    ApplicationSection,
    ApplicationVersion,
    Attachment,
    CoBuilder,
)
from workflow.models.audit import AuditEntry
from workflow.models.base import Base
from workflow.models.calls import Call, CallField, PlatformType, RequiredAttachment
from workflow.models.organizations import Organization, OrgKind
from workflow.models.users import User, UserRole

__all__ = [
    "Application", "ApplicationSection", "ApplicationVersion", "Attachment", "AuditEntry",
    "Base", "Call", "CallField", "CoBuilder", "Organization", "OrgKind", "PlatformType",
    "RequiredAttachment", "User", "UserRole",
]
