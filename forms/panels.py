"""Panels: the seeded draw, an expert's answer to an invitation (inviting experts by hand:
forms/bulk.py)."""
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from forms.base import FlaskForm
from forms.validators import no_control_chars
from workflow.review.operations.assignment import SEED_LIMIT


class DrawForm(FlaskForm):
    seed = IntegerField(_l("Seed of the draw"), validators=[
        InputRequired(_l("Give the seed of the draw.")),
        NumberRange(0, SEED_LIMIT, _l("Give a whole number from 0 to %(max)d.",
                                      max=SEED_LIMIT))])


class ReasonForm(FlaskForm):
    """Declining an invitation or declaring a conflict: the reason is required."""

    reason = TextAreaField(_l("Reason"), validators=[
        InputRequired(_l("Please give your reason.")), Length(max=500), no_control_chars])
