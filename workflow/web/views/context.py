"""What the application page needs, shared by the pages that re-render it with errors."""
from flask_login import current_user

from forms.intake import AttachmentForm, CoBuilderForm, CommentForm
from forms.recommendation import RecommendForm
from workflow.core.states import Action, AppState, find_transition
from workflow.formal_review.operations import checklist
from workflow.intake.rules import eligibility
from workflow.intake.rules.sections import SECTIONS, missing_fields
from workflow.lifecycle.permissions import Part, available_actions, can
from workflow.lifecycle.registry import own_form, spec_of
from workflow.recommendation import operations as recommendation
from workflow.review.operations import scoring


def editable_parts(app, user) -> set[str]:
    """The parts of `app` the user may change now: all of a draft, only the listed ones
    while corrections are requested."""
    names = (["basics", "cobuilders"] + [f"section:{s.key}" for s in SECTIONS]
             + [f"attachment:{r.code}" for r in app.call.required_attachments])
    return {n for n in names if can(user, "application.edit_part", Part(app, n))}


def attachment_kinds(app, parts: set[str]) -> list[tuple[str, str]]:
    return [(r.code, r.label) for r in app.call.required_attachments
            if f"attachment:{r.code}" in parts]


def _recommend_context(app, offered, form) -> dict:
    if Action.RECOMMEND not in offered:
        return {"recommend_form": None}
    free = recommendation.free_ranks(app.call, current_user.organization_id)
    return {"recommend_form": (form or RecommendForm(formdata=None)).set_ranks(free),
            "free_ranks": free}


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
    return {
        "app": app,
        "last_decision": next((e for e in reversed(timeline)
                               if e.to_state == app.state and e.from_state and e.comment), None),
        "sections": [(s, app.section_data(s.key), missing_fields(s, app.section_data(s.key)))
                     for s in SECTIONS],
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
