"""The charts of the statistics page, each built from one query of `queries` with its
labels: the drawing, the text alternative and the table (which the Excel download holds)
share the same numbers."""
from flask_babel import gettext as _

from workflow.centers.indicators import BY_CODE
from workflow.evaluation.models import GRADE_LABELS, Grade
from workflow.statistics import charts, queries
from workflow.statistics.charts import Chart
from workflow.statistics.rules import Scope
from workflow.web.formatting import STATE_LABELS


def _list(parts) -> str:
    """Parts of a text alternative in a list, with the language's separator (；in Chinese)."""
    return _("; ").join(parts)


def _said(items) -> str:
    return _list(_("%(label)s: %(value)s", label=label, value=charts.number(value))
                 for label, value in items)


def approvals(scope: Scope) -> Chart:
    batches = queries.approvals_by_batch(scope)
    one_per_year = len({b.year for b in batches}) == len(batches)
    title = _("Approvals per year and batch")
    items = [(str(b.year) if one_per_year else f"{b.year} {b.title}", b.approved, b.cumulative)
             for b in batches]
    summary = _("%(approved)d centers approved in %(batches)d batches of these years; "
                "%(total)d approved so far.", approved=sum(b.approved for b in batches),
                batches=len(batches), total=batches[-1].cumulative if batches else 0)
    desc = summary + " " + _list(
        _("%(batch)s: %(n)d, %(total)d so far", batch=label, n=n, total=total)
        for label, n, total in items)
    return Chart("approvals", title, summary,
                 (_("Year"), _("Batch"), _("Approved"), _("Approved so far")),
                 [(b.year, b.title, b.approved, b.cumulative) for b in batches],
                 charts.columns_with_line("approvals", title, desc, items,
                                          bar_label=_("Approved"),
                                          line_label=_("Approved so far"), empty=_("No calls.")),
                 note=_("So far: from the first call of the platform type on."))


def cities(scope: Scope) -> Chart:
    rows = queries.by_city(scope)
    title = _("Approvals by city, with each city's rank in the province")
    leaders = [r for r in rows if r.approved][:3]
    summary = _("Most approvals: %(cities)s.", cities="、".join(
        f"{r.name} ({r.approved})" for r in leaders)) if leaders else _("No approvals.")
    items = [(r.name, r.approved) for r in rows]
    return Chart("cities", title, summary,
                 (_("Rank in the province"), _("City"), _("Approved"), _("Active centers")),
                 [(r.rank, r.name, r.approved, r.active) for r in rows],
                 charts.bars("cities", title, summary + " " + _said(items), items,
                             empty=_("No approvals.")),
                 note=_("Active: neither failed at acceptance nor revoked. Equal counts share a "
                        "rank."))


def fields(scope: Scope) -> Chart:
    rows = queries.by_field(scope)
    title = _("Approvals by technical field")
    items = [(r.key or _("No field"), r.approved) for r in rows]
    summary = _("%(n)d technical fields.", n=len(rows)) + " " + _said(items)
    return Chart("fields", title, summary, (_("Field"), _("Approved"), _("Active centers")),
                 [(label, r.approved, r.active) for (label, _n), r in zip(items, rows,
                                                                          strict=True)],
                 charts.bars("fields", title, summary, items, empty=_("No approvals.")))


def lead_kinds(scope: Scope) -> Chart:
    rows = queries.by_lead_kind(scope)
    labels = {"enterprise": _("Enterprises"), "academic": _("Universities and institutes"),
              "other": _("Other units")}
    title = _("Approvals by kind of lead unit")
    items = [(labels[r.key], r.approved) for r in rows]
    summary = _said(items)
    return Chart("lead_kinds", title, summary,
                 (_("Lead unit"), _("Approved"), _("Active centers")),
                 [(labels[r.key], r.approved, r.active) for r in rows],
                 charts.bars("lead_kinds", title, summary, items, empty=_("No approvals.")),
                 note=_("The current lead unit of each center, after any approved change."))


def funds(scope: Scope) -> Chart:
    rows = queries.committed_funds(scope)
    title = _("Funds committed to the active centers (10,000 yuan)")
    items = [(str(r.year), r.total) for r in rows]
    summary = _("%(total)s in all.", total=charts.number(round(sum(r.total for r in rows), 2))) \
        + " " + _said(items)
    return Chart("funds", title, summary,
                 (_("Year"), _("Centers"), _("From a signed task book"), _("Own funds"),
                  _("Provincial and other funds"), _("Local government match"), _("In all")),
                 [(r.year, r.centers, r.from_task_book, r.own, r.provincial, r.local,
                   round(r.total, 2)) for r in rows],
                 charts.bars("funds", title, summary, items, empty=_("No active centers.")),
                 note=_("The budget of the signed task book where there is one, else the "
                        "budget section of the application."))


def funnel(call) -> Chart:
    """`call`: a row of queries.funnel_calls(), or None."""
    labels = {"applied": _("Filed"), "recommended": _("Recommended"),
              "formal_passed": _("Passed the formal review"), "reviewed": _("Reviewed by experts"),
              "announced": _("Announced"), "approved": _("Approved")}
    stages = queries.funnel(call) if call else []
    filed = stages[0][1] if stages else 0
    shares = [f"{n} ({round(100 * n / filed)}%)" if filed else str(n) for _s, n in stages]
    title = _("Funnel of the call %(call)s", call=call.title) if call else \
        _("Funnel of the current call")
    items = [(labels[stage], n) for stage, n in stages]
    summary = _said(items) if call else _("No call.")
    return Chart("funnel", title, summary, (_("Stage"), _("Applications"), _("Share of filed")),
                 [(labels[stage], n, f"{round(100 * n / filed)}%" if filed else "—")
                  for stage, n in stages],
                 charts.bars("funnel", title, summary, items, empty=_("No filed application."),
                             value_labels=shares),
                 note=_("An application counts at every stage it has reached."))


def statuses(scope: Scope) -> Chart:
    rows = queries.by_status(scope)
    title = _("Centers by status")
    items = [(str(STATE_LABELS[state]), n) for state, n in rows]
    summary = _said(items)
    return Chart("statuses", title, summary, (_("Status"), _("Centers")), items,
                 charts.bars("statuses", title, summary, items, empty=_("No approvals.")))


def grades(scope: Scope) -> Chart:
    years = queries.by_grade(scope)
    title = _("Centers by evaluation grade")
    totals = {g.value: sum(counts[g.value] for _y, counts in years) for g in Grade}
    items = [(str(GRADE_LABELS[g]), totals[g.value]) for g in Grade]
    summary = _said(items) if years else _("No evaluation round closed in these years.")
    return Chart("grades", title, summary,
                 (_("Year of the evaluation"), *(str(GRADE_LABELS[g]) for g in Grade),
                  _("In all")),
                 [(year, *(counts[g.value] for g in Grade), sum(counts.values()))
                  for year, counts in years],
                 charts.bars("grades", title, summary, items,
                             empty=_("No evaluation round closed in these years.")),
                 note=_("Closed rounds (every center graded), by the year of the round."))


def _figure(value, money: bool):
    """A summed indicator for the table: money with its decimals, a count as a whole number."""
    if value is None:
        return "—"
    return float(value) if money or value != value.to_integral_value() else int(value)


def indicators(scope: Scope) -> Chart:
    years, rows = queries.indicator_changes(scope)
    last = years[-1] if years else scope.year_to
    title = _("Indicators reported by the centers, and their change in %(year)d", year=last)
    items = [(str(BY_CODE[r.code].label), r.percent) for r in rows]
    summary = _("Sums of the accepted annual reports for %(years)s.",
                years=_(", ").join(map(str, years))) + " " + _list(
        _("%(label)s: %(value)s", label=label, value="—" if p is None else format(p, "+.1f") + "%")
        for label, p in items) \
        if rows else _("No accepted annual report in these years.")
    return Chart("indicators", title, summary,
                 (_("Indicator"), _("Unit"), *map(str, years),
                  _("Change from %(year)d", year=last - 1), _("Change (%)")),
                 [(str(BY_CODE[r.code].label), str(BY_CODE[r.code].unit),
                   *(_figure(r.totals[y], BY_CODE[r.code].money) for y in years),
                   _figure(r.change, BY_CODE[r.code].money),
                   "—" if r.percent is None else f"{r.percent:+.1f}%") for r in rows],
                 charts.diverging_bars("indicators", title, summary, items,
                                       empty=_("No year before to compare with.")),
                 note=_("Years reported on (an annual report of 2024 is filed in 2025); only "
                        "reports the department accepted count."))


def all_charts(scope: Scope, call) -> list[Chart]:
    return [approvals(scope), cities(scope), fields(scope), lead_kinds(scope), funds(scope),
            funnel(call), statuses(scope), grades(scope), indicators(scope)]


BUILDERS = {"approvals": approvals, "cities": cities, "fields": fields,
            "lead_kinds": lead_kinds, "funds": funds, "statuses": statuses, "grades": grades,
            "indicators": indicators}
