"""Expert scoring: the score sheet built from a rubric, and the chair's and officer's small
forms (reopen reason, alarm note, stage score)."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DecimalField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from forms.base import FlaskForm
from forms.validators import no_control_chars, no_markup, quiet_nan
from workflow.review.rules.rubric import items


def score_sheet_form(rubric: dict, sheet=None, formdata=None) -> FlaskForm:
    """A number and a comment per rubric item, a checkbox per veto item and the overall
    comment: the saved sheet, overlaid by `formdata` (what was posted) when given."""
    attrs = {"overall": TextAreaField(_l("Overall comment"), validators=[
        Optional(), Length(max=4000), no_control_chars])}
    for _dimension, item in items(rubric):
        attrs[f"score_{item['code']}"] = DecimalField(
            item["label"], places=None, filters=[quiet_nan],
            validators=[Optional(), NumberRange(0, item["max"])])
        attrs[f"comment_{item['code']}"] = StringField(
            _l("Comment"), validators=[Optional(), Length(max=500), no_control_chars, no_markup])
    for veto in rubric.get("vetoes", []):
        attrs[f"veto_{veto['code']}"] = BooleanField(veto["label"])
    form_class = type("ScoreSheetForm", (FlaskForm,), attrs)
    data = {"overall": sheet.overall_comment if sheet else ""}
    for _dimension, item in items(rubric):
        data[f"score_{item['code']}"] = (sheet.scores.get(item["code"]) if sheet else None)
        data[f"comment_{item['code']}"] = (sheet.comments.get(item["code"], "") if sheet else "")
    for veto in rubric.get("vetoes", []):
        data[f"veto_{veto['code']}"] = bool(sheet and veto["code"] in sheet.vetoes)
    form = form_class(formdata=formdata, data=data)
    form.dimensions = [
        (dimension, [(item, form[f"score_{item['code']}"], form[f"comment_{item['code']}"])
                     for item in dimension["items"]])
        for dimension in rubric["dimensions"]]
    form.vetoes = [(veto, form[f"veto_{veto['code']}"]) for veto in rubric.get("vetoes", [])]
    return form


def sheet_data(form) -> dict:
    """The arguments of scoring.save_sheet taken from a validated form."""
    scores, comments = {}, {}
    for _dimension, rows in form.dimensions:
        for item, score, comment in rows:
            if score.data is not None:
                scores[item["code"]] = float(score.data)
            if comment.data:
                comments[item["code"]] = comment.data
    return {"scores": scores, "comments": comments,
            "vetoes": [veto["code"] for veto, box in form.vetoes if box.data],
            "overall": form.overall.data or ""}


class ReopenForm(FlaskForm):
    reason = TextAreaField(_l("Reason for reopening"), validators=[
        DataRequired(_l("Give the reason.")), Length(max=1000), no_control_chars])


class AlarmForm(FlaskForm):
    note = TextAreaField(_l("How the panel dealt with the disagreement"), validators=[
        DataRequired(_l("Write a note.")), Length(max=2000), no_control_chars])


class StageScoreForm(FlaskForm):
    score = DecimalField(_l("Score"), places=None, filters=[quiet_nan], validators=[
        InputRequired(_l("Give a score.")), NumberRange(0, 100, _l("Give 0 to 100."))])
