"""What the application page needs, shared by the pages that re-render it with errors."""
from flask_login import current_user

from forms.intake import AttachmentForm, CoBuilderForm, CommentForm
from forms.recommendation import RecommendForm
from workflow.application_forms import schema
from workflow.application_forms.queries import form_of, values
from workflow.core.states import Action, AppState, find_transition
from workflow.formal_review.operations import checklist
from workflow.intake.rules import eligibility
from workflow.lifecycle.permissions import Part, available_actions, can
from workflow.lifecycle.registry import own_form, spec_of
from workflow.recommendation import operations as recommendation
from workflow.recommendation.levels import settings_of
from workflow.recommendation.rules import holding_level
from workflow.review.operations import scoring


def editable_parts(app, user) -> set[str]:
    """The parts of `app` the user may change now: all of a draft, only the listed ones
    while corrections are requested."""
    names = (["basics", "cobuilders"] + [f"section:{s.key}" for s in form_of(app).sections]
             + [f"attachment:{r.code}" for r in app.call.required_attachments])
    return {n for n in names if can(user, "application.edit_part", Part(app, n))}


def attachment_labels(app) -> dict[str, str]:
    """Each required attachment's label in the user's language (the form's), by code."""
    form_labels = {a.key: a.label for a in form_of(app).attachments}
    return {r.code: form_labels.get(r.code) or r.label for r in app.call.required_attachments}


def attachment_kinds(app, parts: set[str]) -> list[tuple[str, str]]:
    labels = attachment_labels(app)
    return [(r.code, labels[r.code]) for r in app.call.required_attachments
            if f"attachment:{r.code}" in parts]


def _recommend_context(app, offered, form) -> dict:
    """The ranked decision the user may take here: the recommendation, or a county's pass-up,
    with its level's quota, deadline and free ranks."""
    action = next((a for a in (Action.RECOMMEND, Action.PASS_UP) if a in offered), None)
    if action is None:
        return {"recommend_form": None}
    level = holding_level(app)
    free = recommendation.free_ranks(app.call, current_user.organization_id, level)
    return {"recommend_form": (form or RecommendForm(formdata=None)).set_ranks(free),
            "free_ranks": free, "recommend_action": action,
            "recommend_level": settings_of(app.call, level)}


def refusals(app, offered) -> dict:
    """What each offered action's guard would refuse now: the page shows those buttons
    disabled with the reasons, so it never offers what the server refuses."""
    return {a: spec_of(a).guard(app, current_user) for a in offered
            if spec_of(a).guard and not own_form(a)}


def detail_context(app, *, cobuilder_form=None, attachment_form=None,
                   recommend_form=None) -> dict:
    parts = editable_parts(app, current_user)
    offered = available_actions(app, current_user)
    timeline = scoring.timeline_for(app, current_user)
    form, every_value = form_of(app), values(app)
    return {
        "app": app,
        "last_decision": next((e for e in reversed(timeline)
                               if e.to_state == app.state and e.from_state and e.comment), None),
        "sections": [(s, app.section_data(s.key),
                      schema.missing(s, app.section_data(s.key), every_value))
                     for s in form.sections],
        "values": every_value,
        "attachment_labels": attachment_labels(app),
        "editable_parts": parts,
        "actions": [find_transition(AppState(app.state), a) for a in offered
                    if not own_form(a)],
        "checklist_offered": Action.REQUEST_CORRECTION in offered,
        **_recommend_context(app, offered, recommend_form),
        "action_form": CommentForm(),
        "refused": refusals(app, offered),
        "eligibility": (eligibility.evaluate(app)
                        if can(current_user, "application.eligibility", app) else None),
        "correction": checklist.open_correction(app),
        "cobuilder_form": cobuilder_form or CoBuilderForm(formdata=None),
        "attachment_form": attachment_form or AttachmentForm(formdata=None).set_kinds(
            attachment_kinds(app, parts)),
        "attachments": app.current_attachments(),
        "timeline": timeline,
        "can_confirm": can(current_user, "application.confirm_cobuilding", app),
        "my_cobuilder": next((c for c in app.cobuilders
                              if c.organization_id == getattr(current_user, "organization_id",
                                                              None)), None),
    }
