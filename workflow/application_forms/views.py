"""The officer's form builder: a call's form with its versions, the editors of a section, a
field and an attachment, starting over from a template or an earlier call, and the preview
as the applicant sees it. Each change is a changed copy of the definition (edits.py) kept by
operations.save, which makes the next version when the current one is frozen."""
from io import BytesIO

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.application_forms import (
    COLUMN_KIND_LABELS,
    KIND_LABELS,
    AttachmentForm,
    FieldForm,
    NewSectionForm,
    SectionForm,
    StartFromForm,
)
from forms.form_fields import entries
from workflow.application_forms import edits, operations, queries, schema
from workflow.application_forms.sheet import to_xlsx
from workflow.application_forms.shipped import SHIPPED
from workflow.calls.models import Call
from workflow.core.extensions import db
from workflow.core.spreadsheets import XLSX
from workflow.web.formatting import STATE_LABELS
from workflow.web.queries.lists import all_calls
from workflow.web.views.helpers import load_or_404, require
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("application_forms", __name__, url_prefix="/officer/calls/<int:call_id>/form")

PIECE = "<any(sections, fields, attachments):kind>/<key>"


def _call(call_id: int) -> Call:
    call = load_or_404(Call, call_id)
    require("call.manage", call)
    return call


def _piece(definition: dict, kind: str, key: str) -> dict:
    piece = edits.find(definition, kind, key)
    if piece is None:
        abort(404)
    return piece


def _save(call: Call, definition: dict) -> list[str]:
    """Keep `definition` as `call`'s form and say which version it is; the problems when
    refused (nothing changed)."""
    before = queries.current_form(call)
    frozen = before is not None and before.frozen_at is not None
    with unit_of_work(flash_errors=False) as work:
        row = operations.save(call, definition, actor=current_user)
    if work.failed:
        return list(work.error.problems)
    if frozen and row is not before:
        flash(_("Version %(old)d is in use, so the change made version %(v)d; the applications "
                "filed keep theirs.", old=before.version, v=row.version), "success")
    else:
        flash(_("The form was saved (version %(v)d).", v=row.version), "success")
    return []


def _builder(call: Call):
    return redirect(url_for(".builder", call_id=call.id))


def _editor(template: str, call: Call, form, problems=(), **context):
    status = 422 if request.method == "POST" else 200
    return render_template(f"application_forms/{template}", call=call, form=form,
                           problems=problems, kinds=KIND_LABELS,
                           column_kinds=COLUMN_KIND_LABELS, **context), status


def _start_form(call: Call, formdata=None) -> StartFromForm:
    others = [c for c in all_calls(current_user) if c.id != call.id]
    return StartFromForm(formdata=formdata).offer(
        [(code, schema.say(label)) for code, (label, _definition) in SHIPPED.items()],
        queries.with_forms(others))


def _source_text(source: str) -> str:
    kind, _sep, ref = source.partition(":")
    if kind == "template" and ref in SHIPPED:
        return _("Started from the shipped form %(name)s.", name=schema.say(SHIPPED[ref][0]))
    if kind == "call" and ref.isdigit():
        other = db.session.get(Call, int(ref))
        name = ref if other is None else f"{other.year} · {other.title}"
        return _("Copied from the form of %(call)s.", call=name)
    return ""


@bp.get("")
@login_required
def builder(call_id: int):
    call = _call(call_id)
    row = queries.current_form(call)
    return render_template(
        "application_forms/form_builder.html", call=call, row=row,
        form=row.form if row is not None else queries.call_form(call),
        versions=queries.versions(call), in_use=queries.applications_by_version(call),
        start_form=_start_form(call), kinds=KIND_LABELS,
        source=_source_text(row.source) if row is not None else "")


@bp.get("/preview")
@login_required
def preview(call_id: int):
    call = _call(call_id)
    form = queries.call_form(call)
    return render_template("application_forms/form_preview.html", call=call, form=form,
                           sections=[(s, entries(s, form, call.year, {})) for s in form.sections])


@bp.get("/applications.xlsx")
@login_required
def export(call_id: int):
    """The filed applications with a column per field of the forms they were filed in."""
    call = load_or_404(Call, call_id)
    require("call.list_applications", call)
    body = to_xlsx(queries.export_sheet(call, STATE_LABELS))
    return send_file(BytesIO(body), mimetype=XLSX, as_attachment=True,
                     download_name=f"{call.year}-{call.id}-申报汇总.xlsx")


@bp.get("/versions/<int:number>")
@login_required
def version(call_id: int, number: int):
    call = _call(call_id)
    row = queries.version(call, number)
    if row is None:
        abort(404)
    return render_template("application_forms/form_version.html", call=call, row=row,
                           form=row.form, kinds=KIND_LABELS)


@bp.post("/start")
@login_required
def start(call_id: int):
    call = _call(call_id)
    form = _start_form(call, formdata=request.form)
    if not form.validate_on_submit():
        flash(_("Choose a template or an earlier call to start from."), "danger")
        return _builder(call)
    with unit_of_work() as work:
        row = operations.start_from(call, form.source.data, actor=current_user)
    if not work.failed:
        flash(_("The form now starts from the copy (version %(v)d).", v=row.version), "success")
    return _builder(call)


@bp.route("/sections/new", methods=["GET", "POST"])
@login_required
def section_new(call_id: int):
    call = _call(call_id)
    definition = queries.current_definition(call)
    form = NewSectionForm().offer_conditions(edits.keys_above(definition, section_key=""))
    problems = []
    if form.validate_on_submit():
        problems = _save(call, edits.put_section(definition, form.section_data(),
                                                 first_field=form.field_data()))
        if not problems:
            return _builder(call)
    return _editor("section_new.html", call, form, problems)


@bp.route("/sections/<key>/edit", methods=["GET", "POST"])
@login_required
def section_edit(call_id: int, key: str):
    call = _call(call_id)
    definition = queries.current_definition(call)
    raw = _piece(definition, "sections", key)
    form = SectionForm(data=SectionForm.data_of(raw))
    problems = []
    if form.validate_on_submit():
        problems = _save(call, edits.put_section(definition, form.section_data(),
                                                 replacing=key))
        if not problems:
            return _builder(call)
    return _editor("section_edit.html", call, form, problems, key=key)


@bp.route("/sections/<section>/fields/new", methods=["GET", "POST"])
@login_required
def field_new(call_id: int, section: str):
    call = _call(call_id)
    definition = queries.current_definition(call)
    _piece(definition, "sections", section)
    form = FieldForm().offer_conditions(edits.keys_above(definition, section_key=section))
    problems = []
    if form.validate_on_submit():
        problems = _save(call, edits.put_field(definition, section, form.field_data()))
        if not problems:
            return _builder(call)
    return _editor("field_edit.html", call, form, problems, section=section, key=None)


@bp.route("/fields/<key>/edit", methods=["GET", "POST"])
@login_required
def field_edit(call_id: int, key: str):
    call = _call(call_id)
    definition = queries.current_definition(call)
    raw = _piece(definition, "fields", key)
    section = edits.section_of(definition, key)["key"]
    form = FieldForm(data=FieldForm.data_of(raw)).offer_conditions(
        edits.keys_above(definition, section_key=section, field_key=key))
    problems = []
    if form.validate_on_submit():
        problems = _save(call, edits.put_field(definition, section, form.field_data(),
                                               replacing=key))
        if not problems:
            return _builder(call)
    return _editor("field_edit.html", call, form, problems, section=section, key=key)


@bp.route("/attachments/new", methods=["GET", "POST"], defaults={"key": None})
@bp.route("/attachments/<key>/edit", methods=["GET", "POST"])
@login_required
def attachment_edit(call_id: int, key: str | None):
    call = _call(call_id)
    definition = queries.current_definition(call)
    raw = _piece(definition, "attachments", key) if key is not None else {}
    form = AttachmentForm(data=AttachmentForm.data_of(raw) if raw else None)
    problems = []
    if form.validate_on_submit():
        problems = _save(call, edits.put_attachment(definition, form.attachment_data(),
                                                    replacing=key))
        if not problems:
            return _builder(call)
    return _editor("attachment_edit.html", call, form, problems, key=key)


@bp.post(f"/{PIECE}/delete")
@login_required
def remove(call_id: int, kind: str, key: str):
    call = _call(call_id)
    definition = queries.current_definition(call)
    _piece(definition, kind, key)
    for problem in _save(call, edits.remove(definition, kind, key)):
        flash(problem, "danger")
    return _builder(call)


@bp.post(f"/{PIECE}/<any(up, down):direction>")
@login_required
def move(call_id: int, kind: str, key: str, direction: str):
    call = _call(call_id)
    definition = queries.current_definition(call)
    _piece(definition, kind, key)
    for problem in _save(call, edits.move(definition, kind, key,
                                          -1 if direction == "up" else 1)):
        flash(problem, "danger")
    return _builder(call)
