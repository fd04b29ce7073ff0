"""Verified organizations: a unit's own page (status, the reason of a rejection, licences, a
new licence, the correction after a rejection), the verification queue and page of officers
and city recommenders, and the licence files."""
import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.organizations import CorrectionForm, LicenceForm, RejectForm, VerifyForm
from workflow.core.errors import ServiceError
from workflow.core.storage import DamagedFile
from workflow.lifecycle.permissions import can, claim_disputed
from workflow.organizations.models import Licence, Organization, OrgStatus
from workflow.organizations.operations import licences, organizations, verification
from workflow.web.views.helpers import flash_problems, load_or_404, require
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("organizations", __name__)
# The licence is shown in a frame of the verification page: this site may frame it, no other.
FRAMED_BY_THIS_SITE = ("default-src 'self'; img-src 'self' data:; style-src 'self'; "
                       "script-src 'self'; frame-ancestors 'self'")


def _own_page(org: Organization, *, licence_form=None, correction_form=None, status=200):
    return render_template(
        "organizations/own.html", org=org,
        disputed=org.status == OrgStatus.UNVERIFIED and claim_disputed(org),
        licence_form=licence_form or LicenceForm(formdata=None),
        correction_form=correction_form or CorrectionForm.of(org)), status


@bp.get("/my/organization")
@login_required
def own():
    require("organization.view_own")
    return _own_page(current_user.organization)


@bp.post("/my/organization/licence")
@login_required
def upload_licence():
    org = current_user.organization
    require("organization.upload_licence", org)
    form = LicenceForm()
    if form.validate_on_submit():
        with unit_of_work() as work:
            organizations.upload_licence(org, form.licence.checked, actor=current_user)
        if not work.failed:
            flash(_("The new licence is saved: the verification reads it."), "success")
            return redirect(url_for(".own"))
    return _own_page(org, licence_form=form, status=422)


@bp.post("/my/organization/correct")
@login_required
def correct():
    org = current_user.organization
    require("organization.correct", org)
    form = CorrectionForm()
    if form.validate_on_submit():
        with unit_of_work(flash_errors=False) as work:
            organizations.correct_organization(org, **form.organization_data(),
                                               licence=form.licence.checked, actor=current_user)
        if work.failed:
            form.credit_code.errors.extend(work.error.problems)
        else:
            flash(_("Your registration is corrected and waits for its verification."),
                  "success")
            return redirect(url_for(".own"))
    return _own_page(org, correction_form=form, status=422)


@bp.get("/verification")
@login_required
def queue():
    require("organization.queue")
    every_city = can(current_user, "organization.review_disputed")
    text = request.args.get("q", "")[:100]
    disputed = every_city and request.args.get("disputed") == "1"
    page = organizations.verification_queue(
        city=None if every_city else current_user.organization.region_code, text=text,
        disputed_only=disputed, page=request.args.get("page", 1, type=int))
    return render_template("organizations/queue.html", page=page, q=text, disputed=disputed,
                           every_city=every_city)


def _review_page(org: Organization, *, reject_form=None, status=200):
    shown = {"licence_id": org.licence.id if org.licence else ""}
    return render_template(
        "organizations/review.html", org=org, disputed=claim_disputed(org),
        claims=organizations.other_claims(org), users=organizations.unit_users(org),
        history=organizations.history(org), verify_form=VerifyForm(formdata=None, **shown),
        reject_form=reject_form or RejectForm(formdata=None, **shown)), status


@bp.get("/verification/<int:org_id>")
@login_required
def review(org_id: int):
    org = load_or_404(Organization, org_id)
    require("organization.review", org)
    return _review_page(org)


def _after_refusal(org: Organization, error: ServiceError):
    """The refusal (rolled back by the unit of work), said; back to the unit if still
    there to review, else to the queue."""
    flash_problems(error)
    if can(current_user, "organization.review", org):
        return redirect(url_for(".review", org_id=org.id))
    return redirect(url_for(".queue"))


@bp.post("/verification/<int:org_id>/verify")
@login_required
def verify(org_id: int):
    org = load_or_404(Organization, org_id)
    require("organization.decide", org)
    form = VerifyForm()
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(flash_errors=False) as work:
        rejected = verification.verify_organization(org, licence_id=form.licence(),
                                                    actor=current_user)
    if work.failed:
        return _after_refusal(org, work.error)
    flash(_("%(name)s is verified.", name=org.name), "success")
    if rejected:
        flash(_("The other registrations of its credit code were rejected: %(names)s.",
                names=_(", ").join(r.name for r in rejected)), "info")
    return redirect(url_for(".queue"))


@bp.post("/verification/<int:org_id>/reject")
@login_required
def reject(org_id: int):
    org = load_or_404(Organization, org_id)
    require("organization.decide", org)
    form = RejectForm()
    if form.validate_on_submit():
        with unit_of_work(flash_errors=False) as work:
            verification.reject_organization(org, reason=form.reason.data,
                                             licence_id=form.licence(), actor=current_user)
        if work.failed:
            return _after_refusal(org, work.error)
        flash(_("The registration of %(name)s is rejected; the unit is told why.",
                name=org.name), "success")
        return redirect(url_for(".queue"))
    return _review_page(org, reject_form=form, status=422)


def _licence_file(licence_id: int, *, download: bool):
    licence = load_or_404(Licence, licence_id)
    require("licence.read", licence)
    try:
        data = licences.read_licence(licence)
    except DamagedFile:
        abort(404)
    response = send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=download,
                         download_name=f"licence-{licence.organization.credit_code}-"
                                       f"{licence.id}.pdf")
    response.headers["Cache-Control"] = "no-store"
    if not download:
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Content-Security-Policy"] = FRAMED_BY_THIS_SITE
    return response


@bp.get("/licences/<int:licence_id>")
@login_required
def licence(licence_id: int):
    return _licence_file(licence_id, download=False)


@bp.get("/licences/<int:licence_id>/download")
@login_required
def download_licence(licence_id: int):
    return _licence_file(licence_id, download=True)
