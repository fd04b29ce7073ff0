"""The expert pool: the import file, an expert's profile, past employers, declared relations."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import DateField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from forms.base import FlaskForm, OnceField
from forms.fields import TermsField
from forms.validators import credit_code, no_control_chars
from workflow.experts.operations.pool import EMAIL
from workflow.experts.operations.profile import MAX_FIELDS, end_problem, start_problem

IMPORT_MAX_BYTES = 1024 * 1024  # a 1 MB workbook holds some ten thousand experts

EMPLOYMENT_ROLE_LABELS = {"employee": _l("Employee"), "board": _l("Board member")}
RELATION_KIND_LABELS = {
    "kin": _l("Kin (family)"),
    "coauthor": _l("Co-author of papers, patents or projects"),
    "supervisor": _l("I supervised this person"),
    "student": _l("This person supervised me"),
    "investment": _l("I invested in the organization or with this person"),
    "helped_write": _l("I helped write their application"),
}


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


def _starts_in_range(form, field) -> None:
    problem = start_problem(field.data)
    if problem:
        raise ValidationError(problem)


def _ends_after(start_name: str):
    """The end of a period does not come before its start (the service's rule, on the field)."""
    def check(form, field) -> None:
        problem = end_problem(form[start_name].data, field.data)
        if problem:
            raise ValidationError(problem)
    return check


def _text(label, *, required: bool, max_length: int, **kwargs) -> StringField:
    first = InputRequired(_l("This is required.")) if required else Optional()
    return StringField(label, validators=[first, Length(max=max_length), no_control_chars],
                       **kwargs)


class ExpertImportForm(FlaskForm):
    file = FileField(_l("Excel (.xlsx) or CSV file"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["xlsx", "csv"], _l("Upload an .xlsx or a .csv file.")),
        FileSize(IMPORT_MAX_BYTES, message=_l("The file may have at most 1 MB."))])


class ExpertProfileForm(FlaskForm):
    """`fields` holds the ids of terms of the vocabulary (`offer` sets which)."""

    title = _text(_l("Professional title"), required=True, max_length=50)
    fields = TermsField(_l("Technical fields"), most=MAX_FIELDS)
    phone = _text(_l("Phone"), required=False, max_length=30)
    email = StringField(_l("Email"), validators=[
        InputRequired(_l("This is required.")), Length(max=254),
        Regexp(EMAIL, message=_l("Give a valid email address."))])

    def profile_data(self) -> dict:
        return {"title": self.title.data, "phone": self.phone.data or "",
                "email": self.email.data, "fields": list(self.fields.data or [])}


class EmploymentForm(FlaskForm):
    once = OnceField()
    org_name = _text(_l("Organization"), required=True, max_length=200)
    credit_code = StringField(_l("Its credit code"), validators=[
        InputRequired(_l("This is required.")), Length(max=30), credit_code])
    role = SelectField(_l("As"), choices=_choices(EMPLOYMENT_ROLE_LABELS))
    start_date = DateField(_l("From"), validators=[InputRequired(_l("Give the start date.")),
                                                   _starts_in_range])
    end_date = DateField(_l("Until (empty if still)"),
                         validators=[Optional(), _ends_after("start_date")])

    def employment_data(self) -> dict:
        return {name: getattr(self, name).data
                for name in ("org_name", "credit_code", "role", "start_date", "end_date")}


class RelationForm(FlaskForm):
    once = OnceField()
    kind = SelectField(_l("Relation"), choices=_choices(RELATION_KIND_LABELS))
    person_name = _text(_l("Person's name"), required=False, max_length=50)
    credit_code = StringField(_l("Or the organization's credit code"),
                              validators=[Optional(), Length(max=30), credit_code])
    since = DateField(_l("Since"), validators=[Optional(), _starts_in_range])
    until = DateField(_l("Until"), validators=[Optional(), _ends_after("since")])
    note = TextAreaField(_l("Note (e.g. the organization's name, the paper or the project)"),
                         validators=[Optional(), Length(max=500), no_control_chars])

    def relation_data(self) -> dict:
        return {"kind": self.kind.data, "person_name": self.person_name.data or "",
                "credit_code": self.credit_code.data or "", "since": self.since.data,
                "until": self.until.data, "note": self.note.data or ""}
