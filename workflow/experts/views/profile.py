"""An expert's profile page, for the expert and for officers: fields and contact, past
employers, declared relations, and (read only) the conflicts declared on applications."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.experts import (
    EMPLOYMENT_ROLE_LABELS,
    RELATION_KIND_LABELS,
    EmploymentForm,
    ExpertProfileForm,
    RelationForm,
)
from workflow.experts.models import Expert, ExpertEmployment, ExpertRelation
from workflow.experts.operations import profile as expert_profile
from workflow.lifecycle.permissions import expert_id_of
from workflow.vocabulary import rules as vocabulary
from workflow.web.views.helpers import load_or_404, require
from workflow.web.views.once import keep_outcome, repeated
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("expert_profile", __name__)


def _profile_form(expert: Expert) -> ExpertProfileForm:
    return ExpertProfileForm(formdata=None, data={
        "title": expert.title, "phone": expert.phone, "email": expert.email,
        "fields": [f.term_id for f in expert.fields]})


def _offer(expert: Expert, form: ExpertProfileForm) -> ExpertProfileForm:
    """The vocabulary's active terms, and the retired ones the expert has."""
    form.fields.offer(vocabulary.choices(keep={f.term_id for f in expert.fields}))
    return form


def _page(expert: Expert, *, status: int = 200, problems: dict | None = None, profile=None,
          employment=None, relation=None):
    """The page; a form given (holding what was typed) stands in for its blank one."""
    return render_template(
        "experts/profile_edit.html", expert=expert,
        profile=profile or _offer(expert, _profile_form(expert)),
        employment=employment or EmploymentForm(formdata=None, prefix="job"),
        relation=relation or RelationForm(formdata=None, prefix="rel"),
        problems=problems or {},
        role_labels=EMPLOYMENT_ROLE_LABELS, kind_labels=RELATION_KIND_LABELS,
        declarations=sorted(expert.declarations, key=lambda d: d.created_at, reverse=True),
    ), status


def _submit(expert: Expert, name: str, form, change, done: str):
    """Validate `form` and make the change, then commit and go back to the page; or show the
    page again with what was typed and why it was refused (nothing changed). A form that
    adds a row, sent twice (a double click), adds it once (its one-time token,
    web/views/once.py)."""
    back = url_for(".edit", expert_id=expert.id, _anchor=name)
    adds = hasattr(form, "once")
    if form.validate_on_submit():
        if adds and (answer := repeated(form, back=back)) is not None:
            return answer
        with unit_of_work(flash_errors=False) as work:
            change()
            if adds:
                keep_outcome(form, back, done)
        if work.failed:
            return _page(expert, status=422, problems={name: work.error.problems}, **{name: form})
        flash(done, "success")
        return redirect(back)
    return _page(expert, status=422, **{name: form})


def _back(expert_id: int, anchor: str):
    return redirect(url_for(".edit", expert_id=expert_id, _anchor=anchor))


def _remove(expert_id: int, anchor: str, change, done: str):
    """Make a removal and go back; a refusal (e.g. the call lock) is a message, not a 500."""
    with unit_of_work() as work:
        change()
    if work.failed:
        return _back(expert_id, anchor)
    flash(done, "success")
    return _back(expert_id, anchor)


@bp.get("/expert/profile")
@login_required
def my_profile():
    require("expert.home")
    return redirect(url_for(".edit", expert_id=expert_id_of(current_user)))


@bp.route("/experts/<int:expert_id>/profile", methods=["GET", "POST"])
@login_required
def edit(expert_id: int):
    expert = load_or_404(Expert, expert_id)
    require("expert.profile", expert)
    form = _offer(expert, ExpertProfileForm())
    if not form.is_submitted():
        return _page(expert)
    return _submit(expert, "profile", form, lambda: expert_profile.update_expert_profile(
        expert, form.profile_data(), actor=current_user), _("Profile saved."))


@bp.post("/experts/<int:expert_id>/employments")
@login_required
def add_employment(expert_id: int):
    expert = load_or_404(Expert, expert_id)
    require("expert.profile", expert)
    form = EmploymentForm(prefix="job")
    return _submit(expert, "employment", form, lambda: expert_profile.add_employment(
        expert, **form.employment_data(), actor=current_user), _("Employer added."))


@bp.post("/experts/employments/<int:job_id>/remove")
@login_required
def remove_employment(job_id: int):
    job = load_or_404(ExpertEmployment, job_id)
    require("expert.profile", job.expert)
    return _remove(job.expert_id, "employment", lambda: expert_profile.remove_employment(
        job, actor=current_user), _("Employer removed."))


@bp.post("/experts/<int:expert_id>/relations")
@login_required
def add_relation(expert_id: int):
    expert = load_or_404(Expert, expert_id)
    require("expert.profile", expert)
    form = RelationForm(prefix="rel")
    return _submit(expert, "relation", form, lambda: expert_profile.add_relation(
        expert, **form.relation_data(), actor=current_user), _("Relation declared."))


@bp.post("/experts/relations/<int:relation_id>/remove")
@login_required
def remove_relation(relation_id: int):
    relation = load_or_404(ExpertRelation, relation_id)
    require("expert.profile", relation.expert)
    return _remove(relation.expert_id, "relation", lambda: expert_profile.remove_relation(
        relation, actor=current_user), _("Relation removed."))
