"""The accounts feature's forms: login, the second factor, passwords set from a link or
changed, organization registration, and user administration."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from forms.base import FlaskForm, OnceField
from forms.organizations import LICENCE_REQUIRED, PDF_ONLY, OrganizationFields, checked_pdf
from forms.validators import credit_code, no_control_chars
from workflow.accounts.operations.users import MANAGED_ROLES
from workflow.accounts.rules.passwords import MAX_LENGTH, password_problems
from workflow.core import reference
from workflow.web.formatting import ROLE_LABELS

# Login, the second factor, passwords set from a link or changed, organization registration.


SAME_PASSWORD = _l("The two passwords differ; type the same password twice.")


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254),
                                                no_control_chars])
    password = PasswordField(_l("Password"), validators=[DataRequired(),
                                                         Length(max=MAX_LENGTH)])


class SecondFactorForm(FlaskForm):
    code = StringField(_l("Code from your authenticator app, or a recovery code"),
                       validators=[DataRequired(), Length(max=20), no_control_chars],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                                  "autofocus": True})


class EnrolForm(FlaskForm):
    code = StringField(_l("The 6-digit code the app shows now"),
                       validators=[DataRequired(), Length(max=10), no_control_chars],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class NewPasswordMixin:
    """A new password typed twice and checked against the rules; `user_inputs` lists what
    would make it easy to guess (the email, the name)."""

    user_inputs: tuple = ()

    def validate_password(self, field) -> None:
        problems = password_problems(field.data or "", user_inputs=self.user_inputs)
        if problems:
            raise ValidationError(problems[0])


class SetPasswordForm(NewPasswordMixin, FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[DataRequired(), EqualTo("password",
                                                                message=SAME_PASSWORD)],
                            render_kw={"autocomplete": "new-password"})


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField(_l("Current password"),
                            validators=[DataRequired(), Length(max=MAX_LENGTH)],
                            render_kw={"autocomplete": "current-password"})


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])


class ConfirmPasswordForm(FlaskForm):
    """A password typed again before a change to the second factor."""

    password = PasswordField(_l("Your password"),
                             validators=[DataRequired(), Length(max=MAX_LENGTH)],
                             render_kw={"autocomplete": "current-password"})


class RegistrationForm(OrganizationFields, NewPasswordMixin, FlaskForm):
    """A unit, its business licence and its first account; the unit waits for verification."""

    once = OnceField()

    licence = FileField(_l("Business licence (营业执照), PDF"),
                        validators=[FileRequired(message=LICENCE_REQUIRED), checked_pdf],
                        render_kw=PDF_ONLY)
    user_name = StringField(_l("Your name"),
                            validators=[DataRequired(), Length(max=100), no_control_chars])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30), no_control_chars])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[DataRequired(), EqualTo("password",
                                                                message=SAME_PASSWORD)],
                            render_kw={"autocomplete": "new-password"})

    @property
    def user_inputs(self) -> tuple:
        return (self.email.data, self.user_name.data, self.org_name.data)


# User administration: an account created by invitation, a role given or taken, a search.


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
    # Each name in its own language, as on the language button.
    language = SelectField(_l("Language of the invitation and of later mails"),
                           choices=[SelectChoice("zh_CN", "中文"), SelectChoice("en", "English")],
                           default="zh_CN")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.org_region.choices = ([SelectChoice("", _l("Choose the city"))]
                                   + [SelectChoice(c, n) for c, n in reference.cities().items()])


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=_role_choices, validators=[DataRequired()])
