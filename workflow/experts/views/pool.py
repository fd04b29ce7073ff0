"""The department's expert pool: the list with its filters, the Excel or CSV import with its
template, an expert's record, taking an expert out of the pool or back in."""
import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.experts import EMPLOYMENT_ROLE_LABELS, RELATION_KIND_LABELS, ExpertImportForm
from workflow.core import clock, reference
from workflow.experts.models import Expert
from workflow.experts.operations import pool as experts
from workflow.experts.operations import profile as expert_profile
from workflow.vocabulary import rules as vocabulary
from workflow.web.queries import search
from workflow.web.views.helpers import load_or_404, require
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("expert_pool", __name__, url_prefix="/officer/experts")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACTIVE_FILTER = {"yes": True, "no": False}


def _filters(terms: dict) -> dict:
    """The filters asked for (a field by the name of its term). Unknown values are ignored
    rather than refused: a stale bookmark still opens."""
    args = request.args
    return {"q": search.clean(args.get("q")),
            "field": args.get("field", "") if args.get("field") in terms else "",
            "city": args.get("city", "") if args.get("city") in reference.cities() else "",
            "active": args.get("active", "") if args.get("active") in ACTIVE_FILTER else ""}


@bp.get("")
@login_required
def pool_list():
    require("expert.pool")
    groups = vocabulary.grouped(vocabulary.all_terms(), retired=True)
    terms = {t.name: t for group in groups for t in group.all_terms}
    filters = _filters(terms)
    page = experts.pool_page(field=terms.get(filters["field"]), city=filters["city"],
                             active=ACTIVE_FILTER.get(filters["active"]), text=filters["q"],
                             page=request.args.get("page", 1, type=int), per_page=25)
    return render_template("experts/pool_list.html", page=page, filters=filters,
                           groups=groups, year=clock.local(clock.now()).year)


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_file():
    require("expert.import")
    form = ExpertImportForm()
    bad_rows = []
    if form.validate_on_submit():
        upload = form.file.data
        with unit_of_work(flash_errors=False) as work:
            added = experts.import_expert_file(upload.filename, upload.read(), actor=current_user)
        if not work.failed:
            flash(_("%(n)d experts added to the pool.", n=len(added)), "success")
            return redirect(url_for(".pool_list"))
        if isinstance(work.error, experts.BadRowsError):
            bad_rows = work.error.rows
        else:
            form.file.errors = list(work.error.problems)
    status = 422 if request.method == "POST" else 200
    return render_template("experts/pool_import.html", form=form, bad_rows=bad_rows,
                           headers=experts.HEADERS), status


@bp.get("/template.xlsx")
@login_required
def template():
    require("expert.import")
    return send_file(io.BytesIO(experts.template_xlsx()), mimetype=XLSX, as_attachment=True,
                     download_name=_("expert-pool-template.xlsx"))


@bp.get("/<int:expert_id>")
@login_required
def detail(expert_id: int):
    require("expert.pool")
    expert = load_or_404(Expert, expert_id)
    return render_template("experts/expert_detail.html", expert=expert,
                           exclusions=expert_profile.exclusions_of_expert(expert),
                           seats=expert_profile.current_seats(expert),
                           role_labels=EMPLOYMENT_ROLE_LABELS, kind_labels=RELATION_KIND_LABELS,
                           year=clock.local(clock.now()).year)


@bp.post("/<int:expert_id>/active")
@login_required
def set_active(expert_id: int):
    require("expert.set_active")
    expert = load_or_404(Expert, expert_id)
    active = request.form.get("active") == "1"
    with unit_of_work() as work:
        expert_profile.set_expert_active(expert, active, actor=current_user)
    if not work.failed:
        flash(_("%(name)s is back in the pool.", name=expert.name) if active
              else _("%(name)s is out of the pool.", name=expert.name), "success")
    return redirect(url_for(".detail", expert_id=expert.id))
