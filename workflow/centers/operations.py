"""Writers of the center record: opening it, the changes its lead unit asks for and the
department decides, and its revocation."""
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from workflow.centers import queries
from workflow.centers.models import (
    CHANGE_MACHINE,
    KIND_LABELS,
    REASON_LABELS,
    Center,
    CenterChange,
    CenterCoBuilder,
    ChangeKind,
    ChangeState,
    Revocation,
    RevocationReason,
)
from workflow.centers.rules import (
    cobuilder_problems,
    director_problems,
    lead_unit_problems,
    name_problems,
    new_lead_unit,
    request_problems,
    revocation_of,
)
from workflow.core import audit, creditcode, storage
from workflow.core.clock import now
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.filenames import download_name
from workflow.core.pdf_check import CheckedPdf
from workflow.core.regions import city_name
from workflow.core.states import CENTER_STATES, Action, AppState, Role, find_transition
from workflow.inbox.notifications import absolute_url, notify, region_recommenders, staff
from workflow.lifecycle.permissions import can, notice_of
from workflow.lifecycle.transitions import transition
from workflow.notices.models import DecisionKind
from workflow.notices.operations.decisions import issue_decision
from workflow.organizations.operations.organizations import unit_users


def open_center(app, *, actor) -> Center:
    """The center `app` became, made on first need from the approved application: its title,
    lead unit, project head and the call's construction period."""
    center = db.session.scalar(select(Center).where(Center.application_id == app.id))
    if center is not None:
        return center
    if app.state not in CENTER_STATES:
        raise ServiceError(_("Only an approved application becomes a center."))
    basic = next((s.data for s in app.sections if s.key == "basic"), {})
    center = Center(application_id=app.id, name=app.title, lead_org_id=app.lead_org_id,
                    director=str(basic.get("project_head") or "")[:50],
                    construction_years=app.call.construction_years)
    db.session.add(center)
    db.session.flush()
    return center


@dataclass
class ChangeRequest:
    """What the lead unit asks: the kind, the new value of that kind, the reason and the
    supporting PDF."""

    kind: str
    reason: str = ""
    name: str = ""
    director: str = ""
    credit_code: str = ""
    # The whole new list: {"credit_code", "name", "division_of_work"} each.
    cobuilders: list[dict] = field(default_factory=list)
    document_filename: str = ""
    document: CheckedPdf | None = None  # checked by core/pdf_check.py


def _values(center: Center, kind: str) -> dict:
    """The center's values of `kind` now, as a change keeps them."""
    if kind == ChangeKind.NAME:
        return {"name": center.name}
    if kind == ChangeKind.DIRECTOR:
        return {"director": center.director}
    if kind == ChangeKind.LEAD_UNIT:
        org = center.lead_org
        return {"organization_id": org.id, "name": org.name, "credit_code": org.credit_code}
    return {"cobuilders": [{"credit_code": c.credit_code, "name": c.name,
                            "division_of_work": c.division_of_work}
                           for c in queries.current_cobuilders(center)]}


def _asked(center: Center, asked: ChangeRequest) -> tuple[dict, list[str]]:
    """The values `asked` wants, and what is wrong with them."""
    kind = asked.kind
    if kind == ChangeKind.NAME:
        return {"name": asked.name.strip()}, name_problems(center, asked.name)
    if kind == ChangeKind.DIRECTOR:
        return {"director": asked.director.strip()}, director_problems(center, asked.director)
    if kind == ChangeKind.LEAD_UNIT:
        problems = lead_unit_problems(center, asked.credit_code)
        if problems:
            return {}, problems
        org = new_lead_unit(asked.credit_code)
        return {"organization_id": org.id, "name": org.name,
                "credit_code": org.credit_code}, []
    rows = [{"credit_code": creditcode.normalize(r.get("credit_code", "")),
             "name": (r.get("name") or "").strip(),
             "division_of_work": (r.get("division_of_work") or "").strip()}
            for r in asked.cobuilders]
    problems = cobuilder_problems(center, rows)
    if not problems and rows == _values(center, kind)["cobuilders"]:
        problems.append(_("The co-builders are unchanged."))
    return {"cobuilders": rows}, problems


def summary(change: CenterChange, values: dict) -> str:
    """`values` (a change's before or after) in one line."""
    if change.kind == ChangeKind.LEAD_UNIT:
        return f"{values.get('name', '')}（{values.get('credit_code', '')}）"
    if change.kind == ChangeKind.COBUILDERS:
        return "、".join(r["name"] for r in values.get("cobuilders", [])) or "—"
    return str(values.get(change.kind, ""))


def request_change(center: Center, asked: ChangeRequest, *, actor) -> CenterChange:
    """The lead unit asks the department to change the center's name, lead unit, director or
    co-builders, with a reason and a supporting PDF. Refused with every reason, storing
    nothing, while a request of that kind is open, for a center revoked or failed, or when
    the new value or the PDF is not acceptable.

    Side effects: the request with the values before and after, the PDF under UPLOAD_DIR,
    an audit row on the application, the officers told."""
    if not can(actor, "center.request_change", center):
        raise PermissionDenied("center.request_change")
    problems = request_problems(center, asked.kind)
    if problems:
        raise ServiceError(*problems)
    after, problems = _asked(center, asked)
    if not (asked.reason or "").strip():
        problems.append(_("Give the reason for the change."))
    pdf = asked.document
    if pdf is None:
        problems.append(_("Attach the supporting document as a PDF."))
    if problems:
        raise ServiceError(*problems)
    change = CenterChange(
        center=center, kind=asked.kind, reason=asked.reason.strip(),
        before=_values(center, asked.kind), after=after,
        document_name=secrets.token_hex(20) + ".pdf",
        document_original=_clean_name(asked.document_filename),
        document_sha256=pdf.sha256, document_size=len(pdf.data), requested_by_id=actor.id,
        requested_at=now())
    try:
        with db.session.begin_nested():
            db.session.add(change)
            db.session.flush()
    except IntegrityError as error:  # another request of this kind was filed a moment ago
        raise ServiceError(*request_problems(center, asked.kind)) from error
    audit.record(actor=actor, action="request_center_change", application=center.application,
                 comment=f"{change.kind}: {summary(change, change.before)} → "
                         f"{summary(change, after)}. {change.reason}")
    _tell_officers(change)
    storage.write_once(storage.uploads_dir(), change.document_name, pdf.data)
    db.session.flush()
    return change


def _clean_name(filename: str) -> str:
    name = os.path.basename((filename or "").replace("\\", "/")).strip()
    return "".join(ch for ch in name if ch.isprintable())[:255] or "document.pdf"


def _link(change: CenterChange) -> str:
    return f"/centers/changes/{change.id}"


def _tell_officers(change: CenterChange) -> None:
    center = change.center

    def compose(user):
        return (_("Change request of %(center)s: %(kind)s", center=center.name,
                  kind=KIND_LABELS[change.kind]),
                _("%(unit)s asks to change the %(kind)s of “%(center)s” from “%(before)s” to "
                  "“%(after)s”.\n\nReason: %(reason)s\n\nApprove or refuse it, with your "
                  "reasons, on the request's page.", unit=center.lead_org.name,
                  kind=str(KIND_LABELS[change.kind]).lower(), center=center.name,
                  before=summary(change, change.before), after=summary(change, change.after),
                  reason=change.reason))

    notify(staff(Role.OFFICER), kind="center_change_requested", compose=compose,
           application=center.application, link=_link(change))


def decide_change(change: CenterChange, *, approve: bool, reason: str, actor) -> CenterChange:
    """The officer approves or refuses a change request, with reasons. Approving applies it:
    the center's name, director or lead unit (the application passes to the new lead unit
    too), or its record of co-builders. Refused, changing nothing, when the request is no
    longer open or what it asks is no longer possible (another center took the name, the
    center was revoked, ...).

    Side effects: the center, the request's decision, an audit row, the lead unit told (for
    a new lead unit, the former one too)."""
    if not can(actor, "center_change.decide", change):
        raise PermissionDenied("center_change.decide")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Please give your reasons."))
    center = change.center
    told = [center.lead_org]
    if approve:
        _apply(change, actor=actor)
        if center.lead_org not in told:
            told.append(center.lead_org)
    CHANGE_MACHINE.move(
        change, "approve" if approve else "refuse", actor=actor,
        application=center.application, decided_by_id=actor.id, decided_at=now(),
        decision_reason=reason,
        comment=f"{change.kind}: {summary(change, change.after)}. {reason}")
    _tell_lead_units(change, told)
    return change


def _apply(change: CenterChange, *, actor) -> None:
    center = change.center
    if center.application.state not in CENTER_STATES:
        raise ServiceError(_("A center that was revoked or failed acceptance changes no more: "
                             "refuse the request."))
    after = change.after
    if change.kind == ChangeKind.NAME:
        problems = name_problems(center, after["name"])
        if problems:
            raise ServiceError(*problems)
        center.name = after["name"]
    elif change.kind == ChangeKind.DIRECTOR:
        center.director = after["director"]
    elif change.kind == ChangeKind.LEAD_UNIT:
        problems = lead_unit_problems(center, after["credit_code"])
        if problems:
            raise ServiceError(*problems)
        org = new_lead_unit(after["credit_code"])
        center.lead_org = org
        center.application.lead_org = org
    else:
        _replace_cobuilders(center, change)
    db.session.flush()


def _replace_cobuilders(center: Center, change: CenterChange) -> None:
    """The center's record of co-builders becomes the change's list: those left out leave,
    the new ones join (linked to the verified unit of their code, when there is one)."""
    if not queries.has_cobuilder_record(center):
        for c in queries.current_cobuilders(center):
            db.session.add(CenterCoBuilder(
                center_id=center.id, credit_code=c.credit_code, name=c.name,
                division_of_work=c.division_of_work, organization_id=c.organization_id,
                joined_at=center.created_at))
        db.session.flush()
    current = {r.credit_code: r for r in db.session.scalars(select(CenterCoBuilder).where(
        CenterCoBuilder.center_id == center.id, CenterCoBuilder.left_at.is_(None)))}
    wanted = {r["credit_code"]: r for r in change.after["cobuilders"]}
    for code, row in current.items():
        if code not in wanted:
            row.left_at, row.left_change_id = now(), change.id
        else:
            row.name = wanted[code]["name"]
            row.division_of_work = wanted[code]["division_of_work"]
    db.session.flush()
    for code, asked in wanted.items():
        if code not in current:
            org = new_lead_unit(code)
            db.session.add(CenterCoBuilder(
                center_id=center.id, credit_code=code, name=asked["name"],
                division_of_work=asked["division_of_work"], joined_change_id=change.id,
                organization_id=org.id if org else None, joined_at=now()))


def _tell_lead_units(change: CenterChange, units) -> None:
    center = change.center
    approved = change.state == ChangeState.APPROVED

    def compose(user):
        kind = str(KIND_LABELS[change.kind]).lower()
        if approved:
            subject = _("Change approved: %(center)s", center=center.name)
            body = _("The department approved the change of the %(kind)s of “%(center)s”: "
                     "now “%(after)s” (before: “%(before)s”).", kind=kind, center=center.name,
                     after=summary(change, change.after), before=summary(change, change.before))
        else:
            subject = _("Change refused: %(center)s", center=center.name)
            body = _("The department refused the change of the %(kind)s of “%(center)s” to "
                     "“%(after)s”.", kind=kind, center=center.name,
                     after=summary(change, change.after))
        return subject, body + "\n\n" + _("Reasons:") + "\n" + change.decision_reason

    users = [u for org in units for u in unit_users(org, role=Role.APPLICANT)]
    notify(users, kind="center_change_decided", compose=compose,
           application=center.application, link=_link(change))


def document_path(change: CenterChange) -> Path:
    return storage.uploads_dir() / change.document_name


def document_bytes(change: CenterChange) -> bytes | None:
    """The supporting PDF as uploaded, or None when its file is gone or was changed."""
    try:
        return storage.read_verified(document_path(change), change.document_sha256)
    except storage.DamagedFile:
        return None


def document_download_name(change: CenterChange) -> str:
    return download_name(change.center.name, str(KIND_LABELS[change.kind]),
                         fallback="change")


def revoke_center(center: Center, *, reason_kind: str, reason: str, actor) -> Revocation:
    """The leadership revokes the center: the numbered revocation decision is issued
    (notices/operations/decisions.py), the decision recorded with its ground and reasons,
    REVOKE applied (under construction, operating or rectifying -> revoked; its effect dates
    the center's revocation), the change requests still open refused with it, and the
    city's bureau told besides the lead unit.

    Side effects: a number and the stored PDF, the revocation, the application's state and
    audit rows, the center's revoked_at, the open requests closed (an audit row each),
    notifications."""
    app = center.application
    if not can(actor, Action.REVOKE, app):
        raise PermissionDenied(Action.REVOKE)
    reason = (reason or "").strip()
    problems = []
    if reason_kind not in RevocationReason.__members__.values():
        problems.append(_("Choose the ground for the revocation."))
    if not reason:
        problems.append(_("Please give your reasons."))
    if (reason_kind == RevocationReason.FAILED_RECTIFICATION
            and app.state != AppState.RECTIFICATION):
        problems.append(_("Only a center in rectification is revoked for a failed "
                          "rectification."))
    if problems:
        raise ServiceError(*problems)
    if revocation_of(center) is not None or find_transition(app.state, Action.REVOKE) is None:
        raise ServiceError(_("This center cannot be revoked now."))
    document = issue_decision(DecisionKind.REVOCATION, applications=[app], actor=actor,
                              **revocation_text(center, reason_kind, reason))
    revocation = Revocation(center_id=center.id, reason_kind=reason_kind, reason=reason,
                            decided_by_id=actor.id, decided_at=now(), decision=document)
    db.session.add(revocation)
    db.session.flush()
    transition(app, Action.REVOKE, actor=actor, comment=f"{document.number.text} {reason}")
    for change in queries.open_changes(center):
        CHANGE_MACHINE.move(
            change, "refuse", actor=actor, application=app, decided_by_id=actor.id,
            decided_at=now(), decision_reason=_("The center was revoked."),
            comment=f"{change.kind}: {summary(change, change.after)}. revoked")
    _tell_city(center, revocation)
    return revocation


# The ground of a revocation as the decision document states it (documents are in Chinese).
_GROUNDS = {
    RevocationReason.FAILED_RECTIFICATION:
        "该中心在运行评估中被评为不合格，整改期满后经复评仍未达到要求。",
    RevocationReason.FRAUD: "经核查，该中心存在弄虚作假问题。",
    RevocationReason.ON_REQUEST: "{unit}向我厅提出撤销该中心的申请。",
}


def revocation_text(center: Center, reason_kind: str, reason: str) -> dict:
    """The title, addressee, paragraphs and copy line of the revocation decision: the
    center as approved (the notice's number), the ground, the leadership's reasons, the
    decision, and for fraud the recovery of the funds."""
    app = center.application
    notice = notice_of(app.call)
    approved = (f"经{notice.number.text}文件批复建设" if notice and notice.number
                else f"于{app.call.year}年批复建设")
    decided = (f"根据省级创新平台管理有关规定，经研究，决定撤销{center.display_name}，"
               f"自本决定印发之日起不得再以“{center.name}”名义开展活动。")
    if reason_kind == RevocationReason.FRAUD:
        decided += "对已拨付的省级财政资金，依规予以追回。"
    city = city_name(app.region_code)
    return {
        "title": f"关于撤销{center.name}的决定",
        "addressee": center.lead_org.name,
        "paragraphs": [f"{center.display_name}由{center.lead_org.name}牵头，{approved}。",
                       _GROUNDS[reason_kind].format(unit=center.lead_org.name) + reason,
                       decided, "特此决定。"],
        "cc": f"{city}科学技术局", "note": "（此件公开发布）"}


def revocation_step(app) -> str:
    """What the lead unit reads after the revocation: where the decision document is."""
    revocation = revocation_of(queries.center_of(app))
    return _("The revocation decision %(number)s is on the center's page: %(url)s",
             number=revocation.decision.number.text,
             url=absolute_url(f"/centers/{revocation.center_id}"))


def mark_revoked(app, actor) -> None:
    """The effect of REVOKE: the center is revoked from the moment of the decision."""
    center = queries.center_of(app)
    center.revoked_at = revocation_of(center).decided_at


def _tell_city(center: Center, revocation: Revocation) -> None:
    def compose(user):
        return (_("Center revoked: %(center)s", center=center.name),
                _("The department's leadership revoked “%(center)s” (%(unit)s) on the ground: "
                  "%(ground)s.\n\nReasons:\n%(reason)s", center=center.name,
                  unit=center.lead_org.name, ground=REASON_LABELS[revocation.reason_kind],
                  reason=revocation.reason))

    notify(region_recommenders(center.application.region_code), kind="center_revoked",
           compose=compose, application=center.application, link=f"/centers/{center.id}")
