"""The rectification's forms: the lead unit's plan or report, the officer's return and the
re-evaluation."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from forms.base import FlaskForm
from forms.validators import no_control_chars


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
