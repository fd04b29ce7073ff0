"""The forms of annual reports: the department's round, the lead unit's report (a value per
indicator and the narrative sections), an attachment, and the reviews."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from forms.base import FlaskForm, OnceField
from forms.validators import no_control_chars
from workflow.centers.indicators import INDICATORS
from workflow.reports.models import SECTIONS
from workflow.reports.rules import NARRATIVE_MAX


class RoundForm(FlaskForm):
    once = OnceField()
    year = IntegerField(_l("Year reported on"),
                        validators=[InputRequired(), NumberRange(2000, 2100)])
    platform_type_id = SelectField(_l("Platform type"), coerce=int,
                                   validators=[InputRequired()])
    due_on = DateField(_l("Deadline (end of the day, Beijing time)"),
                       validators=[InputRequired()])


class ReportForm(FlaskForm):
    """The values are checked by the operation (reports/rules.py: values_problems), which
    says what is wrong with each; the form only keeps what was typed."""

    def values(self) -> dict[str, str]:
        return {i.code: (self[f"v_{i.code}"].data or "").strip() for i in INDICATORS}

    def narrative(self) -> dict[str, str]:
        return {key: self[f"s_{key}"].data or "" for key, _label in SECTIONS}

    @classmethod
    def of(cls, report, **kwargs):
        data = {f"v_{v.code}": _plain(v.value) for v in report.values}
        data.update({f"s_{key}": (report.narrative or {}).get(key, "")
                     for key, _label in SECTIONS})
        return cls(formdata=None, data=data, **kwargs)


def _plain(value) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


for _indicator in INDICATORS:
    setattr(ReportForm, f"v_{_indicator.code}", StringField(
        _indicator.label, validators=[Optional(), Length(max=20)]))
for _key, _label in SECTIONS:
    setattr(ReportForm, f"s_{_key}", TextAreaField(
        _label, validators=[Optional(), Length(max=NARRATIVE_MAX), no_control_chars]))


class AttachmentForm(FlaskForm):
    file = FileField(_l("PDF file"), validators=[DataRequired(_l("Choose a PDF file."))])


class ReviewForm(FlaskForm):
    decision = RadioField(_l("Decision"), choices=[("pass", _l("Pass on or accept")),
                                                    ("return", _l("Return with reasons"))],
                          validators=[InputRequired(_l("Choose a decision."))])
    reason = TextAreaField(_l("Reasons (needed to return it)"),
                           validators=[Optional(), Length(max=2000), no_control_chars])

