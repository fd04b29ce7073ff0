"""Choosing terms of the vocabulary of technical fields (a call's fields, an expert's), and the
officers' forms that keep the vocabulary."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from forms.base import FlaskForm, OnceField
from forms.validators import no_control_chars


class TermsField(SelectMultipleField):
    """Terms chosen by id among those `offer` gives (groups of vocabulary/rules.py, which
    the template shows as checkboxes under their industries); between `least` and `most`."""

    def __init__(self, label=None, validators=None, *, least: int = 1, most: int = 100,
                 **kwargs):
        super().__init__(label, validators, coerce=int, choices=[], **kwargs)
        self.groups, self.least, self.most = [], least, most

    def offer(self, groups) -> "TermsField":
        self.groups = groups
        self.choices = [SelectChoice(t.id, t.name) for group in groups for t in group.all_terms]
        return self

    def process_formdata(self, valuelist):
        try:
            self.data = list(dict.fromkeys(int(value) for value in valuelist))
        except ValueError as error:
            self.data = []
            raise ValueError(_l("Choose terms of the vocabulary.")) from error

    def pre_validate(self, form):
        offered = {choice.value for choice in self.choices}
        if any(value not in offered for value in self.data or []):
            raise ValidationError(_l("Choose terms of the vocabulary."))
        if not self.least <= len(self.data or []) <= self.most:
            raise ValidationError(_l("Choose %(least)d to %(most)d technical fields.",
                                     least=self.least, most=self.most))


class TermForm(FlaskForm):
    """A new term, or a term renamed and moved; `parent_id` offers the active industries."""

    name = StringField(_l("Name of the field"), validators=[
        InputRequired(_l("This is required.")), Length(max=100), no_control_chars])
    parent_id = SelectField(_l("Priority industry"), coerce=int,
                            validate_choice=False)

    def industries(self, groups, *, required: bool) -> "TermForm":
        self.parent_id.choices = ([] if required else [SelectChoice(0, "—")]) + [
            SelectChoice(g.industry.id, g.industry.name) for g in groups
            if g.industry is not None and g.industry.retired_at is None]
        return self

    def validate_parent_id(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose the priority industry the term belongs under."))


class NewTermForm(TermForm):
    """A term added: sent once, whatever the clicks."""

    once = OnceField()


class MergeForm(FlaskForm):
    into_id = SelectField(_l("Merge into"), coerce=int, validate_choice=False)

    def targets(self, groups, term) -> "MergeForm":
        self.into_id.choices = [SelectChoice(0, _l("Choose the term it means"))] + [
            SelectChoice(t.id, t.name, optgroup=g.industry.name if g.industry else None)
            for g in groups for t in g.all_terms if t.id != term.id and t.retired_at is None]
        return self

    def validate_into_id(self, field):
        if not field.data or field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose an active term to merge into."))
