"""Login, logout, registration of an organization, language."""
from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user

from forms.auth import LoginForm, RegistrationForm
from workflow.extensions import db
from workflow.services.accounts import authenticate, register_organization
from workflow.services.errors import ServiceError

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("public.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            session.clear()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("Email or password is wrong."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    session.clear()
    return redirect(url_for("public.index"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegistrationForm()
    if form.validate_on_submit():
        data = {k: v for k, v in form.data.items() if k not in ("csrf_token", "confirm")}
        try:
            user = register_organization(**data)
        except ServiceError as error:
            form.credit_code.errors.extend(error.problems)
        else:
            db.session.commit()
            login_user(user)
            return redirect(url_for("applicant.home"))
    return render_template("auth/register.html", form=form)


@bp.post("/language/<code>")
def set_language(code: str):
    if code in ("zh_CN", "en"):
        session["locale"] = code
    return redirect(_safe_next(request.form.get("next")))
