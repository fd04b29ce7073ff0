"""The lead unit's and co-builder's pages: starting and filling an application."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forms.form_fields import SectionForm
from forms.intake import (
    ApplicationBasicsForm,
    AttachmentForm,
    CoBuilderForm,
    StartApplicationForm,
)
from workflow.application_forms.queries import form_of, values
from workflow.calls.models import Call
from workflow.core.errors import ServiceError
from workflow.core.extensions import db
from workflow.intake.models import Application, CoBuilder
from workflow.intake.operations import attachments, intake
from workflow.lifecycle.permissions import Part
from workflow.web.queries import lists as queries
from workflow.web.queries import refusals, search
from workflow.web.views.context import attachment_kinds, detail_context, editable_parts
from workflow.web.views.helpers import flash_problems, load_or_404, require
from workflow.web.views.once import created, repeated
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("applicant", __name__)


@bp.get("/my")
@login_required
def home():
    require("application.list_own")
    text = search.clean(request.args.get("q"))
    page = queries.organization_applications(
        current_user.organization_id, text=text, page=request.args.get("page", 1, type=int)
    )
    cobuilding = db.session.scalars(
        select(CoBuilder).where(CoBuilder.organization_id == current_user.organization_id)
        .options(selectinload(CoBuilder.application))
        .order_by(CoBuilder.confirmed_at.is_not(None), CoBuilder.id.desc())
    ).all()
    return render_template("intake/applicant/home.html", page=page, cobuilding=cobuilding, q=text)


@bp.route("/calls/<int:call_id>/apply", methods=["GET", "POST"])
@login_required
def start(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.apply", call)
    form = StartApplicationForm().set_fields(call)
    if form.validate_on_submit():
        if (answer := repeated(form, back=request.path)) is not None:
            return answer
        answer, error = created(
            form, lambda: intake.start_application(call, title=form.title.data,
                                                   field_id=form.field_id.data,
                                                   actor=current_user),
            path=lambda app: url_for("applications.detail", app_id=app.id),
            note=lambda app: _("Your draft is saved. Fill the sections in any order."))
        if error is None:
            return answer
        if isinstance(error, intake.AlreadyApplied):
            return _existing(call, error)
        flash_problems(error)
    return render_template("intake/applicant/application_start.html", form=form,
                           call=call), 422 if request.method == "POST" else 200


def _existing(call: Call, error: ServiceError):
    """Another request started the unit's application a moment ago (the unit of work rolled
    this one back): open that one."""
    flash_problems(error)
    app_id = intake.live_application_id(call, current_user.organization_id)
    return redirect(url_for("applications.detail", app_id=app_id) if app_id
                    else url_for("applicant.home"))


@bp.route("/applications/<int:app_id>/basics", methods=["GET", "POST"])
@login_required
def edit_basics(app_id: int):
    app = load_or_404(Application, app_id)
    require("application.edit_part", Part(app, "basics"))
    form = ApplicationBasicsForm(obj=app).set_fields(app.call)
    if form.validate_on_submit():
        with unit_of_work() as work:
            intake.update_basics(app, title=form.title.data, field_id=form.field_id.data,
                                 actor=current_user)
        if not work.failed:
            flash(_("Saved."), "success")
            return redirect(url_for("applications.detail", app_id=app.id))
    return render_template("intake/applicant/basics_edit.html", form=form, app=app)


@bp.route("/applications/<int:app_id>/sections/<key>", methods=["GET", "POST"])
@login_required
def edit_section(app_id: int, key: str):
    app = load_or_404(Application, app_id)
    definition = form_of(app)
    section = definition.section(key)
    if section is None:
        return render_template("errors/error.html", code=404,
                               message=_("There is no such section.")), 404
    require("application.edit_part", Part(app, f"section:{key}"))
    form = SectionForm(section, definition, app.call.year, app.section_data(key), values(app))
    if form.validate_on_submit() and form.read(request.form):
        with unit_of_work() as work:
            intake.save_section(app, key, form.data_to_save(), actor=current_user)
        if not work.failed:
            flash(_("Section saved."), "success")
            return redirect(url_for("applications.detail", app_id=app.id, _anchor=f"s-{key}"))
    elif form.is_submitted():
        form.read(request.form)  # what was typed comes back with its errors
    status = 422 if form.is_submitted() else 200
    return render_template("intake/applicant/section_edit.html", form=form, app=app,
                           section=section), status


@bp.post("/applications/<int:app_id>/cobuilders")
@login_required
def add_cobuilder(app_id: int):
    app = load_or_404(Application, app_id)
    require("application.edit_part", Part(app, "cobuilders"))
    form = CoBuilderForm()
    back = url_for("applications.detail", app_id=app.id, _anchor="cobuilders")
    if form.validate_on_submit():
        if (answer := repeated(form, back=back)) is not None:
            return answer
        answer, error = created(
            form, lambda: intake.add_cobuilder(app, credit_code=form.credit_code.data,
                                               name=form.name.data,
                                               division=form.division.data or "",
                                               contact_email=form.contact_email.data or "",
                                               actor=current_user),
            path=back, note=_invitation_note)
        if error is None:
            return answer
        form.credit_code.errors.extend(error.problems)
    return render_template("intake/applications/detail.html",
                           **detail_context(app, cobuilder_form=form)), 422


def _invitation_note(row: CoBuilder) -> str:
    if row.organization_id is not None:
        return _("Co-builder added: its users are asked to confirm through their own account.")
    if not row.application.lead_org.is_verified:
        return _("Co-builder added: it is invited once your organization is verified.")
    if row.contact_email:
        return _("Co-builder added: %(email)s was mailed an invitation to register the unit.",
                 email=row.contact_email)
    return _("Co-builder added: it can confirm once it has a verified account.")


@bp.post("/applications/<int:app_id>/cobuilders/<int:cobuilder_id>/remove")
@login_required
def remove_cobuilder(app_id: int, cobuilder_id: int):
    app = load_or_404(Application, app_id)
    require("application.edit_part", Part(app, "cobuilders"))
    with unit_of_work() as work:
        intake.remove_cobuilder(app, cobuilder_id, actor=current_user)
    if not work.failed:
        flash(_("Co-builder removed."), "success")
    return redirect(url_for("applications.detail", app_id=app.id, _anchor="cobuilders"))


@bp.post("/applications/<int:app_id>/confirm")
@login_required
def confirm_cobuilding(app_id: int):
    app = load_or_404(Application, app_id)
    if (why := refusals.confirmation_too_late(app, current_user)) is not None:
        flash(why, "warning")
        return redirect(url_for("applications.detail", app_id=app.id))
    require("application.confirm_cobuilding", app)
    with unit_of_work() as work:
        intake.confirm_cobuilding(app, actor=current_user)
    if not work.failed:
        flash(_("Thank you: your participation is confirmed."), "success")
    return redirect(url_for("applications.detail", app_id=app.id))


@bp.post("/applications/<int:app_id>/attachments")
@login_required
def upload_attachment(app_id: int):
    app = load_or_404(Application, app_id)
    kinds = attachment_kinds(app, editable_parts(app, current_user))
    if not kinds:
        abort(403)
    form = AttachmentForm().set_kinds(kinds)
    back = url_for("applications.detail", app_id=app.id, _anchor="attachments")
    if form.validate_on_submit():
        if (answer := repeated(form, back=back)) is not None:
            return answer
        upload = form.file.data
        answer, error = created(
            form, lambda: attachments.store_attachment(
                app, kind=form.kind.data, filename=upload.filename, stream=upload.stream,
                actor=current_user),
            path=back, note=lambda row: _("Attachment uploaded."))
        if error is None:
            return answer
        form.file.errors.extend(error.problems)
    return render_template("intake/applications/detail.html",
                           **detail_context(app, attachment_form=form)), 422
