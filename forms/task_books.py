"""Forms of the task book. The indicator table, the tasks and the budget are read from the
posted fields by `workflow.task_books.rules.read_content` (their number depends on the
construction years and the tasks typed); these forms carry the CSRF token and the reasons."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from forms.base import FlaskForm
from forms.validators import no_control_chars


class TaskBookForm(FlaskForm):
    """The edit page: its table's fields are read by the rules; `liability` is its own."""
    liability = TextAreaField(_l("Liability for missed targets"),
                              validators=[Optional(), Length(max=4000), no_control_chars])
    # The button pressed: save the draft, or save it and submit it to the city.
    then = StringField(validators=[AnyOf(("save", "submit"))])


class StepForm(FlaskForm):
    """A step that takes nothing but a click (start the book)."""


class ConfirmForm(FlaskForm):
    """Submitting or signing: the signer confirms having read what they send or sign."""
    confirm = BooleanField(_l("I have read the task book and confirm it."),
                           validators=[DataRequired(_l("Tick the box to confirm."))])


class DecisionForm(FlaskForm):
    """The city's or the department's decision: pass on (agree) or return, with reasons for
    a return (the operation refuses a return without them)."""
    decision = StringField(validators=[AnyOf(("pass", "return"))])
    comment = TextAreaField(_l("Opinion or reasons for returning it"),
                            validators=[Optional(), Length(max=2000), no_control_chars])
