"""Read-only checks of annual reports: who may do what (granted here, asked with `can()`),
the arithmetic of an indicator against its yearly target, and what a report still lacks
before it can be filed.

The arithmetic: the share of target is value / target in %, rounded down to one decimal, so a
value just short of its target never reads as 100.0 %. An indicator misses its target when
the book sets a target above zero and the value is below it. Without a target (or with a
target of zero) there is no share and nothing is missed: there was nothing to reach.
"""
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from flask_babel import gettext as _

from workflow.centers.indicators import INDICATORS, Indicator
from workflow.core.states import REPORTING_STATES
from workflow.lifecycle.permissions import (
    grant,
    is_applicant,
    is_leader,
    is_officer,
    is_recommender,
    is_region_recommender,
)
from workflow.reports.models import (
    EDITABLE_REPORT_STATES,
    SECTIONS,
    AnnualReport,
    ReportRound,
    ReportState,
)

VALUE_MAX = Decimal(100_000_000)  # like the task book's NUMBER_MAX
NARRATIVE_MAX = 5000
NARRATIVE_MIN = 20  # a section says something: more than a word or two


def as_number(value) -> Decimal | None:
    """`value` (a number, a string, None) as a Decimal; None when absent or not a number."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def number_text(value: Decimal | None, indicator: Indicator) -> str:
    """A value as pages show it: money (10,000 yuan) with two decimals, counts whole."""
    if value is None:
        return "—"
    return f"{value:,.2f}" if indicator.money else f"{value:,.0f}"


@dataclass(frozen=True)
class Measure:
    """One indicator of a report against its yearly target."""

    indicator: Indicator
    value: Decimal | None
    target: Decimal | None

    @property
    def share(self) -> Decimal | None:
        """Value as a share of target in %, rounded down to 0.1; None without a target
        above zero or without a value."""
        if self.value is None or self.target is None or self.target <= 0:
            return None
        return (self.value * 100 / self.target).quantize(Decimal("0.1"), rounding=ROUND_DOWN)

    @property
    def value_text(self) -> str:
        return number_text(self.value, self.indicator)

    @property
    def target_text(self) -> str:
        return number_text(self.target, self.indicator)

    @property
    def share_text(self) -> str:
        return "—" if self.share is None else f"{self.share} %"

    @property
    def missed(self) -> bool:
        return (self.value is not None and self.target is not None and self.target > 0
                and self.value < self.target)


def measures(values: dict[str, Decimal | None], targets: dict[str, Decimal | None]
             ) -> list[Measure]:
    """Each indicator of the catalogue with its value and its target."""
    return [Measure(i, as_number(values.get(i.code)), as_number(targets.get(i.code)))
            for i in INDICATORS]


def yearly_targets(indicators: dict | None, year: int) -> dict[str, Decimal | None]:
    """The targets of `year` from a task book's `indicators` (see task_books/models.py)."""
    return {code: as_number(((entry or {}).get("yearly") or {}).get(str(year)))
            for code, entry in (indicators or {}).items()}


def missed_count(values: dict, targets: dict) -> int:
    return sum(1 for m in measures(values, targets) if m.missed)


def is_late(filed_at: datetime | None, due_at: datetime, at: datetime) -> bool:
    """Late: filed after the deadline, or not filed and the deadline has passed."""
    return (filed_at if filed_at is not None else at) > due_at


def values_problems(raw: dict[str, object]) -> list[str]:
    """What is wrong with the values typed for each indicator: every one given, a number,
    not negative, at most two decimals, below VALUE_MAX."""
    problems = []
    for indicator in INDICATORS:
        text = raw.get(indicator.code)
        number = as_number(text)
        if text in (None, ""):
            problems.append(_("Give the value of “%(label)s”.", label=indicator.label))
        elif number is None:
            problems.append(_("“%(label)s” must be a number.", label=indicator.label))
        elif number < 0 or number >= VALUE_MAX:
            problems.append(_("“%(label)s” must be between 0 and 100,000,000.",
                              label=indicator.label))
        elif number != number.quantize(Decimal("0.01")) or (
                not indicator.money and number != number.to_integral_value()):
            problems.append(_("“%(label)s” takes a whole number%(money)s.",
                              label=indicator.label,
                              money=_(" or two decimals") if indicator.money else ""))
    return problems


def filing_problems(report: AnnualReport) -> list[str]:
    """What keeps the report from being filed: a value for every indicator, every narrative
    section written."""
    problems = []
    given = {v.code for v in report.values}
    missing = [i.label for i in INDICATORS if i.code not in given]
    if missing:
        problems.append(_("Give the year's value of: %(labels)s.",
                          labels="、".join(str(label) for label in missing)))
    for key, label in SECTIONS:
        if len((report.narrative or {}).get(key, "").strip()) < NARRATIVE_MIN:
            problems.append(_("Write the section “%(label)s” (at least %(n)d characters).",
                              label=label, n=NARRATIVE_MIN))
    return problems


# Permissions. The lead unit of the center writes and files its report; the city of the
# center passes it on or returns it; the officers accept or return it and run the rounds;
# the leaders read. Nobody else sees a report, not even by its number.
def _report(obj) -> AnnualReport | None:
    return obj if isinstance(obj, AnnualReport) else None


def is_report_unit(user, obj) -> bool:
    report = _report(obj)
    return (report is not None and is_applicant(user)
            and getattr(user, "organization_id", None) == report.center.lead_org_id)


def is_report_city(user, obj) -> bool:
    report = _report(obj)
    return report is not None and is_region_recommender(user, report.application)


def can_view_report(user, obj) -> bool:
    return (is_report_unit(user, obj) or is_report_city(user, obj)
            or ((is_officer(user) or is_leader(user)) and _report(obj) is not None))


def can_edit_report(user, obj) -> bool:
    report = _report(obj)
    return (is_report_unit(user, report) and report.state in EDITABLE_REPORT_STATES
            and report.application.state in REPORTING_STATES)


def can_city_review(user, obj) -> bool:
    report = _report(obj)
    return is_report_city(user, report) and report.state == ReportState.SUBMITTED


def can_officer_review(user, obj) -> bool:
    report = _report(obj)
    return is_officer(user) and report is not None and report.state == ReportState.CITY_PASSED


def can_view_round(user, obj=None) -> bool:
    return (is_officer(user) or is_leader(user)) and (obj is None
                                                      or isinstance(obj, ReportRound))


grant("report.view", can_view_report)
grant("report.edit", can_edit_report)
grant("report.city_review", can_city_review)
grant("report.officer_review", can_officer_review)
grant("report_round.view", can_view_round)
grant("report_round.open", is_officer)
grant("report.list_own", is_applicant)
grant("report.list_city", is_recommender)
