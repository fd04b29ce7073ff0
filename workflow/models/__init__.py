"""All models, imported here so Alembic and the app see one metadata."""
from workflow.models.accounts import (
    AccountToken,
    LoginEvent,
    LoginThrottle,
    RecoveryCode,
    UserSession,
)
from workflow.models.applications import (
    Application,
    ApplicationSection,
    ApplicationVersion,
    Attachment,
    CoBuilder,
)
from workflow.models.audit import AuditEntry
from workflow.models.base import Base
from workflow.models.calendar import CalendarDay
from workflow.models.calls import Call, CallField, PlatformType, RequiredAttachment
from workflow.models.experts import (
    ConflictDeclaration,
    Exclusion,
    Expert,
    ExpertEmployment,
    ExpertField,
    ExpertRelation,
)
from workflow.models.fields import FieldTerm
from workflow.models.formal_review import ChecklistItem, CorrectionRequest, FormalReview
from workflow.models.notices import DocumentNumber, Notice, NumberSeries, OfficialDocument
from workflow.models.notifications import Notification, OutboxMail
from workflow.models.organizations import Licence, Organization, OrgKind, OrgStatus
from workflow.models.publicity import Objection, Publicity, PublicityEntry
from workflow.models.recommendations import Recommendation
from workflow.models.reviews import AssignmentRun, PanelResult, PanelSeat, ScoreSheet
from workflow.models.submissions import FormSubmission, KeptForm
from workflow.models.users import User, UserRole

__all__ = [
    "AccountToken", "Licence", "LoginEvent", "LoginThrottle", "OrgStatus", "RecoveryCode",
    "UserSession",
    "AssignmentRun", "PanelResult", "PanelSeat", "ScoreSheet",
    "Application", "ApplicationSection", "ApplicationVersion", "Attachment", "AuditEntry",
    "Base", "CalendarDay", "Call", "CallField", "ChecklistItem", "CoBuilder",
    "ConflictDeclaration", "CorrectionRequest", "DocumentNumber", "Exclusion", "Expert",
    "ExpertEmployment", "ExpertField", "ExpertRelation", "FieldTerm", "FormalReview", "Notice",
    "Notification", "NumberSeries", "OfficialDocument", "Organization", "OrgKind",
    "Objection", "OutboxMail", "PlatformType", "Publicity", "PublicityEntry", "Recommendation",
    "RequiredAttachment", "User", "UserRole",
    "FormSubmission", "KeptForm",
]
