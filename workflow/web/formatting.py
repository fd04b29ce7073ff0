"""Template filters: local times, states and cities in words, time left."""
from collections import ChainMap
from datetime import datetime

from flask import Flask, has_request_context, request
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workflow.application_forms import schema
from workflow.application_forms.queries import form_of
from workflow.core import clock, regions
from workflow.core.audit import edited_part
from workflow.core.extensions import db
from workflow.intake.models import Application
from workflow.lifecycle import registry
from workflow.review.rules.rubric import GRADE_LABELS

STATE_LABELS = {
    "draft": _l("Draft"), "expired": _l("Expired"), "submitted": _l("Submitted"),
    "withdrawn": _l("Withdrawn"), "returned": _l("Returned for revision"),
    "county_passed": _l("Passed up by the county"),
    "recommended": _l("Recommended"), "not_recommended": _l("Not recommended"),
    "correction_requested": _l("Correction requested"), "formal_passed": _l("Formal review passed"),
    "formal_rejected": _l("Formal review failed"), "expert_review": _l("Expert review"),
    "reviewed": _l("Reviewed"), "proposed": _l("Proposed"), "not_selected": _l("Not selected"),
    "publicity": _l("Public announcement"), "objection_review": _l("Objection review"),
    "approval_pending": _l("Approval pending"),
    "rejected_after_publicity": _l("Rejected after announcement"), "approved": _l("Approved"),
    "under_construction": _l("Under construction"), "operating": _l("Operating"),
    "rectification": _l("Rectification"), "not_accepted": _l("Failed acceptance"),
    "revoked": _l("Revoked"),
    "planned": _l("Planned"), "open": _l("Open"), "closed": _l("Closed"),
    "reviewing": _l("Reviewing"), "decided": _l("Decided"), "archived": _l("Archived"),
}

ORG_STATUS_LABELS = {
    "unverified": _l("Waiting for verification"), "verified": _l("Verified"),
    "rejected": _l("Registration rejected"),
}

ROLE_LABELS = {
    "applicant": _l("Applicant"), "recommender": _l("Recommender"), "officer": _l("Officer"),
    "leader": _l("Leader"), "expert": _l("Expert"), "system": _l("System"),
}

LOGIN_OUTCOMES = {
    "success": _l("Logged in"), "failure": _l("Wrong password"),
    "locked": _l("Refused: too many failed attempts"),
    "second_factor_failure": _l("Wrong second-factor code"), "logout": _l("Logged out"),
    "reset_requested": _l("New password asked for"), "activated": _l("Account activated"),
    "password_reset": _l("Password set from a reset link"),
}

SESSION_ENDS = {
    "logout": _l("logged out"), "idle": _l("idle too long"), "expired": _l("maximum length"),
    "password": _l("password changed"), "deactivated": _l("account deactivated"),
    "second_factor": _l("second factor reset"), "roles": _l("roles changed"),
    "ended_by_user": _l("ended by the user"),
}

# Labels of the audit rows that are not state changes; those of the actions on an
# application come from the action registry.
_AUDIT_LABELS = {
    "create_application": _l("Application started"), "add_cobuilder": _l("Co-builder added"),
    "remove_cobuilder": _l("Co-builder removed"),
    "confirm_cobuilding": _l("Co-builder confirmed"),
    "upload_attachment": _l("Attachment uploaded"),
    "edit_section": _l("Section saved"), "edit_basics": _l("Name and field saved"),
    "register_organization": _l("Organization registered"),
    "upload_licence": _l("Business licence uploaded"),
    "correct_organization": _l("Registration corrected"),
    "verify_organization": _l("Organization verified"),
    "reject_organization": _l("Registration rejected"),
    "link_cobuilder": _l("Co-builder linked to its verified unit"),
    "invite_user": _l("Invitation sent"), "create_user": _l("Account created"),
    "grant_role": _l("Role given"), "revoke_role": _l("Role taken away"),
    "deactivate_user": _l("Account deactivated"), "activate_user": _l("Account reactivated"),
    "activated": _l("Account activated"), "password_reset": _l("Password set from a reset link"),
    "change_password": _l("Password changed"),
    "enable_second_factor": _l("Second factor turned on"),
    "disable_second_factor": _l("Second factor turned off"),
    "reset_second_factor": _l("Second factor reset"),
    "regenerate_recovery_codes": _l("New recovery codes"),
    "use_recovery_code": _l("Recovery code used"),
    "create_call": _l("Call created"), "call_open": _l("Call opened"),
    "call_closed": _l("Call closed"),
    # The panel's rows, which only the department reads (scoring.timeline_for).
    "add_seat": _l("Expert invited to the panel"), "remove_seat": _l("Panel seat removed"),
    "accept_seat": _l("Invitation accepted"), "decline_seat": _l("Invitation declined"),
    "declare_conflict": _l("Conflict declared"), "release_seat": _l("Panel seat released"),
    "refill_optimal": _l("Panel seat refilled"), "refill_draw": _l("Panel seat refilled"),
    "refill_manual": _l("Panel seat refilled"), "submit_sheet": _l("Score sheet submitted"),
    "reopen_sheet": _l("Score sheet reopened"), "resolve_alarm": _l("Dispersion alarm resolved"),
    "confirm_panel": _l("Panel result confirmed"),
}
ACTION_LABELS = ChainMap(_AUDIT_LABELS, registry.LABELS)


def local_time(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    return "" if value is None else format_datetime(value, fmt)


def time_left(deadline: datetime) -> str:
    seconds = int((deadline - clock.now()).total_seconds())
    if seconds <= 0:
        return _("closed")
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return _("%(d)d days %(h)d hours left", d=days, h=hours)
    return _("%(h)d hours %(m)d minutes left", h=hours, m=rest // 60)


def audit_detail(entry) -> str:
    """An audit row's comment as the timeline shows it: an edit names the part edited and
    the start of the SHA-256 of what it holds (the full digest stays in the row)."""
    edited = edited_part(entry)
    if edited is None:
        return entry.comment
    part, digest = edited
    app = db.session.get(Application, entry.application_id) if entry.application_id else None
    section = form_of(app).section(part) if app is not None and part != "basics" else None
    name = (_("Section %(n)d “%(title)s”", n=section.number, title=section.title)
            if section else _("Name and technical field"))
    return _("%(part)s; content SHA-256 %(digest)s…", part=name, digest=digest[:12])


def noted_field_errors() -> list:
    """The fields shown with errors on the page being rendered, in order: the macro field()
    of templates/_macros/forms.html notes them, templates/base.html lists them at the top."""
    if not has_request_context():
        return []
    return request.environ.setdefault("centerflow.field_errors", [])


def register(app: Flask) -> None:
    # A value that is not there shows as nothing, never as the word "None".
    app.jinja_env.finalize = lambda value: "" if value is None else value
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(time_left, "time_left")
    app.add_template_filter(regions.city_name, "city_name")
    app.add_template_filter(lambda code: regions.full_name(code) or code, "region_name")
    app.add_template_filter(lambda s: STATE_LABELS.get(str(s), s), "state_label")
    app.add_template_filter(lambda s: ACTION_LABELS.get(str(s), s), "action_label")
    app.add_template_filter(audit_detail, "audit_detail")
    app.add_template_filter(lambda s: ORG_STATUS_LABELS.get(str(s), s), "org_status_label")
    app.add_template_filter(lambda s: ROLE_LABELS.get(str(s), s), "role_label")
    app.add_template_filter(lambda s: GRADE_LABELS.get(str(s), s), "grade_label")
    app.add_template_filter(lambda s: LOGIN_OUTCOMES.get(str(s), s), "login_outcome")
    app.add_template_filter(lambda s: SESSION_ENDS.get(str(s), s), "session_end")
    app.add_template_global(clock.local, "to_local")
    app.add_template_global(noted_field_errors, "noted_field_errors")
    app.add_template_global(schema.say, "say")
    app.add_template_global(schema.visible, "field_applies")
