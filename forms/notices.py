"""Forms of the approval notice, the document-number registry and the public verification.
The services check every rule again; these give each field its label and first checks."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from forms.base import FlaskForm, OnceField
from forms.validators import no_control_chars
from workflow.notices.queries import FIELD_LABELS, MAX_LENGTH
from workflow.notices.settings import OPTIONAL, TEXT_KEYS


def _text(key: str, area: bool = False):
    required = [Optional()] if key in OPTIONAL else [DataRequired()]
    field_class = TextAreaField if area else StringField
    return field_class(FIELD_LABELS[key], validators=required + [
        Length(max=MAX_LENGTH[key]), no_control_chars])


class NoticeSettingsForm(FlaskForm):
    agency = _text("agency")
    header = _text("header")
    office_code = _text("office_code")
    title = _text("title")
    addressees = _text("addressees")
    body = _text("body", area=True)
    attachment_title = _text("attachment_title")
    note = _text("note")
    cc = _text("cc")
    printer = _text("printer")
    letter_title = _text("letter_title")
    letter_body = _text("letter_body", area=True)

    def settings(self) -> dict:
        return {key: getattr(self, key).data for key in TEXT_KEYS}


class SealForm(FlaskForm):
    image = FileField(_l("Seal image (PNG with a transparent background)"),
                      validators=[FileRequired(_l("Choose a PNG file."))])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=1000),
                                                     no_control_chars])


class _SeriesFields(FlaskForm):
    office = StringField(_l("Office code"), validators=[DataRequired(), Length(max=12)])
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(2000, 2100)])


class FirstNumberForm(_SeriesFields):
    first = IntegerField(_l("First number"), validators=[DataRequired(), NumberRange(1, 99999)])


class ReserveNumberForm(_SeriesFields):
    once = OnceField()
    title = StringField(_l("Document the number is for"),
                        validators=[DataRequired(), Length(max=300), no_control_chars])


class VerifyCodeForm(FlaskForm):
    class Meta:
        csrf = False  # a lookup by GET changes nothing

    code = StringField(_l("Verification code"), validators=[DataRequired(), Length(max=40)])


class VerifyFileForm(FlaskForm):
    file = FileField(_l("The PDF you were given"),
                     validators=[FileRequired(_l("Choose the PDF file."))])
