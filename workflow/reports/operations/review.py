"""The reviews of a filed report: the city's first (pass it on or return it), then the
department's (accept it or return it). A return always says why."""
from flask_babel import gettext as _

from workflow.core import clock
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.states import Role
from workflow.lifecycle.permissions import can
from workflow.reports.models import REPORT_MACHINE, AnnualReport
from workflow.reports.operations import telling

REASON_MAX = 2000


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Say why the report is returned."))
    if len(reason) > REASON_MAX:
        raise ServiceError(_("The reasons are longer than %(n)d characters.", n=REASON_MAX))
    return reason


def city_review(report: AnnualReport, *, passed: bool, reason: str = "", actor) -> None:
    """The city passes the report on to the department (the officers told) or returns it
    with `reason` (the lead unit told). Side effects: the state, one audit row. Flushes."""
    if not can(actor, "report.city_review", report):
        raise PermissionDenied("report.city_review")
    if passed:
        REPORT_MACHINE.move(report, "city_pass", actor=actor, application=report.application,
                            comment=(reason or "").strip()[:REASON_MAX],
                            city_passed_at=clock.now())
        telling.to_officers(report, actor)
        return
    reason = _reason(reason)
    REPORT_MACHINE.move(report, "city_return", actor=actor, application=report.application,
                        comment=reason, return_reason=reason, returned_by_role=Role.RECOMMENDER)
    telling.returned(report, actor)


def officer_review(report: AnnualReport, *, accepted: bool, reason: str = "", actor) -> None:
    """The department accepts the report (the lead unit told) or returns it with `reason`
    to the lead unit. Side effects: the state, one audit row. Flushes."""
    if not can(actor, "report.officer_review", report):
        raise PermissionDenied("report.officer_review")
    if accepted:
        REPORT_MACHINE.move(report, "accept", actor=actor, application=report.application,
                            comment=(reason or "").strip()[:REASON_MAX],
                            accepted_at=clock.now())
        telling.accepted(report, actor)
        return
    reason = _reason(reason)
    REPORT_MACHINE.move(report, "officer_return", actor=actor, application=report.application,
                        comment=reason, return_reason=reason, returned_by_role=Role.OFFICER)
    telling.returned(report, actor)
