"""Writing and reading the audit trail."""
import hashlib
import json

from sqlalchemy import select

from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Role

EDIT_ACTIONS = frozenset({"edit_section", "edit_basics"})


def primary_role(actor) -> str:
    roles = getattr(actor, "roles", frozenset())
    for role in (Role.SYSTEM, Role.OFFICER, Role.LEADER, Role.RECOMMENDER, Role.EXPERT):
        if role in roles:
            return role
    return Role.APPLICANT


def record(*, actor, action: str, application=None, call=None, role=None,
           from_state=None, to_state=None, comment: str = "", subject=None,
           organization=None) -> AuditEntry:
    """Add one audit row for a decision or an event; the caller's transaction commits it.

    `subject` is the user an account decision is about, `organization` the unit an identity
    decision is about."""
    entry = AuditEntry(
        subject_user_id=getattr(subject, "id", None),
        organization_id=getattr(organization, "id", None),
        application_id=application.id if application is not None else None,
        call_id=call.id if call is not None else (application.call_id if application else None),
        actor_id=getattr(actor, "id", None),
        role=str(role or primary_role(actor)),
        action=str(action),
        from_state=str(from_state) if from_state is not None else None,
        to_state=str(to_state) if to_state is not None else None,
        comment=comment,
    )
    db.session.add(entry)
    return entry


def content_sha256(content) -> str:
    """The SHA-256 of `content` as canonical JSON (keys sorted, no spaces, UTF-8): the same
    content gives the same digest whatever order its fields were typed in."""
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def edit_comment(part: str, content) -> str:
    """The comment of an edit's audit row: which part (a section key, "basics") and the
    SHA-256 of what it holds now, e.g. "foundation sha256:9f86d0…"."""
    return f"{part} sha256:{content_sha256(content)}"


def edited_part(entry: AuditEntry) -> tuple[str, str] | None:
    """(part, SHA-256) of an edit row written with edit_comment, else None."""
    part, found, digest = entry.comment.partition(" sha256:")
    return (part, digest) if found and entry.action in EDIT_ACTIONS else None


def timeline(application) -> list[AuditEntry]:
    return list(db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.application_id == application.id)
        .order_by(AuditEntry.at, AuditEntry.id)
    ))


def about_user(user, limit: int = 100) -> list[AuditEntry]:
    """The account decisions about `user` and the ones `user` took on accounts, newest first."""
    return list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.subject_user_id == user.id)
        .order_by(AuditEntry.id.desc()).limit(limit)))
