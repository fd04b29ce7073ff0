"""The recommender's decision form: a rank within the quota and an opinion."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from forms.base import FlaskForm
from forms.validators import no_control_chars, no_markup


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
