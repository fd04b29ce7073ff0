"""Who may see a center and ask or decide its changes, and what stops a change request or a
revocation: read-only checks. The permissions are declared here (`grant`) and asked only
through `can()`.

A center's lead unit is the application's: an approved change of lead unit moves both, so
every permission keyed on the application (its task book, its reports, its letter) follows
the new lead unit."""
from flask_babel import gettext as _
from sqlalchemy import select

from workflow.centers.models import (
    PREPARATORY_MARK,
    Center,
    CenterChange,
    ChangeKind,
    ChangeState,
    Revocation,
    RevocationReason,
)
from workflow.core import creditcode
from workflow.core.extensions import db
from workflow.core.states import CENTER_STATES, LIVE_STATES, Action, AppState, find_transition
from workflow.intake.models import Application
from workflow.lifecycle.permissions import (
    grant,
    is_applicant,
    is_lead_member,
    is_leader,
    is_officer,
    is_recommender,
    is_region_recommender,
)
from workflow.organizations.models import Organization, OrgStatus


def can_list_centers(user, obj=None) -> bool:
    """Officers and leaders list every center, a city's bureau those of its city, a unit its
    own."""
    return is_officer(user) or is_leader(user) or is_recommender(user) or is_applicant(user)


def can_view_center(user, center) -> bool:
    """The center's lead unit, the bureau of its city, officers and leaders."""
    if not isinstance(center, Center):
        return False
    return (is_officer(user) or is_leader(user) or is_lead_member(user, center)
            or is_region_recommender(user, center))


def can_request_change(user, center) -> bool:
    """The lead unit of a center that is still one: approved, under construction, operating
    or rectifying (a revoked center, or one that failed acceptance, asks nothing)."""
    return (isinstance(center, Center) and is_lead_member(user, center)
            and center.application.state in CENTER_STATES)


def can_view_change(user, change) -> bool:
    return isinstance(change, CenterChange) and can_view_center(user, change.center)


def can_decide_change(user, change) -> bool:
    """Officers decide; a request decided already is refused by its machine, with why."""
    return isinstance(change, CenterChange) and is_officer(user)


grant("center.list", can_list_centers)
grant("center.view", can_view_center)
grant("center.request_change", can_request_change)
grant("center.change_queue", is_officer)
grant("center_change.view", can_view_change)
grant("center_change.decide", can_decide_change)


def open_change(center: Center, kind: str) -> CenterChange | None:
    return db.session.scalar(select(CenterChange).where(
        CenterChange.center_id == center.id, CenterChange.kind == kind,
        CenterChange.state == ChangeState.OPEN))


def request_problems(center: Center, kind: str) -> list[str]:
    """Why the lead unit cannot ask for a change of `kind` now (empty when it can)."""
    if kind not in ChangeKind.__members__.values():
        return [_("Choose what the center asks to change.")]
    if center.application.state not in CENTER_STATES:
        return [_("A center that was revoked or failed acceptance asks for no changes.")]
    if open_change(center, kind) is not None:
        return [_("A request of this kind waits for the department's decision already: "
                  "only one at a time.")]
    return []


def name_problems(center: Center, name: str) -> list[str]:
    name = (name or "").strip()
    if not name:
        return [_("Give the center's new name.")]
    if name.endswith(PREPARATORY_MARK):
        return [_("Give the name without “%(mark)s”: it is added while the center is under "
                  "construction.", mark=PREPARATORY_MARK)]
    if name == center.name:
        return [_("This is the center's name already.")]
    taken = db.session.scalar(select(Center.id).join(Application).where(
        Center.name == name, Center.id != center.id,
        Application.state.in_(CENTER_STATES)).limit(1))
    if taken is not None:
        return [_("Another center bears this name.")]
    return []


def director_problems(center: Center, director: str) -> list[str]:
    director = (director or "").strip()
    if not director:
        return [_("Give the name of the new director.")]
    if director == center.director:
        return [_("This person is the center's director already.")]
    return []


def new_lead_unit(credit_code: str) -> Organization | None:
    """The verified unit holding `credit_code`."""
    return db.session.scalar(select(Organization).where(
        Organization.credit_code == creditcode.normalize(credit_code),
        Organization.status == OrgStatus.VERIFIED))


def lead_unit_problems(center: Center, credit_code: str) -> list[str]:
    """The new lead unit is named by its credit code and must be a verified unit without a
    serious bad-credit record, and without an application of its own in the center's call
    (the application passes to it)."""
    if (problem := creditcode.problem(credit_code or "")) is not None:
        return [problem]
    org = new_lead_unit(credit_code)
    if org is None:
        return [_("No verified unit holds this credit code: the new lead unit registers and "
                  "is verified first.")]
    if org.id == center.lead_org_id:
        return [_("This unit leads the center already.")]
    if org.bad_credit:
        return [_("This unit has a serious bad-credit record and cannot lead a center.")]
    own = db.session.scalar(select(Application.id).where(
        Application.call_id == center.application.call_id, Application.lead_org_id == org.id,
        Application.id != center.application_id, Application.state.in_(LIVE_STATES)).limit(1))
    if own is not None:
        return [_("This unit has an application of its own in the center's call.")]
    return []


def cobuilder_problems(center: Center, rows: list[dict]) -> list[str]:
    """The new list of co-builders: valid credit codes, each once, none the lead unit's, and
    different from the current list."""
    problems, seen = [], set()
    for row in rows:
        code = creditcode.normalize(row.get("credit_code", ""))
        if (problem := creditcode.problem(code)) is not None:
            problems.append(f"{code or '?'}: {problem}")
        elif code in seen:
            problems.append(_("%(code)s is listed twice.", code=code))
        elif code == center.lead_org.credit_code:
            problems.append(_("%(code)s is the lead unit.", code=code))
        elif not (row.get("name") or "").strip():
            problems.append(_("%(code)s: give the unit's name.", code=code))
        seen.add(code)
    return problems


def revocable(center: Center) -> bool:
    """Whether the center is in a state REVOKE leaves from."""
    return find_transition(AppState(center.application.state), Action.REVOKE) is not None


def revoke_problems(app: Application, actor) -> list[str]:
    """The guard of REVOKE: the leadership's decision, with its reason, is recorded first
    (operations.revoke_center); a failed rectification is a reason only for a center that
    is rectifying."""
    center = db.session.scalar(select(Center).where(Center.application_id == app.id))
    revocation = center and revocation_of(center)
    if revocation is None:
        return [_("Record the decision to revoke with its reason on the center's revocation "
                  "page.")]
    if (revocation.reason_kind == RevocationReason.FAILED_RECTIFICATION
            and app.state != AppState.RECTIFICATION):
        return [_("Only a center in rectification is revoked for a failed rectification.")]
    return []


def revocation_of(center: Center) -> Revocation | None:
    return db.session.scalar(select(Revocation).where(Revocation.center_id == center.id))
