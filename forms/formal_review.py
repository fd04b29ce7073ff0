"""Formal review: the checklist findings, the decision with reasons, the correction request."""
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from forms.base import FlaskForm
from forms.validators import no_control_chars, no_markup

FINDING_CHOICES = (("ok", _l("OK")), ("failed", _l("Not OK")), ("", _l("Not checked")))
_FINDING_VALUE = {"ok": True, "failed": False, "": None}


def checklist_form(items, findings: dict, formdata=None) -> FlaskForm:
    """A form with a finding and a note per checklist item: the saved findings, overlaid by
    `formdata` (what was posted) when given."""
    attrs = {}
    for item in items:
        attrs[f"ok_{item.code}"] = RadioField(item.label, choices=FINDING_CHOICES, default="")
        attrs[f"note_{item.code}"] = StringField(
            _l("Note"), validators=[Optional(), Length(max=500), no_control_chars, no_markup])
    form_class = type("ChecklistForm", (FlaskForm,), attrs)
    data = {}
    for item in items:
        saved = findings.get(item.code, {})
        data[f"ok_{item.code}"] = {True: "ok", False: "failed"}.get(saved.get("ok"), "")
        data[f"note_{item.code}"] = saved.get("note", "")
    form = form_class(formdata=formdata, data=data)
    form.items = [(item, form[f"ok_{item.code}"], form[f"note_{item.code}"]) for item in items]
    return form


def findings_of(form, *, rest_ok: bool = False) -> dict:
    """The findings of the form; with `rest_ok`, every item not marked "Not OK" is OK (the
    officer then changes the exceptions)."""
    def finding(value):
        found = _FINDING_VALUE[value or ""]
        return True if rest_ok and found is None else found

    return {item.code: {"ok": finding(ok.data), "note": note.data or ""}
            for item, ok, note in form.items}


class DecisionForm(FlaskForm):
    comment = TextAreaField(_l("Reasons"), validators=[Optional(), Length(max=4000),
                                                       no_control_chars])


class CorrectionForm(FlaskForm):
    working_days = IntegerField(
        _l("Working days to correct"),
        validators=[InputRequired(_l("Give the number of working days.")),
                    NumberRange(1, 60, _l("Give 1 to 60 working days."))])
    message = TextAreaField(_l("Message to the applicant (optional)"),
                            validators=[Optional(), Length(max=2000), no_control_chars])
