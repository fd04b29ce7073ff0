"""Eligibility rules of a call, held as data in Call.eligibility and evaluated on an
application (DOMAIN.md section 4). Hard rules stop a submission; every result is shown to
the recommender and the officer.

Call.eligibility = {"rules": [{"rule": "rd_share_min", "hard": true, "value": 3}, ...]}
"""
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from workflow.calls.models import Call, CallField, PlatformType
from workflow.core.extensions import db
from workflow.core.reference import CITIES, city_name
from workflow.core.states import AppState
from workflow.intake.models import Application


@dataclass(frozen=True)
class RuleDef:
    code: str
    label: object
    needs_value: bool = False
    value_label: object = ""


RULES: dict[str, RuleDef] = {r.code: r for r in (
    RuleDef("in_province", _l("Registered in the province")),
    RuleDef("legal_person", _l("Independent legal person")),
    RuleDef("good_credit", _l("No serious bad-credit record")),
    RuleDef("field_free", _l("The technical field has no approved center yet")),
    RuleDef("not_excluded_platform", _l("The lead unit leads no platform of an excluded type"),
            True, _l("Excluded platform type codes, comma separated")),
    RuleDef("revenue_min", _l("Revenue of the last year at least (10,000 yuan)"), True,
            _l("Minimum revenue (10,000 yuan)")),
    RuleDef("rd_share_min", _l("R&D spending share of revenue over three years at least (%)"),
            True, _l("Minimum share (%)")),
    RuleDef("rd_staff_min", _l("R&D staff at least"), True, _l("Minimum R&D staff")),
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


def _field_taken(app: Application) -> bool:
    if app.field is None:
        return False
    taken = db.session.scalar(
        select(Application.id).join(CallField, Application.field_id == CallField.id)
        .join(Call, Application.call_id == Call.id)
        .where(CallField.term_id == app.field.term_id, Application.state == AppState.APPROVED,
               Call.platform_type_id == app.call.platform_type_id, Application.id != app.id)
        .limit(1)
    )
    return taken is not None


def _leads_excluded(app: Application, codes: set[str]) -> bool:
    found = db.session.scalar(
        select(Application.id).join(Call, Application.call_id == Call.id)
        .join(PlatformType, Call.platform_type_id == PlatformType.id)
        .where(Application.lead_org_id == app.lead_org_id, PlatformType.code.in_(codes),
               Application.state == AppState.APPROVED, Application.id != app.id)
        .limit(1)
    )
    return found is not None


def _given(number: Decimal | None) -> str:
    return _("not given") if number is None else f"{number}"


def _value_in_words(rule: dict) -> str:
    """A rule's value as the pages show it: platform types by their names."""
    value = str(rule.get("value") or "")
    if rule["rule"] != "not_excluded_platform":
        return value
    codes = [c.strip() for c in value.split(",") if c.strip()]
    names = dict(db.session.execute(select(PlatformType.code, PlatformType.name)
                                    .where(PlatformType.code.in_(codes))).all())
    return "、".join(names.get(c, c) for c in codes)


def _check(app: Application, code: str, value) -> tuple[bool, str]:
    org, figures = app.lead_org, app.section_data("foundation")
    if code == "in_province":
        return org.region_code in CITIES, city_name(org.region_code)
    if code == "legal_person":
        return org.independent_legal_person, ""
    if code == "good_credit":
        return not org.bad_credit, ""
    if code == "field_free":
        return not _field_taken(app), app.field.name if app.field else ""
    if code == "not_excluded_platform":
        codes = {c.strip() for c in str(value or "").split(",") if c.strip()}
        return not _leads_excluded(app, codes), ""
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


def evaluate(app: Application) -> list[RuleResult]:
    """Every rule of the application's call, with its result on the application's data."""
    results = []
    for rule in rules_of(app.call):
        definition = RULES[rule["rule"]]
        passed, detail = _check(app, rule["rule"], rule.get("value"))
        label = str(definition.label)
        if definition.needs_value:
            label = f"{label}: {_value_in_words(rule)}"
        results.append(RuleResult(rule["rule"], label, bool(rule.get("hard")), passed, detail))
    return results


def hard_failures(app: Application) -> list[str]:
    return [_("Not eligible: %(rule)s (%(detail)s).", rule=r.label, detail=r.detail or "—")
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
