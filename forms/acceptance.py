"""Acceptance's forms: the lead unit's self-assessment and attachments, the officer's
assignment run, outcome and rubric, the expert's answer to an invitation and the chair's
confirmation (the score sheet is the review's, built from the acceptance rubric)."""
import json

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from forms.base import FlaskForm, OnceForm
from forms.organizations import PDF_ONLY
from forms.validators import no_control_chars
from workflow.acceptance.models import OUTCOME_LABELS, Outcome
from workflow.acceptance.operations.requests import NARRATIVE_LIMIT
from workflow.review.operations.assignment import SEED_LIMIT
from workflow.review.rules.rubric import validate_rubric


def self_assessment_form(lines, request, formdata=None) -> FlaskForm:
    """A value per indicator the task book sets a final target for, and the narrative: the
    saved request, overlaid by what was posted."""
    attrs = {"narrative": TextAreaField(_l("Narrative of the self-assessment"), validators=[
        Optional(), Length(max=NARRATIVE_LIMIT), no_control_chars])}
    for line in lines:
        attrs[f"value_{line.indicator.code}"] = StringField(
            line.indicator.label, validators=[Optional(), Length(max=30)])
    form_class = type("SelfAssessmentForm", (FlaskForm,), attrs)
    data = {"narrative": request.narrative}
    for line in lines:
        value = (request.values or {}).get(line.indicator.code)
        data[f"value_{line.indicator.code}"] = "" if value is None else f"{value:g}"
    form = form_class(formdata=formdata, data=data)
    form.rows = [(line, form[f"value_{line.indicator.code}"]) for line in lines]
    return form


def self_assessment_data(form) -> dict:
    return {"values": {line.indicator.code: field.data for line, field in form.rows},
            "narrative": form.narrative.data or ""}


class AttachmentForm(OnceForm):
    file = FileField(_l("Attachment (PDF)"), render_kw=PDF_ONLY, validators=[
        FileRequired(message=_l("Choose a PDF file."))])


class AssignForm(FlaskForm):
    method = RadioField(_l("How to fill the panels"), default="optimal", choices=[
        ("optimal", _l("The optimal assignment (best field match, loads balanced)")),
        ("draw", _l("A random draw with a recorded seed"))])
    seed = IntegerField(_l("Seed of the draw"), validators=[
        Optional(), NumberRange(0, SEED_LIMIT, _l("Give a whole number from 0 to %(max)d.",
                                                  max=SEED_LIMIT))])

    def validate_seed(self, field):
        if self.method.data == "draw" and field.data is None:
            raise ValidationError(_l("Give the seed of the draw."))


class RespondForm(FlaskForm):
    answer = RadioField(_l("Your answer"), choices=[
        ("accept", _l("Accept")), ("decline", _l("Decline the invitation"))],
        validators=[DataRequired(_l("Accept or decline."))])
    reason = TextAreaField(_l("Reason for declining (a conflict of interest, for example)"),
                           validators=[Optional(), Length(max=500), no_control_chars])

    def validate_reason(self, field):
        if self.answer.data == "decline" and not (field.data or "").strip():
            raise ValidationError(_l("Please give your reason."))


class ConfirmForm(FlaskForm):
    note = TextAreaField(_l("How the panel dealt with the disagreement (with an alarm)"),
                         validators=[Optional(), Length(max=2000), no_control_chars])


class OutcomeForm(FlaskForm):
    outcome = RadioField(_l("Outcome"), choices=[(o.value, OUTCOME_LABELS[o]) for o in Outcome],
                         validators=[DataRequired(_l("Choose the outcome."))])
    conditions = TextAreaField(_l("Conditions (for a pass with conditions)"),
                               validators=[Optional(), Length(max=4000), no_control_chars])
    rectify_by = DateField(_l("Apply again by (for a deferral)"), validators=[Optional()])
    opinion = TextAreaField(_l("Opinion and reasons"),
                            validators=[Optional(), Length(max=4000), no_control_chars])


class RubricForm(FlaskForm):
    rubric = TextAreaField(_l("Acceptance rubric (JSON)"), validators=[
        DataRequired(), Length(max=20000)])

    def validate_rubric(self, field):
        try:
            value = json.loads(field.data)
        except ValueError as exc:
            raise ValidationError(_l("The rubric is not valid JSON.")) from exc
        if not isinstance(value, dict) or not isinstance(value.get("dimensions"), list):
            raise ValidationError(_l("The rubric needs a list of dimensions."))
        try:
            problems = validate_rubric(value)
        except (KeyError, TypeError) as exc:
            raise ValidationError(_l("Each dimension needs a code, a label and items; each "
                                     "item a code, a label and a maximum.")) from exc
        if problems:
            raise ValidationError(" ".join(problems))
        field.parsed = value


class LapseForm(FlaskForm):
    reason = TextAreaField(_l("Reasons for failing the acceptance"), validators=[
        DataRequired(_l("Please give your reasons.")), Length(max=4000), no_control_chars])
