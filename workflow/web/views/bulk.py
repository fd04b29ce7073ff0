"""Acting on the applications ticked on a list (lifecycle/bulk.py), the same way on every list
that offers it: the officer's list of a call, the formal-review queue, the recommender's
queue."""
from flask import redirect, request
from flask_babel import gettext as _
from flask_login import current_user

from forms.bulk import BulkActionForm
from workflow.core.extensions import db
from workflow.core.states import TRANSITIONS
from workflow.intake.models import Application
from workflow.lifecycle import bulk
from workflow.web.formatting import ACTION_LABELS
from workflow.web.views.helpers import flash_outcome
from workflow.web.views.unit_of_work import commit


def action_form(actions, *, blank: bool = False) -> BulkActionForm:
    """The form of a list offering `actions` (labelled as everywhere else); `blank` for a
    page shown, not sent."""
    form = BulkActionForm(formdata=None) if blank else BulkActionForm()
    return form.offer({str(a): ACTION_LABELS.get(a, a) for a in actions},
                      with_reasons={str(t.action) for t in TRANSITIONS
                                    if t.action in actions and t.needs_comment})


def apply_ticked(form: BulkActionForm, of_list, *, relist, back: str):
    """The action of `form` on the applications ticked, each through bulk.apply_action.
    Refused whole, nothing changed, with the list shown again as it was ticked (422, by
    `relist(form)`), when the form is wrong or a ticked id is not of the list (`of_list`,
    a select of the applications the list may show); else what happened is said, and the
    answer goes `back`."""
    ticked = form.app_id.data or []
    apps = list(db.session.scalars(of_list.where(Application.id.in_(ticked))
                                   .order_by(Application.id)))
    if not form.validate_on_submit() or len(apps) != len(ticked):
        if not form.app_id.errors and len(apps) != len(ticked):
            form.app_id.errors = [_("Tick applications of this list.")]
        return relist(form)
    outcome = bulk.apply_action(apps, form.action.data, actor=current_user,
                                comment=form.comment.data or "")
    commit()
    label = ACTION_LABELS.get(form.action.data, form.action.data)
    flash_outcome(outcome, done=lambda names: _("%(action)s: %(names)s.", action=label,
                                                names=names),
                  refused=lambda name, why: _("Not done (%(action)s): %(name)s: %(reasons)s",
                                              action=label, name=name, reasons=why),
                  name=lambda app: app.title)
    return redirect(back)


def kept_args(*names: str) -> dict:
    """The list's filters, sent along with the bulk form, for the way back."""
    return {n: request.form.get(n) for n in names if request.form.get(n)}
