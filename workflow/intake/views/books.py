"""The application book (申报书) of each submitted version: its download, and the page its
printed code and QR code lead to, which confirms the version to those who may see the
application and to nobody else says whether the code exists."""
from io import BytesIO

from flask import Blueprint, abort, current_app, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required

from forms.notices import VerifyFileForm
from workflow.core.extensions import limiter
from workflow.core.storage import DamagedFile
from workflow.intake.models import Application
from workflow.intake.operations import books
from workflow.lifecycle.permissions import can
from workflow.web.views.helpers import load_or_404, require
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("books", __name__)
# Codes have 80 random bits; the limit keeps anyone from trying them by the thousand.
VERIFY_LIMIT = "30 per minute; 300 per hour"


def _verify_limit() -> str:
    return current_app.config.get("BOOK_VERIFY_RATE_LIMIT", VERIFY_LIMIT)


@bp.get("/applications/<int:app_id>/versions/<int:number>/book.pdf")
@login_required
def download(app_id: int, number: int):
    app = load_or_404(Application, app_id)
    require("version.view", app)
    version = books.version_of(app, number) or abort(404)
    try:
        with unit_of_work():
            data = books.book_pdf(version, actor=current_user)
    except DamagedFile as damage:
        current_app.logger.error("application book of version %d: %s", version.id, damage)
        abort(500)
    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=books.download_name_of(version), max_age=0)


@bp.route("/applications/verify/<code>", methods=["GET", "POST"])
@limiter.limit(_verify_limit)
def verify(code: str):
    require("document.verify")
    version = books.find_by_code(code)
    if version is None or not can(current_user, "version.view", version.application):
        # Unknown, or not for this user: the same answer, so it tells nobody which.
        return render_template("intake/applications/book_undisclosed.html"), 404
    if code != version.verification_code:
        return redirect(url_for(".verify", code=version.verification_code))
    form = VerifyFileForm()
    compared = None
    if form.validate_on_submit():
        compared = books.compare_upload(version, form.file.data.stream)
    return render_template("intake/applications/book_verify.html", version=version,
                           app=version.application, form=form, compared=compared,
                           intact=books.snapshot_intact(version))
