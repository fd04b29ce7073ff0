"""A call's review settings and rubric as the department edits them, within the locks that
keep panels and results consistent with the rules they were made under (DOMAIN.md 6).

The settings are typed, with their defaults, in workflow/review/settings.py (ReviewSettings,
stored in Call.review_settings and Call.eligibility); the rubric is in Call.rubric, where
empty means the default.
"""
import copy
import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from workflow.core import audit, clock
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.states import PANEL_FORMING_STATES, AppState, actions_from
from workflow.experts.operations import conflicts
from workflow.intake.models import Application
from workflow.lifecycle.permissions import can
from workflow.review.models import PanelResult, PanelSeat, ScoreSheet
from workflow.review.operations import results
from workflow.review.operations.locks import panels_locked
from workflow.review.rules.rubric import DEFAULT_RUBRIC, items, rubric_of, validate_rubric
from workflow.review.settings import ReviewSettings, review_settings_of

WHOLE = {"k": (3, 15), "max_load": (1, 50), "expert_max_age": (40, 80), "trim_from": (3, 15)}
POINTS = {"alarm_range": (1, 100), "alarm_stdev": (1, 50)}
AGGREGATIONS = ("trimmed", "mean")
WEIGHTED = ("review", *results.STAGES)
TIE_BREAKS = 2
CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")
MAX_REVIEW_TIME = timedelta(days=366)  # how far ahead the experts' deadline may lie
LABELS = {
    "k": _l("Experts per panel (k)"), "max_load": _l("Panels per expert at most (L)"),
    "same_city_conflict": _l("Exclude experts from the lead unit’s city (R8)"),
    "expert_max_age": _l("Age limit of experts"), "aggregation": _l("Aggregation"),
    "trim_from": _l("Trim from this many sheets"),
    "alarm_range": _l("Alarm when highest minus lowest total is above"),
    "alarm_stdev": _l("Alarm when the standard deviation is above"),
    "weights": _l("Weights of the stages"), "tie_breaks": _l("Tie-breaks"),
    "rubric": _l("Rubric"),
}


def _reachable(state: AppState) -> frozenset[AppState]:
    found, todo = {state}, [state]
    while todo:
        for step in actions_from(todo.pop()):
            if step.target not in found:
                found.add(step.target)
                todo.append(step.target)
    return frozenset(found)


REVIEW_OPENED = _reachable(AppState.EXPERT_REVIEW)
DECIDED = _reachable(AppState.REVIEWED) - {AppState.REVIEWED}


def current(call) -> dict:
    """Every setting the editor covers, as the services apply them now."""
    settings = review_settings_of(call)
    return {"k": settings.k, "max_load": settings.max_load,
            "same_city_conflict": settings.same_city_conflict,
            "expert_max_age": settings.expert_max_age, "aggregation": settings.aggregation,
            "trim_from": settings.trim_from, "alarm_range": settings.alarm_range,
            "alarm_stdev": settings.alarm_stdev, "weights": _weights(settings.weights),
            "tie_breaks": list(settings.tie_breaks)}


def _weights(weights: dict) -> dict:
    """Weights as stored: only those above 0, none at all when the review stands alone."""
    kept = {stage: float(w) for stage, w in (weights or {}).items() if w}
    return {} if set(kept) <= {"review"} else kept


def _exists(query) -> bool:
    return db.session.scalar(query.limit(1)) is not None


def locks(call) -> dict[str, str]:
    """Why settings can no longer change: setting -> reason. Settings absent are free."""
    of_call = Application.call_id == call.id
    reasons = {}
    if _exists(select(Application.id).where(of_call, Application.state.in_(DECIDED))):
        reasons["tie_breaks"] = _("The leadership has decided on applications of this call.")
    if _exists(select(PanelResult.id).join(Application).where(of_call, or_(
            PanelResult.defense_score.is_not(None), PanelResult.site_visit_score.is_not(None)))):
        reasons["weights"] = _("Defense or site-visit scores are recorded.")
    if _exists(select(Application.id).where(of_call, Application.state.in_(REVIEW_OPENED))):
        reason = _("The expert review of an application of this call has opened; its panel "
                   "was formed under this setting.")
        reasons.update(dict.fromkeys(("k", "same_city_conflict", "expert_max_age"), reason))
    if _exists(select(ScoreSheet.id).join(PanelSeat).join(Application).where(of_call)):
        reason = _("Experts have started to fill in score sheets under these rules.")
        reasons.update(dict.fromkeys(("rubric", "aggregation", "trim_from", "alarm_range",
                                      "alarm_stdev"), reason))
    return reasons


def _checked(values: dict, rubric: dict) -> dict:
    """The settings in `values`, range-checked; ServiceError naming every bad one."""
    clean, problems = {}, []
    for key, (low, high) in {**WHOLE, **POINTS}.items():
        value, whole = values.get(key), key in WHOLE
        if not (isinstance(value, int | float) and not isinstance(value, bool)
                and math.isfinite(value) and low <= value <= high
                and (not whole or value == int(value))):
            problems.append(
                _("%(setting)s: give a whole number from %(low)d to %(high)d.",
                  setting=LABELS[key], low=low, high=high) if whole else
                _("%(setting)s: give a number from %(low)d to %(high)d.",
                  setting=LABELS[key], low=low, high=high))
        else:
            clean[key] = int(value) if whole else round(float(value), 2)
    if clean.get("k", 1) % 2 == 0:
        problems.append(_("%(setting)s: give an odd number, so that panels cannot tie.",
                          setting=LABELS["k"]))
    if values.get("aggregation") not in AGGREGATIONS:
        problems.append(_("Choose how the sheets are aggregated."))
    clean["aggregation"] = values.get("aggregation")
    clean["same_city_conflict"] = bool(values.get("same_city_conflict"))
    clean["weights"] = _checked_weights(values.get("weights") or {}, problems)
    clean["tie_breaks"] = _checked_tie_breaks(values.get("tie_breaks") or [], rubric, problems)
    if problems:
        raise ServiceError(*problems)
    return clean


def _checked_weights(weights: dict, problems: list) -> dict:
    if set(weights) - set(WEIGHTED) or any(
            isinstance(w, bool) or not isinstance(w, int | float) or not 0 <= w <= 1
            for w in weights.values()):
        problems.append(_("Each weight is a number from 0 to 1."))
        return {}
    clean = _weights(weights)
    if clean and (not clean.get("review") or round(sum(clean.values()), 2) != 1):
        problems.append(_("With a defense or a site visit, the review's weight and theirs "
                          "must add up to 1 (now %(sum)s), the review's above 0.",
                          sum=round(sum(clean.values()), 2)))
    return clean


def _checked_tie_breaks(codes: list, rubric: dict, problems: list) -> list:
    dimensions = {d["code"] for d in rubric["dimensions"]}
    if len(codes) > TIE_BREAKS or len(set(codes)) != len(codes):
        problems.append(_("Choose up to %(n)d different dimensions to break ties.",
                          n=TIE_BREAKS))
    unknown = [str(c) for c in codes if c not in dimensions]
    if unknown:
        problems.append(_("Not dimensions of the rubric: %(codes)s", codes=", ".join(unknown)))
    return list(codes)


def _bound_problems(call, new: dict, changed: list[str]) -> list[str]:
    """What the panels formed so far rule out: a panel larger than the new k, an expert
    above the new load, a seated expert whom R8 would now exclude."""
    seats = db.session.scalars(select(PanelSeat).join(Application).where(
        Application.call_id == call.id, PanelSeat.status != "declined")).all()
    problems = []
    if "k" in changed:
        larger = [n for n in Counter(s.application_id for s in seats).values() if n > new["k"]]
        if larger:
            problems.append(_("%(n)d panels already have more than %(k)d experts; remove seats "
                              "first or choose a larger panel.", n=len(larger), k=new["k"]))
    if "max_load" in changed:
        problems += [_("%(name)s already sits on %(n)d panels of this call.", name=expert.name,
                       n=n) for expert, n in Counter(s.expert for s in seats).items()
                     if n > new["max_load"]]
    if "same_city_conflict" in changed and new["same_city_conflict"]:
        today = clock.local(clock.now()).date()
        problems += [_("%(name)s sits on the panel of “%(title)s” and is from the lead unit’s "
                       "city; remove the seat first.", name=s.expert.name,
                       title=s.application.title)
                     for s in seats if any(rule == "R8" for rule, _detail in
                                           conflicts.exclusions_for(s.expert, s.application,
                                                                    same_city_rule=True,
                                                                    today=today))]
    return problems


def _store(call, new: dict) -> None:
    review, eligibility = ReviewSettings.from_json(new, new).to_json()
    call.review_settings = {**(call.review_settings or {}), **review}
    call.eligibility = {**(call.eligibility or {}), **eligibility}


def update_review_settings(call, values: dict, *, actor) -> list[str]:
    """Give `call` the review settings `values` (the keys of `current`). Refused, with every
    reason, when a value is out of range, a changed setting is locked, or the panels formed
    so far rule the change out. Switching R8 recomputes the exclusions of the applications
    waiting for panels. One audit row naming each change; flushes. Returns the settings
    changed (none: nothing is written)."""
    if not can(actor, "call.edit_review_settings", call):
        raise PermissionDenied("call.edit_review_settings")
    with panels_locked(call):
        new, before = _checked(values, rubric_of(call)), current(call)
        changed = [key for key in before if new[key] != before[key]]
        held = locks(call)
        problems = [_("%(setting)s can no longer change: %(reason)s", setting=LABELS[key],
                      reason=held[key]) for key in changed if key in held]
        problems += _bound_problems(call, new, changed)
        if problems:
            raise ServiceError(*problems)
        if not changed:
            return []
        _store(call, new)
        audit.record(actor=actor, action="review_settings", call=call,
                     comment="; ".join(f"{key}: {before[key]} → {new[key]}" for key in changed))
        if "same_city_conflict" in changed and _exists(select(Application.id).where(
                Application.call_id == call.id,
                Application.state.in_(PANEL_FORMING_STATES))):
            conflicts.compute_exclusions(call, actor=actor)
        db.session.flush()
    return changed


def set_review_deadline(call, day: date | None, *, actor) -> bool:
    """Give the experts of `call` until the end of `day` (Beijing time) to submit their score
    sheets, or no deadline with None; `flask tick` reminds them two working days before.
    Refused for a day already over. One audit row when it changes; flushes. Returns whether
    it changed."""
    if not can(actor, "call.edit_review_settings", call):
        raise PermissionDenied("call.edit_review_settings")
    deadline = None if day is None else datetime.combine(day, time(23, 59, 59), clock.LOCAL)
    if deadline is not None and not clock.now() < deadline <= clock.now() + MAX_REVIEW_TIME:
        raise ServiceError(_("Choose a day from today on, within a year."))
    if deadline == call.review_deadline:
        return False
    before, call.review_deadline = call.review_deadline, deadline
    audit.record(actor=actor, action="review_deadline", call=call,
                 comment=f"{_day_of(before)} → {_day_of(deadline)}")
    db.session.flush()
    return True


def _day_of(deadline: datetime | None) -> str:
    return clock.local(deadline).date().isoformat() if deadline else "-"


@dataclass
class RubricSaved:
    changed: bool
    dropped_tie_breaks: list[str]


def set_rubric(call, rubric: dict | None, *, actor) -> RubricSaved:
    """Give `call` its own rubric, or the default with None (a rubric equal to the default
    is kept as the default). Refused when it is malformed or fails `validate_rubric` (every
    problem named), or, if it changes anything, once score sheets exist. Tie-breaks on
    dimensions the rubric no longer has are dropped and returned. One audit row; flushes."""
    if not can(actor, "call.edit_review_settings", call):
        raise PermissionDenied("call.edit_review_settings")
    wanted = DEFAULT_RUBRIC if rubric is None else rubric
    problems = _shape_problems(wanted) or validate_rubric(wanted)
    if problems:
        raise ServiceError(*problems)
    stored = {} if wanted == DEFAULT_RUBRIC else copy.deepcopy(wanted)
    with panels_locked(call):
        if stored == (call.rubric or {}):
            return RubricSaved(False, [])
        held = locks(call)
        if "rubric" in held:
            raise ServiceError(_("%(setting)s can no longer change: %(reason)s",
                                 setting=LABELS["rubric"], reason=held["rubric"]))
        dimensions = {d["code"] for d in wanted["dimensions"]}
        ties = current(call)["tie_breaks"]
        dropped = [code for code in ties if code not in dimensions]
        if dropped:
            call.review_settings = {**(call.review_settings or {}),
                                    "tie_breaks": [c for c in ties if c in dimensions]}
        call.rubric = stored
        audit.record(actor=actor, action="rubric", call=call, comment=_describe(call, dropped))
        db.session.flush()
    return RubricSaved(True, dropped)


def _describe(call, dropped: list[str]) -> str:
    rubric = rubric_of(call)
    text = ("default" if not call.rubric else
            f"{len(rubric['dimensions'])} dimensions, {len(list(items(rubric)))} items, "
            f"{len(rubric.get('vetoes', []))} vetoes")
    return text + (f"; tie-breaks dropped: {', '.join(dropped)}" if dropped else "")


def _shape_problems(rubric) -> list[str]:
    """What validate_rubric takes for granted: dimensions with items, each entry with a
    code of lowercase letters, digits and _ (form fields are named after it) and a label of
    at most 100 characters, each item a whole maximum from 1 to 100."""
    try:
        dimensions, vetoes = rubric["dimensions"], rubric.get("vetoes", [])
        entries = [*dimensions, *(i for d in dimensions for i in d["items"]), *vetoes]
        maxima = [i["max"] for d in dimensions for i in d["items"]]
        if not dimensions or not all(d["items"] for d in dimensions):
            return [_("Every dimension needs at least one item.")]
        codes_ok = all(isinstance(e["code"], str) and CODE.fullmatch(e["code"])
                       for e in entries)
        labels_ok = all(isinstance(e["label"], str) and 0 < len(e["label"].strip()) <= 100
                        for e in entries)
    except (KeyError, TypeError, AttributeError):
        return [_("The rubric is not in the expected form.")]
    problems = []
    if not codes_ok:
        problems.append(_("A code has 1 to 40 lowercase letters, digits or _, beginning with "
                          "a letter."))
    if not labels_ok:
        problems.append(_("Every entry needs a label of at most 100 characters."))
    if not all(type(m) is int and 1 <= m <= 100 for m in maxima):
        problems.append(_("Every item's maximum is a whole number from 1 to 100."))
    return problems
