"""What waits on a desk in the annual reports: the lead unit's reports to file (or to file
again after a return), the city's reports to review, the department's reports to accept.
Each group in one statement (items.capped) whatever the number of reports."""
from flask_babel import gettext as _
from sqlalchemy import select

from workflow.centers.models import Center
from workflow.desk.queries.items import Group, Item, Link, capped
from workflow.intake.models import Application
from workflow.reports.models import EDITABLE_REPORT_STATES, AnnualReport, ReportRound, ReportState


def _item(row, *, deadline=None, since=None, detail="") -> Item:
    """One report; a late one says so first (the desk's flags are the application's)."""
    late = _("Late.") if row.late_since is not None else ""
    return Item(_("%(center)s: annual report %(year)d", center=row.name, year=row.year),
                Link("reports.detail", {"report_id": row.id}), deadline=deadline, since=since,
                detail=" ".join(part for part in (late, detail) if part))


def _reports():
    return (select(AnnualReport.id, AnnualReport.late_since, AnnualReport.return_reason,
                   AnnualReport.filed_at, AnnualReport.city_passed_at, Center.name,
                   ReportRound.year, ReportRound.due_at)
            .join(Center, AnnualReport.center_id == Center.id)
            .join(ReportRound, AnnualReport.round_id == ReportRound.id))


def to_file(user) -> Group:
    """The reports of the centers the user's unit leads, not filed or returned."""
    rows, total, partial = capped(
        _reports().where(Center.lead_org_id == user.organization_id,
                         AnnualReport.state.in_(EDITABLE_REPORT_STATES))
        .order_by(ReportRound.due_at, AnnualReport.id))
    return Group("reports_to_file", total, [
        _item(r, deadline=r.due_at,
              detail=_("Returned: %(reason)s", reason=r.return_reason) if r.return_reason
              else "") for r in rows], partial=partial)


def to_city(user) -> Group:
    """The reports of the city's centers filed and waiting for its review."""
    rows, total, partial = capped(
        _reports().join(Application, AnnualReport.application_id == Application.id)
        .where(Application.region_code == user.organization.region_code,
               AnnualReport.state == ReportState.SUBMITTED)
        .order_by(AnnualReport.filed_at, AnnualReport.id))
    return Group("reports_city", total, [_item(r, since=r.filed_at) for r in rows],
                 partial=partial)


def to_officer(user) -> Group:
    """The reports the cities passed on, waiting for the department."""
    rows, total, partial = capped(
        _reports().where(AnnualReport.state == ReportState.CITY_PASSED)
        .order_by(AnnualReport.city_passed_at, AnnualReport.id))
    return Group("reports_department", total, [_item(r, since=r.city_passed_at) for r in rows],
                 partial=partial)
