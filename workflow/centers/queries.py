"""Reads for the centers' pages: a center's current co-builders and its history of changes,
the centers a person may list, and the change requests waiting for the department. Each
list is read in a fixed number of statements whatever the number of rows."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from workflow.calls.models import Call
from workflow.centers.models import (
    REASON_LABELS,
    Center,
    CenterChange,
    CenterCoBuilder,
    ChangeState,
    RevocationReason,
)
from workflow.core.extensions import db
from workflow.core.states import Action, find_transition
from workflow.departments.rules import calls_of
from workflow.intake.models import Application
from workflow.lifecycle.permissions import is_leader, is_officer, is_recommender
from workflow.organizations.models import Organization
from workflow.reports.models import AnnualReport, ReportRound
from workflow.task_books.models import TaskBook
from workflow.web.queries import lists, search
from workflow.web.queries.consequences import Consequences


@dataclass(frozen=True)
class CurrentCoBuilder:
    credit_code: str
    name: str
    division_of_work: str
    organization_id: int | None
    since: datetime | None  # None: a co-builder of the application, from the start


@dataclass(frozen=True)
class Related:
    """What other features keep about the center, for its page to link: its task book and
    its annual reports, the year each reports on."""
    task_book: TaskBook | None
    reports: list[tuple[AnnualReport, int]]


def related(center: Center) -> Related:
    reports = db.session.execute(
        select(AnnualReport, ReportRound.year).join(ReportRound)
        .where(AnnualReport.center_id == center.id).order_by(ReportRound.year)).all()
    return Related(db.session.scalar(select(TaskBook).where(
        TaskBook.application_id == center.application_id)), [tuple(r) for r in reports])


def has_cobuilder_record(center: Center) -> bool:
    """Whether a change of the co-builders was approved: the center keeps its own record."""
    return db.session.scalar(select(CenterCoBuilder.id).where(
        CenterCoBuilder.center_id == center.id).limit(1)) is not None


def current_cobuilders(center: Center) -> list[CurrentCoBuilder]:
    """The center's co-builders now: its own record once a change of them was approved,
    else the application's confirmed co-builders."""
    rows = list(db.session.scalars(select(CenterCoBuilder).where(
        CenterCoBuilder.center_id == center.id).order_by(CenterCoBuilder.id)))
    if rows:
        return [CurrentCoBuilder(r.credit_code, r.name, r.division_of_work, r.organization_id,
                                 r.joined_at if r.joined_change_id else None)
                for r in rows if r.left_at is None]
    return [CurrentCoBuilder(c.credit_code, c.name, c.division_of_work, c.organization_id,
                             None)
            for c in center.application.cobuilders if c.confirmed_at is not None]


def history(center: Center) -> list[CenterChange]:
    """The center's change requests, the newest first, with who asked and who decided."""
    return list(db.session.scalars(
        select(CenterChange).where(CenterChange.center_id == center.id)
        .options(selectinload(CenterChange.requested_by), selectinload(CenterChange.decided_by))
        .order_by(CenterChange.requested_at.desc(), CenterChange.id.desc())))


def center_of(app: Application) -> Center | None:
    return db.session.scalar(select(Center).where(Center.application_id == app.id))


def _visible(user):
    """The condition on the centers `user` may list (rules.can_list_centers)."""
    if is_officer(user) or is_leader(user):
        return Application.call_id.in_(select(Call.id).where(calls_of(user)))
    if is_recommender(user):
        return Application.region_code == user.organization.region_code
    return Application.lead_org_id == getattr(user, "organization_id", None)


def centers_for(user, *, state: str | None = None, text: str = "", page: int = 1,
                per_page: int = 25) -> lists.Page:
    """The centers `user` may list, by name; found by the center's name, the application's
    title or the lead unit's name or credit code."""
    stmt = (select(Center).join(Application, Center.application_id == Application.id)
            .join(Organization, Center.lead_org_id == Organization.id)
            .where(_visible(user)).order_by(Application.call_id, Center.id))
    if state:
        stmt = stmt.where(Application.state == state)
    if text:
        stmt = stmt.where(or_(Center.name.icontains(text, autoescape=True),
                              search.application_matches(text)))
    return lists.paginate(stmt, page=page, per_page=per_page)


def open_change_counts(center_ids: list[int]) -> dict[int, int]:
    """How many change requests of each center wait for the department."""
    if not center_ids:
        return {}
    return dict(db.session.execute(
        select(CenterChange.center_id, func.count()).where(
            CenterChange.center_id.in_(center_ids), CenterChange.state == ChangeState.OPEN)
        .group_by(CenterChange.center_id)).all())


def open_changes(center: Center) -> list[CenterChange]:
    return list(db.session.scalars(select(CenterChange).where(
        CenterChange.center_id == center.id, CenterChange.state == ChangeState.OPEN)
        .order_by(CenterChange.id)))


def waiting_changes(*, page: int = 1, per_page: int = 25) -> lists.Page:
    """The change requests waiting for the department, the oldest first."""
    stmt = (select(CenterChange).where(CenterChange.state == ChangeState.OPEN)
            .options(selectinload(CenterChange.center), selectinload(CenterChange.requested_by))
            .order_by(CenterChange.requested_at, CenterChange.id))
    return lists.paginate(stmt, page=page, per_page=per_page)



def revocation_consequences(center: Center, reason_kind: str,
                            reason: str) -> Consequences | None:
    """What revoking the center does, for the leader's confirmation; None when the
    operation refuses anyway (it says why)."""
    reason = (reason or "").strip()
    if (find_transition(center.application.state, Action.REVOKE) is None or not reason
            or reason_kind not in RevocationReason.__members__.values()):
        return None
    waiting = len(open_changes(center))
    points = [
        _("“%(center)s” (%(unit)s) is revoked on the ground “%(ground)s”, with the reasons: "
          "%(reason)s", center=center.name, unit=center.lead_org.name,
          ground=REASON_LABELS[reason_kind], reason=reason),
        _("A revocation decision is issued under the next number of the department's "
          "registry, with its verification code, and sent to the lead unit."),
        _("The lead unit and the city's bureau are told; the center leaves the public list "
          "of centers, and the verification pages of its approval notice and letter say "
          "that it was revoked, and when."),
    ]
    if waiting:
        points.append(ngettext("Its change request still open is refused with it.",
                               "Its %(num)d change requests still open are refused with it.",
                               waiting))
    points.append(_("A revocation cannot be taken back."))
    return Consequences(title=_("Revoke “%(center)s”?", center=center.name),
                        points=tuple(points), confirm_label=_("Revoke the center"),
                        facts=("revoke_center", center.id, reason_kind, reason, waiting))
