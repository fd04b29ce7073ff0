"""Officers keep the vocabulary of technical fields: add a term under an industry, rename or
move one (which also sorts a term made from free text), merge one into another, retire one
and bring it back. Every change writes an audit row and flushes; the caller commits.

A retired term stays on the calls and experts that have it (and keeps matching there); new
choices no longer offer it. A merge moves every call and expert of a term to the other and
retires it: it is for two names of one field."""
import unicodedata

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from workflow.calls.models import CallField
from workflow.core import audit
from workflow.core.clock import now
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.experts.models import ExpertField
from workflow.intake.models import Application
from workflow.lifecycle.permissions import can
from workflow.vocabulary.models import FieldTerm
from workflow.web.queries.consequences import Consequences

MAX_NAME = 100


def _require(actor) -> None:
    if not can(actor, "field.vocabulary"):
        raise PermissionDenied("field.vocabulary")


def _record(actor, action: str, comment: str) -> None:
    audit.record(actor=actor, action=action, comment=comment)


def _clean_name(name: str, term: FieldTerm | None = None) -> str:
    name = (name or "").strip()
    if not 1 <= len(name) <= MAX_NAME:
        raise ServiceError(_("A term has a name of 1 to %(n)d characters.", n=MAX_NAME))
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name):
        raise ServiceError(_("A term's name cannot hold control characters."))
    taken = db.session.scalar(select(FieldTerm).where(
        func.lower(FieldTerm.name) == name.lower()).limit(1))
    if taken is not None and taken is not term:
        raise ServiceError(_("The vocabulary has “%(name)s” already; merge the two terms "
                             "instead.", name=taken.name))
    return name


def _industry(parent_id: int | None) -> FieldTerm:
    parent = db.session.get(FieldTerm, parent_id) if parent_id else None
    if parent is None or not parent.is_industry or parent.retired_at is not None:
        raise ServiceError(_("Choose the priority industry the term belongs under."))
    return parent


def _active_children(term: FieldTerm) -> int:
    return db.session.scalar(select(func.count()).select_from(FieldTerm).where(
        FieldTerm.parent_id == term.id, FieldTerm.retired_at.is_(None))) or 0


def add_term(*, name: str, parent_id: int | None, actor) -> FieldTerm:
    """A new term under an active priority industry, last among its fields. Audit row."""
    _require(actor)
    name = _clean_name(name)
    parent = _industry(parent_id)
    position = db.session.scalar(select(func.coalesce(func.max(FieldTerm.position), -1) + 1)
                                 .where(FieldTerm.parent_id == parent.id))
    term = FieldTerm(name=name, parent_id=parent.id, position=position)
    db.session.add(term)
    db.session.flush()
    _record(actor, "field_term_add", f"{term.id} {name} < {parent.name}")
    db.session.flush()
    return term


def update_term(term: FieldTerm, *, name: str, parent_id: int | None, actor) -> None:
    """Rename a term, and move a field under another industry (an industry keeps no parent).
    Placing an unsorted term clears its mark. Audit row naming the old and new."""
    _require(actor)
    new_name = _clean_name(name, term)
    before = f"{term.name} < {term.parent.name if term.parent else '-'}"
    if term.is_industry:
        if parent_id:
            raise ServiceError(_("A priority industry stays at the top of the vocabulary."))
    else:
        term.parent_id, term.unsorted = _industry(parent_id).id, False
    term.name = new_name
    db.session.flush()
    db.session.refresh(term, ["parent"])
    _record(actor, "field_term_edit",
            f"{term.id} {before} -> {term.name} < {term.parent.name if term.parent else '-'}")
    db.session.flush()


def _merge_refusal(term: FieldTerm, into: FieldTerm) -> str | None:
    if term.id == into.id:
        return _("Choose another term to merge into.")
    if term.is_industry:
        return _("A priority industry cannot be merged.")
    if term.retired_at is not None or into.retired_at is not None:
        return _("Only active terms can be merged.")
    if _active_children(term):
        return _("Move or retire the fields under “%(name)s” first.", name=term.name)
    return None


def merge_consequences(term: FieldTerm, into: FieldTerm) -> Consequences | None:
    """What merging `term` into `into` will do, for its confirmation page; None when the
    merge is refused anyway (merge_term says why). Read-only."""
    if _merge_refusal(term, into):
        return None
    calls, experts = usage().get(term.id, (0, 0))
    return Consequences(
        title=_("Merge “%(term)s” into “%(into)s”", term=term.name, into=into.name),
        points=(_("%(calls)d calls and %(experts)d experts that have “%(term)s” get “%(into)s” "
                  "instead; a call or an expert that has both keeps one.", calls=calls,
                  experts=experts, term=term.name, into=into.name),
                _("“%(term)s” is retired and no longer offered.", term=term.name)),
        confirm_label=_("Merge"), facts=(term.id, into.id, calls, experts))


def merge_term(term: FieldTerm, into: FieldTerm, *, actor) -> dict[str, int]:
    """Every call field and expert field of `term` becomes one of `into` (where a call or an
    expert has both, the one of `term` goes: a call's applications move to the call's field
    of `into`); `term` is retired, naming `into`. Audit row with the counts moved."""
    _require(actor)
    if refusal := _merge_refusal(term, into):
        raise ServiceError(refusal)
    calls = _merge_call_fields(term, into)
    experts = _merge_expert_fields(term, into)
    term.retired_at, term.merged_into_id = now(), into.id
    _record(actor, "field_term_merge",
            f"{term.id} {term.name} -> {into.id} {into.name}: {calls} calls, {experts} experts")
    db.session.flush()
    db.session.expire_all()
    return {"calls": calls, "experts": experts}


def _merge_call_fields(term: FieldTerm, into: FieldTerm) -> int:
    rows = db.session.execute(select(CallField.id, CallField.call_id).where(
        CallField.term_id == term.id)).all()
    both = dict(db.session.execute(select(CallField.call_id, CallField.id).where(
        CallField.term_id == into.id, CallField.call_id.in_([c for _i, c in rows]))).all())
    for field_id, call_id in rows:
        if call_id in both:
            db.session.execute(update(Application).where(Application.field_id == field_id)
                               .values(field_id=both[call_id])
                               .execution_options(synchronize_session=False))
            db.session.execute(delete(CallField).where(CallField.id == field_id))
    db.session.execute(update(CallField).where(CallField.term_id == term.id)
                       .values(term_id=into.id).execution_options(synchronize_session=False))
    return len(rows)


def _merge_expert_fields(term: FieldTerm, into: FieldTerm) -> int:
    has_both = select(ExpertField.expert_id).where(ExpertField.term_id == into.id)
    moved = db.session.scalar(select(func.count()).select_from(ExpertField).where(
        ExpertField.term_id == term.id)) or 0
    db.session.execute(delete(ExpertField).where(ExpertField.term_id == term.id,
                                                 ExpertField.expert_id.in_(has_both))
                       .execution_options(synchronize_session=False))
    db.session.execute(update(ExpertField).where(ExpertField.term_id == term.id)
                       .values(term_id=into.id).execution_options(synchronize_session=False))
    return moved


def retire_term(term: FieldTerm, *, actor) -> None:
    """New calls and experts can no longer choose the term; those that have it keep it."""
    _require(actor)
    if term.retired_at is not None:
        raise ServiceError(_("The term is retired already."))
    if _active_children(term):
        raise ServiceError(_("Move or retire the fields under “%(name)s” first.",
                             name=term.name))
    term.retired_at = now()
    _record(actor, "field_term_retire", f"{term.id} {term.name}")
    db.session.flush()


def restore_term(term: FieldTerm, *, actor) -> None:
    """A retired term (not a merged one) is offered again."""
    _require(actor)
    if term.retired_at is None:
        raise ServiceError(_("The term is not retired."))
    if term.merged_into_id is not None:
        raise ServiceError(_("A merged term cannot come back; its calls and experts moved."))
    if term.parent is not None and term.parent.retired_at is not None:
        raise ServiceError(_("Bring back its industry “%(name)s” first.", name=term.parent.name))
    term.retired_at = None
    _record(actor, "field_term_restore", f"{term.id} {term.name}")
    db.session.flush()


def usage() -> dict[int, tuple[int, int]]:
    """(calls, experts) that have each term: two statements."""
    calls = dict(db.session.execute(select(CallField.term_id, func.count())
                                    .group_by(CallField.term_id)).all())
    experts = dict(db.session.execute(select(ExpertField.term_id, func.count())
                                      .group_by(ExpertField.term_id)).all())
    return {t: (calls.get(t, 0), experts.get(t, 0)) for t in set(calls) | set(experts)}
