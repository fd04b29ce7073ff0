"""Calls: creation and the one function that moves a call through its states."""
from flask_babel import gettext as _

from workflow.clock import now
from workflow.extensions import db
from workflow.formatting import STATE_LABELS
from workflow.models import Call, CallField, RequiredAttachment
from workflow.permissions import can
from workflow.services import audit
from workflow.services.errors import PermissionDenied, ServiceError
from workflow.states import CALL_TRANSITIONS, CallState

DEFAULT_ATTACHMENTS = (
    ("licence", "营业执照"),
    ("accounts", "近两年审计报告"),
    ("rd_audit", "研发费用专项审计报告"),
    ("ip_list", "知识产权清单"),
    ("agreement", "共建协议"),
    ("support_letter", "地方政府支持函"),
    ("integrity", "科研诚信承诺书"),
)


def create_call(*, platform_type, year: int, title: str, opens_at, closes_at, quota: int,
                recommender_quota: int, fields: list[str], attachments, actor,
                description: str = "", eligibility: dict | None = None) -> Call:
    """Create a planned call with its fields and required attachments; writes an audit row."""
    if not can(actor, "call.manage"):
        raise PermissionDenied("call.manage")
    names = [f.strip() for f in fields if f.strip()]
    if not names:
        raise ServiceError(_("Name at least one technical field."))
    if len(set(names)) != len(names):
        raise ServiceError(_("Each technical field may be named only once."))
    if closes_at <= opens_at:
        raise ServiceError(_("The filing window must close after it opens."))
    call = Call(
        platform_type=platform_type, year=year, title=title.strip(), description=description,
        opens_at=opens_at, closes_at=closes_at, quota=quota,
        recommender_quota=recommender_quota, eligibility=eligibility or {},
        created_by_id=actor.id, state=CallState.PLANNED,
    )
    call.fields = [CallField(name=n, position=i) for i, n in enumerate(names)]
    call.required_attachments = [
        RequiredAttachment(code=code, label=label, mandatory=True, position=i)
        for i, (code, label) in enumerate(attachments)
    ]
    db.session.add(call)
    db.session.flush()
    audit.record(actor=actor, action="create_call", call=call, to_state=call.state)
    return call


def advance_call(call: Call, target: CallState, *, actor, comment: str = "") -> None:
    """Move a call one step along its lifecycle; the only writer of Call.state."""
    target = CallState(target)
    if not can(actor, "call.manage", call):
        raise PermissionDenied("call.manage")
    if CALL_TRANSITIONS.get(CallState(call.state)) != target:
        raise ServiceError(
            _("A call that is %(state)s cannot become %(target)s.",
              state=STATE_LABELS.get(call.state, call.state),
              target=STATE_LABELS.get(target, target))
        )
    if target == CallState.OPEN and call.closes_at <= now():
        raise ServiceError(_("The filing window has ended; change the closing time first."))
    source = call.state
    call.state = target
    audit.record(actor=actor, action=f"call_{target}", call=call, from_state=source,
                 to_state=target, comment=comment)
    db.session.flush()
