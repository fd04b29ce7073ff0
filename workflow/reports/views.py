"""Annual reports: the department's rounds (open one, see every center's report in it), the
lead unit's reports (write, attach, file), the city's list, and one page per report where
the city and then the department pass, accept or return it."""
from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.reports import AttachmentForm, ReportForm, ReviewForm, RoundForm
from workflow.core.filenames import download_name
from workflow.core.storage import DamagedFile
from workflow.lifecycle.permissions import can
from workflow.reports import queries
from workflow.reports.models import (
    REPORT_STATE_LABELS,
    SECTIONS,
    AnnualReport,
    ReportAttachment,
    ReportRound,
    ReportState,
)
from workflow.reports.operations import filing, review, rounds
from workflow.reports.rules import filing_problems
from workflow.web.views.helpers import load_or_404, require
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("reports", __name__)


def _rounds_page(form=None, status: int = 200):
    form = form or RoundForm(formdata=None)
    form.platform_type_id.choices = [(t.id, t.name) for t in queries.platform_types()]
    return render_template("reports/rounds.html", rows=queries.rounds(), form=form,
                           labels=REPORT_STATE_LABELS), status


@bp.get("/officer/reports")
@login_required
def rounds_index():
    require("report_round.view")
    return _rounds_page()


@bp.post("/officer/reports")
@login_required
def open_round():
    require("report_round.open")
    form = RoundForm()
    form.platform_type_id.choices = [(t.id, t.name) for t in queries.platform_types()]
    if form.validate_on_submit():
        platform_type = next(t for t in queries.platform_types()
                             if t.id == form.platform_type_id.data)
        with unit_of_work() as work:
            opened = rounds.open_round(year=form.year.data, platform_type=platform_type,
                                       due_on=form.due_on.data, actor=current_user)
        if not work.failed:
            flash(_("The reporting round is open; the centers were told."), "success")
            return redirect(url_for(".round_page", round_id=opened.id))
    return _rounds_page(form, 422)


@bp.get("/officer/reports/<int:round_id>")
@login_required
def round_page(round_id: int):
    round_ = load_or_404(ReportRound, round_id)
    require("report_round.view", round_)
    state = request.args.get("state", "")
    state = state if state in {str(s) for s in ReportState} else None
    late = request.args.get("late") == "1"
    found = queries.round_reports(round_, state=state, late=late,
                                  page=request.args.get("page", 1, type=int))
    return render_template("reports/round.html", round=round_, found=found, state=state,
                           late=late, labels=REPORT_STATE_LABELS)


@bp.get("/reports")
@login_required
def mine():
    require("report.list_own")
    found = queries.unit_reports(current_user.organization_id,
                                 page=request.args.get("page", 1, type=int))
    return render_template("reports/list.html", found=found, labels=REPORT_STATE_LABELS,
                           endpoint=".mine", city=False)


@bp.get("/recommender/reports")
@login_required
def city():
    require("report.list_city")
    found = queries.city_reports(current_user.organization.region_code,
                                 page=request.args.get("page", 1, type=int))
    return render_template("reports/list.html", found=found, labels=REPORT_STATE_LABELS,
                           endpoint=".city", city=True)


def _detail(report: AnnualReport, *, review_form=None, attachment_form=None,
            status: int = 200):
    return render_template(
        "reports/report_detail.html", report=report, measures=queries.report_measures(report),
        sections=SECTIONS, labels=REPORT_STATE_LABELS,
        attachments=queries.current_attachments(report),
        has_book=queries.has_signed_book(report), problems=filing_problems(report),
        review_form=review_form or ReviewForm(formdata=None),
        attachment_form=attachment_form or AttachmentForm(formdata=None),
        may_edit=can(current_user, "report.edit", report),
        may_review=(can(current_user, "report.city_review", report)
                    or can(current_user, "report.officer_review", report))), status


@bp.get("/reports/<int:report_id>")
@login_required
def detail(report_id: int):
    report = load_or_404(AnnualReport, report_id)
    require("report.view", report)
    return _detail(report)


def _edit_page(report: AnnualReport, form: ReportForm, status: int = 200):
    return render_template("reports/report_edit.html", report=report, form=form,
                           measures=queries.report_measures(report), sections=SECTIONS), status


@bp.get("/reports/<int:report_id>/edit")
@login_required
def edit(report_id: int):
    report = load_or_404(AnnualReport, report_id)
    require("report.edit", report)
    return _edit_page(report, ReportForm.of(report))


@bp.post("/reports/<int:report_id>/edit")
@login_required
def save(report_id: int):
    report = load_or_404(AnnualReport, report_id)
    require("report.edit", report)
    form = ReportForm()
    if form.validate_on_submit():
        submit = request.form.get("file") == "1"
        with unit_of_work() as work:
            filing.save_report(report, values=form.values(), narrative=form.narrative(),
                               submit=submit, actor=current_user)
        if not work.failed:
            flash(_("The report is filed with the city.") if submit else _("Saved."),
                  "success")
            return redirect(url_for(".detail" if submit else ".edit", report_id=report.id))
    return _edit_page(report, form, 422)


@bp.post("/reports/<int:report_id>/attachments")
@login_required
def upload(report_id: int):
    report = load_or_404(AnnualReport, report_id)
    require("report.edit", report)
    form = AttachmentForm()
    if form.validate_on_submit():
        with unit_of_work() as work:
            filing.store_report_attachment(report, filename=form.file.data.filename,
                                           stream=form.file.data.stream, actor=current_user)
        if not work.failed:
            flash(_("The attachment is kept."), "success")
            return redirect(url_for(".detail", report_id=report.id))
    return _detail(report, attachment_form=form, status=422)


def _attachment_of(report_id: int, attachment_id: int) -> ReportAttachment:
    attachment = load_or_404(ReportAttachment, attachment_id)
    if attachment.report_id != report_id:
        abort(404)
    return attachment


@bp.get("/reports/<int:report_id>/attachments/<int:attachment_id>")
@login_required
def attachment(report_id: int, attachment_id: int):
    found = _attachment_of(report_id, attachment_id)
    require("report.view", found.report)
    try:
        data = filing.read_report_attachment(found)
    except DamagedFile:
        abort(404)
    name = download_name(found.report.center.name, str(found.report.round.year),
                         found.original_name.removesuffix(".pdf"), fallback="report")
    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=name, max_age=0)


@bp.post("/reports/<int:report_id>/attachments/<int:attachment_id>/remove")
@login_required
def remove_attachment(report_id: int, attachment_id: int):
    found = _attachment_of(report_id, attachment_id)
    require("report.edit", found.report)
    with unit_of_work() as work:
        filing.remove_report_attachment(found, actor=current_user)
    if not work.failed:
        flash(_("The attachment was removed."), "success")
    return redirect(url_for(".detail", report_id=report_id))


@bp.post("/reports/<int:report_id>/review")
@login_required
def decide(report_id: int):
    report = load_or_404(AnnualReport, report_id)
    by_city = can(current_user, "report.city_review", report)
    if not by_city:
        require("report.officer_review", report)
    form = ReviewForm()
    if form.validate_on_submit():
        passed = form.decision.data == "pass"
        with unit_of_work() as work:
            if by_city:
                review.city_review(report, passed=passed, reason=form.reason.data or "",
                                   actor=current_user)
            else:
                review.officer_review(report, accepted=passed, reason=form.reason.data or "",
                                      actor=current_user)
        if not work.failed:
            flash(_("The report was returned to the lead unit.") if not passed
                  else _("Your decision is recorded."), "success")
            return redirect(url_for(".detail", report_id=report.id))
    return _detail(report, review_form=form, status=422)
