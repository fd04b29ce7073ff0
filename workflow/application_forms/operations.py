"""Building a call's application form: start it from a shipped template or another call's
form, change it, freeze it at the first filing. The only writer of ApplicationForm rows and
of a call's required attachments once it has a form."""
import hashlib
import json

from flask_babel import gettext as _
from sqlalchemy import select, update

from workflow.application_forms import queries, schema
from workflow.application_forms.models import ApplicationForm
from workflow.application_forms.shipped import SHIPPED
from workflow.calls.models import Call, RequiredAttachment
from workflow.core import audit
from workflow.core.clock import now
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.intake.models import Application
from workflow.lifecycle.permissions import can


def digest(definition: dict) -> str:
    return hashlib.sha256(json.dumps(definition, sort_keys=True, ensure_ascii=False)
                          .encode()).hexdigest()


def source_definition(source: str, *, actor) -> dict:
    """The definition named by `source`: "template:<code>" or "call:<id>" (a call the actor
    may manage)."""
    kind, _sep, ref = (source or "").partition(":")
    if kind == "template" and ref in SHIPPED:
        return json.loads(json.dumps(SHIPPED[ref][1]))
    if kind == "call" and ref.isdigit():
        other = db.session.get(Call, int(ref))
        if other is not None and can(actor, "call.manage", other):
            row = queries.current_form(other)
            if row is not None:
                return json.loads(json.dumps(row.definition))
    raise ServiceError(_("Choose a template or an earlier call to start from."))


def install_default(call: Call, *, actor, attachments=()) -> ApplicationForm:
    """Give a new call the shipped form of its platform type (calls/operations create_call);
    `attachments` (RequiredAttachment rows), when given, replace the template's."""
    code = queries.default_template(call)
    definition = json.loads(json.dumps(SHIPPED[code][1]))
    if attachments:
        definition["attachments"] = attachment_list(attachments, definition["attachments"])
    return _write(call, definition, source=f"template:{code}", actor=actor)


def attachment_list(rows, shipped=()) -> list[dict]:
    """A form's attachments from a call's RequiredAttachment rows; one the template ships
    under the same code and Chinese label keeps its English label."""
    english = {(a["key"], a["label"].get("zh")): a["label"].get("en") for a in shipped}
    return [{"key": r.code, "label": {k: v for k, v in (
                ("zh", r.label), ("en", english.get((r.code, r.label)))) if v},
             "required": bool(r.mandatory), "max_pages": getattr(r, "max_pages", None)}
            for r in rows]


def start_from(call: Call, source: str, *, actor) -> ApplicationForm:
    """Replace `call`'s form by a copy of a template or of another call's form."""
    _require(actor, call)
    return save(call, source_definition(source, actor=actor), actor=actor, source=source)


def save(call: Call, definition: dict, *, actor, source: str = "") -> ApplicationForm:
    """Keep `definition` as `call`'s form. While no application was filed against the current
    version it changes in place; once frozen, the change becomes the next version (filed
    applications keep theirs). Side effects: the row, the call's required attachments, one
    audit row naming the version and the definition's SHA-256. Refused with every problem
    found (schema.problems), changing nothing."""
    _require(actor, call)
    problems = schema.problems(definition)
    if problems:
        raise ServiceError(*problems)
    current = queries.current_form(call)
    if current is not None and current.definition == definition:
        return current
    return _write(call, definition, source=source or (current.source if current else ""),
                  actor=actor)


def _write(call: Call, definition: dict, *, source: str, actor) -> ApplicationForm:
    current = queries.current_form(call)
    db.session.info.pop(queries.CACHE, None)
    if current is None or current.frozen_at is not None:
        row = ApplicationForm(call_id=call.id, version=(current.version + 1) if current else 1,
                              definition=definition, source=source, sha256=digest(definition),
                              created_by_id=getattr(actor, "id", None), created_at=now())
        db.session.add(row)
        db.session.flush()
        _move_drafts(call, row)
    else:
        row = current
        row.definition, row.source, row.sha256 = definition, source, digest(definition)
    db.session.flush()
    _sync_attachments(call, row.form)
    audit.record(actor=actor, action="edit_form", call=call,
                 comment=_("Form version %(v)d, SHA-256 %(digest)s", v=row.version,
                           digest=row.sha256))
    db.session.flush()
    return row


def _move_drafts(call: Call, row: ApplicationForm) -> None:
    """Drafts never filed follow the newest version; filed applications keep theirs."""
    db.session.execute(update(Application).where(
        Application.call_id == call.id, Application.version_count == 0)
        .values(form_id=row.id).execution_options(synchronize_session=False))
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Application) and obj.call_id == call.id:
            db.session.expire(obj, ["form_id", "form"])


def _sync_attachments(call: Call, form: schema.FormDef) -> None:
    """The call's required attachments are the form's: each upload names one by its key."""
    rows = {r.code: r for r in db.session.scalars(select(RequiredAttachment).where(
        RequiredAttachment.call_id == call.id))}
    wanted = {a.key for a in form.attachments}
    for code, row in rows.items():
        if code not in wanted:
            db.session.delete(row)
    for position, attachment in enumerate(form.attachments):
        row = rows.get(attachment.key) or RequiredAttachment(call_id=call.id,
                                                             code=attachment.key)
        row.label = attachment.labels.get("zh", attachment.key)
        row.mandatory, row.max_pages, row.position = (attachment.required,
                                                      attachment.max_pages, position)
        db.session.add(row)
    db.session.flush()
    db.session.expire(call, ["required_attachments"])


def freeze_for(app) -> ApplicationForm:
    """At a filing: `app` keeps the form it was filled in, which freezes (a later change
    makes the next version). Gives a call without a form its default one first."""
    row = queries.form_row_of(app) or install_default(app.call, actor=None)
    if row.frozen_at is None:
        row.frozen_at = now()
    app.form = row
    db.session.flush()
    return row


def _require(actor, call: Call) -> None:
    if not can(actor, "call.manage", call):
        raise PermissionDenied("call.manage")
