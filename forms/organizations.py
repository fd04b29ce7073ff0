"""A unit's registered data and business licence (at registration and when corrected after a
rejection), and the verifier's decision forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from werkzeug.datastructures import FileStorage
from wtforms import (
    BooleanField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from forms.base import FlaskForm
from forms.validators import credit_code, no_control_chars
from workflow.core import reference
from workflow.core.errors import ServiceError
from workflow.core.pdf_check import read_upload
from workflow.core.reference import ORG_KIND_LABELS

PDF_ONLY = {"accept": "application/pdf,.pdf"}
LICENCE_REQUIRED = _l("Choose the PDF file of the business licence (营业执照).")


def checked_pdf(form, field) -> None:
    """Parse the uploaded PDF (core/pdf_check.py) and keep the result as `field.checked`;
    a file that is not an acceptable PDF is refused with the reason. No file: nothing to do
    (FileRequired says when one is needed)."""
    field.checked = None
    if isinstance(field.data, FileStorage) and field.data:
        try:
            field.checked = read_upload(field.data.stream)
        except ServiceError as error:
            raise ValidationError(error.problems[0]) from error


class OrganizationFields:
    """The registered data of a unit, for a FlaskForm that mixes them in."""

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region_code.choices = ([SelectChoice("", _l("From the credit code"))]
                                    + [SelectChoice(c, n) for c, n in reference.cities().items()])
        self.kind.choices = [SelectChoice(k, label) for k, label in ORG_KIND_LABELS.items()]

    def organization_data(self) -> dict:
        """The registered data as the services take it."""
        return {name: getattr(self, name).data for name in (
            "org_name", "credit_code", "region_code", "kind", "independent_legal_person",
            "legal_representative")}


class CorrectionForm(OrganizationFields, FlaskForm):
    """A rejected unit corrects its registration, with a new licence or without."""

    licence = FileField(_l("New business licence (PDF, optional)"), validators=[checked_pdf],
                        render_kw=PDF_ONLY)

    @classmethod
    def of(cls, org) -> "CorrectionForm":
        """The form filled with what `org` registered (not read from the request)."""
        return cls(formdata=None, org_name=org.name, credit_code=org.credit_code,
                   region_code=org.region_code, kind=org.kind,
                   independent_legal_person=org.independent_legal_person,
                   legal_representative=org.legal_representative)


class LicenceForm(FlaskForm):
    licence = FileField(_l("Business licence (PDF)"),
                        validators=[FileRequired(message=LICENCE_REQUIRED), checked_pdf],
                        render_kw=PDF_ONLY)


class VerifyForm(FlaskForm):
    # The licence the verifier looked at: a newer upload stops the decision.
    licence_id = HiddenField()

    def licence(self) -> int | None:
        return int(self.licence_id.data) if (self.licence_id.data or "").isdigit() else None


class RejectForm(VerifyForm):
    reason = TextAreaField(_l("Reason, for the unit to read"),
                           validators=[DataRequired(message=_l("Give the reason.")),
                                       Length(max=1000), no_control_chars])
