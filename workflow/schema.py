"""All models, imported here so Alembic and the app see one metadata."""
from workflow.acceptance.models import (
    AcceptanceAttachment,
    AcceptanceExclusion,
    AcceptanceRequest,
    AcceptanceRubric,
    AcceptanceSeat,
    AcceptanceSheet,
)
from workflow.accounts.models.credentials import (
    AccountToken,
    LoginEvent,
    LoginThrottle,
    RecoveryCode,
    UserSession,
)
from workflow.accounts.models.users import User, UserRole
from workflow.calendar.models import CalendarDay
from workflow.calls.models import Call, CallField, PlatformType, RequiredAttachment
from workflow.centers.models import Center, CenterChange, CenterCoBuilder, Revocation
from workflow.core.db import Base
from workflow.core.models import AuditEntry
from workflow.departments.models import Department
from workflow.evaluation.models import (
    Evaluation,
    EvaluationRound,
    Rectification,
)
from workflow.experts.models import (
    ConflictDeclaration,
    Exclusion,
    Expert,
    ExpertEmployment,
    ExpertField,
    ExpertRelation,
)
from workflow.formal_review.models import ChecklistItem, CorrectionRequest, FormalReview
from workflow.inbox.models import Notification, OutboxMail
from workflow.intake.models import (
    Application,
    ApplicationSection,
    ApplicationVersion,
    Attachment,
    CoBuilder,
)
from workflow.notices.models import (
    DecisionDocument,
    DocumentNumber,
    Notice,
    NumberSeries,
    OfficialDocument,
)
from workflow.organizations.models import Licence, Organization, OrgKind, OrgStatus
from workflow.publicity.models import Objection, Publicity, PublicityEntry
from workflow.recommendation.models import Recommendation
from workflow.reports.models import AnnualReport, ReportAttachment, ReportRound, ReportValue
from workflow.review.models import AssignmentRun, PanelResult, PanelSeat, ScoreSheet
from workflow.task_books.models import TaskBook
from workflow.vocabulary.models import FieldTerm
from workflow.web.models import FormSubmission, KeptForm

__all__ = [
    "Evaluation", "EvaluationRound", "Rectification",
    "AcceptanceAttachment", "AcceptanceExclusion", "AcceptanceRequest", "AcceptanceRubric",
    "AcceptanceSeat", "AcceptanceSheet",
    "AnnualReport", "ReportAttachment", "ReportRound", "ReportValue",
    "TaskBook",
    "Center", "CenterChange", "CenterCoBuilder", "Revocation",
    "AccountToken", "Licence", "LoginEvent", "LoginThrottle", "OrgStatus", "RecoveryCode",
    "UserSession",
    "AssignmentRun", "PanelResult", "PanelSeat", "ScoreSheet",
    "Application", "ApplicationSection", "ApplicationVersion", "Attachment", "AuditEntry",
    "Base", "CalendarDay", "Call", "CallField", "ChecklistItem", "CoBuilder",
    "ConflictDeclaration", "CorrectionRequest", "DocumentNumber", "Exclusion", "Expert",
    "ExpertEmployment", "ExpertField", "ExpertRelation", "FieldTerm", "FormalReview", "Notice",
    "Notification", "NumberSeries", "OfficialDocument", "DecisionDocument", "Organization",
    "OrgKind",
    "Objection", "OutboxMail", "PlatformType", "Publicity", "PublicityEntry", "Recommendation",
    "RequiredAttachment", "User", "UserRole", "Department",
    "FormSubmission", "KeptForm",
]
