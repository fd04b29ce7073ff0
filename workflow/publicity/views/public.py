"""The public announcements (公示), no login needed: the list, each announcement with its
text, list, period and PDF, and during the period the objection form. Objections filed are
never shown here."""
from io import BytesIO

from flask import (
    Blueprint,
    abort,
    current_app,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from forms.publicity import ObjectionForm
from workflow.core.extensions import db, limiter
from workflow.core.filenames import download_name
from workflow.publicity.models import Publicity
from workflow.publicity.operations import objections, publicity
from workflow.web.views.helpers import load_or_404, require
from workflow.web.views.once import created, repeated

bp = Blueprint("public_publicity", __name__)
CONTACT_LIMITED = _l("Too many objections were filed with this phone number or email address "
                     "in a short time. Try again in an hour, or call the business phone "
                     "printed on the announcement.")


def _address_limit() -> str:
    return current_app.config["PUBLIC_FORM_RATE_LIMIT"]


def _contact_limit() -> str:
    return current_app.config["PUBLIC_FORM_CONTACT_LIMIT"]


def _typed_phone() -> str:
    return "".join(ch for ch in request.form.get("phone", "") if ch.isdigit())


def _typed_email() -> str:
    return request.form.get("email", "").strip().lower()


def objection_limits(view):
    """The limits of a public objection form, per client address and per phone number or
    email address typed: every announcement that takes objections decorates its view so."""
    for limit in (
            limiter.limit(_contact_limit, key_func=lambda: "email:" + _typed_email(),
                          exempt_when=lambda: not _typed_email(),
                          error_message=CONTACT_LIMITED),
            limiter.limit(_contact_limit, key_func=lambda: "phone:" + _typed_phone(),
                          exempt_when=lambda: not _typed_phone(),
                          error_message=CONTACT_LIMITED),
            limiter.limit(_address_limit)):
        view = limit(view)
    return view


@bp.get("/publicity")
def index():
    require("publicity.view")
    rows = db.session.scalars(select(Publicity).order_by(Publicity.start_date.desc(),
                                                         Publicity.id.desc()))
    return render_template("publicity/public_list.html", rows=rows)


def _page(announcement: Publicity, *, form=None, problems=(), status: int = 200):
    form = form or ObjectionForm(formdata=None)
    return render_template(
        "publicity/public_detail.html", announcement=announcement,
        paragraphs=publicity.paragraphs(announcement),
        date=publicity.document_date(announcement),
        accepting=not objections.period_problems(announcement), problems=problems,
        form=form.set_entries(announcement.entries)), status


@bp.get("/publicity/<int:publicity_id>")
def detail(publicity_id: int):
    announcement = load_or_404(Publicity, publicity_id)
    require("publicity.view", announcement)
    return _page(announcement)


@bp.post("/publicity/<int:publicity_id>/objections")
@objection_limits
def file_objection(publicity_id: int):
    announcement = load_or_404(Publicity, publicity_id)
    require("publicity.object", announcement)
    form, problems = ObjectionForm().set_entries(announcement.entries), []
    back = url_for(".detail", publicity_id=announcement.id)
    if form.validate_on_submit():
        if (answer := repeated(form, back=back)) is not None:
            return answer
        answer, error = created(
            form, lambda: objections.file_objection(announcement, form.filing(),
                                                    actor=current_user),
            path=back, note=lambda row: _("Your objection is received. Receipt number: "
                                          "%(receipt)s. Keep it to ask about its handling.",
                                          receipt=row.receipt_no))
        if error is None:
            return answer
        problems = error.problems
    return _page(announcement, form=form, problems=problems, status=422)


@bp.get("/publicity/<int:publicity_id>/announcement.pdf")
def document(publicity_id: int):
    announcement = load_or_404(Publicity, publicity_id)
    require("publicity.view", announcement)
    data = publicity.document_bytes(announcement)
    if data is None:
        current_app.logger.error("announcement %d: PDF missing or changed", announcement.id)
        abort(404)
    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=False,
                     download_name=download_name(announcement.title, fallback="announcement"),
                     max_age=0)
