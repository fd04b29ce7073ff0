"""Application forms: the start, one form per section built from
workflow.intake.rules.sections, co-builders and attachment uploads."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DecimalField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

from forms.base import FlaskForm, OnceField
from forms.validators import credit_code, no_control_chars, quiet_nan
from workflow.core.reference import PRIORITY_INDUSTRIES
from workflow.intake.rules.sections import BY_KEY, field_label


class ApplicationBasicsForm(FlaskForm):
    title = StringField(_l("Name of the center"),
                        validators=[DataRequired(), Length(max=200), no_control_chars])
    field_id = SelectField(_l("Technical field"), coerce=int, validators=[DataRequired()])

    def set_fields(self, call) -> "ApplicationBasicsForm":
        self.field_id.choices = [(f.id, f.name) for f in call.fields]
        return self


class StartApplicationForm(ApplicationBasicsForm):
    once = OnceField()


def _field_for(definition):
    # Drafts are kept incomplete, so no field is required here; submission checks completeness.
    common = [Optional()]
    if definition.kind == "number":
        return DecimalField(definition.label, places=None, filters=[quiet_nan],
                            validators=common + [NumberRange(0, definition.limit)])
    if definition.kind == "email":
        return EmailField(definition.label, validators=common + [Email(), Length(max=254)])
    if definition.kind == "phone":
        return StringField(definition.label, validators=common + [
            Length(max=definition.limit),
            Regexp(r"^[0-9+\-() ]+$", message=_l("Use digits, spaces and + - ( ) only.")),
        ])
    if definition.kind == "industry":
        return SelectField(definition.label, validators=common,
                           choices=[("", "—")] + [(i, i) for i in PRIORITY_INDUSTRIES])
    field_class = StringField if definition.kind == "text" else TextAreaField
    return field_class(definition.label,
                       validators=common + [Length(max=definition.limit), no_control_chars])


_SECTION_FORMS: dict[str, type[FlaskForm]] = {}


def section_form_class(key: str) -> type[FlaskForm]:
    """One form class per section, built once from the section's definition."""
    if key not in _SECTION_FORMS:
        attrs = {f.key: _field_for(f) for f in BY_KEY[key].fields}
        _SECTION_FORMS[key] = type(f"Section_{key}_Form", (FlaskForm,), attrs)
    return _SECTION_FORMS[key]


def section_form(key: str, call, **kwargs) -> FlaskForm:
    """The form of a section of an application to `call`; yearly figures name their years."""
    form = section_form_class(key)(**kwargs)
    for definition in BY_KEY[key].fields:
        form[definition.key].label.text = field_label(definition, call)
    return form


def section_data(form) -> dict:
    return {name: field.data for name, field in form._fields.items() if name != "csrf_token"}


class CoBuilderForm(FlaskForm):
    once = OnceField()
    credit_code = StringField(_l("Credit code of the co-builder"),
                              validators=[DataRequired(), Length(max=30), credit_code])
    name = StringField(_l("Name of the co-builder"),
                       validators=[DataRequired(), Length(max=200), no_control_chars])
    division = TextAreaField(_l("Its share of the work"),
                             validators=[Optional(), Length(max=1000), no_control_chars])
    contact_email = EmailField(_l("Contact email (optional)"),
                               validators=[Optional(), Email(), Length(max=254)])


class AttachmentForm(FlaskForm):
    once = OnceField()
    kind = SelectField(_l("Attachment"), validators=[DataRequired()])
    file = FileField(_l("PDF file"), validators=[FileRequired()])

    def set_kinds(self, kinds: list[tuple[str, str]]) -> "AttachmentForm":
        """Offer only the attachment kinds (code, label) the user may change now."""
        self.kind.choices = list(kinds)
        return self


class CommentForm(FlaskForm):
    """A transition with optional or required reasons."""

    comment = TextAreaField(_l("Reasons or remarks"),
                            validators=[Optional(), Length(max=4000), no_control_chars])
