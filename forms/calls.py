"""Creating a call."""
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from forms.validators import no_control_chars


class CallForm(FlaskForm):
    platform_type_id = SelectField(_l("Platform type"), coerce=int, validators=[DataRequired()])
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(2000, 2100)],
                        default=lambda: date.today().year)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200),
                                                  no_control_chars])
    description = TextAreaField(_l("Description"),
                                validators=[Optional(), Length(max=4000), no_control_chars])
    opens_at = DateTimeLocalField(_l("Filing opens (Beijing time)"), format="%Y-%m-%dT%H:%M",
                                  validators=[DataRequired()])
    closes_at = DateTimeLocalField(_l("Filing closes (Beijing time)"), format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired()])
    quota = IntegerField(_l("Places in total"), validators=[DataRequired(), NumberRange(1, 1000)],
                         default=30)
    recommender_quota = IntegerField(_l("Places per recommender"),
                                     validators=[DataRequired(), NumberRange(1, 100)], default=5)
    fields = TextAreaField(_l("Technical fields, one per line"),
                           validators=[DataRequired(), Length(max=5000), no_control_chars])
    attachments = TextAreaField(
        _l("Required attachments, one per line as code: label"),
        validators=[DataRequired(), Length(max=5000), no_control_chars],
    )

    def validate_closes_at(self, field):
        if self.opens_at.data and field.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The filing window must close after it opens."))

    def validate_fields(self, field):
        names = self.field_names()
        if len(names) > 100:
            raise ValidationError(_l("At most 100 technical fields."))
        if any(len(n) > 100 for n in names):
            raise ValidationError(_l("A field name has at most 100 characters."))

    def validate_attachments(self, field):
        try:
            pairs = self.attachment_pairs()
        except ValueError as exc:
            raise ValidationError(_l("Write each line as code: label, e.g. licence: 营业执照.")) \
                from exc
        codes = [c for c, _ in pairs]
        if len(set(codes)) != len(codes):
            raise ValidationError(_l("Each attachment code may appear only once."))

    def field_names(self) -> list[str]:
        return [n.strip() for n in (self.fields.data or "").splitlines() if n.strip()]

    def attachment_pairs(self) -> list[tuple[str, str]]:
        pairs = []
        for line in (self.attachments.data or "").splitlines():
            if not line.strip():
                continue
            code, sep, label = line.replace("：", ":").partition(":")
            code, label = code.strip(), label.strip()
            if not sep or not code or not label or len(code) > 40 or len(label) > 200 \
                    or not code.replace("_", "").isalnum() or not code.isascii():
                raise ValueError(line)
            pairs.append((code, label))
        return pairs
