"""Each person's notifications, the unread count in the navigation bar, and the department's
view of the mail outbox: what waits, failed, was given up or sent, and a retry."""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workflow.inbox import notifications
from workflow.inbox import outbox as mails
from workflow.inbox.models import Notification, OutboxMail
from workflow.lifecycle.permissions import can
from workflow.web.queries import lists as queries
from workflow.web.views.helpers import load_or_404, require
from workflow.web.views.unit_of_work import unit_of_work

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
    return render_template("inbox/index.html", page=page)


@bp.get("/notifications/<int:note_id>/open")
@login_required
def open_note(note_id: int):
    """Follow a notification's link, marking it read on the way."""
    note = load_or_404(Notification, note_id)
    require("notifications.view")
    with unit_of_work():
        notifications.mark_read(note, actor=current_user)
    return redirect(notifications.target_of(note))


@bp.post("/notifications/<int:note_id>/read")
@login_required
def mark_read(note_id: int):
    note = load_or_404(Notification, note_id)
    require("notifications.view")
    with unit_of_work():
        notifications.mark_read(note, actor=current_user)
    return redirect(url_for(".index", page=request.args.get("page", 1, type=int)))


@bp.post("/notifications/read-all")
@login_required
def mark_all_read():
    require("notifications.view")
    with unit_of_work():
        notifications.mark_all_read(current_user)
    return redirect(url_for(".index"))


@bp.get("/officer/outbox")
@login_required
def outbox():
    require("outbox.view")
    status = request.args.get("status")
    status = status if status in mails.STATUS else None
    page = mails.listing(status, page=request.args.get("page", 1, type=int))
    return render_template("inbox/outbox.html", page=page, status=status,
                           counts=mails.counts())


@bp.get("/officer/outbox/<int:mail_id>")
@login_required
def outbox_mail(mail_id: int):
    mail = load_or_404(OutboxMail, mail_id)
    require("outbox.view", mail)
    return render_template("inbox/outbox_mail.html", mail=mail,
                           body=mails.readable_body(mail))


@bp.post("/officer/outbox/<int:mail_id>/retry")
@login_required
def retry_mail(mail_id: int):
    mail = load_or_404(OutboxMail, mail_id)
    require("outbox.retry", mail)
    with unit_of_work() as work:
        mails.retry_mail(mail, actor=current_user)
    if work.failed:
        return redirect(url_for(".outbox_mail", mail_id=mail.id))
    flash(_("The mail is due again: it is sent in a moment."), "success")
    return redirect(url_for(".outbox_mail", mail_id=mail.id))


@bp.post("/officer/outbox/retry-given-up")
@login_required
def retry_given_up():
    require("outbox.retry")
    with unit_of_work() as work:
        count = mails.retry_given_up(actor=current_user)
    if work.failed:
        return redirect(url_for(".outbox"))
    flash(_("%(n)d given-up mails are due again.", n=count), "success")
    return redirect(url_for(".outbox"))
