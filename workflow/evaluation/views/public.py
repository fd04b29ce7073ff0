"""The announced results of the evaluation rounds, no login needed: the list, each
announcement with its table of centers and grades, and during its period the objection form
of the approval announcement (publicity's ObjectionForm and rules). Objections filed are
never shown here."""
from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.publicity import ObjectionForm
from workflow.core.clock import local
from workflow.evaluation import queries
from workflow.evaluation.models import ANNOUNCEMENT_LABELS, GRADE_NAMES, EvaluationAnnouncement
from workflow.evaluation.operations import results
from workflow.publicity.operations.objections import period_problems
from workflow.publicity.operations.publicity import cn_date
from workflow.publicity.views.public import objection_limits
from workflow.web.views.helpers import load_or_404, require
from workflow.web.views.once import created, repeated

bp = Blueprint("evaluation_results", __name__)


@bp.get("/evaluation-results")
def index():
    require("evaluation.results")
    return render_template("evaluation/public_list.html", rows=queries.announcements(),
                           labels=ANNOUNCEMENT_LABELS)


def _page(announcement: EvaluationAnnouncement, *, form=None, problems=(), status: int = 200):
    form = form or ObjectionForm(formdata=None)
    accepting = announcement.status == "running" and not period_problems(announcement)
    return render_template(
        "evaluation/public_detail.html", announcement=announcement, row=announcement.round,
        grades=GRADE_NAMES, accepting=accepting, problems=problems,
        dates={"start": cn_date(announcement.start_date), "end": cn_date(announcement.end_date),
               "signed": cn_date(local(announcement.published_at).date())},
        form=form.set_entries(announcement.entries)), status


@bp.get("/evaluation-results/<int:announcement_id>")
def detail(announcement_id: int):
    announcement = load_or_404(EvaluationAnnouncement, announcement_id)
    require("evaluation.results", announcement)
    return _page(announcement)


@bp.post("/evaluation-results/<int:announcement_id>/objections")
@objection_limits
def file_objection(announcement_id: int):
    announcement = load_or_404(EvaluationAnnouncement, announcement_id)
    require("evaluation.object", announcement)
    form, problems = ObjectionForm().set_entries(announcement.entries), []
    back = url_for(".detail", announcement_id=announcement.id)
    if form.validate_on_submit():
        if (answer := repeated(form, back=back)) is not None:
            return answer
        answer, error = created(
            form, lambda: results.file_objection(announcement, form.filing(), actor=current_user),
            path=back, note=lambda row: _("Your objection is received. Receipt number: "
                                          "%(receipt)s. Keep it to ask about its handling.",
                                          receipt=row.receipt_no))
        if error is None:
            return answer
        problems = error.problems
    return _page(announcement, form=form, problems=problems, status=422)
