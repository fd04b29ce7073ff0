"""The department's statistics page (officers and leaders), each chart's numbers as Excel,
and the public list of centers with its CSV and JSON for open-data portals (no login;
limited per client address like the other public pages)."""
import csv
import io
import json

from flask import Blueprint, Response, abort, current_app, render_template, request, send_file
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required

from forms.statistics import StatisticsScopeForm
from workflow.core.clock import now
from workflow.core.extensions import limiter
from workflow.core.spreadsheets import FORMULA_TRIGGERS
from workflow.statistics import dashboard, queries
from workflow.statistics.rules import Scope
from workflow.statistics.sheets import XLSX, to_xlsx
from workflow.web.views.helpers import require

bp = Blueprint("statistics", __name__)
# Requests per client address to the public list and its open data (OPEN_DATA_RATE_LIMIT).
OPEN_DATA_LIMIT = "30 per minute; 600 per hour"
OPEN_FIELDS = ("id", "name", "lead_unit", "city", "field", "approval_year", "status")


def _open_data_limit() -> str:
    return current_app.config.get("OPEN_DATA_RATE_LIMIT", OPEN_DATA_LIMIT)


def _scope_form():
    """The scope typed in the query string, the calls offered for the funnel, and the Scope
    (None while the form has errors)."""
    form = StatisticsScopeForm(formdata=request.args)
    span = queries.year_span() or (now().year, now().year)
    platform_id = request.args.get("platform_type", type=int) or None
    calls = queries.funnel_calls(Scope(*span, platform_id))
    form.offer(queries.platform_types(), calls, english=str(get_locale()) == "en")
    if request.args and not form.validate():
        return form, calls, None
    # A year left empty is the first or last year of the calls (one given alone may lie
    # beyond the other end: the two are then taken in their order).
    first, last = sorted((form.year_from.data or span[0], form.year_to.data or span[1]))
    form.year_from.data, form.year_to.data = first, last
    return form, calls, Scope(first, last, form.platform_type.data or None)


def _funnel_call(form, calls):
    return next((c for c in calls if c.id == form.call.data), calls[0] if calls else None)


def _scope_text(scope: Scope) -> str:
    types = {t.id: t.name for t in queries.platform_types()}
    return _("Calls of %(first)d to %(last)d; %(type)s", first=scope.year_from,
             last=scope.year_to, type=types.get(scope.platform_type_id, _("all platform types")))


@bp.get("/officer/statistics")
@login_required
def page():
    require("stats.view")
    form, calls, scope = _scope_form()
    if scope is None:
        return render_template("statistics/page.html", form=form, charts=[], scope=None), 422
    charts = dashboard.all_charts(scope, _funnel_call(form, calls))
    return render_template("statistics/page.html", form=form, charts=charts, scope=scope)


@bp.get("/officer/statistics/<chart>.xlsx")
@login_required
def chart_sheet(chart: str):
    require("stats.view")
    if chart not in dashboard.BUILDERS and chart != "funnel":
        abort(404)
    form, calls, scope = _scope_form()
    if scope is None:
        return render_template("statistics/page.html", form=form, charts=[], scope=None), 422
    built = (dashboard.funnel(_funnel_call(form, calls)) if chart == "funnel"
             else dashboard.BUILDERS[chart](scope))
    return send_file(io.BytesIO(to_xlsx(built, _scope_text(scope))), mimetype=XLSX,
                     as_attachment=True, download_name=f"statistics-{chart}-{scope.year_from}-"
                                                       f"{scope.year_to}.xlsx")


@bp.get("/centers")
@limiter.limit(_open_data_limit)
def public_centers():
    require("centers.public")
    found = queries.public_centers_page(request.args.get("page", 1, type=int))
    return render_template("statistics/public_centers.html", found=found)


def _open_row(center) -> dict:
    return {"id": center.id, "name": center.name, "lead_unit": center.lead_unit,
            "city": center.city, "field": center.field, "approval_year": center.year,
            "status": center.status}


def _csv_text(value):
    """A cell a spreadsheet opening the file will not run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


@bp.get("/centers.<any(csv, json):fmt>")
@limiter.limit(_open_data_limit)
def public_centers_data(fmt: str):
    require("centers.public")
    rows = [_open_row(c) for c in queries.all_public_centers()]
    if fmt == "json":
        body = json.dumps({"generated_at": now().isoformat(timespec="seconds"),
                           "count": len(rows), "centers": rows}, ensure_ascii=False, indent=1)
        return Response(body, mimetype="application/json")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=OPEN_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: _csv_text(v) for k, v in row.items()} for row in rows)
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=centers.csv"})
