"""Application forms: the start, co-builders and attachment uploads (a section's fields are
read by forms/form_fields.py from the call's form)."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from forms.base import FlaskForm, OnceField
from forms.validators import credit_code, no_control_chars


class ApplicationBasicsForm(FlaskForm):
    title = StringField(_l("Name of the center"),
                        validators=[DataRequired(), Length(max=200), no_control_chars])
    field_id = SelectField(_l("Technical field"), coerce=int, validators=[DataRequired()])

    def set_fields(self, call) -> "ApplicationBasicsForm":
        self.field_id.choices = [(f.id, f.name) for f in call.fields]
        return self


class StartApplicationForm(ApplicationBasicsForm):
    once = OnceField()


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
