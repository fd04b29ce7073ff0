"""The leader's selection, the announcement's settings, objections and their handling."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from forms.base import FlaskForm, OnceField
from forms.validators import no_control_chars
from workflow.publicity.operations.objections import Filing
from workflow.publicity.settings import SETTING_KEYS


class SelectionForm(FlaskForm):
    """Shortlist or not select; a reason is needed to not select and for any departure from
    the ranking (the server says when)."""

    reason = TextAreaField(_l("Reason"),
                           validators=[Optional(), Length(max=4000), no_control_chars])


class PublicitySettingsForm(FlaskForm):
    workdays = IntegerField(
        _l("Announcement period (working days)"),
        validators=[InputRequired(), NumberRange(1, 30, _l("Give 1 to 30 working days."))])
    title = StringField(_l("Title of the announcement"),
                        validators=[DataRequired(), Length(max=200), no_control_chars])
    basis = TextAreaField(_l("Basis: the rules and the call the selection follows"),
                          validators=[DataRequired(), Length(max=1000), no_control_chars])
    procedure = TextAreaField(_l("Procedure: how the list was decided"),
                              validators=[DataRequired(), Length(max=1000), no_control_chars])
    list_title = StringField(_l("Title of the list (the attachment)"),
                             validators=[DataRequired(), Length(max=200), no_control_chars])
    objection_address = StringField(_l("Where written objections are delivered"),
                                    validators=[DataRequired(), Length(max=200),
                                                no_control_chars])
    business_phone = StringField(_l("Business phone"),
                                 validators=[DataRequired(), Length(max=60), no_control_chars])
    supervision_phone = StringField(_l("Supervision phone"),
                                    validators=[DataRequired(), Length(max=60),
                                                no_control_chars])

    def values(self) -> dict[str, str]:
        return {key: self[key].data for key in SETTING_KEYS}


PHONE = Regexp(r"^[0-9+()\- ]{5,30}$", message=_l("Give a phone number of digits, spaces, "
                                                   "+, - and brackets."))


class ObjectionForm(FlaskForm):
    once = OnceField()
    filer_kind = RadioField(_l("You object as"), default="person",
                            choices=[("person", _l("A person, under your real name")),
                                     ("organization", _l("An organization, with its sealed "
                                                         "letter"))],
                            validators=[InputRequired()])
    entry_id = SelectField(_l("Listed center concerned"), coerce=int,
                           validators=[InputRequired()])
    person_name = StringField(_l("Your real name"),
                              validators=[Optional(), Length(max=50), no_control_chars])
    organization_name = StringField(_l("Name of the organization"),
                                    validators=[Optional(), Length(max=200), no_control_chars])
    contact_person = StringField(_l("Contact person"),
                                 validators=[Optional(), Length(max=50), no_control_chars])
    phone = StringField(_l("Phone"), validators=[Optional(), PHONE])
    email = StringField(_l("Email"), validators=[Optional(), Length(max=254), Email()])
    content = TextAreaField(_l("Your objection and its grounds"),
                            validators=[DataRequired(), Length(max=5000), no_control_chars])
    letter = FileField(_l("Letter with the organization's seal (PDF)"))

    def set_entries(self, entries) -> "ObjectionForm":
        self.entry_id.choices = [(e.id, f"{e.position}. {e.center_name}（{e.lead_unit}）")
                                 for e in entries]
        return self

    def filing(self) -> Filing:
        upload = self.letter.data
        return Filing(kind=self.filer_kind.data, entry_id=self.entry_id.data,
                      content=self.content.data or "", person_name=self.person_name.data or "",
                      organization_name=self.organization_name.data or "",
                      contact_person=self.contact_person.data or "",
                      phone=self.phone.data or "", email=self.email.data or "",
                      letter_filename=getattr(upload, "filename", "") or "",
                      letter=upload.stream if upload else None)


class HandlingForm(FlaskForm):
    notes = TextAreaField(_l("Investigation notes"),
                          validators=[DataRequired(), Length(max=4000), no_control_chars])
    outcome = RadioField(_l("Outcome"),
                         choices=[("admissible", _l("Admissible: the leader decides")),
                                  ("not_admissible", _l("Not admissible: close it (withdrawn "
                                                        "by the filer, not about a listed "
                                                        "center, ...)"))],
                         validators=[InputRequired()])
