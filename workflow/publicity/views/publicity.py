"""The department's side of the announcement (公示): per call its settings (period, phones,
texts) and the one publication; per announcement the objections, their handling by an
officer and the leader's decision on each application in objection review."""
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from forms.intake import CommentForm
from forms.publicity import HandlingForm, PublicitySettingsForm
from workflow.calls.models import Call
from workflow.core.extensions import db
from workflow.core.states import CALLS_PAST_FILING, AppState
from workflow.departments.rules import calls_of
from workflow.lifecycle.permissions import available_actions
from workflow.publicity import queries as publicity_queries
from workflow.publicity.models import Objection, Publicity
from workflow.publicity.operations import objections, publicity
from workflow.publicity.settings import publicity_settings_of
from workflow.web.queries import consequences
from workflow.web.views.confirm import unconfirmed
from workflow.web.views.helpers import load_or_404, require
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("publicity", __name__, url_prefix="/officer")


@bp.get("/publicity")
@login_required
def index():
    require("call.publicity")
    calls = db.session.scalars(select(Call).where(Call.state.in_(CALLS_PAST_FILING),
                                                  calls_of(current_user))
        .order_by(Call.year.desc(), Call.id.desc())).all()
    return render_template("publicity/officer_index.html",
                           rows=[(c, publicity_queries.publicity_of(c)) for c in calls])


def _settings_form(call: Call) -> PublicitySettingsForm:
    return PublicitySettingsForm(formdata=None, data={**publicity_settings_of(call).to_json(),
                                                      "workdays": call.publicity_workdays})


def _page(call: Call, *, form=None, status: int = 200):
    return render_template(
        "publicity/call_publicity.html", call=call, form=form or _settings_form(call),
        announcement=publicity_queries.publicity_of(call),
        problems=publicity_queries.publication_problems(call),
        proposed=publicity_queries.proposed(call)), status


@bp.get("/calls/<int:call_id>/publicity")
@login_required
def call_page(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.publicity", call)
    return _page(call)


@bp.post("/calls/<int:call_id>/publicity/settings")
@login_required
def save_settings(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.publicity", call)
    form = PublicitySettingsForm()
    if form.validate_on_submit():
        with unit_of_work(flash_errors=False) as work:
            publicity.save_settings(call, workdays_count=form.workdays.data, values=form.values(),
                                    actor=current_user)
        if work.failed:
            form.workdays.errors = list(work.error.problems)
        else:
            flash(_("Announcement settings saved."), "success")
            return redirect(url_for(".call_page", call_id=call.id))
    return _page(call, form=form, status=422)


@bp.post("/calls/<int:call_id>/publicity/publish")
@login_required
def publish(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.publicity", call)
    page = unconfirmed(consequences.publish(call), cancel=url_for(".call_page", call_id=call.id))
    if page is not None:
        return page
    with unit_of_work() as work:
        announcement = publicity.publish_announcement(call, actor=current_user)
    if work.failed:
        return redirect(url_for(".call_page", call_id=call.id))
    flash(_("The announcement is published: %(period)s.",
            period=publicity.period_text(announcement)), "success")
    return redirect(url_for("public_publicity.detail", publicity_id=announcement.id))


def _objections_page(announcement: Publicity, *, failed: int | None = None, form=None,
                     status: int = 200):
    in_review = [e.application for e in announcement.entries
                 if e.application.state == AppState.OBJECTION_REVIEW]
    return render_template(
        "publicity/objections.html", announcement=announcement,
        rows=objections.of_publicity(announcement), handling_form=HandlingForm(formdata=None),
        failed=failed, failed_form=form, decision_form=CommentForm(formdata=None),
        # The leader's buttons, disabled with the guard's reasons while handling is missing.
        in_review=[(app, available_actions(app, current_user), objections.unhandled_problems(app))
                   for app in in_review]), status


@bp.get("/publicity/<int:publicity_id>/objections")
@login_required
def objections_page(publicity_id: int):
    announcement = load_or_404(Publicity, publicity_id)
    require("publicity.objections", announcement)
    return _objections_page(announcement)


@bp.post("/objections/<int:objection_id>/handle")
@login_required
def handle(objection_id: int):
    row = load_or_404(Objection, objection_id)
    require("objection.handle", row)
    form = HandlingForm()
    if form.validate_on_submit():
        with unit_of_work(flash_errors=False) as work:
            objections.record_handling(row, notes=form.notes.data,
                                       admissible=form.outcome.data == "admissible",
                                       actor=current_user)
        if work.failed:
            form.notes.errors = list(work.error.problems)
        else:
            flash(_("Handling of objection %(receipt)s recorded.", receipt=row.receipt_no),
                  "success")
            return redirect(url_for(".objections_page", publicity_id=row.publicity_id,
                                    _anchor=f"objection-{row.id}"))
    return _objections_page(row.publicity, failed=row.id, form=form, status=422)


@bp.get("/objections/<int:objection_id>/letter")
@login_required
def letter(objection_id: int):
    row = load_or_404(Objection, objection_id)
    require("objection.letter", row)
    data = objections.letter_bytes(row)
    if data is None:
        abort(404)
    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=objections.letter_download_name(row), max_age=0)
