"""The formal-review checklist of a call and the officer's findings; read by guards and views."""
from flask_babel import gettext as _
from sqlalchemy import func, select

from workflow.application_forms.queries import call_form
from workflow.core import audit
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.formal_review.models import ChecklistItem, CorrectionRequest, FormalReview
from workflow.intake.models import Application
from workflow.lifecycle.permissions import can

FIXED_ITEMS = (
    ("basic_info", "申报书基本信息完整、准确", "section:basic"),
    ("positioning", "建设必要性与功能定位符合申报指南", "section:necessity"),
    ("figures", "研发投入、营业收入等数据真实且前后一致", "section:foundation"),
    ("budget", "经费预算合理、资金来源明确", "section:budget"),
    ("cobuilders", "共建单位齐全并已确认", "cobuilders"),
)


def ensure_checklist(call) -> list[ChecklistItem]:
    """The call's checklist; on first use, the defaults: fixed items plus one per attachment."""
    items = list(db.session.scalars(select(ChecklistItem).where(ChecklistItem.call_id == call.id)
                                    .order_by(ChecklistItem.position)))
    if items:
        return items
    rows = list(FIXED_ITEMS) + [(f"att_{r.code}", f"附件齐全有效：{r.label}",
                                 f"attachment:{r.code}") for r in call.required_attachments]
    rows.append(("eligibility", "符合申报条件（资格审查）", "general"))
    items = [ChecklistItem(call_id=call.id, code=code, label=label, scope=scope, position=n)
             for n, (code, label, scope) in enumerate(rows)]
    db.session.add_all(items)
    db.session.flush()
    return items


def review_of(app: Application) -> FormalReview:
    review = db.session.scalar(select(FormalReview).where(FormalReview.application_id == app.id))
    if review is None:
        review = FormalReview(application_id=app.id, findings={})
        db.session.add(review)
    return review


def record_findings(app: Application, findings: dict, *, actor) -> FormalReview:
    """Keep the officer's finding per item: {code: {"ok": True/False/None, "note": str}}."""
    if not can(actor, "application.formal_review", app):
        raise PermissionDenied("application.formal_review")
    codes = {i.code for i in ensure_checklist(app.call)}
    unknown = set(findings) - codes
    if unknown:
        raise ServiceError(_("Unknown checklist items: %(codes)s", codes=", ".join(unknown)))
    review = review_of(app)
    review.findings = {code: {"ok": f.get("ok"), "note": (f.get("note") or "").strip()[:500]}
                       for code, f in findings.items()}
    review.reviewer_id = actor.id
    db.session.flush()
    return review


def failed_items(app: Application) -> list[dict]:
    findings = review_of(app).findings
    return [{"code": i.code, "label": i.label, "scope": i.scope,
             "note": findings.get(i.code, {}).get("note", "")}
            for i in ensure_checklist(app.call) if findings.get(i.code, {}).get("ok") is False]


def unchecked_items(app: Application) -> list[ChecklistItem]:
    findings = review_of(app).findings
    return [i for i in ensure_checklist(app.call) if findings.get(i.code, {}).get("ok") is None]


def rounds_used(app: Application) -> int:
    return db.session.scalar(select(func.count()).select_from(CorrectionRequest).where(
        CorrectionRequest.application_id == app.id)) or 0


def open_correction(app: Application) -> CorrectionRequest | None:
    if app.state != AppState.CORRECTION_REQUESTED:
        return None
    return db.session.scalar(select(CorrectionRequest).where(
        CorrectionRequest.application_id == app.id, CorrectionRequest.answered_at.is_(None)
    ).order_by(CorrectionRequest.round.desc()).limit(1))


def valid_scopes(call) -> set[str]:
    return set(scope_labels(call))


def scope_labels(call) -> dict[str, str]:
    """Each scope a checklist item may name, with what it lets the applicant change."""
    return {"general": _("nothing: the item is about the whole application"),
            "cobuilders": _("the co-builders"),
            **{f"section:{s.key}": _("section %(n)d “%(title)s”", n=s.number, title=s.title)
               for s in call_form(call).sections},
            **{f"attachment:{r.code}": _("the attachment “%(label)s”", label=r.label)
               for r in call.required_attachments}}


def set_checklist(call, items: list[tuple[str, str, str]], *, actor) -> list[ChecklistItem]:
    """Replace a call's checklist with (code, label, scope) items; writes an audit row.

    Refused once findings are recorded for any application of the call: the officer's
    findings and the correction requests refer to the items by code."""
    if not can(actor, "call.edit_rules", call):
        raise PermissionDenied("call.edit_rules")
    problems, codes, scopes = [], set(), valid_scopes(call)
    for code, _label, scope in items:
        if code in codes:
            problems.append(_("The code %(code)s appears twice.", code=code))
        if scope not in scopes:
            problems.append(_("“%(scope)s” is not a part of the application; use one of: "
                              "%(scopes)s.", scope=scope, scopes=", ".join(sorted(scopes))))
        codes.add(code)
    if not items:
        problems.append(_("The checklist needs at least one item."))
    if problems:
        raise ServiceError(*problems)
    reviewed = db.session.scalar(
        select(func.count()).select_from(FormalReview).join(Application)
        .where(Application.call_id == call.id, FormalReview.reviewer_id.is_not(None))
    )
    if reviewed:
        raise ServiceError(_("Findings are recorded for %(n)d application(s) of this call; the "
                             "checklist can no longer change.", n=reviewed))
    for old in db.session.scalars(select(ChecklistItem).where(ChecklistItem.call_id == call.id)):
        db.session.delete(old)
    db.session.flush()
    new = [ChecklistItem(call_id=call.id, code=code, label=label, scope=scope, position=n)
           for n, (code, label, scope) in enumerate(items)]
    db.session.add_all(new)
    audit.record(actor=actor, action="call_checklist", call=call,
                 comment="; ".join(f"{c} {label}" for c, label, _s in items))
    db.session.flush()
    return new
