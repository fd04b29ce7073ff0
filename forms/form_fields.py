"""One section of an application read from the request by its form's definition
(workflow/application_forms/schema.py): each field's value checked by its kind, with a
message per bad value. A draft may be incomplete: required fields are checked when it is
filed. What was typed comes back as typed when anything is wrong, so nothing is lost."""
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from flask_babel import gettext as _

from forms.base import FlaskForm
from workflow.application_forms.schema import TEXT_KINDS, FieldDef, FormDef, SectionDef, visible
from workflow.core import creditcode
from workflow.core.reference import PRIORITY_INDUSTRIES

PHONE = re.compile(r"^[0-9+\-() ]+$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PERSON_PARTS = ("name", "title", "phone", "email")
ORG_PARTS = ("credit_code", "name")
EXTRA_ROWS = 3  # blank rows offered below a table's filled ones


def _control(text: str) -> bool:
    return any(ord(c) < 32 and c not in "\r\n\t" for c in text)


@dataclass
class Entry:
    """One field on the page: its definition, its value (as stored, or as typed when the
    page comes back with errors) and its errors. `id` and `label.text` let the summary at
    the top of the page (templates/base.html) link to it."""
    definition: FieldDef
    year: int | None
    value: object = None
    errors: list[str] = field(default_factory=list)
    when: str = ""  # when a conditional field applies, in words
    applies: bool = True  # False while its condition does not hold: its value is not kept

    @property
    def id(self) -> str:
        return f"f-{self.definition.key}"

    @property
    def label(self):
        return SimpleNamespace(text=self.definition.label_for(self.year))

    def rows(self) -> list[dict]:
        """A table's rows with blank ones to fill."""
        filled = [r for r in (self.value or []) if isinstance(r, dict)]
        room = max(0, self.definition.max_rows - len(filled))
        blanks = max(min(EXTRA_ROWS, room), self.definition.min_rows - len(filled))
        return filled + [{}] * blanks


def _text(f: FieldDef, raw: str, limit: int | None = None) -> tuple[object, str | None]:
    limit = limit or f.max_length
    if len(raw) > limit:
        return raw, _("At most %(n)d characters (now %(m)d).", n=limit, m=len(raw))
    if _control(raw):
        return raw, _("Remove the control characters from this text.")
    return raw, None


def _number(raw: str, low: Decimal | None, high: Decimal | None) -> tuple[object, str | None]:
    text = raw.strip()
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return raw, _("Enter a number, for example 1250 or 1250.5.")
    if not number.is_finite():
        return raw, _("Enter a number, for example 1250 or 1250.5.")
    if low is not None and number < low or high is not None and number > high:
        if low is not None and high is not None:
            return raw, _("Enter a number from %(low)s to %(high)s.", low=low, high=high)
        if low is not None:
            return raw, _("Enter a number of at least %(low)s.", low=low)
        return raw, _("Enter a number of at most %(high)s.", high=high)
    return str(number), None


def _date(raw: str) -> tuple[object, str | None]:
    try:
        return date.fromisoformat(raw.strip()).isoformat(), None
    except ValueError:
        return raw, _("Enter a date as 2025-03-31.")


def _simple(f: FieldDef, raw: str) -> tuple[object, str | None]:
    if raw.strip() == "":
        return ("" if f.kind in TEXT_KINDS else None), None
    kind = f.kind
    if kind in ("number", "money"):
        low = f.minimum if f.minimum is not None else Decimal(0)
        return _number(raw, low, f.maximum)
    if kind == "date":
        return _date(raw)
    if kind == "choice":
        ok = raw in {c.value for c in f.choices}
        return raw, None if ok else _("Choose one of the options offered.")
    if kind == "industry":
        return raw, None if raw in PRIORITY_INDUSTRIES else _("Choose one of the options "
                                                              "offered.")
    if kind == "email":
        raw = raw.strip()
        if not EMAIL.match(raw) or len(raw) > 254:
            return raw, _("Invalid email address.")
        return raw, None
    if kind == "phone":
        value, problem = _text(f, raw.strip())
        if problem is None and not PHONE.match(raw.strip()):
            problem = _("Use digits, spaces and + - ( ) only.")
        return value, problem
    return _text(f, raw)


def _cell(column, raw: str) -> tuple[object, str | None]:
    if raw.strip() == "":
        return "", None
    if column.kind in ("number", "money"):
        return _number(raw, Decimal(0) if column.kind == "money" else None,
                       Decimal(100_000_000) if column.kind == "money" else None)
    if column.kind == "date":
        return _date(raw)
    if column.kind == "year":
        ok = raw.strip().isdigit() and 1900 <= int(raw.strip()) <= 2100
        return raw.strip(), None if ok else _("Enter a year such as 2025.")
    if len(raw) > column.limit:
        return raw, _("At most %(n)d characters (now %(m)d).", n=column.limit, m=len(raw))
    if _control(raw):
        return raw, _("Remove the control characters from this text.")
    return raw, None


def _table(f: FieldDef, formdata) -> tuple[object, list[str]]:
    rows, problems = [], []
    try:
        count = min(int(formdata.get(f"{f.key}-rows", "0")), f.max_rows + EXTRA_ROWS)
    except ValueError:
        count = 0
    for i in range(max(count, 0)):
        row, row_problems = {}, []
        for column in f.columns:
            value, problem = _cell(column, formdata.get(f"{f.key}-{i}-{column.key}", ""))
            row[column.key] = value
            if problem:
                row_problems.append(_("Row %(n)d, %(column)s: %(problem)s", n=len(rows) + 1,
                                      column=column.text, problem=problem))
        if any(v not in ("", None) for v in row.values()):
            rows.append(row)
            problems += row_problems
    if len(rows) > f.max_rows:
        problems.append(_("At most %(n)d rows.", n=f.max_rows))
    return rows, problems


def _parts(f: FieldDef, formdata, parts) -> tuple[object, list[str]]:
    value = {p: formdata.get(f"{f.key}-{p}", "") for p in parts}
    problems = []
    for raw in value.values():
        if len(raw) > 254:
            problems.append(_("At most %(n)d characters (now %(m)d).", n=254, m=len(raw)))
        elif _control(raw):
            problems.append(_("Remove the control characters from this text."))
    if f.kind == "person":
        if value["email"].strip() and not EMAIL.match(value["email"].strip()):
            problems.append(_("Invalid email address."))
        if value["phone"].strip() and not PHONE.match(value["phone"].strip()):
            problems.append(_("Use digits, spaces and + - ( ) only."))
    if f.kind == "organization" and value["credit_code"].strip():
        reason = creditcode.problem(value["credit_code"])
        if reason:
            problems.append(reason)
        else:
            value["credit_code"] = creditcode.normalize(value["credit_code"])
    if all(v.strip() == "" for v in value.values()):
        return {}, problems
    return value, problems


def read_field(f: FieldDef, formdata) -> tuple[object, list[str]]:
    if f.kind == "table":
        return _table(f, formdata)
    if f.kind == "person":
        return _parts(f, formdata, PERSON_PARTS)
    if f.kind == "organization":
        return _parts(f, formdata, ORG_PARTS)
    value, problem = _simple(f, formdata.get(f.key, ""))
    return value, [problem] if problem else []


def condition_text(f: FieldDef, form: FormDef) -> str:
    if f.condition is None:
        return ""
    other = form.field(f.condition.field)
    if other is None:
        return ""
    return _("Only when “%(field)s” is %(values)s.", field=other.label,
             values=_(" or ").join(other.choice_text(v) for v in f.condition.values))


def entries(section: SectionDef, form: FormDef, year: int | None, stored: dict) -> list[Entry]:
    """The entries of `section` holding the `stored` values (a preview passes {})."""
    return [Entry(f, year, stored.get(f.key), when=condition_text(f, form))
            for f in section.fields]


class SectionForm(FlaskForm):
    """The CSRF token and the entries of one section of an application."""

    def __init__(self, section: SectionDef, form: FormDef, year: int | None, stored: dict,
                 others: dict | None = None, **kwargs):
        super().__init__(**kwargs)
        self.section, self.year, self.others = section, year, dict(others or {})
        self.entries = entries(section, form, year, stored)

    def read(self, formdata) -> bool:
        """Take the submitted values; True when none is wrong. A field whose condition does
        not hold (given the other values) is emptied: what does not apply is not kept."""
        for entry in self.entries:
            entry.value, entry.errors = read_field(entry.definition, formdata)
        values = {**self.others, **{e.definition.key: e.value for e in self.entries}}
        for entry in self.entries:
            entry.applies = visible(entry.definition, values)
            if not entry.applies:
                entry.value, entry.errors = None, []
        return not any(e.errors for e in self.entries)

    def data_to_save(self) -> dict:
        return {e.definition.key: e.value for e in self.entries if e.applies}
