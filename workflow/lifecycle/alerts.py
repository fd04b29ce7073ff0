"""Who is told what after a state change, and the reminders of coming deadlines.

The lead unit hears of every step of its application that the department takes (the
leader's selection only with the announcement, publicity.py); the next actor of a step is
told by lifecycle/handoffs.py. Each text is composed in its recipient's language and ends
with an absolute link; where the lead unit has something to do, it says what and by when.
"""
from flask_babel import gettext as _

from workflow.accounts.operations import account_links
from workflow.core.clock import local
from workflow.inbox.notifications import lead_users, notify
from workflow.lifecycle import registry
from workflow.lifecycle.handoffs import beijing_time


def after_transition(app, action, actor, comment: str) -> None:
    """Queue the notifications of one state change (called by the transition function): to
    the lead unit, and to whoever acts next."""
    spec = registry.spec_of(action)
    if spec.hands_over is not None:
        spec.hands_over(app, actor)
    if spec.tells_lead is None:
        return
    what = spec.tells_lead

    def compose(user):
        subject = _("%(title)s: %(what)s", title=app.title, what=str(what))
        body = _("Your application “%(title)s” was %(what)s.", title=app.title, what=str(what))
        if comment:
            body += "\n\n" + _("Reasons or remarks:") + "\n" + comment
        if spec.next_step is not None and (step := spec.next_step(app)):
            body += "\n\n" + step
        return subject, body

    notify(lead_users(app), kind=str(action), compose=compose, application=app,
           link=f"/applications/{app.id}")


_REMINDERS = {
    "filing": lambda what, when: _(
        "The call closes at %(when)s (Beijing time) and “%(what)s” is still a draft. Submit it "
        "before then; a draft left unsubmitted expires when the call closes.",
        what=what, when=when),
    "recommend": lambda what, when: _(
        "Applications of your region in “%(what)s” wait for your decision. Recommend, decline "
        "or return each of them before %(when)s (Beijing time).", what=what, when=when),
    "correction": lambda what, when: _(
        "The corrections asked for “%(what)s” are due at %(when)s (Beijing time). Submit them "
        "before then; after that the application is closed.", what=what, when=when),
    "score": lambda what, when: _(
        "Score sheets of “%(what)s” wait for you. Score every item of each and submit them "
        "before %(when)s (Beijing time): the panels' results wait for them.",
        what=what, when=when),
    "cobuild": lambda what, when: _(
        "“%(what)s” names your unit as a co-builder and waits for its confirmation. Confirm "
        "it before %(when)s (Beijing time), or ask the lead unit to take your unit off: the "
        "application cannot be submitted while a co-builder has not confirmed.",
        what=what, when=when),
}


def remind(users, *, task: str, key: str, app, deadline, what: str, path: str) -> int:
    """A reminder two working days before `deadline` of what `task` asks (filing, recommend,
    correction, score, cobuild), with a link to `path`; sent once per key and person."""
    when = beijing_time(deadline)

    def compose(user):
        return (_("Deadline in two working days: %(what)s", what=what),
                _REMINDERS[task](what, when))

    return notify(users, kind="reminder", compose=compose, application=app, link=path,
                  dedupe_key=key)


_RECALLS = {
    "select": lambda what, since: _(
        "The expert review of “%(what)s” was complete on %(since)s (Beijing time) and "
        "applications still wait for your selection.", what=what, since=since),
    "objections": lambda what, since: _(
        "Objection reviews of “%(what)s” wait for your decision since %(since)s (Beijing "
        "time): dismiss or uphold each objection.", what=what, since=since),
    "sign": lambda what, since: _(
        "The approval notice of “%(what)s” waits for your signature since %(since)s (Beijing "
        "time).", what=what, since=since),
    "issue": lambda what, since: _(
        "The approval notice of “%(what)s” was signed on %(since)s (Beijing time) and is not "
        "issued yet.", what=what, since=since),
    "answer": lambda what, since: _(
        "You were invited on %(since)s (Beijing time) to review applications of “%(what)s” "
        "and have not answered yet. Accept, decline or declare a conflict on your review "
        "page: a panel's review starts only when every member has answered.",
        what=what, since=since),
    "verify": lambda what, since: _(
        "%(what)s registered on %(since)s (Beijing time) and still waits for the "
        "verification of its business licence; until then it cannot submit an application "
        "nor confirm a co-building.", what=what, since=since),
}


def recall(users, *, task: str, key: str, since, what: str, path: str) -> int:
    """A reminder of work handed over at `since` that still waits (select, objections, sign,
    issue, answer, verify), with a link to `path`; sent once per key and person."""
    def compose(user):
        return (_("Still waiting for you: %(what)s", what=what),
                _RECALLS[task](what, beijing_time(since)))

    return notify(users, kind="reminder", compose=compose, link=path, dedupe_key=key)


def panel_invitation(call, links: dict | None = None):
    """The invitation to review an application of `call`, naming no application (see
    assignment._invite): what to do, how to log in, the review page, and the call's review
    deadline when it has one (answering has none of its own: the review waits for complete
    panels). An expert who never set a password gets a fresh link to set one (the pool's
    invitation may have expired long ago); `links` keeps one link per person for a batch of
    invitations, since a newer link replaces the older."""
    links = {} if links is None else links

    def compose(person):
        body = _("Hello %(name)s,\n\nyou are invited as an expert to review an application of "
                 "the call “%(call)s”.\n\nWhat to do: log in and open your review page. If you "
                 "have a conflict of interest with the applicant (for example, you work for one "
                 "of its units, helped write its plan or are related to its project head), "
                 "declare it there; otherwise accept the invitation, or decline it with a "
                 "reason. The review of the application starts only when its panel is "
                 "complete, so please answer soon.", name=person.name, call=call.title)
        if call.review_deadline is not None:
            body += "\n\n" + _("Score sheets are due at %(when)s (Beijing time): answer the "
                                "invitation well before, so that the panel is complete in "
                                "time for you to score.",
                                when=beijing_time(call.review_deadline))
        if not person.is_activated:
            if person.id not in links:
                token, row = account_links.issue_link(person, account_links.ACTIVATE,
                                                           replaces_earlier=False)
                links[person.id] = (account_links.link_url(token, account_links.ACTIVATE),
                                    local(row.expires_at).strftime("%Y-%m-%d %H:%M"))
            url, until = links[person.id]
            body += "\n\n" + _("Your account has no password yet. Choose one with this link "
                                "(it works once, until %(deadline)s Beijing time):\n%(url)s",
                                url=url, deadline=until)
        return _("Invitation to review an application"), body
    return compose
