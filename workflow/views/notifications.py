"""Each person's notifications, the unread count in the navigation bar, and the department's
view of the mail outbox (mails are kept there, not sent, in development)."""
from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from workflow.extensions import db
from workflow.models import Notification, OutboxMail
from workflow.permissions import can
from workflow.services import notifications, queries
from workflow.views.helpers import load_or_404, require

bp = Blueprint("notifications", __name__)


@bp.before_app_request
def _forget_unread_count():
    # Tests run requests inside one app context, whose `g` would outlive a request.
    g.pop("unread_notifications", None)


@bp.app_context_processor
def unread_badge():
    def unread() -> int:
        # Computed on first use and kept for the request: one query per page at most.
        if "unread_notifications" not in g:
            g.unread_notifications = (notifications.unread_count(current_user)
                                      if can(current_user, "notifications.view") else 0)
        return g.unread_notifications
    return {"unread_notifications": unread}


@bp.get("/notifications")
@login_required
def index():
    require("notifications.view")
    page = queries.notifications_of(current_user, page=request.args.get("page", 1, type=int))
    return render_template("notifications/index.html", page=page)


@bp.post("/notifications/<int:note_id>/read")
@login_required
def mark_read(note_id: int):
    note = load_or_404(Notification, note_id)
    require("notifications.view")
    notifications.mark_read(note, actor=current_user)
    db.session.commit()
    return redirect(url_for(".index", page=request.args.get("page", 1, type=int)))


@bp.post("/notifications/read-all")
@login_required
def mark_all_read():
    require("notifications.view")
    notifications.mark_all_read(current_user)
    db.session.commit()
    return redirect(url_for(".index"))


@bp.get("/officer/outbox")
@login_required
def outbox():
    require("outbox.view")
    return render_template("notifications/outbox.html",
                           page=queries.outbox(page=request.args.get("page", 1, type=int)))


@bp.get("/officer/outbox/<int:mail_id>")
@login_required
def outbox_mail(mail_id: int):
    mail = load_or_404(OutboxMail, mail_id)
    require("outbox.view", mail)
    return render_template("notifications/outbox_mail.html", mail=mail)
