"""Calls: creation and the one function that moves a call through its states."""
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from workflow.calls.models import Call, CallField, RequiredAttachment
from workflow.core import audit
from workflow.core.clock import local, now
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.states import CALL_TRANSITIONS, Action, AppState, CallState
from workflow.formal_review.operations import checklist
from workflow.intake.models import Application
from workflow.intake.rules import eligibility
from workflow.lifecycle.permissions import SYSTEM, can
from workflow.lifecycle.transitions import transition
from workflow.web.formatting import STATE_LABELS

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
                recommender_quota: int, fields: list, attachments, actor,
                description: str = "", eligibility: dict | None = None,
                recommend_deadline=None, correction_workdays: int = 5,
                correction_rounds: int = 1) -> Call:
    """Create a planned call with its technical fields (terms of the vocabulary, in the order
    given) and required attachments; writes an audit row."""
    if not can(actor, "call.manage"):
        raise PermissionDenied("call.manage")
    _check_settings(closes_at, recommend_deadline, correction_workdays, correction_rounds)
    if not fields:
        raise ServiceError(_("Choose at least one technical field."))
    if len({t.id for t in fields}) != len(fields):
        raise ServiceError(_("Each technical field may be chosen only once."))
    retired = [t.name for t in fields if t.retired_at is not None]
    if retired:
        raise ServiceError(_("Retired terms cannot be chosen: %(names)s.",
                             names="、".join(retired)))
    if closes_at <= opens_at:
        raise ServiceError(_("The filing window must close after it opens."))
    call = Call(
        platform_type=platform_type, year=year, title=title.strip(), description=description,
        opens_at=opens_at, closes_at=closes_at, quota=quota,
        recommender_quota=recommender_quota, eligibility=eligibility or {},
        recommend_deadline=recommend_deadline, correction_workdays=correction_workdays,
        correction_rounds=correction_rounds, created_by_id=actor.id, state=CallState.PLANNED,
    )
    call.fields = [CallField(term=t, position=i) for i, t in enumerate(fields)]
    call.required_attachments = [
        RequiredAttachment(code=code, label=label, mandatory=True, position=i)
        for i, (code, label) in enumerate(attachments)
    ]
    db.session.add(call)
    db.session.flush()
    checklist.ensure_checklist(call)
    audit.record(actor=actor, action="create_call", call=call, to_state=call.state)
    return call


def advance_call(call: Call, target: CallState, *, actor, comment: str = "") -> int:
    """Move a call one step along its lifecycle; the only writer of Call.state.

    Closing the filing makes its window end when it really does: closed before `closes_at`,
    the call closes now (the audit row keeps the planned end); its drafts expire at once,
    their units told (EXPIRE). Side effects: the state, an audit row, the expiries; flushed.
    Returns how many drafts expired."""
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
    if target == CallState.CLOSED and now() < call.closes_at:
        comment = " ".join(filter(None, [
            f"closed early; planned end {local(call.closes_at):%Y-%m-%d %H:%M}", comment]))
        # A window that had not opened yet still ends after it opens (the CHECK constraint).
        call.closes_at = max(now(), call.opens_at + timedelta(seconds=1))
    source = call.state
    call.state = target
    audit.record(actor=actor, action=f"call_{target}", call=call, from_state=source,
                 to_state=target, comment=comment)
    db.session.flush()
    return _expire_drafts(call) if target == CallState.CLOSED else 0


def _expire_drafts(call: Call) -> int:
    drafts = db.session.scalars(select(Application).where(
        Application.call_id == call.id, Application.state == AppState.DRAFT)
        .order_by(Application.id)).all()
    for app in drafts:
        transition(app, Action.EXPIRE, actor=SYSTEM)
    return len(drafts)


def _check_settings(closes_at, recommend_deadline, correction_workdays: int,
                    correction_rounds: int) -> None:
    problems = []
    if recommend_deadline is not None and recommend_deadline <= closes_at:
        problems.append(_("The recommendation deadline must come after the call closes."))
    if not 1 <= correction_workdays <= 60:
        problems.append(_("The correction period must be 1 to 60 working days."))
    if not 0 <= correction_rounds <= 5:
        problems.append(_("The correction rounds must be 0 to 5."))
    if problems:
        raise ServiceError(*problems)


def update_call_settings(call: Call, *, recommend_deadline, correction_workdays: int,
                         correction_rounds: int, actor) -> None:
    """Set the recommendation deadline and the correction period and rounds of a call;
    writes an audit row."""
    if not can(actor, "call.manage", call):
        raise PermissionDenied("call.manage")
    _check_settings(call.closes_at, recommend_deadline, correction_workdays, correction_rounds)
    call.recommend_deadline = recommend_deadline
    call.correction_workdays = correction_workdays
    call.correction_rounds = correction_rounds
    deadline = recommend_deadline.isoformat() if recommend_deadline else "-"
    audit.record(actor=actor, action="call_settings", call=call,
                 comment=f"recommend_deadline={deadline} correction_workdays="
                         f"{correction_workdays} correction_rounds={correction_rounds}")
    db.session.flush()


def set_eligibility_rules(call: Call, rules: list[dict], *, actor) -> list[dict]:
    """Replace the eligibility rules of a call after checking them; writes an audit row.
    Raises ServiceError with the reason when a rule is unknown, repeated or lacks its value."""
    if not can(actor, "call.edit_rules", call):
        raise PermissionDenied("call.edit_rules")
    try:
        clean = eligibility.validate_rules(rules)
    except ValueError as exc:
        raise ServiceError(str(exc)) from exc
    call.eligibility = {**(call.eligibility or {}), "rules": clean}
    audit.record(actor=actor, action="call_eligibility", call=call,
                 comment="; ".join(f"{r['rule']}{'*' if r['hard'] else ''}"
                                   + (f"={r['value']}" if "value" in r else "") for r in clean))
    db.session.flush()
    return clean
