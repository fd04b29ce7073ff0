"""Enterprise intake: starting, filling, co-builders, and the rules of submission."""
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from workflow import creditcode
from workflow.clock import now
from workflow.extensions import db
from workflow.models import Application, ApplicationSection, CoBuilder
from workflow.permissions import Part, can
from workflow.sections import BY_KEY, SECTIONS, missing_fields
from workflow.services import audit
from workflow.services.errors import PermissionDenied, ServiceError
from workflow.states import AppState

LIVE_STATES = frozenset(AppState) - {AppState.WITHDRAWN, AppState.EXPIRED}


def _require(actor, permission: str, obj) -> None:
    if not can(actor, permission, obj):
        raise PermissionDenied(permission)


def start_application(call, *, title: str, field_id: int, actor) -> Application:
    """Open a draft for the actor's organization in an open call; one live one per call."""
    _require(actor, "call.apply", call)
    if not call.accepts_filings(now()):
        raise ServiceError(_("This call does not accept applications now."))
    field = next((f for f in call.fields if f.id == field_id), None)
    if field is None:
        raise ServiceError(_("Choose one of the call's technical fields."))
    existing = db.session.scalar(
        select(Application.id).where(
            Application.call_id == call.id,
            Application.lead_org_id == actor.organization_id,
            Application.state.in_([s.value for s in LIVE_STATES]),
        )
    )
    if existing is not None:
        raise ServiceError(_("Your organization has an application in this call already."))
    app = Application(
        call=call, lead_org=actor.organization, field=field, title=title.strip(),
        region_code=actor.organization.region_code, created_by_id=actor.id,
        state=AppState.DRAFT,
    )
    db.session.add(app)
    db.session.flush()
    audit.record(actor=actor, action="create_application", application=app,
                 to_state=AppState.DRAFT)
    return app


def update_basics(app: Application, *, title: str, field_id: int, actor) -> None:
    _require(actor, "application.edit_part", Part(app, "basics"))
    field = next((f for f in app.call.fields if f.id == field_id), None)
    if field is None:
        raise ServiceError(_("Choose one of the call's technical fields."))
    app.title = title.strip()
    app.field = field
    db.session.flush()


def save_section(app: Application, key: str, data: dict, *, actor) -> ApplicationSection:
    """Keep what was typed in one section (a draft may be incomplete)."""
    if key not in BY_KEY:
        raise ServiceError(_("There is no such section."))
    _require(actor, "application.edit_part", Part(app, f"section:{key}"))
    allowed = {f.key for f in BY_KEY[key].fields}
    clean = {k: _jsonable(v) for k, v in data.items() if k in allowed}
    row = next((s for s in app.sections if s.key == key), None)
    if row is None:
        row = ApplicationSection(application=app, key=key)
        db.session.add(row)
    row.data = clean
    row.updated_by_id = actor.id
    db.session.flush()
    return row


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


def add_cobuilder(app: Application, *, credit_code: str, name: str, division: str,
                  actor) -> CoBuilder:
    """Name a partner unit by credit code; it is linked when that unit has an account."""
    _require(actor, "application.edit_part", Part(app, "cobuilders"))
    code = creditcode.normalize(credit_code)
    reason = creditcode.problem(code)
    if reason:
        raise ServiceError(reason)
    if code == app.lead_org.credit_code:
        raise ServiceError(_("The lead unit cannot be its own co-builder."))
    if any(c.credit_code == code for c in app.cobuilders):
        raise ServiceError(_("This unit is a co-builder already."))
    from workflow.services.accounts import find_organization

    org = find_organization(code)
    row = CoBuilder(application=app, credit_code=code, name=org.name if org else name.strip(),
                    division_of_work=division.strip(), organization=org)
    db.session.add(row)
    audit.record(actor=actor, action="add_cobuilder", application=app,
                 comment=f"{row.name} {code}")
    db.session.flush()
    return row


def remove_cobuilder(app: Application, cobuilder_id: int, *, actor) -> None:
    _require(actor, "application.edit_part", Part(app, "cobuilders"))
    row = next((c for c in app.cobuilders if c.id == cobuilder_id), None)
    if row is None:
        raise ServiceError(_("There is no such co-builder."))
    app.cobuilders.remove(row)
    audit.record(actor=actor, action="remove_cobuilder", application=app,
                 comment=f"{row.name} {row.credit_code}")
    db.session.flush()


def confirm_cobuilding(app: Application, *, actor) -> CoBuilder:
    """The co-builder's own account confirms its participation; any edit after a
    confirmation keeps it, since the lead unit cannot change the co-builder's identity."""
    _require(actor, "application.confirm_cobuilding", app)
    row = next(c for c in app.cobuilders if c.organization_id == actor.organization_id)
    if row.confirmed_at is not None:
        raise ServiceError(_("Your organization has confirmed already."))
    row.confirmed_at = now()
    row.confirmed_by_id = actor.id
    audit.record(actor=actor, action="confirm_cobuilding", application=app,
                 comment=f"{row.name} {row.credit_code}")
    db.session.flush()
    return row


def submission_problems(app: Application) -> list[str]:
    """Everything that stops `app` from being filed, each in words for the applicant."""
    problems = []
    if not app.title.strip():
        problems.append(_("Give the center a name."))
    for section in SECTIONS:
        missing = missing_fields(section, app.section_data(section.key))
        if missing:
            problems.append(_("Section %(n)d “%(title)s”: %(fields)s missing.", n=section.number,
                              title=section.title,
                              fields=_(", ").join(str(f.label) for f in missing)))
    present = {a.kind for a in app.current_attachments()}
    for req in app.call.required_attachments:
        if req.mandatory and req.code not in present:
            problems.append(_("Attachment missing: %(label)s.", label=req.label))
    for cob in app.cobuilders:
        if cob.confirmed_at is None:
            problems.append(_("Co-builder %(name)s has not confirmed.", name=cob.name))
    return problems


def snapshot(app: Application) -> dict:
    return {
        "title": app.title,
        "field": app.field.name if app.field else "",
        "lead_org": {"name": app.lead_org.name, "credit_code": app.lead_org.credit_code},
        "sections": {s.key: dict(s.data) for s in app.sections},
        "cobuilders": [
            {"name": c.name, "credit_code": c.credit_code, "division": c.division_of_work,
             "confirmed": c.confirmed_at is not None}
            for c in app.cobuilders
        ],
        "attachments": [
            {"id": a.id, "kind": a.kind, "name": a.original_name, "sha256": a.sha256,
             "size": a.size_bytes}
            for a in app.current_attachments()
        ],
    }

