"""A person's own account: password, second factor, sessions and login history."""
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.accounts import ChangePasswordForm, ConfirmPasswordForm, EnrolForm
from forms.inbox import MailDeliveryForm
from workflow.accounts.operations import accounts, login, second_factor, sessions
from workflow.inbox import notifications
from workflow.web.views.helpers import require
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.before_request
@login_required
def _own_account_only():
    require("account.view")


def _overview(*, password_form=None, mail_form=None, status: int = 200):
    form = password_form or ChangePasswordForm(formdata=None)
    mail_form = mail_form or MailDeliveryForm(formdata=None,
                                              delivery=current_user.mail_delivery)
    return render_template(
        "accounts/account/overview.html", password_form=form, confirm_form=ConfirmPasswordForm(),
        mail_form=mail_form,
        required=second_factor.required_for(current_user),
        recovery_left=second_factor.recovery_codes_left(current_user),
        history=login.login_history(current_user, limit=20),
        sessions=sessions.recent_sessions(current_user, limit=10),
        current_sid=sessions.digest(session.get("sid") or "")), status


@bp.get("")
@login_required
def overview():
    return _overview()


@bp.post("/password")
@login_required
def change_password():
    form = ChangePasswordForm()
    form.user_inputs = (current_user.email, current_user.name)
    if form.validate_on_submit():
        with unit_of_work(flash_errors=False) as work:
            ended = accounts.change_password(current_user, current=form.current.data,
                                             new=form.password.data,
                                             keep_token=session.get("sid"))
        if work.failed:
            form.current.errors.extend(work.error.problems)
        else:
            flash(_("Your password is changed; %(n)d other sessions were ended.", n=ended),
                  "success")
            return redirect(url_for(".overview"))
    return _overview(password_form=form, status=422)


@bp.post("/mail")
@login_required
def change_mail_delivery():
    form = MailDeliveryForm()
    if not form.validate_on_submit():
        return _overview(mail_form=form, status=422)
    with unit_of_work():
        notifications.set_mail_delivery(current_user, form.delivery.data, actor=current_user)
    flash(_("Your notifications now come in one digest a day.")
          if form.delivery.data == "daily" else
          _("Each notification now comes by mail at once."), "success")
    return redirect(url_for(".overview", _anchor="mail"))


@bp.route("/second-factor", methods=["GET", "POST"])
@login_required
def enrol():
    if current_user.has_totp:
        return redirect(url_for(".overview"))
    with unit_of_work():
        second_factor.secret_to_enrol(current_user)
    form = EnrolForm()
    if form.validate_on_submit():
        with unit_of_work(flash_errors=False) as work:
            codes = second_factor.enable(current_user, current_user.totp_secret, form.code.data)
        if work.failed:
            form.code.errors.extend(work.error.problems)
        else:
            return render_template("accounts/account/recovery_codes.html", codes=codes,
                                   target=url_for(".overview"))
    uri = second_factor.provisioning_uri(current_user, current_user.totp_secret)
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/auth/enrol.html", form=form, secret=current_user.totp_secret,
                           qr=second_factor.qr_data_uri(uri), forced=False), status


def _reauthenticated(change):
    """Run `change(password)` with the password typed again; a refusal is flashed."""
    form = ConfirmPasswordForm()
    if not form.validate_on_submit():
        flash(_("Type your password to confirm."), "danger")
        return None
    with unit_of_work() as work:
        result = change(form.password.data)
    if work.failed:
        return None
    return result


@bp.post("/second-factor/recovery-codes")
@login_required
def new_recovery_codes():
    codes = _reauthenticated(lambda password: second_factor.regenerate_recovery_codes(
        current_user, password=password))
    if codes is None:
        return redirect(url_for(".overview"))
    return render_template("accounts/account/recovery_codes.html", codes=codes,
                           target=url_for(".overview"))


@bp.post("/second-factor/disable")
@login_required
def disable_second_factor():
    if _reauthenticated(lambda password: second_factor.disable(current_user,
                                                                password=password)):
        flash(_("The second factor is off."), "success")
    return redirect(url_for(".overview"))


@bp.post("/sessions/end-others")
@login_required
def end_other_sessions():
    with unit_of_work():
        ended = accounts.end_other_sessions(current_user, keep_token=session.get("sid"))
    flash(_("%(n)d other sessions were ended.", n=ended), "success")
    return redirect(url_for(".overview"))
