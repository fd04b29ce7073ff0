"""Ticking several rows of a list: the applications an action applies to, the experts to
invite to a panel. Which of the ids ticked may be acted on, the view checks."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import Length, ValidationError

from forms.base import FlaskForm
from forms.validators import no_control_chars
from workflow.lifecycle.bulk import MAX_AT_ONCE


class IdsField(SelectMultipleField):
    """The ids of the rows ticked: at least one, at most MAX_AT_ONCE."""

    def __init__(self, label=None, validators=None, *, empty=None, **kwargs):
        super().__init__(label, validators, coerce=int, choices=[], validate_choice=False,
                         **kwargs)
        self.empty = empty

    def process_formdata(self, valuelist):
        try:
            self.data = list(dict.fromkeys(int(value) for value in valuelist))
        except ValueError as error:
            self.data = []
            raise ValueError(_l("Tick rows of the list.")) from error

    def pre_validate(self, form):
        if not self.data:
            raise ValidationError(self.empty or _l("Tick at least one row."))
        if len(self.data) > MAX_AT_ONCE:
            raise ValidationError(_l("Tick at most %(n)d rows at once.", n=MAX_AT_ONCE))


class InviteExpertsForm(FlaskForm):
    expert_id = IdsField(_l("Experts"), empty=_l("Tick the experts to invite."))


class BulkActionForm(FlaskForm):
    """An action for the applications ticked; `action` offers those of the list (`offer`)."""

    app_id = IdsField(_l("Applications"), empty=_l("Tick the applications to act on."))
    action = SelectField(_l("Action"), validate_choice=False)
    comment = TextAreaField(_l("Reasons (one text for all)"),
                            validators=[Length(max=4000), no_control_chars])

    def offer(self, actions: dict, *, with_reasons=frozenset()) -> "BulkActionForm":
        """`actions` by value with their labels; those `with_reasons` need the reasons."""
        self.action.choices = [SelectChoice(value, label) for value, label in actions.items()]
        self.with_reasons = with_reasons
        return self

    def validate_action(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose one of the actions offered."))

    def validate_comment(self, field):
        if self.action.data in self.with_reasons and not (field.data or "").strip():
            raise ValidationError(_l("Give the reasons: they go to every application ticked."))
