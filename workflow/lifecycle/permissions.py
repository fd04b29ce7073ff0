"""Who may do what: small predicates, one table from permission to predicate, and `can`.

The predicate of each state change is declared with its action (lifecycle/registry.py).

Every view and every service asks `can`; nothing else decides access.
"""
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from workflow.accounts.models.users import User
from workflow.calls.models import Call
from workflow.core.extensions import db
from workflow.core.states import (
    CALLS_BEFORE_PUBLICITY,
    EDITABLE_STATES,
    PANEL_READABLE_STATES,
    UNANNOUNCED_DECISION_STATES,
    UNFILED_STATES,
    Action,
    AppState,
    CallState,
    Role,
    actions_from,
)
from workflow.departments.rules import WithoutDepartmentRoles, outside_department, runs_installation
from workflow.experts.models import Exclusion, Expert
from workflow.intake.models import Application, Attachment
from workflow.lifecycle import registry
from workflow.notices.models import Notice, OfficialDocument
from workflow.organizations.models import Licence, Organization, OrgStatus
from workflow.publicity.models import Publicity
from workflow.recommendation.rules import awaits_county, is_chain_recommender
from workflow.review.models import PanelSeat


class SystemActor:
    """The clock acting through `flask tick`; holds only the system role."""

    id = None
    is_authenticated = True
    roles = frozenset({Role.SYSTEM})

    def has_role(self, role: Role) -> bool:
        return role == Role.SYSTEM


SYSTEM = SystemActor()


def _has(user, role: Role) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.has_role(role)


def _org_id(user) -> int | None:
    return getattr(user, "organization_id", None)


def _as_application(obj) -> Application | None:
    if isinstance(obj, Application):
        return obj
    if isinstance(obj, Attachment):
        return obj.application
    return getattr(obj, "application", None)


def is_system(user, obj=None) -> bool:
    return _has(user, Role.SYSTEM)


def is_officer(user, obj=None) -> bool:
    return _has(user, Role.OFFICER)


def is_leader(user, obj=None) -> bool:
    return _has(user, Role.LEADER)


def is_applicant(user, obj=None) -> bool:
    """A user of a unit: also of one not verified yet, which fills drafts but files nothing."""
    return _has(user, Role.APPLICANT) and _org_id(user) is not None


def _of_verified_unit(user) -> bool:
    org = getattr(user, "organization", None)
    return org is not None and org.status == OrgStatus.VERIFIED


def is_lead_member(user, obj) -> bool:
    app = _as_application(obj)
    return is_applicant(user) and app is not None and app.lead_org_id == _org_id(user)


def is_cobuilder_member(user, obj) -> bool:
    """Only a verified unit is ever a co-builder: registering a partner's credit code links
    nothing and shows nothing (intake/operations/cobuilders.py links rows to verified units
    only)."""
    app = _as_application(obj)
    return (
        is_applicant(user)
        and _of_verified_unit(user)
        and app is not None
        and any(c.organization_id == _org_id(user) for c in app.cobuilders)
    )


def is_region_recommender(user, obj) -> bool:
    app = _as_application(obj)
    return (
        _has(user, Role.RECOMMENDER)
        and app is not None
        and _of_verified_unit(user)
        and app.region_code == user.organization.region_code
        and app.state not in UNFILED_STATES
        and not awaits_county(app)
    )


def is_filed_leader(user, obj) -> bool:
    app = _as_application(obj)
    return is_leader(user) and app is not None and app.state not in UNFILED_STATES


def expert_id_of(user) -> int | None:
    """The expert record of a user holding the expert role (cached on the user object)."""
    if not _has(user, Role.EXPERT):
        return None
    if not hasattr(user, "_expert_id"):
        user._expert_id = db.session.scalar(select(Expert.id).where(Expert.user_id == user.id))
    return user._expert_id


def seat_of(user, app) -> PanelSeat | None:
    """The user's seat on `app`'s panel, unless declined or excluded by a conflict rule:
    an expert never sees an application with a conflict, not even its title."""
    expert_id = expert_id_of(user)
    if expert_id is None or app is None:
        return None
    known = _known_seats.get()
    if known is not None and (expert_id, app.id) in known:
        return known[(expert_id, app.id)]
    seat = db.session.scalar(select(PanelSeat).where(
        PanelSeat.application_id == app.id, PanelSeat.expert_id == expert_id,
        PanelSeat.status != "declined"))
    if seat is None or db.session.scalar(select(Exclusion.id).where(
            Exclusion.application_id == app.id, Exclusion.expert_id == expert_id).limit(1)):
        return None
    return seat


def seats_of(user, apps) -> dict[int, PanelSeat | None]:
    """`seat_of` for many applications, by id, in two statements whatever their number (an
    expert's home page lists hundreds of seats): the same answer for each application."""
    expert_id = expert_id_of(user)
    ids = sorted({app.id for app in apps})
    if expert_id is None or not ids:
        return dict.fromkeys(ids)
    seats = {seat.application_id: seat for seat in db.session.scalars(
        select(PanelSeat).options(lazyload(PanelSeat.expert)).where(
            PanelSeat.expert_id == expert_id, PanelSeat.application_id.in_(ids),
            PanelSeat.status != "declined"))}
    excluded = set(db.session.scalars(select(Exclusion.application_id).where(
        Exclusion.expert_id == expert_id, Exclusion.application_id.in_(ids))))
    return {app_id: None if app_id in excluded else seats.get(app_id) for app_id in ids}


# The seats `seat_of` answers from inside `seats_read_once`: (expert id, application id) ->
# the seat or None.
_known_seats: ContextVar[dict[tuple[int, int], PanelSeat | None] | None] = ContextVar(
    "known_seats", default=None)


@contextmanager
def seats_read_once(user, apps):
    """Inside the block, `seat_of(user, app)` for each of `apps`, and so every `can` that
    asks it, answers from one read (`seats_of`) instead of two statements each. For pages
    that list many seats and change nothing while the block lasts."""
    expert_id = expert_id_of(user)
    known = dict(_known_seats.get() or {})
    known.update({(expert_id, app_id): seat for app_id, seat in seats_of(user, apps).items()})
    token = _known_seats.set(known)
    try:
        yield
    finally:
        _known_seats.reset(token)


def is_panel_member(user, obj) -> bool:
    app = _as_application(obj)
    return app is not None and app.state in PANEL_READABLE_STATES and seat_of(user, app) is not None


def _own_seat(user, seat) -> bool:
    return (isinstance(seat, PanelSeat) and expert_id_of(user) == seat.expert_id
            and seat_of(user, seat.application) is not None)


def can_respond_to_invitation(user, seat) -> bool:
    return _own_seat(user, seat) and seat.status == "invited"


def can_edit_sheet(user, seat) -> bool:
    sheet = seat.sheet if isinstance(seat, PanelSeat) else None
    return (_own_seat(user, seat) and seat.status == "accepted"
            and seat.application.state == AppState.EXPERT_REVIEW
            and (sheet is None or sheet.submitted_at is None))


def can_view_sheet(user, seat) -> bool:
    """An expert reads their own sheet of an accepted seat, also once it is submitted."""
    return _own_seat(user, seat) and seat.status == "accepted"


def is_chair_of(user, obj) -> bool:
    app = _as_application(obj)
    seat = seat_of(user, app) if app is not None else None
    return seat is not None and seat.is_chair and seat.status == "accepted"


def can_reopen_sheet(user, seat) -> bool:
    """The panel chair reopens a submitted sheet of the panel (with a reason)."""
    return (isinstance(seat, PanelSeat) and seat.sheet is not None
            and seat.sheet.submitted_at is not None
            and seat.application.state == AppState.EXPERT_REVIEW
            and is_chair_of(user, seat.application))


def can_edit_expert_profile(user, expert) -> bool:
    return isinstance(expert, Expert) and (is_officer(user) or (
        expert.user_id is not None and expert.user_id == getattr(user, "id", None)))


def can_view_application(user, obj) -> bool:
    return (
        is_lead_member(user, obj)
        or is_cobuilder_member(user, obj)
        or is_officer(user)
        or is_filed_leader(user, obj)
        or is_region_recommender(user, obj)
        or is_chain_recommender(user, obj)
        or is_panel_member(user, obj)
    )


def can_reconsider_selection(user, obj) -> bool:
    """Only until the call's announcement is published: then the decision is public, the
    button is not offered, and the guard refuses it as well."""
    app = _as_application(obj)
    return is_filed_leader(user, app) and db.session.scalar(
        select(Publicity.id).where(Publicity.call_id == app.call_id).limit(1)) is None


def can_edit_application(user, obj) -> bool:
    app = _as_application(obj)
    return is_lead_member(user, app) and app.state in EDITABLE_STATES


@dataclass(frozen=True)
class Part:
    """A part of an application to change: basics, section:<key>, attachment:<code> or
    cobuilders (the scopes of checklist items)."""

    application: Application
    name: str


def open_correction_scopes(app: Application) -> set[str]:
    if app.state != AppState.CORRECTION_REQUESTED:
        return set()
    pending = [c for c in app.corrections if c.answered_at is None]
    return pending[-1].scopes if pending else set()


def can_edit_part(user, part) -> bool:
    """The lead unit edits everything of a draft or returned application; while corrections
    are requested, only the parts the request lists (the basics go with section 1)."""
    if not isinstance(part, Part) or not is_lead_member(user, part.application):
        return False
    app = part.application
    if app.state in EDITABLE_STATES:
        return True
    scopes = open_correction_scopes(app)
    return part.name in scopes or (part.name == "basics" and "section:basic" in scopes)


def can_see_eligibility(user, obj) -> bool:
    """The rule results help the lead unit and inform those who decide."""
    return (is_lead_member(user, obj) or is_officer(user) or is_region_recommender(user, obj)
            or is_chain_recommender(user, obj))


def is_recommender(user, obj=None) -> bool:
    return _has(user, Role.RECOMMENDER) and _of_verified_unit(user)


def can_formal_review(user, obj) -> bool:
    app = _as_application(obj)
    return is_officer(user) and app is not None and app.state == AppState.RECOMMENDED


def is_person(user, obj=None) -> bool:
    return getattr(user, "id", None) is not None


def can_confirm_cobuilding(user, obj) -> bool:
    """While the lead unit can change the co-builders: in draft or returned, or when a
    correction request lists them (a co-builder added then must confirm before resubmission)."""
    app = _as_application(obj)
    return is_cobuilder_member(user, app) and (
        app.state in EDITABLE_STATES
        or "cobuilders" in open_correction_scopes(app))


def can_apply(user, call) -> bool:
    return is_applicant(user) and isinstance(call, Call) and call.state == CallState.OPEN


def can_view_call(user, call) -> bool:
    return isinstance(call, Call) and (call.state != CallState.PLANNED or is_officer(user))


def anyone(user, obj=None) -> bool:
    return True


# Review settings and rubric editor (issue 4, "review").
def can_edit_review_settings(user, call) -> bool:
    """The department edits a call's review settings and rubric until its announcement;
    each setting locks earlier on its own (calls/operations/review_settings.py)."""
    return is_officer(user) and isinstance(call, Call) and call.state in CALLS_BEFORE_PUBLICITY


# Selection and public announcement (issue 5, "publicity"): the leader's decisions stay
# inside the department until the call's announcement (公示) is published.
def selection_released(obj) -> bool:
    """Whether the announcement of the call of `obj` (a call or an application) is published."""
    call_id = obj.id if isinstance(obj, Call) else getattr(_as_application(obj), "call_id", None)
    return call_id is not None and db.session.scalar(
        select(Publicity.id).where(Publicity.call_id == call_id)) is not None


def can_read_selection(user, obj) -> bool:
    return is_officer(user) or is_leader(user) or selection_released(obj)


def visible_state(app: Application, user) -> str:
    """The state `user` may see: outside the department a decided application still reads as
    reviewed until the announcement is published."""
    return visible_states([app], user)[app.id]


def visible_states(apps, user) -> dict[int, str]:
    """`visible_state` of each of `apps`, by id: whether `user` reads the decisions is asked
    once per call, since the announcement that releases them is the call's."""
    readable: dict[int, bool] = {}
    states = {}
    for app in apps:
        if app.state in UNANNOUNCED_DECISION_STATES:
            if app.call_id not in readable:
                readable[app.call_id] = can(user, "application.read_selection", app)
            states[app.id] = app.state if readable[app.call_id] else AppState.REVIEWED
        else:
            states[app.id] = app.state
    return states


def is_officer_or_leader(user, obj=None) -> bool:
    return is_officer(user) or is_leader(user)


# Approval notices and document numbers (issue 5, notices).
def notice_of(call) -> Notice | None:
    return db.session.scalar(select(Notice).where(Notice.call_id == call.id))


def _notice_open(call) -> bool:
    """A call's notice draft changes until the notice is issued."""
    if not isinstance(call, Call):
        return False
    notice = notice_of(call)
    return notice is None or notice.state == "signed"


def can_edit_notice(user, call) -> bool:
    return is_officer(user) and _notice_open(call)


def can_sign_notice(user, call) -> bool:
    return is_leader(user) and _notice_open(call)


def can_download_document(user, doc) -> bool:
    """Officers and leaders read every issued document; the lead unit and the co-builders
    of an application read its letter and the notice that lists it."""
    if not isinstance(doc, OfficialDocument) or doc.stored_at is None:
        return False
    if is_officer(user) or is_leader(user):
        return True
    apps = ([doc.application] if doc.application is not None
            else [d.application for d in doc.notice.documents if d.application is not None])
    return any(is_lead_member(user, a) or is_cobuilder_member(user, a) for a in apps)


# Verified organizations (issue 9): a unit is verified before it files anything or is linked
# to anyone's application. Officers decide every claim; the recommender of a city decides the
# claims of its city that no other registration disputes.
CLAIMING = (OrgStatus.UNVERIFIED, OrgStatus.VERIFIED)


def claim_disputed(org: Organization) -> bool:
    """Whether another registration claims the unit's credit code: one waiting for a
    decision, or the verified unit holding it."""
    return db.session.scalar(select(Organization.id).where(
        Organization.credit_code == org.credit_code, Organization.id != org.id,
        Organization.status.in_(CLAIMING)).limit(1)) is not None


def is_member(user, org) -> bool:
    return isinstance(org, Organization) and org.id == _org_id(user)


def has_organization(user, obj=None) -> bool:
    return is_person(user) and _org_id(user) is not None


def can_upload_licence(user, org) -> bool:
    """While it waits for its decision a unit may replace its licence; after a rejection it
    corrects its registration (with a licence or not) instead."""
    return is_member(user, org) and org.status == OrgStatus.UNVERIFIED


def can_correct_organization(user, org) -> bool:
    return is_member(user, org) and org.status == OrgStatus.REJECTED


def is_verifier(user, obj=None) -> bool:
    return is_officer(user) or is_recommender(user)


def can_review_organization(user, org) -> bool:
    """Officers read every unit's registration; a recommender only the unverified,
    undisputed ones of its city."""
    if not isinstance(org, Organization):
        return False
    if is_officer(user):
        return True
    return (is_recommender(user) and org.status == OrgStatus.UNVERIFIED
            and org.region_code == user.organization.region_code and not claim_disputed(org))


def can_decide_organization(user, org) -> bool:
    """Separation of duties: nobody decides about their own unit. The installation's own
    department is verified by the system (the demo loader, `flask` commands)."""
    if is_system(user):
        return isinstance(org, Organization) and org.status == OrgStatus.UNVERIFIED
    return (can_review_organization(user, org) and org.status == OrgStatus.UNVERIFIED
            and org.id != _org_id(user))


def can_read_licence(user, licence) -> bool:
    return isinstance(licence, Licence) and (
        is_member(user, licence.organization)
        or can_review_organization(user, licence.organization))


Predicate = Callable[[object, object], bool]

PERMISSIONS: dict[str, Predicate] = {
    "call.view": can_view_call,
    "call.apply": can_apply,
    "call.manage": is_officer,
    "call.list_applications": is_officer,
    "application.list_own": is_applicant,
    "application.view": can_view_application,
    "application.edit": can_edit_application,
    "application.edit_part": can_edit_part,
    "application.formal_review": can_formal_review,
    "application.eligibility": can_see_eligibility,
    "recommender.queue": is_recommender,
    "call.recommendation_sheet": lambda u, c: is_recommender(u) and can_view_call(u, c),
    "call.formal_review_queue": is_officer,
    "call.edit_rules": is_officer,
    "calendar.manage": is_officer,
    "outbox.view": is_officer,
    "outbox.retry": is_officer,
    "notifications.view": is_person,
    # The desk (issue 10): what waits for the person; each of its groups asks its own page's.
    "desk.view": is_person,
    "application.confirm_cobuilding": can_confirm_cobuilding,
    "attachment.download": can_view_application,
    "version.view": can_view_application,
    "stats.view": lambda u, o=None: is_officer(u) or is_leader(u),
    # `flask experts-import` acts as the system: whoever runs it holds the database anyway.
    "expert.import": lambda u, o=None: is_officer(u) or is_system(u),
    # The system recomputes them when an expert's employers or relations change
    # (experts/operations/profile.py), whoever made the change.
    "call.compute_exclusions": lambda u, c=None: is_officer(u) or is_system(u),
    # Expert review (issue 4).
    "expert.pool": is_officer,
    "expert.profile": can_edit_expert_profile,
    # Expert pool screens (issue 4): taking an expert out of the pool or back in.
    "expert.set_active": is_officer,
    # The vocabulary of technical fields calls and experts choose from (issue 10).
    "field.vocabulary": is_officer,
    "expert.home": lambda u, o=None: expert_id_of(u) is not None,
    "call.assign": is_officer,
    "call.review_progress": is_officer,
    "call.ranking": lambda u, c=None: is_officer(u) or is_leader(u),
    "panel.respond": can_respond_to_invitation,
    "sheet.edit": can_edit_sheet,
    "sheet.reopen": can_reopen_sheet,
    "panel.resolve_alarm": is_chair_of,
    "sheet.view": can_view_sheet,
    "panel.confirm": is_chair_of,
    # Who reads every sheet and the experts' own audit entries (which name panel members),
    # and who reads the panel's totals once all sheets are in.
    "panel.read_all_sheets": is_officer,
    "panel.read_totals": lambda u, a: is_officer(u) or is_chair_of(u, a),
    "application.declare_conflict": lambda u, a: seat_of(u, _as_application(a)) is not None,
    # Review settings and rubric editor (issue 4, "review").
    "call.review_settings": is_officer,
    "call.edit_review_settings": can_edit_review_settings,
    # Selection, public announcement and objections (issue 5, "publicity").
    "call.select": is_leader,
    "call.publicity": is_officer,
    "application.read_selection": can_read_selection,
    "publicity.view": anyone,
    "publicity.object": anyone,
    "publicity.objections": is_officer_or_leader,
    "objection.letter": is_officer_or_leader,
    "objection.handle": is_officer,
    # Approval notice, letters and document numbers (issue 5, notices).
    "notice.view": lambda u, c=None: is_officer(u) or is_leader(u),
    "notice.edit": can_edit_notice,
    "notice.sign": can_sign_notice,
    "notice.issue": is_officer,
    "document.download": can_download_document,
    "document.revoke": is_officer,
    "numbers.manage": is_officer,
    "document.verify": anyone,
    # Accounts (issue 9): officers administer users; everyone keeps their own account.
    "user.list": is_officer,
    "user.manage": is_officer,
    "account.view": is_person,
    # Departments (issue 14): the installation's department manages them and says who works
    # for which.
    "department.manage": lambda u, o=None: runs_installation(u),
    # Verified organizations (issue 9).
    "organization.view_own": has_organization,
    "organization.upload_licence": can_upload_licence,
    "organization.correct": can_correct_organization,
    "organization.queue": is_verifier,
    "organization.review_disputed": is_officer,
    "organization.review": can_review_organization,
    "organization.decide": can_decide_organization,
    "licence.read": can_read_licence,
}


def grant(name: str, predicate: Predicate, *, public: bool = False) -> None:
    """Declare the permission `name` from a feature's own module (the features after the
    approval notice keep their rows beside their pages, as their actions are declared beside
    them); `can()` reads it like the rows above. `public`: asked by anonymous visitors too."""
    if name in PERMISSIONS:
        raise ValueError(f"permission {name} is declared twice")
    PERMISSIONS[name] = predicate
    if public:
        _PUBLIC_GRANTS.add(name)


_PUBLIC_GRANTS: set[str] = set()

# Actions an anonymous visitor may ask for; every other one needs a login.
PUBLIC_ACTIONS = frozenset({"call.view", "document.verify", "publicity.view",
                            "publicity.object"})


def can(user: User | SystemActor | None, action: str, obj=None) -> bool:
    """True when `user` may do `action` on `obj`. Unknown actions are refused."""
    predicate = PERMISSIONS.get(action)
    if predicate is None and (spec := registry.spec_of(action)) is not None:
        predicate = spec.permission
    if predicate is None:
        return False
    # The user itself, not Flask-Login's proxy of it: a predicate reads it several times, and
    # a page of 700 seats asked the proxy 90,000 times (a third of the expert home's time).
    user = getattr(user, "_get_current_object", lambda: user)()
    if (action not in PUBLIC_ACTIONS and action not in _PUBLIC_GRANTS
            and not getattr(user, "is_authenticated", False)):
        return False
    if not predicate(user, obj):
        return False
    return in_department(user, obj) or bool(predicate(WithoutDepartmentRoles(user), obj))


def in_department(user, obj) -> bool:
    """The one department check: an officer or a leader acts only on their department's
    calls and what hangs off them (departments/rules.py). Outside it they count as the
    person without those roles, so `can` asks the predicate again as such."""
    return not outside_department(user, obj)


def available_actions(app: Application, user) -> list[Action]:
    """The state changes `user` may ask for now: the buttons a page shows."""
    return [t.action for t in actions_from(AppState(app.state)) if can(user, t.action, app)]
