"""The approval notice of a call: the officer edits the draft, a leader signs it, the officer
issues it (by a job of the queue when there is one, else a few documents per request;
resumable either way), downloads and revokes; the lead unit downloads its letter and the
notice; the document-number registry."""
from io import BytesIO

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from redis.exceptions import RedisError
from sqlalchemy import select

from forms.notices import (
    FirstNumberForm,
    NoticeSettingsForm,
    ReasonForm,
    ReserveNumberForm,
    SealForm,
)
from workflow.calls.models import Call
from workflow.core import clock
from workflow.core.errors import ServiceError
from workflow.core.extensions import db
from workflow.core.states import Action
from workflow.core.storage import DamagedFile
from workflow.departments.rules import foreign_offices
from workflow.intake.models import Application
from workflow.jobs import queue as jobs
from workflow.jobs import tasks
from workflow.lifecycle.permissions import can
from workflow.notices import queries as notice_queries
from workflow.notices.models import DecisionDocument, DocumentNumber, Notice, OfficialDocument
from workflow.notices.operations import decisions, numbers, rolling
from workflow.notices.operations import drafts as notices
from workflow.notices.operations import issue as notice_issue
from workflow.notices.settings import NoticeSettings, notice_settings_of
from workflow.web.queries import consequences
from workflow.web.views.confirm import unconfirmed
from workflow.web.views.helpers import load_or_404, require
from workflow.web.views.once import created, repeated
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("notices", __name__)
# Documents rendered per request of the progress page: about a second of work.
STEP = 4


@bp.get("/officer/notices")
@login_required
def index():
    require("notice.view")
    return render_template("notices/index.html", rows=notice_issue.calls_with_notices(current_user))


@bp.get("/officer/calls/<int:call_id>/notice")
@login_required
def notice_page(call_id: int):
    call = load_or_404(Call, call_id)
    require("notice.view", call)
    overview = notice_issue.overview(call)
    notice = overview["notice"]
    job = (tasks.issue_state(notice) if notice is not None and notice.state == "issuing"
           else None)
    return render_template("notices/call_notice.html", call=call, job=job,
                           background=jobs.enabled(), seal_form=SealForm(formdata=None),
                           waiting=rolling.waiting_for_recognition(call),
                           recognitions=rolling.recognitions(call) if call.rolling else [],
                           **overview)


@bp.post("/officer/applications/<int:app_id>/recognise")
@login_required
def recognise(app_id: int):
    """A rolling call: approve one selected application with its own numbered decision."""
    app = load_or_404(Application, app_id)
    require(Action.RECOGNISE_ONE, app)
    with unit_of_work() as work:
        doc = rolling.recognise_application(app, actor=current_user)
    if not work.failed:
        flash(_("%(number)s is issued: “%(title)s” is approved.", number=doc.number.text,
                title=app.title), "success")
    return redirect(url_for(".notice_page", call_id=app.call_id, _anchor="rolling"))


@bp.route("/officer/calls/<int:call_id>/notice/texts", methods=["GET", "POST"])
@login_required
def edit_texts(call_id: int):
    call = load_or_404(Call, call_id)
    require("notice.edit", call)
    form = NoticeSettingsForm(data=notice_settings_of(call).texts())
    if form.validate_on_submit():
        with unit_of_work() as work:
            notices.save_settings(call, form.settings(), actor=current_user)
        if not work.failed:
            flash(_("The notice texts are saved."), "success")
            return redirect(url_for(".notice_page", call_id=call.id))
    return render_template("notices/texts_edit.html", call=call, form=form,
                           fields=notice_queries.LETTER_FIELDS,
                           notice_fields=notice_queries.NOTICE_FIELDS
                           ), 422 if form.errors or request.method == "POST" else 200


@bp.post("/officer/calls/<int:call_id>/notice/seal")
@login_required
def upload_seal(call_id: int):
    call = load_or_404(Call, call_id)
    require("notice.edit", call)
    form = SealForm()
    if not form.validate_on_submit():
        for error in form.image.errors:
            flash(error, "danger")
        return redirect(url_for(".notice_page", call_id=call.id, _anchor="seal"))
    with unit_of_work() as work:
        notices.store_seal(call, stream=form.image.data.stream, actor=current_user)
    if not work.failed:
        flash(_("The seal is saved."), "success")
    return redirect(url_for(".notice_page", call_id=call.id, _anchor="seal"))


@bp.post("/officer/calls/<int:call_id>/notice/seal/remove")
@login_required
def remove_seal(call_id: int):
    call = load_or_404(Call, call_id)
    require("notice.edit", call)
    with unit_of_work() as work:
        notices.remove_seal(call, actor=current_user)
    if not work.failed:
        flash(_("The notice is printed without a seal now."), "success")
    return redirect(url_for(".notice_page", call_id=call.id, _anchor="seal"))


@bp.get("/officer/calls/<int:call_id>/notice/preview.pdf")
@login_required
def preview(call_id: int):
    call = load_or_404(Call, call_id)
    require("notice.view", call)
    pdf = notice_issue.render_preview(call, letter=request.args.get("letter") == "1")
    return send_file(BytesIO(pdf), mimetype="application/pdf", max_age=0,
                     download_name=f"draft-{call.id}.pdf")


@bp.post("/officer/calls/<int:call_id>/notice/sign")
@login_required
def sign(call_id: int):
    call = load_or_404(Call, call_id)
    require("notice.sign", call)
    with unit_of_work() as work:
        notices.sign_notice(call, actor=current_user)
    if not work.failed:
        flash(_("You signed the draft; an officer can issue it now."), "success")
    return redirect(url_for(".notice_page", call_id=call.id))


@bp.post("/officer/calls/<int:call_id>/notice/issue")
@login_required
def issue(call_id: int):
    call = load_or_404(Call, call_id)
    require("notice.issue", call)
    page = unconfirmed(consequences.issue(call), cancel=url_for(".notice_page", call_id=call.id))
    if page is not None:
        return page
    with unit_of_work() as work:
        notice = notice_issue.issue_notice(call, actor=current_user)
    if not work.failed:
        flash(_("%(number)s is taken; the documents are being made.",
                number=notice.number.text), "success")
        _hand_to_queue(notice)
    return redirect(url_for(".notice_page", call_id=call.id, _anchor="progress"))


def _hand_to_queue(notice) -> bool:
    """Queue the storing of the documents; False without a queue or when Redis cannot be
    reached (said, and the page stores them a few per request instead)."""
    try:
        return tasks.queue_issue(notice) is not None
    except RedisError as error:
        current_app.logger.error("notice %d not queued: %s", notice.id, error)
        flash(_("The background worker cannot be reached: continue issuing on this page."),
              "warning")
        return False


@bp.post("/officer/notices/<int:notice_id>/step")
@login_required
def step(notice_id: int):
    notice = load_or_404(Notice, notice_id)
    require("notice.issue", notice.call)
    if notice.state == "issuing" and jobs.enabled() and _hand_to_queue(notice):
        flash(_("The documents are being made in the background; reload the page to see "
                "how far it got."), "success")
        return redirect(url_for(".notice_page", call_id=notice.call_id, _anchor="progress"))
    for _done in range(STEP):  # each document committed on its own: progress is kept
        with unit_of_work():
            stored = notice_issue.store_next_document(notice, actor=current_user)
        if stored is None:
            break
    if notice.state == "issuing":
        with unit_of_work():
            notice_issue.finish_issue(notice, actor=current_user)
    stored, total = notice_issue.progress(notice)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(stored=stored, total=total, done=notice.state == "issued")
    flash(_("%(number)s is issued: every document is stored.", number=notice.number.text)
          if notice.state == "issued" else
          _("%(stored)d of %(total)d documents stored; continue to store the rest.",
            stored=stored, total=total), "success")
    return redirect(url_for(".notice_page", call_id=notice.call_id, _anchor="progress"))


@bp.post("/officer/documents/<int:document_id>/revoke")
@login_required
def revoke(document_id: int):
    doc = load_or_404(OfficialDocument, document_id)
    require("document.revoke", doc)
    form = ReasonForm()
    back = url_for(".notice_page", call_id=doc.notice.call_id, _anchor="documents")
    if form.validate_on_submit() and (page := unconfirmed(
            consequences.revoke(doc, form.reason.data), cancel=back)) is not None:
        return page
    with unit_of_work() as work:
        if form.errors:
            raise ServiceError(*form.reason.errors)
        notice_issue.revoke_document(doc, reason=form.reason.data, actor=current_user)
    if not work.failed:
        flash(_("%(document)s is revoked.", document=notice_queries.label(doc)), "success")
    return redirect(back)


@bp.get("/documents/<int:document_id>")
@login_required
def download(document_id: int):
    doc = load_or_404(OfficialDocument, document_id)
    require("document.download", doc)
    try:
        data = notice_issue.document_bytes(doc)
    except DamagedFile as damage:
        current_app.logger.error("issued document %d: %s", doc.id, damage)
        abort(500)
    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=notice_issue.export_name(doc), max_age=0)


@bp.get("/decisions/<int:decision_id>")
@login_required
def decision_download(decision_id: int):
    doc = load_or_404(DecisionDocument, decision_id)
    require("decision.download", doc)
    try:
        data = decisions.decision_bytes(doc)
    except DamagedFile as damage:
        current_app.logger.error("decision document %d: %s", doc.id, damage)
        abort(500)
    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=notice_issue.decision_export_name(doc), max_age=0)


@bp.app_template_global()
def decision_documents(app) -> list[DecisionDocument]:
    """The decision documents about the center of `app` the current user may download."""
    return [d for d in decisions.decisions_about(app)
            if can(current_user, "decision.download", d)]


@bp.app_template_global()
def official_documents(app) -> list[OfficialDocument]:
    """What the application page offers for download: the notice and the unit's letter."""
    letter = db.session.scalar(select(OfficialDocument).where(
        OfficialDocument.application_id == app.id))
    if letter is None:
        return []
    return [d for d in (letter.notice.documents[0], letter)
            if can(current_user, "document.download", d)]


# The document-number registry.


def _registry(*, first_form=None, reserve_form=None, status=200):
    """The series and numbers of the officer's department's office codes (and of codes no
    department holds)."""
    foreign = foreign_offices(current_user)
    series = [row for row in numbers.all_series() if row[0].office not in foreign]
    own = current_user.department.office_code if current_user.department else None
    usual = {"year": clock.local(clock.now()).year,
             "office": own or (series[0][0].office if series else NoticeSettings.office_code)}
    return render_template(
        "notices/numbers.html", series=series,
        numbers=[n for n in numbers.registry() if n.office not in foreign],
        first_form=first_form or FirstNumberForm(formdata=None, data=usual),
        reserve_form=reserve_form or ReserveNumberForm(formdata=None, data=usual)), status


@bp.get("/officer/numbers")
@login_required
def registry():
    require("numbers.manage")
    return _registry()


@bp.post("/officer/numbers/first")
@login_required
def set_first():
    require("numbers.manage")
    form = FirstNumberForm()
    if form.validate_on_submit():
        with unit_of_work(flash_errors=False) as work:
            row = numbers.set_first_number(form.office.data, form.year.data, form.first.data,
                                           actor=current_user)
        if work.failed:
            form.first.errors = list(work.error.problems)
        else:
            flash(_("The numbers of %(office)s %(year)d start at %(first)d.", office=row.office,
                    year=row.year, first=row.first_number), "success")
            return redirect(url_for(".registry"))
    return _registry(first_form=form, status=422)


@bp.post("/officer/numbers/reserve")
@login_required
def reserve():
    require("numbers.manage")
    form = ReserveNumberForm()
    if form.validate_on_submit():
        if (answer := repeated(form, back=url_for(".registry"))) is not None:
            return answer
        answer, error = created(
            form, lambda: numbers.reserve_number(form.office.data, form.year.data,
                                                 title=form.title.data, actor=current_user),
            path=url_for(".registry"),
            note=lambda row: _("%(number)s is yours: %(title)s", number=row.text,
                               title=row.title))
        if error is None:
            return answer
        form.title.errors = list(error.problems)
    return _registry(reserve_form=form, status=422)


@bp.post("/officer/numbers/<int:number_id>/void")
@login_required
def void(number_id: int):
    number = load_or_404(DocumentNumber, number_id)
    require("numbers.manage", number)
    form = ReasonForm()
    if form.validate_on_submit() and (page := unconfirmed(
            consequences.void(number, form.reason.data), cancel=url_for(".registry"))) is not None:
        return page
    with unit_of_work() as work:
        if form.errors:
            raise ServiceError(*form.reason.errors)
        numbers.void_number(number, reason=form.reason.data, actor=current_user)
    if not work.failed:
        flash(_("%(number)s is voided.", number=number.text), "success")
    return redirect(url_for(".registry"))
