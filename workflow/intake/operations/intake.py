"""Enterprise intake: starting, filling, co-builders, and the rules of submission."""
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from workflow.application_forms import schema
from workflow.application_forms.queries import current_form, form_of, form_row_of, values
from workflow.calls.chains import Chain
from workflow.core import audit, creditcode
from workflow.core.clock import now
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.states import LIVE_STATES, AppState
from workflow.intake.models import Application, ApplicationSection, CoBuilder
from workflow.intake.operations import cobuilders
from workflow.intake.rules import eligibility
from workflow.lifecycle import handoffs
from workflow.lifecycle.permissions import Part, can
from workflow.organizations.models import OrgStatus
from workflow.recommendation.levels import county_code_of


def _require(actor, permission: str, obj) -> None:
    if not can(actor, permission, obj):
        raise PermissionDenied(permission)


class AlreadyApplied(ServiceError):
    """The unit has a live application in the call (live_application_id finds it)."""

    def __init__(self):
        super().__init__(_("Your organization has an application in this call already."))


def live_application_id(call, organization_id: int) -> int | None:
    return db.session.scalar(select(Application.id).where(
        Application.call_id == call.id, Application.lead_org_id == organization_id,
        Application.state.in_([s.value for s in LIVE_STATES])))


def start_application(call, *, title: str, field_id: int, actor) -> Application:
    """Open a draft for the actor's organization in an open call, refused when the unit
    lacks the call's prerequisite (an approval in an earlier call, a center's state). One
    live application per unit and call, held by a unique index: a second one, also from a
    request running at the same moment, raises AlreadyApplied (the caller rolls back). Side
    effects: the row and an audit row, flushed."""
    _require(actor, "call.apply", call)
    if not call.accepts_filings(now()):
        raise ServiceError(_("This call does not accept applications now."))
    field = next((f for f in call.fields if f.id == field_id), None)
    if field is None:
        raise ServiceError(_("Choose one of the call's technical fields."))
    if live_application_id(call, actor.organization_id) is not None:
        raise AlreadyApplied()
    if problems := eligibility.prerequisite_problems(call, actor.organization_id):
        raise ServiceError(*problems)
    app = Application(
        call=call, lead_org=actor.organization, field=field, title=title.strip(),
        region_code=actor.organization.region_code, created_by_id=actor.id,
        county_code=county_code_of(actor.organization.region_code,
                                   actor.organization.credit_code),
        state=AppState.DRAFT, form=current_form(call),
    )
    db.session.add(app)
    try:
        db.session.flush()
    except IntegrityError as exc:  # another request started one a moment ago
        raise AlreadyApplied() from exc
    audit.record(actor=actor, action="create_application", application=app,
                 to_state=AppState.DRAFT)
    return app


def update_basics(app: Application, *, title: str, field_id: int, actor) -> None:
    """Rename the center or change its field. Side effects: one audit row "edit_basics"
    with the SHA-256 of the new name and field (audit.edit_comment) when they changed."""
    _require(actor, "application.edit_part", Part(app, "basics"))
    field = next((f for f in app.call.fields if f.id == field_id), None)
    if field is None:
        raise ServiceError(_("Choose one of the call's technical fields."))
    before = _basics(app)
    app.title = title.strip()
    app.field = field
    if _basics(app) != before:
        audit.record(actor=actor, action="edit_basics", application=app,
                     comment=audit.edit_comment("basics", _basics(app)))
    db.session.flush()


def _basics(app: Application) -> dict:
    return {"title": app.title, "field": app.field.name if app.field else ""}


def save_section(app: Application, key: str, data: dict, *, actor) -> ApplicationSection:
    """Keep what was typed in one section of `app`'s form (a draft may be incomplete;
    forms/form_fields.py checked each value by its kind). Side effects: the section's row;
    one audit row "edit_section" naming the section, with the SHA-256 of its content
    (audit.edit_comment), when the content changed."""
    section = form_of(app).section(key)
    if section is None:
        raise ServiceError(_("There is no such section."))
    _require(actor, "application.edit_part", Part(app, f"section:{key}"))
    allowed = {f.key for f in section.fields}
    clean = {k: _jsonable(v) for k, v in data.items() if k in allowed}
    row = next((s for s in app.sections if s.key == key), None)
    if row is None:
        row = ApplicationSection(application=app, key=key)
        db.session.add(row)
    elif row.data == clean:
        return row
    row.data = clean
    row.updated_by_id = actor.id
    if app.form_id is None:
        app.form = form_row_of(app)
    audit.record(actor=actor, action="edit_section", application=app,
                 comment=audit.edit_comment(key, clean))
    db.session.flush()
    return row


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


def add_cobuilder(app: Application, *, credit_code: str, name: str, division: str,
                  contact_email: str = "", actor) -> CoBuilder:
    """Name a partner unit by credit code and invite it (intake/operations/cobuilders.py):
    a verified unit holding the code is linked and told; without one, `contact_email`, when
    given, is mailed an invitation to register. A lead unit not verified yet invites once it is.

    Side effects: the row, audit rows, notifications and mails; flushed. On a ServiceError
    the caller rolls back."""
    _require(actor, "application.edit_part", Part(app, "cobuilders"))
    code = creditcode.normalize(credit_code)
    reason = creditcode.problem(code)
    if reason:
        raise ServiceError(reason)
    if code == app.lead_org.credit_code:
        raise ServiceError(_("The lead unit cannot be its own co-builder."))
    if any(c.credit_code == code for c in app.cobuilders):
        raise ServiceError(_("This unit is a co-builder already."))
    row = CoBuilder(application=app, credit_code=code, name=name.strip(),
                    division_of_work=division.strip(),
                    contact_email=contact_email.strip().lower())
    db.session.add(row)
    audit.record(actor=actor, action="add_cobuilder", application=app,
                 comment=f"{row.name} {code}")
    try:
        db.session.flush()
    except IntegrityError as exc:  # the same unit added by another request a moment ago
        raise ServiceError(_("This unit is a co-builder already.")) from exc
    cobuilders.invite_cobuilder(row, actor=actor)
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
    confirmation keeps it, since the lead unit cannot change the co-builder's identity.
    Side effects: an audit row; the lead unit is told."""
    _require(actor, "application.confirm_cobuilding", app)
    row = next(c for c in app.cobuilders if c.organization_id == actor.organization_id)
    if row.confirmed_at is not None:
        raise ServiceError(_("Your organization has confirmed already."))
    row.confirmed_at = now()
    row.confirmed_by_id = actor.id
    audit.record(actor=actor, action="confirm_cobuilding", application=app,
                 comment=f"{row.name} {row.credit_code}")
    db.session.flush()
    handoffs.cobuilding_confirmed(app, actor.organization, actor)
    return row


def submission_problems(app: Application) -> list[str]:
    """Everything that stops `app` from being filed, each in words for the applicant."""
    problems = []
    if app.lead_org.status == OrgStatus.UNVERIFIED:
        problems.append(_("Your organization is waiting for its verification (the science "
                          "bureau of your city or the department compares its business "
                          "licence with its registration); you can submit once it is "
                          "verified."))
    elif app.lead_org.status == OrgStatus.REJECTED:
        problems.append(_("Your organization's registration was rejected: correct it on the "
                          "page of your organization, and submit once it is verified."))
    if not app.title.strip():
        problems.append(_("Give the center a name."))
    if (app.call.recommendation_chain == Chain.DEPARTMENT
            and app.lead_org.supervising_org_id is None):
        problems.append(_("This call is recommended by provincial departments: name your "
                          "unit's supervising department on the page of your organization "
                          "first."))
    form, every_value = form_of(app), values(app)
    for section in form.sections:
        missing = schema.missing(section, app.section_data(section.key), every_value)
        if missing:
            problems.append(_("Section %(n)d “%(title)s”: %(fields)s missing.", n=section.number,
                              title=section.title,
                              fields=_(", ").join(f.label_for(app.call.year) for f in missing)))
    present = {a.kind for a in app.current_attachments()}
    for req in app.call.required_attachments:
        if req.mandatory and req.code not in present:
            problems.append(_("Attachment missing: %(label)s.", label=req.label))
    for cob in app.cobuilders:
        if cob.confirmed_at is None:
            problems.append(_("Co-builder %(name)s has not confirmed.", name=cob.name))
    return problems


def snapshot(app: Application) -> dict:
    """What a filing freezes; `form_id` names the version of the form it was filled in."""
    return {
        "form_id": app.form_id,
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

