"""Who is told what after a state change, and the reminders of coming deadlines.

Texts are composed in the installation's default language (Chinese); links are relative.
"""
from flask_babel import gettext as _

from workflow.clock import local
from workflow.services.notifications import lead_users, notify
from workflow.states import Action

_TOLD_TO_LEAD = {
    Action.RETURN: lambda: _("returned for revision"),
    Action.DECLINE: lambda: _("not recommended"),
    Action.RECOMMEND: lambda: _("recommended to the department"),
    Action.REQUEST_CORRECTION: lambda: _("asked for corrections"),
    Action.FAIL_FORMAL_REVIEW: lambda: _("failed the formal review"),
    Action.PASS_FORMAL_REVIEW: lambda: _("passed the formal review"),
    Action.EXPIRE_CORRECTION: lambda: _("closed: the correction deadline was missed"),
    # The objector is not named: the leader's reasons are the department's own words.
    Action.DISMISS_OBJECTION: lambda: _("cleared: the objection was dismissed"),
    Action.UPHOLD_OBJECTION: lambda: _("removed from the list: the objection was upheld"),
}


def after_transition(app, action, actor, comment: str) -> None:
    """Queue the notifications of one state change (called by the transition function)."""
    what = _TOLD_TO_LEAD.get(action)
    if what is None:
        return
    subject = _("%(title)s: %(what)s", title=app.title, what=what())
    body = _("Your application “%(title)s” was %(what)s.", title=app.title, what=what())
    if comment:
        body += "\n\n" + _("Reasons or remarks:") + "\n" + comment
    body += "\n\n" + _("Details: /applications/%(id)d", id=app.id)
    notify(lead_users(app), kind=str(action), subject=subject, body=body, application=app)


def remind(users, *, key: str, app, deadline, what: str) -> int:
    """A reminder two working days before `deadline`, sent once per key and person."""
    when = local(deadline).strftime("%Y-%m-%d %H:%M")
    subject = _("Deadline in two working days: %(what)s", what=what)
    body = _("%(what)s: the deadline is %(when)s (Beijing time).", what=what, when=when)
    if app is not None:
        body += "\n\n" + _("Details: /applications/%(id)d", id=app.id)
    return notify(users, kind="reminder", subject=subject, body=body, application=app,
                  dedupe_key=key)
