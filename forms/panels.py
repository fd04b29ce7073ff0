"""Panels: the seeded draw, a manual seat, an expert's answer to an invitation."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from forms.validators import no_control_chars
from workflow.services.assignment import SEED_LIMIT


class DrawForm(FlaskForm):
    seed = IntegerField(_l("Seed of the draw"), validators=[
        InputRequired(_l("Give the seed of the draw.")),
        NumberRange(0, SEED_LIMIT, _l("Give a whole number from 0 to %(max)d.",
                                      max=SEED_LIMIT))])


class AddSeatForm(FlaskForm):
    """`expert_id` offers the eligible experts not excluded from the application."""

    expert_id = SelectField(_l("Expert"), coerce=int,
                            validators=[InputRequired(_l("Choose an expert."))])


class ReasonForm(FlaskForm):
    """Declining an invitation or declaring a conflict: the reason is required."""

    reason = TextAreaField(_l("Reason"), validators=[
        InputRequired(_l("Please give your reason.")), Length(max=500), no_control_chars])
