"""Public verification of issued documents: anyone with the code printed on a notice, a
letter or a decision document sees what was issued under it, whether it or the center it
names was revoked, and can compare a file."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from forms.notices import VerifyCodeForm, VerifyFileForm
from workflow.notices.models import DecisionDocument
from workflow.notices.operations import decisions
from workflow.notices.operations import issue as notice_issue
from workflow.web.views.helpers import require

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
    return render_template("notices/verify/index.html", form=form), 422 if form.errors else 200


@bp.route("/verify/<code>", methods=["GET", "POST"])
def document(code: str):
    require("document.verify")
    doc = notice_issue.find_by_code(code) or decisions.find_by_code(code)
    if doc is None:
        return _unknown(code)
    if code != doc.verification_code:
        return redirect(url_for(".document", code=doc.verification_code))
    form = VerifyFileForm()
    compared = None
    if form.validate_on_submit():
        compared = notice_issue.compare_upload(doc, form.file.data.stream)
    return render_template("notices/verify/document.html", doc=doc, form=form, compared=compared,
                           facts=(decisions.describe(doc) if isinstance(doc, DecisionDocument)
                                  else notice_issue.describe(doc)))


def _unknown(code: str):
    """The lookup page again, with the code typed and why nothing is shown (404)."""
    form = VerifyCodeForm(formdata=None, data={"code": code[:40]})
    form.code.errors = [_("No issued document has the verification code %(code)s. Compare "
                          "it with the code printed at the foot of the document's first "
                          "page, or ask the department that issued it.", code=code[:40])]
    return render_template("notices/verify/index.html", form=form), 404
