"""User administration: an account created by invitation, a role given or taken, a search."""
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from forms.base import FlaskForm, OnceField
from forms.validators import credit_code, no_control_chars
from workflow.accounts.operations.users import MANAGED_ROLES
from workflow.core.reference import CITIES
from workflow.web.formatting import ROLE_LABELS


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice(str(r), ROLE_LABELS[r]) for r in MANAGED_ROLES]


class InviteUserForm(FlaskForm):
    once = OnceField()
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100),
                                               no_control_chars])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30), no_control_chars])
    roles = SelectMultipleField(_l("Roles"), choices=_role_choices,
                                validators=[DataRequired(message=_l("Choose at least one role."))],
                                invalid_choice_message=_l("Choose roles of the list."),
                                widget=ListWidget(prefix_label=False),
                                option_widget=CheckboxInput())
    credit_code = StringField(_l("Credit code of the organization"),
                              validators=[Optional(), Length(max=30), credit_code])
    org_name = StringField(_l("Name of the organization"),
                           validators=[Optional(), Length(max=200), no_control_chars])
    org_region = SelectField(_l("City of the organization"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.org_region.choices = ([SelectChoice("", _l("Choose the city"))]
                                   + [SelectChoice(c, n) for c, n in CITIES.items()])


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=_role_choices, validators=[DataRequired()])
