"""What the application page needs, shared by the pages that re-render it with errors."""
from flask_login import current_user

from forms.applications import AttachmentForm, CoBuilderForm, CommentForm
from workflow.permissions import available_actions, can
from workflow.sections import SECTIONS, missing_fields
from workflow.services import audit, intake
from workflow.states import AppState, find_transition


def detail_context(app, *, cobuilder_form=None, attachment_form=None) -> dict:
    editable = can(current_user, "application.edit", app)
    actions = [find_transition(AppState(app.state), a) for a in
               available_actions(app, current_user)]
    timeline = audit.timeline(app)
    return {
        "app": app,
        "last_decision": next((e for e in reversed(timeline)
                               if e.to_state == app.state and e.from_state and e.comment), None),
        "sections": [(s, app.section_data(s.key), missing_fields(s, app.section_data(s.key)))
                     for s in SECTIONS],
        "editable": editable,
        "actions": actions,
        "action_form": CommentForm(),
        "problems": intake.submission_problems(app) if editable else [],
        "cobuilder_form": cobuilder_form or CoBuilderForm(formdata=None),
        "attachment_form": attachment_form or AttachmentForm(formdata=None).set_kinds(app.call),
        "attachments": app.current_attachments(),
        "timeline": timeline,
        "can_confirm": can(current_user, "application.confirm_cobuilding", app),
        "my_cobuilder": next((c for c in app.cobuilders
                              if c.organization_id == getattr(current_user, "organization_id",
                                                              None)), None),
    }
