"""The scope of the department's statistics: a range of call years, a platform type, and the
call whose funnel is drawn. Read from the query string: choosing changes nothing."""
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField
from wtforms.validators import NumberRange, Optional, ValidationError

from forms.base import FlaskForm

YEARS = NumberRange(2000, 2100, message=_l("Give a year between 2000 and 2100."))


class StatisticsScopeForm(FlaskForm):
    class Meta:
        csrf = False  # a GET that changes nothing

    year_from = IntegerField(_l("From year"), validators=[Optional(), YEARS])
    year_to = IntegerField(_l("To year"), validators=[Optional(), YEARS])
    platform_type = SelectField(_l("Platform type"), coerce=int, default=0,
                                validators=[Optional()])
    call = SelectField(_l("Call of the funnel"), coerce=int, default=0, validators=[Optional()])

    def offer(self, platform_types, calls, *, english: bool) -> "StatisticsScopeForm":
        self.platform_type.choices = [(0, _l("All platform types"))] + [
            (t.id, t.name_en if english else t.name) for t in platform_types]
        self.call.choices = [(0, _l("The newest call"))] + [
            (c.id, f"{c.year} {c.title}") for c in calls]
        return self

    def validate_year_to(self, field):
        if (field.data is not None and self.year_from.data is not None
                and field.data < self.year_from.data):
            raise ValidationError(_l("The end year cannot be before the start year."))
