"""The sections of an application (DOMAIN.md section 4) as data: forms and checks read them.

Each field: (key, label, kind, required, limit). kind is text, textarea, number, email, phone
or industry; limit is the maximum length for text and the maximum value for numbers. A yearly
figure names its year: `years_back` years before the call's year (field_label).
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class FieldDef:
    key: str
    label: object
    kind: str = "textarea"
    required: bool = True
    limit: int = 5000
    years_back: int = 0


@dataclass(frozen=True)
class SectionDef:
    key: str
    number: int
    title: object
    fields: tuple[FieldDef, ...]


F = FieldDef
MONEY_MAX = 100_000_000  # in 10,000 yuan (万元): a trillion yuan is beyond any applicant

SECTIONS: tuple[SectionDef, ...] = (
    SectionDef("basic", 1, _l("Basic information"), (
        F("project_head", _l("Project head"), "text", True, 50),
        F("contact_name", _l("Contact person"), "text", True, 50),
        F("contact_phone", _l("Contact phone"), "phone", True, 30),
        F("contact_email", _l("Contact email"), "email", True, 254),
        F("summary", _l("Summary of the center (up to 1,000 characters)"), "textarea", True, 1000),
    )),
    SectionDef("necessity", 2, _l("Necessity and positioning"), (
        F("priority_industry", _l("Priority industry served"), "industry", True, 20),
        F("positioning", _l("Necessity and positioning"), "textarea", True, 5000),
    )),
    SectionDef("foundation", 3, _l("Foundation"), (
        # The three years before the call's: a 2027 call asks for 2024, 2025 and 2026.
        *(F(f"revenue_y{n}", _l("Revenue in %(year)s (10,000 yuan)"), "number", True,
            MONEY_MAX, years_back=4 - n) for n in (1, 2, 3)),
        *(F(f"rd_spend_y{n}", _l("R&D spending in %(year)s (10,000 yuan)"), "number", True,
            MONEY_MAX, years_back=4 - n) for n in (1, 2, 3)),
        F("staff_total", _l("Staff in total"), "number", True, 10_000_000),
        F("rd_staff", _l("R&D staff"), "number", True, 10_000_000),
        F("industry_standing", _l("Industry standing"), "textarea", True, 5000),
        F("facilities", _l("R&D facilities"), "textarea", True, 5000),
        F("team", _l("Team"), "textarea", True, 5000),
        F("ip", _l("Intellectual property"), "textarea", True, 5000),
        F("collaboration", _l("Collaboration so far"), "textarea", False, 5000),
    )),
    SectionDef("targets", 4, _l("Three-year targets"), (
        F("targets", _l("Targets"), "textarea", True, 5000),
        F("indicators", _l("Quantitative indicators"), "textarea", True, 5000),
    )),
    SectionDef("tasks", 5, _l("Key tasks and technical route"), (
        F("tasks", _l("Key tasks"), "textarea", True, 5000),
        F("route", _l("Technical route"), "textarea", True, 5000),
    )),
    SectionDef("governance", 6, _l("Governance"), (
        F("board", _l("Board or council"), "textarea", True, 3000),
        F("tech_committee", _l("Technical committee"), "textarea", True, 3000),
        F("accounting", _l("Independent accounting"), "textarea", True, 3000),
    )),
    SectionDef("budget", 7, _l("Budget and funding"), (
        F("total_budget", _l("Total budget (10,000 yuan)"), "number", True, MONEY_MAX),
        F("own_funds", _l("Own funds (10,000 yuan)"), "number", True, MONEY_MAX),
        F("local_match", _l("Local government match (10,000 yuan)"), "number", False, MONEY_MAX),
        F("budget_notes", _l("Budget explanation"), "textarea", True, 5000),
    )),
    SectionDef("cooperation", 8, _l("Co-builders and division of work"), (
        F("division", _l("How the co-builders share the work"), "textarea", True, 5000),
    )),
    SectionDef("risks", 9, _l("Risks and safeguards"), (
        F("risks", _l("Risks and safeguards"), "textarea", True, 5000),
    )),
)

BY_KEY = {s.key: s for s in SECTIONS}


def field_label(field: FieldDef, call) -> str:
    """The field's label; a yearly figure's label names its year for `call`."""
    if not field.years_back:
        return str(field.label)
    return str(field.label) % {"year": call.year - field.years_back}


def missing_fields(section: SectionDef, data: dict) -> list[FieldDef]:
    return [f for f in section.fields if f.required and data.get(f.key) in (None, "")]
