"""User administration for officers: the list, creating and inviting, roles, deactivation,
the invitation sent again, the second factor reset, and a user's login history."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.accounts import InviteUserForm, RoleForm
from workflow.accounts.models.users import User
from workflow.accounts.operations import login, second_factor, sessions, users
from workflow.core import audit
from workflow.web.formatting import ROLE_LABELS
from workflow.web.views.helpers import load_or_404, require
from workflow.web.views.once import created, repeated
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("users", __name__, url_prefix="/officer/users")


def _filters() -> dict:
    args = request.args
    roles = {str(r) for r in ROLE_LABELS}
    return {"q": args.get("q", "").strip()[:100],
            "role": args.get("role", "") if args.get("role") in roles else "",
            "status": args.get("status", "") if args.get("status") in users.STATUSES else ""}


@bp.get("")
@login_required
def user_list():
    require("user.list")
    filters = _filters()
    page = users.user_page(text=filters["q"], role=filters["role"], status=filters["status"],
                           page=request.args.get("page", 1, type=int))
    return render_template("accounts/users/user_list.html", page=page, filters=filters,
                           counts=users.count_by_status(), role_labels=ROLE_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def invite():
    require("user.manage")
    form = InviteUserForm()
    if form.validate_on_submit():
        if (answer := repeated(form, back=request.path)) is not None:
            return answer
        answer, error = created(form, lambda: users.invite_user(
                email=form.email.data, name=form.name.data, roles=form.roles.data,
                credit_code=form.credit_code.data or "", phone=form.phone.data or "",
                new_unit=users.NewUnit(form.org_name.data or "", form.org_region.data or ""),
                language=form.language.data, actor=current_user),
            path=lambda user: url_for(".detail", user_id=user.id),
            note=lambda user: _("%(name)s was invited: the mail with the link to set a "
                                "password is on its way to %(email)s.", name=user.name,
                                email=user.email))
        if error is None:
            return answer
        form.email.errors.extend(error.problems)
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/users/user_invite.html", form=form), status


@bp.get("/<int:user_id>")
@login_required
def detail(user_id: int):
    require("user.list")
    user = load_or_404(User, user_id)
    return render_template("accounts/users/user_detail.html", user=user, role_form=RoleForm(),
                           invitation=users.invitation_state(user),
                           recovery_left=second_factor.recovery_codes_left(user),
                           history=login.login_history(user),
                           sessions=sessions.recent_sessions(user),
                           decisions=audit.about_user(user))


def _change(user_id: int, change, done: str):
    """Load the user, ask the permission table, apply `change`, say what happened."""
    require("user.manage")
    user = load_or_404(User, user_id)
    with unit_of_work() as work:
        change(user)
    if not work.failed:
        flash(done(user), "success")
    return redirect(url_for(".detail", user_id=user.id))


@bp.post("/<int:user_id>/roles/grant")
@login_required
def grant_role(user_id: int):
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose one of the roles."), "danger")
        return redirect(url_for(".detail", user_id=user_id))
    return _change(user_id, lambda u: users.grant_role(u, form.role.data, actor=current_user),
                   lambda u: _("%(name)s now holds the role.", name=u.name))


@bp.post("/<int:user_id>/roles/revoke")
@login_required
def revoke_role(user_id: int):
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose one of the roles."), "danger")
        return redirect(url_for(".detail", user_id=user_id))
    return _change(user_id, lambda u: users.revoke_role(u, form.role.data, actor=current_user),
                   lambda u: _("The role was taken from %(name)s; their sessions ended.",
                               name=u.name))


@bp.post("/<int:user_id>/active")
@login_required
def set_active(user_id: int):
    active = request.form.get("active") == "1"
    return _change(user_id, lambda u: users.set_user_active(u, active, actor=current_user),
                   lambda u: _("%(name)s can log in again.", name=u.name) if active
                   else _("%(name)s is deactivated; their sessions ended.", name=u.name))


@bp.post("/<int:user_id>/invitation")
@login_required
def resend_invitation(user_id: int):
    return _change(user_id, lambda u: users.resend_invitation(u, actor=current_user),
                   lambda u: _("A new invitation went to %(name)s; the earlier link no longer "
                               "works.", name=u.name))


@bp.post("/<int:user_id>/second-factor/reset")
@login_required
def reset_second_factor(user_id: int):
    return _change(user_id, lambda u: users.reset_second_factor(u, actor=current_user),
                   lambda u: _("The second factor of %(name)s was reset; they set it up again "
                               "at their next login.", name=u.name))
