"""The department's expert panels: assignment runs (optimal, seeded draw), manual seats,
the exclusions of a call with their rules, releasing the seat of an expert a rule excludes
since, and opening the review of complete panels."""
import secrets

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.bulk import InviteExpertsForm
from forms.review import DrawForm
from workflow.calls.models import Call
from workflow.intake.models import Application
from workflow.lifecycle import bulk
from workflow.review.models import PanelSeat
from workflow.review.operations import assignment, seat_release
from workflow.review.operations.assignment import SEED_LIMIT
from workflow.review.queries import eligible_experts, panel_overview
from workflow.review.settings import review_settings_of
from workflow.web.queries import consequences, search
from workflow.web.queries import lists as queries
from workflow.web.views.confirm import unconfirmed
from workflow.web.views.helpers import flash_outcome, load_or_404, require
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("panels", __name__, url_prefix="/officer")


@bp.get("/panels")
@login_required
def index():
    require("call.assign")
    return render_template("review/panels/index.html", calls=queries.all_calls(current_user))


@bp.get("/calls/<int:call_id>/panels")
@login_required
def call_panels(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.assign", call)
    settings, text = review_settings_of(call), search.clean(request.args.get("q"))
    page = panel_overview.panels_page(call, settings, text=text,
                                      page=request.args.get("page", 1, type=int))
    return render_template(
        "review/panels/call_panels.html", call=call, page=page, q=text, settings=settings,
        exclusions=panel_overview.exclusions_on([row.app.id for row in page.items]),
        last_run=panel_overview.last_run(call),
        computed_at=eligible_experts.exclusions_computed_at(call),
        draw_form=DrawForm(formdata=None, data={"seed": secrets.randbelow(SEED_LIMIT)}))


def _back(call_id: int):
    return redirect(url_for(".call_panels", call_id=call_id))


def _attempt(operation, *args, **kwargs):
    """Call a service and commit; on a refusal (say, another officer's run held the call)
    nothing of it stays, the page says why, and the answer is None."""
    with unit_of_work() as work:
        result = operation(*args, **kwargs, actor=current_user)
    return None if work.failed else result


@bp.post("/calls/<int:call_id>/panels/optimal")
@login_required
def run_optimal(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.assign", call)
    page = unconfirmed(consequences.assign(call, "optimal"),
                       cancel=url_for(".call_panels", call_id=call.id))
    if page is not None:
        return page
    run = _attempt(assignment.assign_optimal, call)
    if run is not None:
        flash(_("Optimal assignment: %(seats)d experts invited, total affinity %(total)d, "
                "%(unfilled)d panels not filled.", seats=run.seats_created,
                total=run.total_affinity, unfilled=len(run.unfilled)), "success")
    return _back(call_id)


@bp.post("/calls/<int:call_id>/panels/draw")
@login_required
def run_draw(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.assign", call)
    form = DrawForm()
    if not form.validate_on_submit():
        for error in form.seed.errors:
            flash(error, "danger")
        return _back(call.id)
    page = unconfirmed(consequences.assign(call, "draw", form.seed.data),
                       cancel=url_for(".call_panels", call_id=call.id))
    if page is not None:
        return page
    run = _attempt(assignment.assign_by_draw, call, seed=form.seed.data)
    if run is not None:
        flash(_("Draw with seed %(seed)d: %(seats)d experts invited, %(unfilled)d panels not "
                "filled.", seed=run.seed, seats=run.seats_created, unfilled=len(run.unfilled)),
              "success")
    return _back(call_id)


@bp.post("/calls/<int:call_id>/panels/exclusions")
@login_required
def compute_exclusions(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.compute_exclusions", call)
    found = _attempt(assignment.recompute_exclusions, call)
    if found is not None:
        flash(_("%(n)d exclusions computed.", n=found), "success")
    return _back(call_id)


@bp.post("/calls/<int:call_id>/panels/open-review")
@login_required
def open_review(call_id: int):
    call = load_or_404(Call, call_id)
    require("call.assign", call)
    done = _attempt(assignment.open_ready_reviews, call)
    if done is None:
        return _back(call.id)
    opened, refused = done
    flash(_("Expert review opened for %(n)d applications.", n=len(opened)), "success")
    for app, problems in refused.items():
        flash(_("Not opened: %(title)s: %(problems)s", title=app.title,
                problems=" ".join(problems)), "warning")
    return _back(call.id)


def _chooser(app: Application, form=None, status: int = 200):
    """The list of experts to invite to `app`'s panel, as the request's arguments ask."""
    args = request.args if request.method == "GET" else request.form
    text, everyone = search.clean(args.get("q")), args.get("scope") == "all"
    return render_template(
        "review/panels/choose_experts.html", app=app, q=text, everyone=everyone,
        settings=review_settings_of(app.call),
        seats=panel_overview.seats_of(app), form=form or InviteExpertsForm(formdata=None),
        computed_at=eligible_experts.exclusions_computed_at(app.call),
        page=eligible_experts.candidates_page(app, text=text, everyone=everyone,
                                               page=args.get("page", 1, type=int))), status


@bp.get("/applications/<int:app_id>/seats")
@login_required
def choose_experts(app_id: int):
    app = load_or_404(Application, app_id)
    require("call.assign", app.call)
    return _chooser(app)


@bp.post("/applications/<int:app_id>/seats")
@login_required
def add_seat(app_id: int):
    """Invite the experts ticked, each as if alone; say who was invited and why not the rest."""
    app = load_or_404(Application, app_id)
    require("call.assign", app.call)
    form = InviteExpertsForm()
    experts = eligible_experts.invitable(app, form.expert_id.data or [])
    if not form.validate_on_submit() or len(experts) != len(form.expert_id.data):
        form.expert_id.errors = form.expert_id.errors or [
            _("Tick experts of the list who may still be invited.")]
        return _chooser(app, form, 422)
    outcome = _attempt(bulk.invite_experts, app, experts)
    if outcome is None:
        return _chooser(app, form, 422)
    flash_outcome(outcome, done=lambda names: _("Invited: %(names)s.", names=names),
                  refused=lambda name, why: _("Not invited: %(name)s: %(reasons)s", name=name,
                                              reasons=why), name=lambda expert: expert.name)
    return redirect(url_for(".choose_experts", app_id=app.id, q=request.form.get("q") or None,
                            scope=request.form.get("scope") or None))


@bp.post("/seats/<int:seat_id>/remove")
@login_required
def remove_seat(seat_id: int):
    seat = load_or_404(PanelSeat, seat_id)
    call_id = seat.application.call_id
    require("call.assign", seat.application.call)
    with unit_of_work() as work:
        assignment.remove_seat(seat, actor=current_user)
    if not work.failed:
        flash(_("Seat removed."), "success")
    return _back(call_id)


@bp.post("/seats/<int:seat_id>/release/<any(refill, by_hand):then>")
@login_required
def release_seat(seat_id: int, then: str):
    """Release an excluded expert's seat, then refill it by its method or leave it open for
    an expert invited by hand."""
    seat = load_or_404(PanelSeat, seat_id)
    call_id = seat.application.call_id
    require("call.assign", seat.application.call)
    with unit_of_work() as work:
        new_seat = seat_release.release_seat(seat, refill=then == "refill", actor=current_user)
    if work.failed:
        return _back(call_id)
    if new_seat is not None:
        flash(_("Seat released; %(name)s is invited in its place.", name=new_seat.expert.name),
              "success")
    elif then == "refill":
        flash(_("Seat released, but it could not be refilled (a seat chosen by hand, or no "
                "eligible expert left): invite an expert by hand."), "warning")
    else:
        flash(_("Seat released. Invite an expert by hand for the open seat."), "success")
    return _back(call_id)
