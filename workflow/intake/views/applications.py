"""An application as every allowed role sees it: detail, timeline, versions, attachments,
and the state changes the transition table offers."""
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.intake import CommentForm
from workflow.application_forms.queries import form_of_snapshot
from workflow.core.extensions import db
from workflow.core.states import Action
from workflow.core.storage import DamagedFile
from workflow.intake.models import Application, ApplicationVersion, Attachment
from workflow.intake.operations import attachments
from workflow.lifecycle.registry import own_form
from workflow.lifecycle.transitions import transition
from workflow.web.formatting import STATE_LABELS
from workflow.web.queries import refusals
from workflow.web.views.context import detail_context
from workflow.web.views.helpers import load_or_404, require, safe_next
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("applications", __name__)


@bp.get("/applications/<int:app_id>")
@login_required
def detail(app_id: int):
    app = load_or_404(Application, app_id)
    require("application.view", app)
    return render_template("intake/applications/detail.html", **detail_context(app))


@bp.post("/applications/<int:app_id>/actions/<action>")
@login_required
def act(app_id: int, action: str):
    app = load_or_404(Application, app_id)
    if action not in Action.__members__.values() or own_form(action):
        abort(404)  # recommending and requesting corrections have forms and routes of their own
    require("application.view", app)
    # A page that offers the action elsewhere (the panels page) is where the officer returns.
    back = (safe_next(request.form["next"]) if request.form.get("next")
            else url_for(".detail", app_id=app.id))
    if (why := refusals.action_too_late(app, action, current_user)) is not None:
        flash(why, "warning")
        return redirect(back)
    require(action, app)
    form = CommentForm()
    if not form.validate_on_submit():
        for error in form.comment.errors:
            flash(error, "danger")
        return redirect(back)
    with unit_of_work() as work:
        transition(app, action, actor=current_user, comment=form.comment.data or "")
    if not work.failed:
        flash(_("Done: the application is now “%(state)s”.",
                state=STATE_LABELS.get(app.state, app.state)), "success")
    return redirect(back)


@bp.get("/applications/<int:app_id>/versions/<int:number>")
@login_required
def version(app_id: int, number: int):
    app = load_or_404(Application, app_id)
    require("version.view", app)
    row = db.session.query(ApplicationVersion).filter_by(application_id=app.id,
                                                         number=number).one_or_none()
    if row is None:
        abort(404)
    return render_template("intake/applications/version.html", app=app, version=row,
                           sections=form_of_snapshot(row.snapshot, app.call).sections)


@bp.get("/attachments/<int:attachment_id>")
@login_required
def download(attachment_id: int):
    attachment = load_or_404(Attachment, attachment_id)
    require("attachment.download", attachment)
    try:
        data = attachments.read_attachment(attachment)
    except DamagedFile:
        abort(404)
    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=attachments.download_name_of(attachment), max_age=0)
