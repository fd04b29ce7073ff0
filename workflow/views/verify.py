"""Public verification of issued documents: anyone with the code printed on a notice or a
letter sees what was issued under it, whether it was revoked, and can compare a file."""
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from forms.notices import VerifyCodeForm, VerifyFileForm
from workflow.services import notice_issue
from workflow.views.helpers import require

bp = Blueprint("verify", __name__)


@bp.get("/verify")
def lookup():
    require("document.verify")
    form = VerifyCodeForm(request.args)
    if request.args and form.validate():
        code = notice_issue.normalize_code(form.code.data)
        if code is not None:
            return redirect(url_for(".document", code=code))
        form.code.errors.append(_("A verification code has 16 letters and digits, e.g. "
                                  "ABCD-EFGH-JKLM-NPQR."))
    return render_template("verify/index.html", form=form), 422 if form.errors else 200


@bp.route("/verify/<code>", methods=["GET", "POST"])
def document(code: str):
    require("document.verify")
    doc = notice_issue.find_by_code(code)
    if doc is None:
        abort(404)
    if code != doc.verification_code:
        return redirect(url_for(".document", code=doc.verification_code))
    form = VerifyFileForm()
    compared = None
    if form.validate_on_submit():
        compared = notice_issue.compare_upload(doc, form.file.data.stream)
    return render_template("verify/document.html", doc=doc, form=form, compared=compared,
                           facts=notice_issue.describe(doc))
