"""Calls: creation and the one function that moves a call through its states."""
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from workflow.application_forms.operations import install_default
from workflow.calls.models import Call, CallField, RequiredAttachment
from workflow.calls.stages import PREREQUISITE_STATES, CallStage
from workflow.core import audit
from workflow.core.clock import local, now
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.states import (
    CALL_TRANSITIONS,
    SELECTED_STATES,
    Action,
    AppState,
    CallState,
)
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
                correction_rounds: int = 1, stage: str = CallStage.NONE, rolling: bool = False,
                prerequisite_call_id: int | None = None,
                prerequisite_state: str | None = None, department=None) -> Call:
    """Create a planned call of the actor's department (`department`, when given, must be
    it) with its technical fields (terms of the vocabulary, in the order given), required
    attachments, stage and prerequisite (`check_stage`); writes an audit row."""
    if not can(actor, "call.manage"):
        raise PermissionDenied("call.manage")
    department = department or getattr(actor, "department", None)
    if department is None or department.id != getattr(actor, "department_id", None):
        raise ServiceError(_("An officer creates calls of their own department only; ask the "
                             "administrator to assign you to a department."))
    _check_settings(closes_at, recommend_deadline, correction_workdays, correction_rounds)
    stage, prerequisite = check_stage(None, stage=stage, platform_type=platform_type,
                                      opens_at=opens_at, prerequisite_call_id=prerequisite_call_id,
                                      prerequisite_state=prerequisite_state)
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
        department=department, platform_type=platform_type, year=year, title=title.strip(),
        description=description,
        opens_at=opens_at, closes_at=closes_at, quota=quota,
        recommender_quota=recommender_quota, eligibility=eligibility or {},
        recommend_deadline=recommend_deadline, correction_workdays=correction_workdays,
        correction_rounds=correction_rounds, created_by_id=actor.id, state=CallState.PLANNED,
        stage=stage, rolling=bool(rolling), prerequisite_call=prerequisite,
        prerequisite_state=prerequisite_state or None,
    )
    call.fields = [CallField(term=t, position=i) for i, t in enumerate(fields)]
    call.required_attachments = [
        RequiredAttachment(code=code, label=label, mandatory=True, position=i)
        for i, (code, label) in enumerate(attachments)
    ]
    db.session.add(call)
    db.session.flush()
    install_default(call, actor=actor, attachments=call.required_attachments)
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


def check_stage(call: Call | None, *, stage: str, platform_type, opens_at,
                prerequisite_call_id: int | None,
                prerequisite_state: str | None) -> tuple[CallStage, Call | None]:
    """The stage and the prerequisite call of `call` (None: a call being created), or
    ServiceError with every reason: an unknown stage or state, a prerequisite call that does
    not exist, is the call itself, is of another platform type or does not open before it."""
    problems, prerequisite = [], None
    if stage not in set(CallStage):
        problems.append(_("Choose one of the stages."))
    if prerequisite_state and prerequisite_state not in PREREQUISITE_STATES:
        problems.append(_("Choose one of the states of a center."))
    if prerequisite_call_id:
        prerequisite = db.session.get(Call, prerequisite_call_id)
        if prerequisite is None:
            problems.append(_("The prerequisite call does not exist."))
        elif call is not None and prerequisite.id == call.id:
            problems.append(_("A call cannot be its own prerequisite."))
        elif prerequisite.platform_type_id != platform_type.id:
            problems.append(_("The prerequisite call must be of the same platform type "
                              "(%(type)s).", type=platform_type.name))
        elif prerequisite.opens_at >= opens_at:
            problems.append(_("The prerequisite call must open before this call: “%(title)s” "
                              "opens later.", title=prerequisite.title))
    if problems:
        raise ServiceError(*problems)
    return CallStage(stage), prerequisite


def _stage_locks(call: Call) -> list[str]:
    """The stage and the rolling switch decide the documents of the call's decisions: they
    stay once the leader has selected an application."""
    selected = db.session.scalar(select(Application.id).where(
        Application.call_id == call.id, Application.state.in_(SELECTED_STATES)).limit(1))
    return [_("The leadership has selected applications of this call; its stage and way of "
              "deciding can no longer change.")] if selected is not None else []


def set_call_stage(call: Call, *, stage: str, rolling: bool, prerequisite_call_id: int | None,
                   prerequisite_state: str | None, actor) -> None:
    """Set the stage of `call`, whether it is rolling (decided application by application),
    and who may apply (the prerequisite call or center state), checked by `check_stage`;
    the stage and rolling are locked once the leader has selected. Writes an audit row."""
    if not can(actor, "call.manage", call):
        raise PermissionDenied("call.manage")
    stage, prerequisite = check_stage(
        call, stage=stage, platform_type=call.platform_type, opens_at=call.opens_at,
        prerequisite_call_id=prerequisite_call_id, prerequisite_state=prerequisite_state)
    if (stage != call.stage or bool(rolling) != call.rolling) and (locked := _stage_locks(call)):
        raise ServiceError(*locked)
    call.stage, call.rolling = stage, bool(rolling)
    call.prerequisite_call = prerequisite
    call.prerequisite_state = prerequisite_state or None
    audit.record(actor=actor, action="call_stage", call=call,
                 comment=f"stage={stage or '-'} rolling={call.rolling} "
                         f"prerequisite_call={prerequisite.id if prerequisite else '-'} "
                         f"prerequisite_state={call.prerequisite_state or '-'}")
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
