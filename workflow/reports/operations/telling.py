"""Whom each step of a report tells, in their language, with the link to the report: the
next actor when it reaches them, the lead unit when it comes back or is accepted."""
from flask_babel import gettext as _

from workflow.core.states import Role
from workflow.inbox.notifications import lead_users, notify, region_recommenders, staff
from workflow.lifecycle.handoffs import beijing_time
from workflow.reports.models import AnnualReport, ReportRound


def _path(report: AnnualReport) -> str:
    return f"/reports/{report.id}"


def _others(users, actor) -> list:
    return [u for u in users if u.id != getattr(actor, "id", None)]


def _what(report: AnnualReport) -> str:
    return _("the %(year)d annual report of %(center)s", year=report.round.year,
             center=report.center.name)


def report_due(report: AnnualReport, round_: ReportRound) -> int:
    """The lead unit: a report to file, and by when."""
    def compose(user):
        return (_("Annual report %(year)d to file", year=round_.year),
                _("The department opened the reporting round for %(year)d. File %(what)s "
                  "before %(due)s (Beijing time).", year=round_.year, what=_what(report),
                  due=beijing_time(round_.due_at)))
    return notify(lead_users(report.application), kind="report_due", compose=compose,
                  application=report.application, link=_path(report),
                  dedupe_key=f"report_due:{report.id}")


def to_city(report: AnnualReport, actor) -> int:
    def compose(user):
        return (_("Annual report to review: %(center)s", center=report.center.name),
                _("%(what)s was filed and waits for the city's review: pass it on to the "
                  "department or return it with reasons.", what=_what(report)))
    return notify(_others(region_recommenders(report.application.region_code), actor),
                  kind="handoff_report_city", compose=compose, application=report.application,
                  link=_path(report))


def to_officers(report: AnnualReport, actor) -> int:
    def compose(user):
        return (_("Annual report to accept: %(center)s", center=report.center.name),
                _("The city passed on %(what)s: accept it or return it with reasons.",
                  what=_what(report)))
    return notify(_others(staff(Role.OFFICER), actor), kind="handoff_report_officer",
                  compose=compose, application=report.application, link=_path(report))


def returned(report: AnnualReport, actor) -> int:
    def compose(user):
        return (_("Annual report returned: %(center)s", center=report.center.name),
                _("%(what)s was returned for revision. Reasons: %(reason)s",
                  what=_what(report), reason=report.return_reason))
    return notify(_others(lead_users(report.application), actor), kind="report_returned",
                  compose=compose, application=report.application, link=_path(report))


def accepted(report: AnnualReport, actor) -> int:
    def compose(user):
        return (_("Annual report accepted: %(center)s", center=report.center.name),
                _("The department accepted %(what)s.", what=_what(report)))
    return notify(_others(lead_users(report.application), actor), kind="report_accepted",
                  compose=compose, application=report.application, link=_path(report))


def reminder(report: AnnualReport) -> int:
    due = report.round.due_at

    def compose(user):
        return (_("Deadline soon: %(what)s", what=_what(report)),
                _("File %(what)s before %(due)s (Beijing time). A report filed after the "
                  "deadline is recorded as late.", what=_what(report), due=beijing_time(due)))
    return notify(lead_users(report.application), kind="reminder", compose=compose,
                  application=report.application, link=_path(report),
                  dedupe_key=f"report_reminder:{report.id}:{due:%Y%m%d}")


def late(report: AnnualReport) -> int:
    """The lead unit and the city: the deadline passed and the report is not filed."""
    def compose(user):
        return (_("Annual report late: %(center)s", center=report.center.name),
                _("The deadline of %(what)s passed on %(due)s (Beijing time) and it is not "
                  "filed: it is recorded as late. File it as soon as possible.",
                  what=_what(report), due=beijing_time(report.round.due_at)))
    users = lead_users(report.application) + region_recommenders(report.application.region_code)
    return notify(users, kind="report_late", compose=compose, application=report.application,
                  link=_path(report), dedupe_key=f"report_late:{report.id}")
