"""Why a person's own action is refused when it came too late: the application moved on, the
invitation was answered, the sheet was submitted. The views say so instead of a bare 403.

Each function answers only for what the person may know anyway (their own seat, an
application they can see, in the state they are shown), else None and the view refuses as
before, telling nothing. Read-only."""
from flask_babel import gettext as _
from sqlalchemy import select

from workflow.core.clock import local
from workflow.core.extensions import db
from workflow.core.states import EDITABLE_STATES, TRANSITIONS, AppState, find_transition
from workflow.experts.models import Exclusion
from workflow.intake.models import Application
from workflow.lifecycle.permissions import can, expert_id_of, is_cobuilder_member, visible_state
from workflow.review.models import PanelSeat
from workflow.web.formatting import ACTION_LABELS, STATE_LABELS


def _when(moment) -> str:
    return local(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def action_too_late(app: Application, action: str, user) -> str | None:
    """The application the user sees is no longer where `action`, one of their role's,
    starts (someone acted first, or the page was old)."""
    takers = {t.role for t in TRANSITIONS if t.action == action}
    if (not takers & set(getattr(user, "roles", ())) or find_transition(app.state, action)
            or not can(user, "application.view", app)):
        return None
    state = visible_state(app, user)
    return _("This application is now “%(state)s”: “%(action)s” is no longer possible. The "
             "page you acted on was out of date.", state=STATE_LABELS.get(state, state),
             action=ACTION_LABELS.get(action, action))


def confirmation_too_late(app: Application, user) -> str | None:
    """A co-builder confirming once the lead unit can no longer change its co-builders."""
    if not is_cobuilder_member(user, app) or app.state in EDITABLE_STATES:
        return None
    return _("The lead unit has filed this application; co-builders confirm only while it "
             "can still change them.")


def _excluded(seat: PanelSeat) -> bool:
    return db.session.scalar(select(Exclusion.id).where(
        Exclusion.application_id == seat.application_id,
        Exclusion.expert_id == seat.expert_id).limit(1)) is not None


def answer_too_late(seat: PanelSeat, user) -> str | None:
    """An expert answering an invitation of their own that is answered or no longer open."""
    if seat.expert_id != expert_id_of(user) or _excluded(seat):
        return None  # an excluded expert learns nothing of the seat (a bare 403)
    if seat.status == "declined":
        return _("You declined this invitation on %(when)s, so it can no longer be accepted. "
                 "If you wish to review after all, please contact the department.",
                 when=_when(seat.responded_at))
    if seat.status == "accepted":
        return _("You accepted this invitation on %(when)s already.",
                 when=_when(seat.responded_at))
    return _("This invitation is no longer open to you.")


def sheet_too_late(seat: PanelSeat, user) -> str | None:
    """An expert saving their own sheet once it is submitted, or the review is over."""
    if not can(user, "sheet.view", seat):
        return None
    if seat.application.state != AppState.EXPERT_REVIEW:
        return _("The expert review of this application is closed: the sheet can no longer "
                 "change.")
    if seat.sheet is not None and seat.sheet.submitted_at is not None:
        return _("You submitted this sheet on %(when)s; it is locked. The panel chair can "
                 "reopen it if something must change.", when=_when(seat.sheet.submitted_at))
    return None
