"""The officer's form builder: a section, a field, an attachment, and where a form starts
from. Each form gives the stored JSON of its piece (workflow/application_forms/schema.py);
what concerns the whole form (keys used twice, a condition on a field below) is checked by
schema.problems when operations.save keeps it."""
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from forms.base import FlaskForm
from forms.validators import no_control_chars
from workflow.application_forms.schema import COLUMN_KINDS, KEY_PATTERN, MAX_ROWS, MAX_TEXT

KIND_LABELS = {
    "text": _l("Short text"), "textarea": _l("Paragraphs"), "number": _l("Figure"),
    "money": _l("Amount of money"), "date": _l("Date"), "choice": _l("Choice from a list"),
    "table": _l("Table"), "person": _l("Person with contact"),
    "organization": _l("Unit (by credit code)"),
    "email": _l("Email address"), "phone": _l("Phone number"),
    "industry": _l("Priority industry"),
}
COLUMN_KIND_LABELS = {"text": _l("Text"), "number": _l("Figure"), "money": _l("Amount of money"),
                      "date": _l("Date"), "year": _l("Year")}
NUMBER_KINDS = ("number", "money")


def _key(form, field) -> None:
    if field.data and not KEY_PATTERN.match(field.data):
        raise ValidationError(_l("Start with a small letter; use only small letters, digits "
                                 "and _ (at most 40)."))


def _bilingual(zh: str | None, en: str | None) -> dict:
    return {lang: text.strip() for lang, text in (("zh", zh or ""), ("en", en or ""))
            if text.strip()}


def _in(text, language: str) -> str:
    if isinstance(text, dict):
        return text.get(language) or ""
    return str(text or "") if language == "zh" else ""


def _number(form, field) -> None:
    if field.data and field.data.strip():
        try:
            number = Decimal(field.data.strip())
        except (InvalidOperation, ValueError):
            number = None
        if number is None or not number.is_finite():
            raise ValidationError(_l("Enter a number, for example 0 or 1250.5."))


def _lines(text: str | None) -> list[list[str]]:
    """The non-empty lines of `text`, each split at | into its stripped parts."""
    return [[part.strip() for part in line.split("|")]
            for line in (text or "").splitlines() if line.strip()]


KEY = [InputRequired(_l("This is required.")), Length(max=40), _key]
LABEL = [InputRequired(_l("This is required.")), Length(max=200), no_control_chars]
ENGLISH = [Optional(), Length(max=200), no_control_chars]


class SectionForm(FlaskForm):
    key = StringField(_l("Key"), validators=KEY)
    title_zh = StringField(_l("Chinese title"), validators=LABEL)
    title_en = StringField(_l("English title"), validators=ENGLISH)

    @staticmethod
    def data_of(raw: dict) -> dict:
        return {"key": raw.get("key"), "title_zh": _in(raw.get("title"), "zh"),
                "title_en": _in(raw.get("title"), "en")}

    def section_data(self) -> dict:
        return {"key": self.key.data.strip(),
                "title": _bilingual(self.title_zh.data, self.title_en.data)}


class FieldForm(FlaskForm):
    """One field; `condition_field` offers the fields above it (the view sets the choices)."""

    key = StringField(_l("Key"), validators=KEY)
    label_zh = StringField(_l("Chinese label"), validators=LABEL)
    label_en = StringField(_l("English label"), validators=ENGLISH)
    kind = SelectField(_l("Kind of field"), default="textarea",
                       choices=[SelectChoice(k, label) for k, label in KIND_LABELS.items()])
    required = BooleanField(_l("Required"), default=True)
    limit = IntegerField(_l("Most characters"), validators=[
        Optional(), NumberRange(1, MAX_TEXT, _l("Give 1 to %(n)d characters.", n=MAX_TEXT))])
    minimum = StringField(_l("Lowest value"), validators=[Optional(), Length(max=30), _number])
    maximum = StringField(_l("Highest value"), validators=[Optional(), Length(max=30), _number])
    unit_zh = StringField(_l("Unit in Chinese"), validators=[Optional(), Length(max=20),
                                                             no_control_chars])
    unit_en = StringField(_l("Unit in English"), validators=[Optional(), Length(max=30),
                                                             no_control_chars])
    choices = TextAreaField(_l("Options, one per line as value|中文|English"),
                            validators=[Length(max=10_000), no_control_chars])
    columns = TextAreaField(_l("Columns, one per line as key|中文|English|kind"),
                            validators=[Length(max=10_000), no_control_chars])
    min_rows = IntegerField(_l("Fewest rows"), validators=[
        Optional(), NumberRange(0, MAX_ROWS, _l("Give 0 to %(n)d rows.", n=MAX_ROWS))])
    max_rows = IntegerField(_l("Most rows"), validators=[
        Optional(), NumberRange(1, MAX_ROWS, _l("Give 1 to %(n)d rows.", n=MAX_ROWS))])
    condition_field = SelectField(_l("Shown only when the field"), choices=[], default="",
                                  validate_choice=False)
    condition_values = StringField(_l("holds one of the values (comma-separated)"),
                                   validators=[Optional(), Length(max=1000), no_control_chars])
    name = StringField(_l("Name for eligibility rules, the rubric and statistics"),
                       validators=[Optional(), Length(max=40), _key])
    years_back = IntegerField(_l("Years before the call's year (for %(year)s in the label)"),
                              validators=[Optional(), NumberRange(0, 10)])
    help_zh = TextAreaField(_l("Help text in Chinese"), validators=[Optional(), Length(max=500),
                                                                    no_control_chars])
    help_en = TextAreaField(_l("Help text in English"), validators=[Optional(), Length(max=500),
                                                                    no_control_chars])

    def offer_conditions(self, above: list[tuple[str, dict]]) -> "FieldForm":
        """`above`: (key, label) of the fields this one may depend on."""
        self.condition_field.choices = [SelectChoice("", _l("(always shown)"))] + [
            SelectChoice(key, f"{key} · {_in(label, 'zh')}") for key, label in above]
        return self

    def validate_maximum(self, field):
        if not self.minimum.errors and not field.errors and self.minimum.data \
                and field.data and Decimal(self.minimum.data) > Decimal(field.data):
            raise ValidationError(_l("The highest value must not be below the lowest."))

    def validate_max_rows(self, field):
        if self.min_rows.data and field.data and self.min_rows.data > field.data:
            raise ValidationError(_l("The most rows must not be fewer than the fewest."))

    def validate_choices(self, field):
        if self.kind.data != "choice":
            return
        lines = _lines(field.data)
        if any(len(parts) > 3 or not parts[0] for parts in lines):
            raise ValidationError(_l("Write each option as value|中文|English."))
        if len(lines) < 2:
            raise ValidationError(_l("A choice needs at least two options."))
        values = [parts[0] for parts in lines]
        if len(set(values)) != len(values):
            raise ValidationError(_l("Each value may appear only once."))

    def validate_columns(self, field):
        if self.kind.data != "table":
            return
        lines = _lines(field.data)
        if not lines:
            raise ValidationError(_l("A table needs at least one column."))
        for parts in lines:
            if len(parts) < 2 or len(parts) > 5 or not KEY_PATTERN.match(parts[0]) \
                    or not parts[1]:
                raise ValidationError(_l("Write each column as key|中文|English|kind, the key "
                                         "in small letters, digits and _."))
            kind = parts[3] if len(parts) > 3 and parts[3] else "text"
            if kind not in COLUMN_KINDS:
                raise ValidationError(_l("The kind of a column is one of: %(kinds)s.",
                                         kinds=", ".join(COLUMN_KINDS)))
            if len(parts) > 4 and parts[4] and not (parts[4].isdigit()
                                                    and 1 <= int(parts[4]) <= 2000):
                raise ValidationError(_l("A column's most characters are 1 to 2000."))
        keys = [parts[0] for parts in lines]
        if len(set(keys)) != len(keys):
            raise ValidationError(_l("Each column key may appear only once."))

    @staticmethod
    def data_of(raw: dict) -> dict:
        """The form's data for a stored field."""
        condition = raw.get("condition") or {}
        return {
            "key": raw.get("key"), "label_zh": _in(raw.get("label"), "zh"),
            "label_en": _in(raw.get("label"), "en"), "kind": raw.get("kind", "textarea"),
            "required": bool(raw.get("required", True)), "limit": raw.get("limit"),
            "minimum": raw.get("minimum"), "maximum": raw.get("maximum"),
            "unit_zh": _in(raw.get("unit"), "zh"), "unit_en": _in(raw.get("unit"), "en"),
            "choices": "\n".join("|".join([str(c.get("value", "")), _in(c.get("label"), "zh"),
                                           _in(c.get("label"), "en")]).rstrip("|")
                                 for c in raw.get("choices") or ()),
            "columns": "\n".join("|".join([str(c.get("key", "")), _in(c.get("label"), "zh"),
                                           _in(c.get("label"), "en"), c.get("kind", "text"),
                                           str(c.get("limit") or "")]).rstrip("|")
                                 for c in raw.get("columns") or ()),
            "min_rows": raw.get("min_rows"), "max_rows": raw.get("max_rows"),
            "condition_field": condition.get("field", ""),
            "condition_values": ", ".join(condition.get("values") or ()),
            "name": raw.get("name", ""), "years_back": raw.get("years_back"),
            "help_zh": _in(raw.get("help"), "zh"), "help_en": _in(raw.get("help"), "en"),
        }

    def field_data(self) -> dict:
        """The stored JSON of the field as typed; what its kind does not use is left out."""
        kind = self.kind.data
        raw = {"key": self.key.data.strip(), "kind": kind, "required": bool(self.required.data),
               "label": _bilingual(self.label_zh.data, self.label_en.data)}
        if self.limit.data:
            raw["limit"] = self.limit.data
        if kind in NUMBER_KINDS:
            for name in ("minimum", "maximum"):
                if (getattr(self, name).data or "").strip():
                    raw[name] = str(Decimal(getattr(self, name).data.strip()))
            if unit := _bilingual(self.unit_zh.data, self.unit_en.data):
                raw["unit"] = unit
        if kind == "choice":
            raw["choices"] = [{"value": parts[0], "label": _bilingual(
                parts[1] if len(parts) > 1 else parts[0], parts[2] if len(parts) > 2 else "")}
                for parts in _lines(self.choices.data)]
        if kind == "table":
            raw["columns"] = [self._column(parts) for parts in _lines(self.columns.data)]
            raw["min_rows"] = self.min_rows.data or 0
            raw["max_rows"] = self.max_rows.data or 50
        if self.condition_field.data:
            raw["condition"] = {"field": self.condition_field.data, "values": [
                v.strip() for v in (self.condition_values.data or "").replace("，", ",")
                .split(",") if v.strip()]}
        for name in ("name", "years_back"):
            if getattr(self, name).data:
                raw[name] = getattr(self, name).data
        if help_text := _bilingual(self.help_zh.data, self.help_en.data):
            raw["help"] = help_text
        return raw

    @staticmethod
    def _column(parts: list[str]) -> dict:
        column = {"key": parts[0], "label": _bilingual(parts[1], parts[2] if len(parts) > 2
                                                       else ""),
                  "kind": parts[3] if len(parts) > 3 and parts[3] else "text"}
        if len(parts) > 4 and parts[4]:
            column["limit"] = int(parts[4])
        return column


class NewSectionForm(FieldForm):
    """A new section with its first field: a section is never empty."""

    section_key = StringField(_l("Key of the section"), validators=KEY)
    section_title_zh = StringField(_l("Chinese title"), validators=LABEL)
    section_title_en = StringField(_l("English title"), validators=ENGLISH)

    def section_data(self) -> dict:
        return {"key": self.section_key.data.strip(),
                "title": _bilingual(self.section_title_zh.data, self.section_title_en.data)}


class AttachmentForm(FlaskForm):
    key = StringField(_l("Key"), validators=KEY)
    label_zh = StringField(_l("Chinese label"), validators=LABEL)
    label_en = StringField(_l("English label"), validators=ENGLISH)
    required = BooleanField(_l("Required"), default=True)
    max_pages = IntegerField(_l("Most pages"), validators=[
        Optional(), NumberRange(1, 2000, _l("Give 1 to 2000 pages."))])

    @staticmethod
    def data_of(raw: dict) -> dict:
        return {"key": raw.get("key"), "label_zh": _in(raw.get("label"), "zh"),
                "label_en": _in(raw.get("label"), "en"),
                "required": bool(raw.get("required", True)), "max_pages": raw.get("max_pages")}

    def attachment_data(self) -> dict:
        return {"key": self.key.data.strip(), "required": bool(self.required.data),
                "label": _bilingual(self.label_zh.data, self.label_en.data),
                "max_pages": self.max_pages.data or None}


class StartFromForm(FlaskForm):
    """A shipped template ("template:<code>") or an earlier call's form ("call:<id>"); the
    view offers them."""

    source = SelectField(_l("Start from"), choices=[])

    def offer(self, templates: list[tuple[str, str]], calls) -> "StartFromForm":
        self.source.choices = [SelectChoice(f"template:{code}", label)
                               for code, label in templates] + [
            SelectChoice(f"call:{c.id}", f"{c.year} · {c.title}") for c in calls]
        return self
