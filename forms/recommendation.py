"""The recommender's decision form (a rank within the quota and an opinion), a call's chain
of recommendation, and a unit's supervising department."""
from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from forms.base import FlaskForm
from forms.validators import no_control_chars, no_markup
from workflow.calls.chains import DEFAULT_COUNTY_QUOTA, Chain


class RecommendForm(FlaskForm):
    # The service checks the rank against the free ones and says which are free; the
    # select only offers them, so a rank outside the list is a stale page or tampering.
    rank = SelectField(_l("Rank"), coerce=int, validate_choice=False,
                       validators=[DataRequired(_l("Choose one of the free ranks."))])
    opinion = TextAreaField(_l("Recommendation opinion"), validators=[
        DataRequired(_l("Write the recommendation opinion.")), Length(max=2000),
        no_control_chars, no_markup])

    def set_ranks(self, free: list[int]) -> "RecommendForm":
        self.rank.choices = [(r, str(r)) for r in free]
        if self.rank.data is None and free:
            self.rank.data = free[0]
        return self


CHAIN_LABELS = {
    Chain.CITY: _l("City only"),
    Chain.COUNTY_CITY: _l("County first, then city"),
    Chain.DEPARTMENT: _l("Provincial departments (supervising departments of the units)"),
}


class ChainForm(FlaskForm):
    """A call's chain of recommendation with the county level's quota and deadline; the city
    (or department) level keeps the call's recommender quota and recommendation deadline."""

    chain = SelectField(_l("Chain of recommendation"), choices=list(CHAIN_LABELS.items()),
                        validators=[InputRequired()])
    county_quota = IntegerField(
        _l("Places per county bureau"), default=DEFAULT_COUNTY_QUOTA,
        validators=[InputRequired(), NumberRange(1, 100, _l("Give 1 to 100 places."))])
    county_deadline = DateTimeLocalField(
        _l("County deadline (Beijing time, optional)"), format="%Y-%m-%dT%H:%M",
        validators=[Optional()])


class SupervisorForm(FlaskForm):
    """The provincial department a unit names as its supervising department (0: none); the
    view offers the verified provincial departments, the operation checks the one chosen."""

    supervisor_id = SelectField(_l("Supervising department"), coerce=int,
                                validate_choice=False)

    def offer(self, departments) -> "SupervisorForm":
        self.supervisor_id.choices = [(0, _l("None")), *((d.id, d.name) for d in departments)]
        return self
