"""The evaluation's forms: opening a round with its settings, an expert review, the
announcement of the results, the decision of an objection (filed with publicity's
ObjectionForm), and the rectification's plan or report, return and re-evaluation."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from forms.base import FlaskForm
from forms.validators import no_control_chars
from workflow.evaluation.models import GRADE_LABELS, Grade
from workflow.evaluation.operations.results import TEXT_KEYS
from workflow.evaluation.settings import SETTING_KEYS, EvaluationSettings


class RectificationDocumentForm(FlaskForm):
    text = TextAreaField(_l("Content"),
                         validators=[DataRequired(), Length(max=8000), no_control_chars])
    document = FileField(_l("Signed document (PDF)"))


class ReturnForm(FlaskForm):
    reason = TextAreaField(_l("Reasons"),
                           validators=[DataRequired(), Length(max=4000), no_control_chars])


class ReevaluationForm(FlaskForm):
    score = StringField(_l("Expert review score (0-100)"),
                        validators=[DataRequired(), Length(max=10)])
    opinion = TextAreaField(_l("Expert review opinion"),
                            validators=[DataRequired(), Length(max=4000), no_control_chars])


class OpenRoundForm(FlaskForm):
    """The platform type, the year and the round's settings (EvaluationSettings), checked by
    the settings themselves when the round opens."""

    platform_type_id = SelectField(_l("Platform type"), coerce=int, validators=[InputRequired()])
    year = IntegerField(_l("Year of the evaluation"),
                        validators=[InputRequired(), NumberRange(2000, 2100)])
    every_years = IntegerField(_l("Evaluate every (years)"), validators=[InputRequired()])
    excellent_from = IntegerField(_l("Excellent from (score)"), validators=[InputRequired()])
    good_from = IntegerField(_l("Good from (score)"), validators=[InputRequired()])
    qualified_from = IntegerField(_l("Qualified from (score)"), validators=[InputRequired()])
    rectification_years = IntegerField(_l("Rectification period (years)"),
                                       validators=[InputRequired()])
    plan_days = IntegerField(_l("Rectification plan due after (days)"),
                             validators=[InputRequired()])

    def settings(self) -> EvaluationSettings:
        return EvaluationSettings(**{key: self[key].data for key in SETTING_KEYS})


class RateForm(FlaskForm):
    score = StringField(_l("Expert review score (0-100)"),
                        validators=[DataRequired(), Length(max=10)])
    reviewer = StringField(_l("Who ran the expert review"),
                           validators=[DataRequired(), Length(max=200), no_control_chars])
    opinion = TextAreaField(_l("Expert review opinion"),
                            validators=[DataRequired(), Length(max=4000), no_control_chars])
    report = FileField(_l("Expert review report (PDF)"))


class PublishResultsForm(FlaskForm):
    workdays = IntegerField(
        _l("Announcement period (working days)"),
        validators=[InputRequired(), NumberRange(1, 30, _l("Give 1 to 30 working days."))])
    objection_address = StringField(_l("Where written objections are delivered"),
                                    validators=[DataRequired(), Length(max=200),
                                                no_control_chars])
    business_phone = StringField(_l("Business phone"),
                                 validators=[DataRequired(), Length(max=60), no_control_chars])
    supervision_phone = StringField(_l("Supervision phone"),
                                    validators=[DataRequired(), Length(max=60),
                                                no_control_chars])

    def texts(self) -> dict[str, str]:
        return {key: self[key].data for key in TEXT_KEYS}


class ObjectionDecisionForm(FlaskForm):
    outcome = RadioField(_l("Decision"), choices=[
        ("not_admissible", _l("Not admissible (anonymous in substance, not about the grade, "
                              "withdrawn, ...)")),
        ("dismissed", _l("Dismissed: the grade stands")),
        ("upheld", _l("Upheld: the center is given another grade"))],
        validators=[InputRequired()])
    grade = SelectField(_l("Grade given when upheld"), validators=[Optional()],
                        choices=[("", "—")] + [(g.value, GRADE_LABELS[g]) for g in Grade])
    reason = TextAreaField(_l("Reasons"),
                           validators=[DataRequired(), Length(max=4000), no_control_chars])


class ActionForm(FlaskForm):
    """A button that changes something (close a round, issue its results): the CSRF token."""
