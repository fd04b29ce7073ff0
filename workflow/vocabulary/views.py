"""The officers' page of the vocabulary of technical fields: every term under its industry
with the calls and experts that have it; adding, renaming, moving, merging, retiring."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.fields import MergeForm, NewTermForm, TermForm
from workflow.core.extensions import db
from workflow.vocabulary import operations as vocabulary_edits
from workflow.vocabulary import rules as vocabulary
from workflow.vocabulary.models import FieldTerm
from workflow.web.views.confirm import unconfirmed
from workflow.web.views.helpers import load_or_404, require
from workflow.web.views.once import created, repeated
from workflow.web.views.unit_of_work import unit_of_work

bp = Blueprint("vocabulary", __name__, url_prefix="/officer/fields")


def _index(form=None, problems=(), status=200):
    groups = vocabulary.grouped(vocabulary.all_terms(), retired=True)
    return render_template(
        "vocabulary/index.html", groups=groups, usage=vocabulary_edits.usage(),
        unsorted=[t for g in groups for t in g.terms if t.unsorted and t.retired_at is None],
        form=form or NewTermForm(formdata=None).industries(groups, required=True),
        problems=problems), status


def _term_page(term, *, form=None, merge_form=None, problems=(), status=200):
    groups = vocabulary.choices()
    return render_template(
        "vocabulary/term.html", term=term, problems=problems,
        usage=vocabulary_edits.usage().get(term.id, (0, 0)),
        merged_into=db.session.get(FieldTerm, term.merged_into_id) if term.merged_into_id
        else None,
        form=form or TermForm(formdata=None, data={
            "name": term.name, "parent_id": term.parent_id or 0}).industries(
                groups, required=not term.is_industry),
        merge_form=merge_form or MergeForm(formdata=None).targets(groups, term)), status


def _attempt(change, refused, done: str, back: str):
    """Make the change and go to `back`; refused, show `refused(problems)` again (422)."""
    with unit_of_work(flash_errors=False) as work:
        change()
    if work.failed:
        return refused(work.error.problems)
    flash(done, "success")
    return redirect(back)


@bp.get("")
@login_required
def index():
    require("field.vocabulary")
    return _index()


@bp.post("")
@login_required
def add():
    require("field.vocabulary")
    form = NewTermForm().industries(vocabulary.choices(), required=True)
    if not form.validate_on_submit():
        return _index(form, status=422)
    if (answer := repeated(form, back=url_for(".index"))) is not None:
        return answer
    answer, error = created(
        form, lambda: vocabulary_edits.add_term(name=form.name.data,
                                                parent_id=form.parent_id.data,
                                                actor=current_user),
        path=lambda term: url_for(".index", _anchor=f"term-{term.id}"),
        note=lambda term: _("“%(name)s” added.", name=term.name))
    return answer if error is None else _index(form, error.problems, 422)


@bp.get("/<int:term_id>")
@login_required
def term(term_id: int):
    require("field.vocabulary")
    return _term_page(load_or_404(FieldTerm, term_id))


@bp.post("/<int:term_id>")
@login_required
def edit(term_id: int):
    require("field.vocabulary")
    term = load_or_404(FieldTerm, term_id)
    form = TermForm().industries(vocabulary.choices(), required=not term.is_industry)
    if not form.validate_on_submit():
        return _term_page(term, form=form, status=422)
    return _attempt(
        lambda: vocabulary_edits.update_term(term, name=form.name.data,
                                             parent_id=form.parent_id.data, actor=current_user),
        lambda problems: _term_page(term, form=form, problems=problems, status=422),
        _("Term saved."), url_for(".term", term_id=term.id))


@bp.post("/<int:term_id>/merge")
@login_required
def merge(term_id: int):
    require("field.vocabulary")
    term = load_or_404(FieldTerm, term_id)
    form = MergeForm().targets(vocabulary.choices(), term)
    if not form.validate_on_submit():
        return _term_page(term, merge_form=form, status=422)
    into = db.session.get(FieldTerm, form.into_id.data)
    back = url_for(".term", term_id=term.id)
    if (page := unconfirmed(vocabulary_edits.merge_consequences(term, into),
                            cancel=back)) is not None:
        return page
    return _attempt(
        lambda: vocabulary_edits.merge_term(term, into, actor=current_user),
        lambda problems: _term_page(term, merge_form=form, problems=problems, status=422),
        _("“%(term)s” merged into “%(into)s”.", term=term.name, into=into.name),
        url_for(".term", term_id=into.id))


@bp.post("/<int:term_id>/<any(retire, restore):change>")
@login_required
def set_retired(term_id: int, change: str):
    require("field.vocabulary")
    term = load_or_404(FieldTerm, term_id)
    operation = (vocabulary_edits.retire_term if change == "retire"
                 else vocabulary_edits.restore_term)
    return _attempt(
        lambda: operation(term, actor=current_user),
        lambda problems: _term_page(term, problems=problems, status=422),
        _("Term retired: calls and experts that have it keep it.") if change == "retire"
        else _("Term offered again."), url_for(".term", term_id=term.id))

