"""An application form as data (DOMAIN.md section 4): sections of typed fields and the list
of required attachments, stored as JSON on each version of a call's form and read back into
these frozen dataclasses. Pages, checks, the application book and the exports read a form
only through them.

Labels are bilingual texts {"zh": ..., "en": ...}; the page shows the user's language and
falls back to Chinese. A label may name a year with %(year)s: a yearly figure's year is the
call's year minus `years_back`.
"""
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flask_babel import get_locale
from flask_babel import gettext as _

from workflow.core.reference import PRIORITY_INDUSTRIES

# The kinds of field an officer can put on a form, with the kinds a table's column can have.
KINDS = ("text", "textarea", "number", "money", "date", "choice", "table", "person",
         "organization", "email", "phone", "industry")
COLUMN_KINDS = ("text", "number", "money", "date", "year")
TEXT_KINDS = ("text", "textarea", "email", "phone")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_TEXT = 20_000
MAX_ROWS = 200
MONEY_MAX = Decimal(100_000_000)  # in 10,000 yuan (万元): a trillion yuan is beyond any unit
DEFAULT_LIMITS = {"text": 200, "textarea": 5000, "email": 254, "phone": 30}


def say(text) -> str:
    """`text` ({"zh": ..., "en": ...} or a plain string) in the user's language."""
    if not isinstance(text, dict):
        return "" if text is None else str(text)
    locale = get_locale()
    language = locale.language if locale is not None else "zh"
    return text.get(language) or text.get("zh") or text.get("en") or ""


def _text(value) -> dict:
    if isinstance(value, dict):
        return {k: str(v) for k, v in value.items() if k in ("zh", "en") and v}
    return {"zh": str(value)} if value else {}


@dataclass(frozen=True)
class Choice:
    value: str
    label: dict

    @property
    def text(self) -> str:
        return say(self.label) or self.value


@dataclass(frozen=True)
class Column:
    key: str
    label: dict
    kind: str = "text"
    limit: int = 200

    @property
    def text(self) -> str:
        return say(self.label)


@dataclass(frozen=True)
class Condition:
    """Shown and required only while the field `field` holds one of `values`."""
    field: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class FieldDef:
    key: str
    labels: dict
    kind: str = "textarea"
    required: bool = True
    limit: int | None = None  # the most characters of a text
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    unit: dict = field(default_factory=dict)
    choices: tuple[Choice, ...] = ()
    columns: tuple[Column, ...] = ()
    min_rows: int = 0
    max_rows: int = 50
    condition: Condition | None = None
    name: str = ""  # what eligibility rules, the rubric and statistics call it
    years_back: int = 0
    help: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return say(self.labels)

    @property
    def max_length(self) -> int:
        return self.limit or DEFAULT_LIMITS.get(self.kind, 200)

    @property
    def role(self) -> str:
        return self.name or self.key

    def label_for(self, year: int | None) -> str:
        label = self.label
        if self.years_back and year is not None:
            return label.replace("%(year)s", str(year - self.years_back))
        return label

    def choice_pairs(self) -> list[tuple[str, str]]:
        """(value, text) of each option a choice (or the priority industries) offers."""
        if self.kind == "industry":
            return [(i, i) for i in PRIORITY_INDUSTRIES]
        return [(c.value, c.text) for c in self.choices]

    def choice_text(self, value) -> str:
        if self.kind == "industry":
            return str(value or "")
        return next((c.text for c in self.choices if c.value == value), str(value or ""))


@dataclass(frozen=True)
class SectionDef:
    key: str
    number: int
    titles: dict
    fields: tuple[FieldDef, ...]

    @property
    def title(self) -> str:
        return say(self.titles)


@dataclass(frozen=True)
class AttachmentDef:
    key: str
    labels: dict
    required: bool = True
    max_pages: int | None = None

    @property
    def label(self) -> str:
        return say(self.labels)


@dataclass(frozen=True)
class FormDef:
    sections: tuple[SectionDef, ...]
    attachments: tuple[AttachmentDef, ...] = ()

    def section(self, key: str) -> SectionDef | None:
        return next((s for s in self.sections if s.key == key), None)

    def fields(self) -> list[FieldDef]:
        return [f for s in self.sections for f in s.fields]

    def field(self, key: str) -> FieldDef | None:
        return next((f for f in self.fields() if f.key == key), None)

    def section_of(self, field_key: str) -> SectionDef | None:
        return next((s for s in self.sections if any(f.key == field_key for f in s.fields)),
                    None)

    def by_name(self, name: str) -> FieldDef | None:
        return next((f for f in self.fields() if f.role == name), None)


# -- reading a stored definition ----------------------------------------------------------

def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _field(raw: dict) -> FieldDef:
    condition = raw.get("condition")
    return FieldDef(
        key=str(raw["key"]), labels=_text(raw.get("label")), kind=str(raw.get("kind", "textarea")),
        required=bool(raw.get("required", True)),
        limit=int(raw["limit"]) if raw.get("limit") else None,
        minimum=_decimal(raw.get("minimum")), maximum=_decimal(raw.get("maximum")),
        unit=_text(raw.get("unit")),
        choices=tuple(Choice(str(c["value"]), _text(c.get("label")))
                      for c in raw.get("choices") or ()),
        columns=tuple(Column(str(c["key"]), _text(c.get("label")), str(c.get("kind", "text")),
                             int(c.get("limit") or 200)) for c in raw.get("columns") or ()),
        min_rows=int(raw.get("min_rows") or 0), max_rows=int(raw.get("max_rows") or 50),
        condition=Condition(str(condition["field"]), tuple(map(str, condition["values"])))
        if condition else None,
        name=str(raw.get("name") or ""), years_back=int(raw.get("years_back") or 0),
        help=_text(raw.get("help")),
    )


def read(definition: dict) -> FormDef:
    """The stored JSON `definition` as a FormDef (check it first with `problems`)."""
    return FormDef(
        sections=tuple(SectionDef(str(s["key"]), i, _text(s.get("title")),
                                  tuple(_field(f) for f in s.get("fields") or ()))
                       for i, s in enumerate(definition.get("sections") or (), start=1)),
        attachments=tuple(AttachmentDef(str(a["key"]), _text(a.get("label")),
                                        bool(a.get("required", True)),
                                        int(a["max_pages"]) if a.get("max_pages") else None)
                          for a in definition.get("attachments") or ()),
    )


# -- checking a definition an officer built -----------------------------------------------

def _key_problems(key, where: str, seen: set) -> list[str]:
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        return [_("%(where)s: the key must start with a small letter and hold only small "
                  "letters, digits and _ (at most 40).", where=where)]
    if key in seen:
        return [_("%(where)s: the key %(key)s is used twice.", where=where, key=key)]
    seen.add(key)
    return []


def _label_problems(label, where: str) -> list[str]:
    text = _text(label)
    if not text.get("zh"):
        return [_("%(where)s: give a Chinese label.", where=where)]
    if any(len(v) > 200 for v in text.values()):
        return [_("%(where)s: a label has at most 200 characters.", where=where)]
    return []


def _field_problems(raw: dict, where: str, earlier: dict[str, dict]) -> list[str]:
    problems = []
    kind = raw.get("kind")
    if kind not in KINDS:
        return [_("%(where)s: unknown kind of field.", where=where)]
    limit = raw.get("limit")
    if limit not in (None, "") and not (isinstance(limit, int) and 1 <= limit <= MAX_TEXT):
        problems.append(_("%(where)s: the length limit must be 1 to %(n)d characters.",
                          where=where, n=MAX_TEXT))
    low, high = _decimal(raw.get("minimum")), _decimal(raw.get("maximum"))
    if raw.get("minimum") not in (None, "") and low is None or (
            raw.get("maximum") not in (None, "") and high is None):
        problems.append(_("%(where)s: the range must be numbers.", where=where))
    elif low is not None and high is not None and low > high:
        problems.append(_("%(where)s: the lowest value is above the highest.", where=where))
    if kind == "choice":
        values = [c.get("value") for c in raw.get("choices") or ()]
        if len(values) < 2 or any(not isinstance(v, str) or not v.strip() for v in values):
            problems.append(_("%(where)s: a choice needs at least two options.", where=where))
        elif len(set(values)) != len(values):
            problems.append(_("%(where)s: two options are the same.", where=where))
    if kind == "table":
        columns = raw.get("columns") or ()
        seen: set = set()
        if not columns:
            problems.append(_("%(where)s: a table needs at least one column.", where=where))
        for c in columns:
            problems += _key_problems(c.get("key"), where, seen)
            problems += _label_problems(c.get("label"), where)
            if c.get("kind", "text") not in COLUMN_KINDS:
                problems.append(_("%(where)s: unknown kind of column.", where=where))
        low_rows, high_rows = raw.get("min_rows") or 0, raw.get("max_rows") or 50
        if not (isinstance(low_rows, int) and isinstance(high_rows, int)
                and 0 <= low_rows <= high_rows <= MAX_ROWS):
            problems.append(_("%(where)s: rows must be 0 to %(n)d, the least not above the "
                              "most.", where=where, n=MAX_ROWS))
    condition = raw.get("condition")
    if condition:
        other = earlier.get(condition.get("field"))
        if other is None:
            problems.append(_("%(where)s: a condition can only name a field above it.",
                              where=where))
        elif not condition.get("values"):
            problems.append(_("%(where)s: name the values that show this field.", where=where))
        elif other.get("kind") == "choice" and not set(condition["values"]) <= {
                c.get("value") for c in other.get("choices") or ()}:
            problems.append(_("%(where)s: the condition names a value the field does not "
                              "offer.", where=where))
    return problems


def problems(definition: dict) -> list[str]:
    """What is wrong with a form definition, in words for the officer; empty when it can be
    saved."""
    found: list[str] = []
    sections = definition.get("sections") if isinstance(definition, dict) else None
    if not sections:
        return [_("A form needs at least one section.")]
    section_keys: set = set()
    field_keys: set = set()
    names: set = set()
    earlier: dict[str, dict] = {}
    for s_index, section in enumerate(sections, start=1):
        where = _("Section %(n)d", n=s_index)
        found += _key_problems(section.get("key"), where, section_keys)
        found += _label_problems(section.get("title"), where)
        if not section.get("fields"):
            found.append(_("%(where)s: a section needs at least one field.", where=where))
        for f_index, raw in enumerate(section.get("fields") or (), start=1):
            where_field = _("Section %(s)d, field %(f)d", s=s_index, f=f_index)
            found += _key_problems(raw.get("key"), where_field, field_keys)
            found += _label_problems(raw.get("label"), where_field)
            found += _field_problems(raw, where_field, earlier)
            name = raw.get("name")
            if name:
                found += _key_problems(name, where_field, names)
            earlier[raw.get("key")] = raw
    attachment_keys: set = set()
    for a_index, raw in enumerate(definition.get("attachments") or (), start=1):
        where = _("Attachment %(n)d", n=a_index)
        found += _key_problems(raw.get("key"), where, attachment_keys)
        found += _label_problems(raw.get("label"), where)
        pages = raw.get("max_pages")
        if pages not in (None, "") and not (isinstance(pages, int) and 1 <= pages <= 2000):
            found.append(_("%(where)s: the page limit must be 1 to 2000.", where=where))
    return found


# -- the values an applicant typed ----------------------------------------------------------

def visible(f: FieldDef, values: dict) -> bool:
    """Whether `f` applies given every value of the application so far (by field key)."""
    if f.condition is None:
        return True
    return str(values.get(f.condition.field) or "") in f.condition.values


def is_empty(value) -> bool:
    if value in (None, "", [], {}):
        return True
    if isinstance(value, dict):
        return all(v in (None, "") for v in value.values())
    return False


def missing(section: SectionDef, data: dict, values: dict | None = None) -> list[FieldDef]:
    """The required fields of `section` left empty; a field whose condition does not hold is
    not required. `values` are all the application's values (for conditions in other
    sections); `data` the section's own."""
    values = {**(values or {}), **data}
    out = []
    for f in section.fields:
        if not f.required or not visible(f, values):
            continue
        value = data.get(f.key)
        if is_empty(value) or (f.kind == "table" and len(value) < max(1, f.min_rows)):
            out.append(f)
    return out


def value_text(f: FieldDef, value) -> str:
    """A stored value as one line of text (documents, exports): a choice by its label, a
    person or a unit by its parts, a table by its rows."""
    if is_empty(value):
        return ""
    if f.kind == "table" and isinstance(value, list):
        return "\n".join("；".join(str(row.get(c.key, "")) for c in f.columns)
                         for row in value if isinstance(row, dict))
    if isinstance(value, dict):
        return " ".join(str(v) for v in value.values() if v not in (None, ""))
    if f.kind == "choice":
        return f.choice_text(value)
    text = str(value)
    if f.unit and f.kind in ("number", "money"):
        return f"{text} {say(f.unit)}"
    return text
