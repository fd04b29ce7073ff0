"""Login in two steps (password, then the second factor where there is one), logout,
passwords set from an invitation or a reset link, registration of an organization, language.

Between the two steps the session holds only `pending` (the user, the step, when it began);
a login becomes a server-side session (accounts/operations/sessions.py) once every step is done."""
import logging
from functools import partial

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from forms.accounts import (
    EnrolForm,
    LoginForm,
    RegistrationForm,
    ResetRequestForm,
    SecondFactorForm,
    SetPasswordForm,
)
from workflow.accounts.models.users import User
from workflow.accounts.operations import account_links, second_factor, sessions
from workflow.accounts.operations import login as logins
from workflow.accounts.operations.accounts import register_organization
from workflow.core.clock import now
from workflow.core.errors import ServiceError
from workflow.core.extensions import db, limiter
from workflow.inbox import notifications
from workflow.web.views import kept_forms
from workflow.web.views.helpers import safe_next
from workflow.web.views.once import keep_outcome, repeated
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)
PENDING_MINUTES = 10


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _public_form_limit() -> str:
    return current_app.config["PUBLIC_FORM_RATE_LIMIT"]


def _contact_limit() -> str:
    return current_app.config["PUBLIC_FORM_CONTACT_LIMIT"]


def _typed_email() -> str:
    """Registrations are limited per address typed as well as per client address."""
    return "email:" + logins.normalized(request.form.get("email", ""))


def attempt() -> logins.Attempt:
    return logins.Attempt(ip=request.remote_addr or "",
                         user_agent=request.headers.get("User-Agent", ""))


def _start_pending(user: User, step: str, target: str) -> None:
    kept_forms.carry_over(session.clear)
    session["pending"] = {"user": user.id, "step": step, "at": now().timestamp(),
                          "next": target}


def _pending(step: str) -> tuple[User, str]:
    """The user half-way through the login at `step`, or back to the login page."""
    pending = session.get("pending") or {}
    fresh = now().timestamp() - pending.get("at", 0) < PENDING_MINUTES * 60
    user = db.session.get(User, pending.get("user", 0)) if fresh else None
    if user is None or pending.get("step") != step or not user.active:
        session.pop("pending", None)
        abort(redirect(url_for(".login")))
    return user, pending.get("next") or ""


def complete_login(user: User, target: str):
    """Every step done: a new server-side session (a new id), the user logged in."""
    kept_forms.carry_over(session.clear)
    session["sid"] = sessions.start_session(user, ip=attempt().ip,
                                            user_agent=attempt().user_agent)
    login_user(user)
    with unit_of_work():
        logins.clear_failures(user.email)
        logins.record("success", email=user.email, user=user, attempt=attempt())
    return redirect(safe_next(target))


def after_password(user: User, target: str):
    """The next step for a user whose password was right; without a safe `target` the
    login ends on the user's desk."""
    if safe_next(target) != target:
        target = url_for("desk.home")
    if user.has_totp:
        _start_pending(user, "code", target)
        return redirect(url_for(".second_factor_step"))
    if second_factor.required_for(user):
        _start_pending(user, "enrol", target)
        return redirect(url_for(".enrol_step"))
    return complete_login(user, target)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        with unit_of_work():
            outcome = logins.check_password(form.email.data, form.password.data,
                                            attempt=attempt())
        if outcome.user is not None:
            return after_password(outcome.user, request.args.get("next"))
        form.password.errors.append(
            _("Too many failed attempts: logging in with this address is locked for "
              "%(n)d minutes. You can reset the password meanwhile.",
              n=current_app.config["LOGIN_LOCK_MINUTES"])
            if outcome.locked else _("Email or password is wrong."))
    return render_template("accounts/auth/login.html", form=form)


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def second_factor_step():
    user, target = _pending("code")
    form = SecondFactorForm()
    if form.validate_on_submit():
        if logins.is_locked(user.email):
            form.code.errors.append(_("Too many failed attempts: try again later."))
        elif second_factor.check_code(user, form.code.data):
            return complete_login(user, target)
        else:
            with unit_of_work():
                logins.note_failure(user.email)
                logins.record("second_factor_failure", email=user.email, user=user,
                             attempt=attempt())
            form.code.errors.append(_("This code is wrong or was used already."))
    return render_template("accounts/auth/second_factor.html", form=form)


@bp.route("/login/enrol", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def enrol_step():
    """Officers and leaders set up the second factor before their first login completes."""
    user, target = _pending("enrol")
    with unit_of_work():
        second_factor.secret_to_enrol(user)
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = second_factor.enable(user, user.totp_secret, form.code.data)
        except ServiceError as error:
            form.code.errors.extend(error.problems)
        else:
            complete_login(user, target)
            return render_template("accounts/account/recovery_codes.html", codes=codes,
                                   target=safe_next(target))
    uri = second_factor.provisioning_uri(user, user.totp_secret)
    return render_template("accounts/auth/enrol.html", form=form, secret=user.totp_secret,
                           qr=second_factor.qr_data_uri(uri), forced=True)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        with unit_of_work():
            logins.record("logout", email=current_user.email, user=current_user,
                          attempt=attempt())
            sessions.end_session(session.get("sid"), "logout")
    logout_user()
    kept_forms.carry_over(session.clear)
    return redirect(url_for("public.index"))


@bp.route("/account/reset", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        with unit_of_work():
            user_id = account_links.record_reset_request(form.email.data, attempt=attempt())
        response = make_response(render_template("accounts/auth/reset_sent.html",
                                                 email=form.email.data))
        if user_id is not None:
            # After the answer has left, so its time is the same for every address.
            response.call_on_close(partial(_send_reset_link, current_app._get_current_object(),
                                           user_id))
        return response
    return render_template("accounts/auth/reset_request.html", form=form)


def _send_reset_link(app, user_id: int) -> None:
    with app.app_context():
        try:
            with unit_of_work(flash_errors=False):
                account_links.send_reset_link(user_id)
        except Exception:  # the answer is gone; the user asks again, the log says why
            log.exception("the reset link of user %s could not be made", user_id)


def _set_password_page(token: str, purpose: str):
    state = account_links.look_up(token, purpose)
    if state.row is None:
        return render_template("accounts/auth/link_refused.html", problem=state.problem), 410
    user = state.row.user
    form = SetPasswordForm()
    form.user_inputs = (user.email, user.name)
    if form.validate_on_submit():
        with unit_of_work(flash_errors=False) as work:
            account_links.use_link(token, purpose, form.password.data, attempt=attempt())
        if work.failed:
            form.password.errors.extend(work.error.problems)
        else:
            flash(_("Your password is set."), "success")
            return after_password(user, "")
    return render_template("accounts/auth/set_password.html", form=form, user=user, purpose=purpose)


@bp.route("/account/activate/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def activate(token: str):
    return _set_password_page(token, account_links.ACTIVATE)


@bp.route("/account/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset(token: str):
    return _set_password_page(token, account_links.RESET)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_public_form_limit, methods=["POST"])
@limiter.limit(_contact_limit, methods=["POST"], key_func=_typed_email)
def register():
    """A unit registers with its business licence and waits, unverified, for its decision."""
    form = RegistrationForm()
    if form.validate_on_submit():
        if (answer := repeated(form, back=url_for("organizations.own"))) is not None:
            return answer
        with unit_of_work(flash_errors=False) as work:
            user = register_organization(
                **form.organization_data(), user_name=form.user_name.data,
                email=form.email.data, password=form.password.data,
                phone=form.phone.data or "", licence=form.licence.checked)
        if work.failed:
            form.credit_code.errors.extend(work.error.problems)
        else:
            note = _("Your organization is registered and waits for its verification.")
            keep_outcome(form, url_for("organizations.own"), note)
            flash(note, "success")
            return complete_login(user, url_for("organizations.own"))
    return render_template("accounts/auth/register.html", form=form), 422 if form.errors else 200


@bp.post("/language/<code>")
def set_language(code: str):
    if code in ("zh_CN", "en"):
        session["locale"] = code
        if current_user.is_authenticated:  # their mails follow the language they read
            with unit_of_work():
                notifications.set_language(current_user, code)
    return redirect(safe_next(request.form.get("next")))

