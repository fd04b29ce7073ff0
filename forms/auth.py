"""Login and organization registration."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from forms.validators import credit_code, no_control_chars
from workflow.reference import CITIES, ORG_KIND_LABELS
from workflow.services.accounts import MIN_PASSWORD


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254),
                                                no_control_chars])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class RegistrationForm(FlaskForm):
    org_name = StringField(_l("Organization name"),
                           validators=[DataRequired(), Length(max=200), no_control_chars])
    credit_code = StringField(_l("Unified social credit code"),
                              validators=[DataRequired(), Length(max=30), credit_code])
    region_code = SelectField(_l("City"), validators=[Optional()])
    kind = SelectField(_l("Type of organization"), validators=[DataRequired()])
    independent_legal_person = BooleanField(_l("Independent legal person"), default=True)
    legal_representative = StringField(_l("Legal representative"),
                                       validators=[DataRequired(), Length(max=50),
                                                   no_control_chars])
    user_name = StringField(_l("Your name"),
                            validators=[DataRequired(), Length(max=100), no_control_chars])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30), no_control_chars])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"),
                             validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200)])
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[DataRequired(), EqualTo("password")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region_code.choices = [("", _l("From the credit code"))] + list(CITIES.items())
        self.kind.choices = list(ORG_KIND_LABELS.items())
