"""Eligibility rules of a call, held as data in Call.eligibility and evaluated on an
application (DOMAIN.md section 4). Hard rules stop a submission; every result is shown to
the recommender and the officer.

Call.eligibility = {"rules": [{"rule": "rd_share_min", "hard": true, "value": 3}, ...]}
"""
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from workflow.application_forms.queries import call_form, form_of, named_values
from workflow.calls.models import Call, CallField, PlatformType
from workflow.calls.stages import PREREQUISITE_STATES
from workflow.core import reference
from workflow.core.extensions import db
from workflow.core.regions import city_name
from workflow.core.states import CENTER_STATES
from workflow.intake.models import Application


@dataclass(frozen=True)
class RuleDef:
    code: str
    label: object
    needs_value: bool = False
    value_label: object = ""
    # The form's fields it reads, by name (application_forms): a call whose form does not
    # ask for them (a key laboratory's has no revenue) does not apply the rule.
    reads: tuple[str, ...] = ()


RULES: dict[str, RuleDef] = {r.code: r for r in (
    RuleDef("in_province", _l("Registered in the province")),
    RuleDef("legal_person", _l("Independent legal person")),
    RuleDef("good_credit", _l("No serious bad-credit record")),
    RuleDef("field_free", _l("The technical field has no approved center yet")),
    RuleDef("not_excluded_platform", _l("The lead unit leads no platform of an excluded type"),
            True, _l("Excluded platform type codes, comma separated")),
    RuleDef("revenue_min", _l("Revenue of the last year at least (10,000 yuan)"), True,
            _l("Minimum revenue (10,000 yuan)"), ("revenue_y3",)),
    RuleDef("rd_share_min", _l("R&D spending share of revenue over three years at least (%)"),
            True, _l("Minimum share (%)"), tuple(f"{k}_y{i}" for k in ("revenue", "rd_spend")
                                                 for i in (1, 2, 3))),
    RuleDef("rd_staff_min", _l("R&D staff at least"), True, _l("Minimum R&D staff"),
            ("rd_staff",)),
)}

DEFAULT_RULES = [
    {"rule": "in_province", "hard": True},
    {"rule": "legal_person", "hard": True},
    {"rule": "good_credit", "hard": True},
    {"rule": "field_free", "hard": True},
    {"rule": "not_excluded_platform", "hard": True, "value": "tech_innovation_center"},
    {"rule": "revenue_min", "hard": False, "value": "10000"},
    {"rule": "rd_share_min", "hard": True, "value": "3"},
    {"rule": "rd_staff_min", "hard": False, "value": "50"},
]


@dataclass(frozen=True)
class RuleResult:
    code: str
    label: str
    hard: bool
    passed: bool
    detail: str


def rules_of(call: Call) -> list[dict]:
    return list((call.eligibility or {}).get("rules", DEFAULT_RULES))


def _number(data: dict, key: str) -> Decimal | None:
    try:
        return Decimal(str(data.get(key)))
    except (InvalidOperation, TypeError):
        return None


@dataclass(frozen=True)
class _Approved:
    """How many approved applications share a key, and the lowest of their ids: whether one
    other than a given application is among them, without listing them all."""

    count: int
    first_id: int

    def besides(self, app_id: int) -> bool:
        return self.count > 1 or self.first_id != app_id


@dataclass(frozen=True)
class _Facts:
    """What the rules read beyond an application's own rows, read once for many:
    approved applications by (field term, platform type) and by (lead unit, platform type
    code), and the names of the platform types the rules name."""

    by_field: dict[tuple[int, int], _Approved]
    by_lead: dict[tuple[int, str], _Approved]
    platform_names: dict[str, str]
    # (lead unit, call, state) of the applications that meet a call's prerequisite.
    qualifying: frozenset[tuple[int, int, str]] = frozenset()


def _codes_of(value) -> list[str]:
    return [c.strip() for c in str(value or "").split(",") if c.strip()]


def _approved(key_columns, joins, where) -> dict[tuple, _Approved]:
    stmt = select(*key_columns, func.count(), func.min(Application.id)).select_from(Application)
    for target, on in joins:
        stmt = stmt.join(target, on)
    rows = db.session.execute(stmt.where(Application.state.in_(CENTER_STATES), *where)
                              .group_by(*key_columns))
    return {tuple(row[:-2]): _Approved(row[-2], row[-1]) for row in rows}


def _facts_of(apps: list[Application]) -> _Facts:
    """The facts the rules of `apps`' calls need, in at most three statements whatever
    the number of applications."""
    used = {(app.id, rule["rule"]): rule.get("value")
            for app in apps for rule in rules_of(app.call)}
    fielded = [app for app in apps if app.field is not None and (app.id, "field_free") in used]
    leading = [app for app in apps if (app.id, "not_excluded_platform") in used]
    codes = sorted({c for (_id, code), value in used.items() if code == "not_excluded_platform"
                    for c in _codes_of(value)})
    by_field = by_lead = {}
    if fielded:
        by_field = _approved(
            (CallField.term_id, Call.platform_type_id),
            ((CallField, Application.field_id == CallField.id),
             (Call, Application.call_id == Call.id)),
            (CallField.term_id.in_(sorted({a.field.term_id for a in fielded})),
             Call.platform_type_id.in_(sorted({a.call.platform_type_id for a in fielded}))))
    if leading and codes:
        by_lead = _approved(
            (Application.lead_org_id, PlatformType.code),
            ((Call, Application.call_id == Call.id),
             (PlatformType, Call.platform_type_id == PlatformType.id)),
            (Application.lead_org_id.in_(sorted({a.lead_org_id for a in leading})),
             PlatformType.code.in_(codes)))
    names = dict(db.session.execute(select(PlatformType.code, PlatformType.name)
                                    .where(PlatformType.code.in_(codes))).all()) if codes else {}
    return _Facts(by_field, by_lead, names, _qualifying([a.call for a in apps],
                                                        {a.lead_org_id for a in apps}))


def _has_prerequisite(call: Call) -> bool:
    return call.prerequisite_call_id is not None or bool(call.prerequisite_state)


def _qualifying(calls: list[Call], org_ids: set[int]) -> frozenset[tuple[int, int, str]]:
    """(lead unit, call, state) of the applications of `org_ids` that may meet the
    prerequisites of `calls`: approved in a prerequisite call, or in a required state. One
    statement, none when no call has a prerequisite."""
    prior = {c.prerequisite_call_id for c in calls if c.prerequisite_call_id is not None}
    states = {c.prerequisite_state for c in calls if c.prerequisite_state}
    if not org_ids or not (prior or states):
        return frozenset()
    rows = db.session.execute(select(
        Application.lead_org_id, Application.call_id, Application.state).where(
        Application.lead_org_id.in_(sorted(org_ids)),
        or_(Application.call_id.in_(sorted(prior)) & Application.state.in_(CENTER_STATES),
            Application.state.in_(sorted(states)))))
    return frozenset(tuple(row) for row in rows)


def _meets_prerequisite(call: Call, org_id: int, qualifying) -> bool:
    return ((call.prerequisite_call_id is None
             or any(o == org_id and c == call.prerequisite_call_id and s in CENTER_STATES
                    for o, c, s in qualifying))
            and (not call.prerequisite_state
                 or any(o == org_id and s == call.prerequisite_state
                        for o, _c, s in qualifying)))


def prerequisite_label(call: Call) -> str:
    """Who may apply to a call with a prerequisite, as its pages say it."""
    parts = []
    if call.prerequisite_call is not None:
        parts.append(_("Open only to units whose application was approved in “%(call)s”",
                       call=call.prerequisite_call.title))
    if call.prerequisite_state:
        parts.append(_("Open only to units leading a center that is %(state)s",
                       state=PREREQUISITE_STATES.get(call.prerequisite_state,
                                                     call.prerequisite_state)))
    return "; ".join(parts)


def _prerequisite_result(call: Call, org_id: int, qualifying) -> RuleResult:
    passed = _meets_prerequisite(call, org_id, qualifying)
    detail = "" if passed else _("your unit does not meet this condition")
    return RuleResult("prerequisite", prerequisite_label(call), True, passed, detail)


def prerequisite_problems(call: Call, org_id: int) -> list[str]:
    """Why the unit `org_id` may not apply to `call` for want of its prerequisite (empty:
    it may); read before an application exists, when the unit starts one."""
    if not _has_prerequisite(call):
        return []
    result = _prerequisite_result(call, org_id, _qualifying([call], {org_id}))
    return [] if result.passed else [_prerequisite_sentence(result)]


def _prerequisite_sentence(result: RuleResult) -> str:
    return _("Your unit cannot apply to this call: %(rule)s, and your unit does not meet "
             "this condition.", rule=result.label)


def _field_taken(app: Application, facts: _Facts) -> bool:
    if app.field is None:
        return False
    found = facts.by_field.get((app.field.term_id, app.call.platform_type_id))
    return found is not None and found.besides(app.id)


def _leads_excluded(app: Application, codes: list[str], facts: _Facts) -> bool:
    return any((found := facts.by_lead.get((app.lead_org_id, code))) is not None
               and found.besides(app.id) for code in codes)


def _given(number: Decimal | None) -> str:
    return _("not given") if number is None else f"{number}"


def _value_in_words(rule: dict, facts: _Facts) -> str:
    """A rule's value as the pages show it: platform types by their names."""
    value = str(rule.get("value") or "")
    if rule["rule"] != "not_excluded_platform":
        return value
    return "、".join(facts.platform_names.get(c, c) for c in _codes_of(value))


def _check(app: Application, code: str, value, facts: _Facts,
           figures: dict) -> tuple[bool, str]:
    org = app.lead_org
    if code == "in_province":
        return reference.in_province(org.region_code), city_name(org.region_code)
    if code == "legal_person":
        return org.independent_legal_person, ""
    if code == "good_credit":
        return not org.bad_credit, ""
    if code == "field_free":
        return not _field_taken(app, facts), app.field.name if app.field else ""
    if code == "not_excluded_platform":
        return not _leads_excluded(app, _codes_of(value), facts), ""
    if code == "revenue_min":
        revenue = _number(figures, "revenue_y3")
        return revenue is not None and revenue >= Decimal(str(value)), _given(revenue)
    if code == "rd_share_min":
        revenue = sum((_number(figures, f"revenue_y{i}") or 0) for i in (1, 2, 3))
        spend = sum((_number(figures, f"rd_spend_y{i}") or 0) for i in (1, 2, 3))
        if not revenue:
            return False, _("no revenue given")
        share = (Decimal(spend) * 100 / Decimal(revenue)).quantize(Decimal("0.01"))
        return share >= Decimal(str(value)), f"{share}%"
    if code == "rd_staff_min":
        staff = _number(figures, "rd_staff")
        return staff is not None and staff >= Decimal(str(value)), _given(staff)
    raise ValueError(f"unknown eligibility rule {code}")


def _evaluate(app: Application, facts: _Facts) -> list[RuleResult]:
    results = []
    if _has_prerequisite(app.call):
        results.append(_prerequisite_result(app.call, app.lead_org_id, facts.qualifying))
    form = form_of(app)
    figures = named_values(app, form)
    for rule in rules_of(app.call):
        definition = RULES[rule["rule"]]
        if any(form.by_name(name) is None for name in definition.reads):
            continue
        passed, detail = _check(app, rule["rule"], rule.get("value"), facts, figures)
        label = str(definition.label)
        if definition.needs_value:
            label = f"{label}: {_value_in_words(rule, facts)}"
        results.append(RuleResult(rule["rule"], label, bool(rule.get("hard")), passed, detail))
    return results


def unasked(call: Call) -> set[str]:
    """The rules that read figures `call`'s form does not ask for: they are not applied."""
    form = call_form(call)
    return {code for code, rule in RULES.items()
            if any(form.by_name(name) is None for name in rule.reads)}


def evaluate(app: Application) -> list[RuleResult]:
    """Every rule of the application's call, with its result on the application's data."""
    return _evaluate(app, _facts_of([app]))


def evaluate_many(apps: list[Application]) -> dict[int, list[RuleResult]]:
    """`evaluate` of every application of a page, by id, in a fixed number of statements
    (what the rules read beyond each application's rows is read once for all)."""
    facts = _facts_of(list(apps))
    return {app.id: _evaluate(app, facts) for app in apps}


def hard_failures(app: Application) -> list[str]:
    return [_prerequisite_sentence(r) if r.code == "prerequisite" else
            _("Not eligible: %(rule)s (%(detail)s).", rule=r.label, detail=r.detail or "—")
            for r in evaluate(app) if r.hard and not r.passed]


def platform_types() -> list[PlatformType]:
    """The platform types an excluded-type rule names by their codes."""
    return list(db.session.scalars(select(PlatformType).order_by(PlatformType.id)))


def _known_platform_codes(value: str) -> str:
    codes = [c.strip() for c in value.replace("，", ",").split(",") if c.strip()]
    known = set(db.session.scalars(select(PlatformType.code)))
    unknown = [c for c in codes if c not in known]
    if unknown or not codes:
        raise ValueError(_("Name platform types by their codes: %(known)s.",
                           known=", ".join(sorted(known))))
    return ",".join(codes)


def validate_rules(rules: list[dict]) -> list[dict]:
    """Check an officer's rule set; returns it cleaned or raises ValueError with the reason."""
    clean, seen = [], set()
    for rule in rules:
        code = rule.get("rule")
        if code not in RULES or code in seen:
            raise ValueError(_("Unknown or repeated rule: %(code)s", code=code))
        seen.add(code)
        item = {"rule": code, "hard": bool(rule.get("hard"))}
        if RULES[code].needs_value:
            value = str(rule.get("value") or "").strip()
            if code == "not_excluded_platform":
                value = _known_platform_codes(value)
            else:
                try:
                    number = Decimal(value)
                    if not number.is_finite() or number < 0:
                        raise InvalidOperation
                except InvalidOperation as exc:
                    raise ValueError(_("Rule %(rule)s needs a number of 0 or more.",
                                       rule=RULES[code].label)) from exc
            item["value"] = value
        clean.append(item)
    return clean
