"""A center's change requests (name, lead unit, director, co-builders, each with its reason
and supporting PDF), the department's decision on one, and the leadership's revocation."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import FieldList, Form, FormField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from forms.base import FlaskForm, OnceForm
from forms.organizations import PDF_ONLY, checked_pdf
from forms.validators import credit_code, no_control_chars, no_markup
from workflow.centers.models import REASON_LABELS, ChangeKind
from workflow.centers.operations import ChangeRequest

DOCUMENT_REQUIRED = _l("Choose the PDF file of the supporting document.")
EXTRA_ROWS = 3  # empty rows for new co-builders
MAX_COBUILDERS = 30


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class _ChangeForm(OnceForm):
    kind: str
    reason = TextAreaField(_l("Reason for the change"),
                           validators=[DataRequired(), Length(max=2000), no_control_chars])
    document = FileField(_l("Supporting document (PDF)"), render_kw=PDF_ONLY,
                         validators=[FileRequired(message=DOCUMENT_REQUIRED), checked_pdf])

    def _request(self, **values) -> ChangeRequest:
        upload = self.document.data
        return ChangeRequest(kind=self.kind, reason=self.reason.data or "",
                             document_filename=getattr(upload, "filename", "") or "",
                             document=getattr(self.document, "checked", None), **values)


class NameChangeForm(_ChangeForm):
    kind = ChangeKind.NAME
    name = StringField(_l("New name of the center"), filters=[_strip],
                       validators=[DataRequired(), Length(max=200), no_control_chars, no_markup])

    def change_request(self) -> ChangeRequest:
        return self._request(name=self.name.data or "")


class DirectorChangeForm(_ChangeForm):
    kind = ChangeKind.DIRECTOR
    director = StringField(_l("New director"), filters=[_strip],
                           validators=[DataRequired(), Length(max=50), no_control_chars,
                                       no_markup])

    def change_request(self) -> ChangeRequest:
        return self._request(director=self.director.data or "")


class LeadUnitChangeForm(_ChangeForm):
    kind = ChangeKind.LEAD_UNIT
    credit_code = StringField(_l("Unified social credit code of the new lead unit"),
                              validators=[DataRequired(), Length(max=30), credit_code])

    def change_request(self) -> ChangeRequest:
        return self._request(credit_code=self.credit_code.data or "")


class CoBuilderRow(Form):
    credit_code = StringField(_l("Unified social credit code"), filters=[_strip],
                              validators=[Optional(), Length(max=30), no_control_chars])
    name = StringField(_l("Name of the unit"), filters=[_strip],
                       validators=[Optional(), Length(max=200), no_control_chars, no_markup])
    division_of_work = StringField(_l("Division of work"), filters=[_strip],
                                   validators=[Optional(), Length(max=1000), no_control_chars,
                                               no_markup])

    def blank(self) -> bool:
        return not (self.credit_code.data or self.name.data or self.division_of_work.data)


class CoBuildersChangeForm(_ChangeForm):
    kind = ChangeKind.COBUILDERS
    rows = FieldList(FormField(CoBuilderRow), max_entries=MAX_COBUILDERS + EXTRA_ROWS)

    def change_request(self) -> ChangeRequest:
        return self._request(cobuilders=[
            {"credit_code": row.form.credit_code.data or "", "name": row.form.name.data or "",
             "division_of_work": row.form.division_of_work.data or ""}
            for row in self.rows if not row.form.blank()])


CHANGE_FORMS = {form.kind: form for form in (NameChangeForm, LeadUnitChangeForm,
                                             DirectorChangeForm, CoBuildersChangeForm)}


def change_form(kind: str, current: list | None = None):
    """The form of a change of `kind` (what was sent, when it was); for the co-builders, the
    `current` ones (each with a credit code, name and division of work) filled in, and empty
    rows for new ones."""
    if kind != ChangeKind.COBUILDERS:
        return CHANGE_FORMS[kind]()
    rows = [{"credit_code": c.credit_code, "name": c.name,
             "division_of_work": c.division_of_work} for c in current or []]
    return CoBuildersChangeForm(data={"rows": rows + [{}] * EXTRA_ROWS})


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Decision"), choices=[("approve", _l("Approve the change")),
                                                   ("refuse", _l("Refuse the change"))],
                          validators=[InputRequired(_l("Choose approve or refuse."))])
    reason = TextAreaField(_l("Reasons"),
                           validators=[DataRequired(), Length(max=2000), no_control_chars])


class RevocationForm(OnceForm):
    reason_kind = RadioField(_l("Ground for revocation"),
                             choices=[(str(k), v) for k, v in REASON_LABELS.items()],
                             validators=[InputRequired(_l("Choose the ground."))])
    reason = TextAreaField(_l("Reasons, as the decision document states them"),
                           validators=[DataRequired(), Length(max=4000), no_control_chars])
