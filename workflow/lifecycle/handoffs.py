"""Hand-offs: when a step makes someone else the next actor, that person or group is told,
in their language, with the link to the page where they act.

Messages are grouped so that nobody gets a mail per application when forty move at once:
one notification per person, call, task and day, saying how many wait now (notify's
`refresh` rewrites it as the count grows). Experts are never told the name of an application
(a mail outlives a seat; see assignment._invite). The leader's decisions stay inside the
department until the announcement: the lead units hear of them from publicity.py.
"""
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from workflow.accounts.models.users import User
from workflow.calls.chains import Level
from workflow.calls.models import Call
from workflow.core.clock import local, now
from workflow.core.extensions import db
from workflow.core.states import (
    AWAITING_DECISION_STATES,
    BEFORE_REVIEWED_STATES,
    IN_PUBLICITY_STATES,
    AppState,
    Role,
)
from workflow.experts.models import Exclusion
from workflow.inbox.notifications import (
    lead_users,
    notify,
    region_recommenders,
    staff,
    unit_recommenders,
)
from workflow.intake.models import Application
from workflow.lifecycle.permissions import can, expert_id_of
from workflow.organizations.models import Organization, OrgStatus
from workflow.recommendation.levels import first_level, settings_of
from workflow.recommendation.rules import holding_level
from workflow.review.models import PanelResult, PanelSeat, ScoreSheet


def beijing_time(moment) -> str:
    return local(moment).strftime("%Y-%m-%d %H:%M")


def _day() -> str:
    return f"{local(now()):%Y%m%d}"


def _count(call: Call, *states, **where) -> int:
    stmt = select(func.count()).select_from(Application).where(
        Application.call_id == call.id, Application.state.in_(states))
    for column, value in where.items():
        stmt = stmt.where(getattr(Application, column) == value)
    return db.session.scalar(stmt) or 0


def _others(users, actor) -> list[User]:
    """`users` but the actor: nobody is told of the step they took themselves."""
    return [u for u in users if u.id != getattr(actor, "id", None)]


def _tell(users, actor, *, task: str, call: Call, compose, link: str) -> int:
    """One notification per person, call, task and day, composed again as it grows."""
    return notify(_others(users, actor), kind=f"handoff_{task}", compose=compose, link=link,
                  dedupe_key=f"handoff:{task}:c{call.id}:{_day()}", refresh=True)


def _holders(app: Application) -> tuple[list[User], str, object]:
    """The recommenders of the level holding `app` (recommendation/levels.py), the key of
    their group and the condition of the applications waiting for them in the call."""
    level = holding_level(app)
    if level is Level.COUNTY:
        return (region_recommenders(app.county_code), f"k{app.county_code}",
                Application.county_code == app.county_code)
    if level is Level.DEPARTMENT:
        org_id = app.lead_org.supervising_org_id
        units = select(Organization.id).where(Organization.supervising_org_id == org_id)
        return unit_recommenders(org_id), f"d{org_id}", Application.lead_org_id.in_(units)
    return (region_recommenders(app.region_code), f"r{app.region_code}",
            Application.region_code == app.region_code)


def to_recommenders(app: Application, actor) -> int:
    """A filed (or resubmitted) application waits for the recommenders of its chain's first
    level; one its county passed up (or its city returned to the county) for the next."""
    call = app.call
    users, group, where = _holders(app)
    waiting = db.session.scalar(select(func.count()).select_from(Application).where(
        Application.call_id == call.id, Application.state == app.state, where)) or 0

    def compose(user):
        body = ngettext("%(num)d application of your region in “%(call)s” waits for your "
                        "decision: recommend it (within your quota and with a rank), decline "
                        "it or return it.",
                        "%(num)d applications of your region in “%(call)s” wait for your "
                        "decision: recommend (within your quota and with a rank), decline or "
                        "return each of them.", waiting, call=call.title)
        deadline = settings_of(call, holding_level(app) or first_level(call)).deadline
        if deadline is not None:
            body += " " + _("Decide before %(when)s (Beijing time).",
                            when=beijing_time(deadline))
        return _("Applications to recommend: %(call)s", call=call.title), body

    return notify(_others(users, actor),
                  kind="handoff_recommend", compose=compose,
                  link=f"/recommender/calls/{call.id}", refresh=True,
                  dedupe_key=f"handoff:recommend:c{call.id}:{group}:{_day()}")


def to_formal_review(app: Application, actor) -> int:
    """A recommended application, or one whose corrections came in, waits for the formal
    review of the department's officers."""
    call = app.call
    waiting = _count(call, AppState.RECOMMENDED)

    def compose(user):
        return (_("Formal review: %(call)s", call=call.title),
                ngettext("%(num)d application of “%(call)s” is recommended (or corrected) and "
                         "waits for the formal review: pass, fail or ask for corrections.",
                         "%(num)d applications of “%(call)s” are recommended (or corrected) "
                         "and wait for the formal review: pass, fail or ask for corrections.",
                         waiting, call=call.title))

    return _tell(staff(Role.OFFICER), actor, task="formal", call=call, compose=compose,
                 link=f"/officer/calls/{call.id}/formal-review")


def _sheets_to_score(user: User, call: Call) -> int:
    """The expert's sheets of the call still to submit (as can_edit_sheet allows them), in
    one query."""
    excluded = select(Exclusion.id).where(Exclusion.application_id == PanelSeat.application_id,
                                          Exclusion.expert_id == PanelSeat.expert_id)
    return db.session.scalar(
        select(func.count()).select_from(PanelSeat)
        .join(Application, PanelSeat.application_id == Application.id)
        .outerjoin(ScoreSheet, ScoreSheet.seat_id == PanelSeat.id)
        .where(Application.call_id == call.id, Application.state == AppState.EXPERT_REVIEW,
               PanelSeat.expert_id == expert_id_of(user), PanelSeat.status == "accepted",
               ScoreSheet.submitted_at.is_(None), ~excluded.exists())) or 0


def to_panel(app: Application, actor) -> int:
    """The review of an application opened: each expert of its panel has a sheet to score.
    The message names the call and a count, never the application."""
    call, told = app.call, 0
    seats = db.session.scalars(select(PanelSeat).where(
        PanelSeat.application_id == app.id, PanelSeat.status == "accepted"))
    for seat in seats:
        user = seat.expert.user
        if user is None or not can(user, "sheet.edit", seat):
            continue
        count = _sheets_to_score(user, call)

        def compose(person, count=count):
            body = ngettext("The expert review of “%(call)s” is open: %(num)d score sheet "
                            "waits for you. Score every item and submit it.",
                            "The expert review of “%(call)s” is open: %(num)d score sheets "
                            "wait for you. Score every item of each and submit them.",
                            count, call=call.title)
            if call.review_deadline is not None:
                body += " " + _("Submit them before %(when)s (Beijing time).",
                                when=beijing_time(call.review_deadline))
            return _("Score sheets to submit: %(call)s", call=call.title), body

        told += _tell([user], actor, task="score", call=call, compose=compose, link="/expert")
    return told


def panel_complete(app: Application, actor) -> int:
    """Every sheet of a panel is in: its chair resolves a dispersion alarm, if any, and
    confirms the result. Naming no application, as every mail to an expert."""
    chair = db.session.scalar(select(PanelSeat).where(
        PanelSeat.application_id == app.id, PanelSeat.is_chair,
        PanelSeat.status == "accepted"))
    user = chair.expert.user if chair is not None else None
    if user is None or not can(user, "panel.confirm", app):
        return 0
    alarm = db.session.scalar(select(PanelResult.dispersion_alarm).where(
        PanelResult.application_id == app.id))

    def compose(person):
        body = _("Every score sheet of a panel you chair in “%(call)s” is submitted. "
                 "Confirm the panel's result so that the review can close.",
                 call=app.call.title)
        if alarm:
            body += " " + _("The totals disagree (dispersion alarm): record how the panel "
                            "dealt with it before confirming.")
        return _("A panel you chair is complete"), body

    return notify(_others([user], actor), kind="handoff_chair", compose=compose,
                  link=f"/expert/applications/{app.id}/panel")


def review_complete(app: Application, actor) -> int:
    """The last panel of the call closed: the leaders select, the officers follow."""
    call = app.call
    if _count(call, *BEFORE_REVIEWED_STATES):
        return 0
    waiting = _count(call, AppState.REVIEWED)

    def to_leaders(user):
        return (_("Selection: %(call)s", call=call.title),
                ngettext("The expert review of “%(call)s” is complete: %(num)d application "
                         "waits for your selection, within the call's quota and one per "
                         "technical field.",
                         "The expert review of “%(call)s” is complete: %(num)d applications "
                         "wait for your selection, within the call's quota and one per "
                         "technical field.", waiting, call=call.title))

    def to_officers(user):
        return (_("Expert review complete: %(call)s", call=call.title),
                ngettext("Every panel of “%(call)s” is closed: %(num)d application is "
                         "reviewed and waits for the leadership's selection; the ranking is "
                         "ready.",
                         "Every panel of “%(call)s” is closed: %(num)d applications are "
                         "reviewed and wait for the leadership's selection; the ranking is "
                         "ready.", waiting, call=call.title))

    return (_tell(staff(Role.LEADER), actor, task="select", call=call, compose=to_leaders,
                  link=f"/leader/calls/{call.id}/selection")
            + _tell(staff(Role.OFFICER), actor, task="reviewed", call=call,
                    compose=to_officers, link=f"/officer/calls/{call.id}/results"))


def selection_complete(app: Application, actor) -> int:
    """The leader decided on every reviewed application: the officers publish the list."""
    call = app.call
    if _count(call, *AWAITING_DECISION_STATES):
        return 0
    proposed = _count(call, AppState.PROPOSED)
    if not proposed:
        return 0

    def compose(user):
        return (_("Announcement to publish: %(call)s", call=call.title),
                ngettext("The leadership has decided on every application of “%(call)s”: "
                         "%(num)d is proposed. Publish the public announcement.",
                         "The leadership has decided on every application of “%(call)s”: "
                         "%(num)d are proposed. Publish the public announcement.",
                         proposed, call=call.title))

    return _tell(staff(Role.OFFICER), actor, task="publish", call=call, compose=compose,
                 link=f"/officer/calls/{call.id}/publicity")


def notice_ready(call: Call, actor) -> int:
    """Nothing of the call is left in the announcement or in objection review: the leaders
    sign the approval notice, which the officers then issue."""
    if _count(call, *IN_PUBLICITY_STATES):
        return 0
    pending = _count(call, AppState.APPROVAL_PENDING)
    if not pending:
        return 0

    def to_leaders(user):
        return (_("Approval notice to sign: %(call)s", call=call.title),
                ngettext("The public announcement of “%(call)s” is over: %(num)d "
                         "application waits for approval. Read the notice's draft and sign "
                         "it.",
                         "The public announcement of “%(call)s” is over: %(num)d "
                         "applications wait for approval. Read the notice's draft and sign "
                         "it.", pending, call=call.title))

    def to_officers(user):
        return (_("Approval notice to prepare: %(call)s", call=call.title),
                ngettext("The public announcement of “%(call)s” is over: %(num)d "
                         "application waits for approval. Check the notice's texts; once a "
                         "leader signs, issue it.",
                         "The public announcement of “%(call)s” is over: %(num)d "
                         "applications wait for approval. Check the notice's texts; once a "
                         "leader signs, issue it.", pending, call=call.title))

    link = f"/officer/calls/{call.id}/notice"
    return (_tell(staff(Role.LEADER), actor, task="sign", call=call, compose=to_leaders,
                  link=link)
            + _tell(staff(Role.OFFICER), actor, task="notice", call=call, compose=to_officers,
                    link=link))


def notice_signed(call: Call, actor) -> int:
    """A leader signed the notice: the officers issue it."""
    def compose(user):
        return (_("Signed notice to issue: %(call)s", call=call.title),
                _("A leader signed the approval notice of “%(call)s”. Issue it: the number "
                  "is taken and the notice and the letters are stored.", call=call.title))

    return _tell(staff(Role.OFFICER), actor, task="issue", call=call, compose=compose,
                 link=f"/officer/calls/{call.id}/notice")


def cobuilding_confirmed(app: Application, organization, actor) -> int:
    """A co-builder confirmed: the lead unit may submit once every co-builder has."""
    waiting = sum(1 for c in app.cobuilders if c.confirmed_at is None)

    def compose(user):
        body = _("%(unit)s confirmed its participation in “%(title)s”.",
                 unit=organization.name, title=app.title)
        body += " " + (ngettext("%(num)d co-builder has not confirmed yet.",
                                "%(num)d co-builders have not confirmed yet.", waiting)
                       if waiting
                       else _("Every co-builder has confirmed: the application can be "
                              "submitted."))
        return _("Co-builder confirmed: %(title)s", title=app.title), body

    return notify(_others(lead_users(app), actor), kind="handoff_cobuilder",
                  compose=compose, application=app, link=f"/applications/{app.id}")


def to_verifiers(org: Organization, actor) -> int:
    """A unit registered, or corrected its rejected registration: the recommenders of its
    city and the officers compare its licence with what it registered."""
    def waiting(*where) -> int:
        return db.session.scalar(select(func.count()).select_from(Organization).where(
            Organization.status == OrgStatus.UNVERIFIED, *where)) or 0

    def text(count: int):
        def compose(user):
            return (_("Organizations to verify"),
                    ngettext("%(num)d organization waits for its verification: compare its "
                             "business licence with what it registered, then verify it or "
                             "reject it with a reason.",
                             "%(num)d organizations wait for their verification: compare "
                             "each business licence with what was registered, then verify "
                             "or reject with a reason.", count))
        return compose

    day = _day()
    return (notify(_others(region_recommenders(org.region_code), actor), kind="handoff_verify",
                   compose=text(waiting(Organization.region_code == org.region_code)),
                   link="/verification", refresh=True,
                   dedupe_key=f"handoff:verify:r{org.region_code}:{day}")
            + notify(_others(staff(Role.OFFICER), actor), kind="handoff_verify",
                     compose=text(waiting()), link="/verification", refresh=True,
                     dedupe_key=f"handoff:verify:all:{day}"))
