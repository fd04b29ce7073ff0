"""Adding or correcting a day of the working-day calendar."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, StringField
from wtforms.validators import InputRequired, Length, Optional

from forms.base import FlaskForm
from forms.validators import no_control_chars, no_markup


class CalendarDayForm(FlaskForm):
    day = DateField(_l("Date"), validators=[InputRequired(_l("Give a date."))])
    kind = RadioField(_l("The day is"), default="holiday", choices=[
        ("workday", _l("a working day (e.g. a make-up workday)")),
        ("holiday", _l("a rest day (a public holiday)"))])
    note = StringField(_l("Note, e.g. Spring Festival"), validators=[Optional(), Length(max=100),
                                                       no_control_chars, no_markup])
