"""The review feature's forms: panels, score sheets and a call's review settings."""
from flask_babel import lazy_gettext as _l
from flask_wtf import i18n
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from forms.base import FlaskForm
from forms.validators import no_control_chars, no_markup, quiet_nan
from workflow.calls.operations.review_settings import (
    CODE,
    LABELS,
    POINTS,
    TIE_BREAKS,
    WEIGHTED,
    WHOLE,
)
from workflow.review.operations.assignment import SEED_LIMIT
from workflow.review.rules.rubric import items

# Panels: the seeded draw, an expert's answer to an invitation (inviting experts by hand:
# forms/bulk.py).


class DrawForm(FlaskForm):
    seed = IntegerField(_l("Seed of the draw"), validators=[
        InputRequired(_l("Give the seed of the draw.")),
        NumberRange(0, SEED_LIMIT, _l("Give a whole number from 0 to %(max)d.",
                                      max=SEED_LIMIT))])


class ReasonForm(FlaskForm):
    """Declining an invitation or declaring a conflict: the reason is required."""

    reason = TextAreaField(_l("Reason"), validators=[
        InputRequired(_l("Please give your reason.")), Length(max=500), no_control_chars])


# Expert scoring: the score sheet built from a rubric, and the chair's and officer's small
# forms (reopen reason, alarm note, stage score).


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


# A call's review settings, and its rubric as rows: dimensions, items and veto items. Blank
# rows are left out, so the page can offer empty rows to fill; a row is removed by ticking it.


WEIGHT_LABELS = {"review": _l("Weight of the expert review"),
                 "defense": _l("Weight of the defense"),
                 "site_visit": _l("Weight of the site visit")}


def _ranged(key: str, field_class, **options):
    low, high = {**WHOLE, **POINTS}[key]
    return field_class(LABELS[key], **options, validators=[
        InputRequired(_l("Give a value.")),
        NumberRange(low, high, _l("Give %(low)d to %(high)d.", low=low, high=high))])


def _weight(stage: str) -> DecimalField:
    return DecimalField(WEIGHT_LABELS[stage], places=2, filters=[quiet_nan], validators=[
        InputRequired(_l("Give a value.")), NumberRange(0, 1, _l("Give 0 to 1."))])


class ReviewSettingsForm(FlaskForm):
    k = _ranged("k", IntegerField)
    max_load = _ranged("max_load", IntegerField)
    same_city_conflict = BooleanField(LABELS["same_city_conflict"])
    expert_max_age = _ranged("expert_max_age", IntegerField)
    aggregation = SelectField(LABELS["aggregation"], choices=[
        ("trimmed", _l("Drop the highest and the lowest total, then the mean")),
        ("mean", _l("Plain mean of all totals"))])
    trim_from = _ranged("trim_from", IntegerField)
    alarm_range = _ranged("alarm_range", DecimalField, places=None, filters=[quiet_nan])
    alarm_stdev = _ranged("alarm_stdev", DecimalField, places=None, filters=[quiet_nan])
    weight_review = _weight("review")
    weight_defense = _weight("defense")
    weight_site_visit = _weight("site_visit")
    tie_break_1 = SelectField(_l("First tie-break"), validate_choice=True)
    tie_break_2 = SelectField(_l("Second tie-break"), validate_choice=True)

    def settings(self) -> dict:
        """The values as calls/operations/review_settings.py takes them."""
        numbers = {key: float(self[key].data) for key in POINTS}
        return {**{key: self[key].data for key in WHOLE}, **numbers,
                "same_city_conflict": self.same_city_conflict.data,
                "aggregation": self.aggregation.data,
                "weights": {stage: float(self[f"weight_{stage}"].data) for stage in WEIGHTED},
                "tie_breaks": [code for code in (self.tie_break_1.data, self.tie_break_2.data)
                               if code]}


def review_settings_form(settings: dict, rubric: dict, formdata=None) -> ReviewSettingsForm:
    """The form over `settings` (review_settings.current), tie-breaks among `rubric`'s
    dimensions; `formdata` overlays what was posted."""
    weights = settings["weights"] or {"review": 1}
    ties = settings["tie_breaks"] + [""] * TIE_BREAKS
    data = {**settings, **{f"weight_{stage}": weights.get(stage, 0) for stage in WEIGHTED},
            "tie_break_1": ties[0], "tie_break_2": ties[1]}
    form = ReviewSettingsForm(formdata=formdata, data=data)
    choices = [("", _l("none"))] + [(d["code"], d["label"]) for d in rubric["dimensions"]]
    form.tie_break_1.choices = form.tie_break_2.choices = choices
    return form


def _text(label, length: int):
    return StringField(label, filters=[lambda v: v.strip() if isinstance(v, str) else v],
                       validators=[Optional(), Length(max=length), no_control_chars, no_markup])


class _Row(Form):
    """A row of a list: WTForms' own messages in the reader's language, as in a FlaskForm."""

    class Meta:
        def get_translations(self, form):
            return i18n.translations


class DimensionRow(_Row):
    code = _text(_l("Code"), 40)
    label = _text(_l("Dimension"), 100)
    remove = BooleanField(_l("Remove"))


class ItemRow(_Row):
    dimension = _text(_l("Dimension code"), 40)
    code = _text(_l("Code"), 40)
    label = _text(_l("Item"), 100)
    max = IntegerField(_l("Points"), validators=[
        Optional(), NumberRange(1, 100, _l("Give a whole number from 1 to 100."))])
    fields = _text(_l("Application fields shown beside it"), 400)
    remove = BooleanField(_l("Remove"))

    def validate_fields(self, field):
        if any(not CODE.fullmatch(name) for name in names_of(field.data)):
            raise ValidationError(_l("Name fields of the application form by their names, "
                                     "separated by commas (small letters, digits and _)."))


def names_of(text: str | None) -> list[str]:
    return [n.strip() for n in (text or "").replace("，", ",").split(",") if n.strip()]


class VetoRow(_Row):
    code = _text(_l("Code"), 40)
    label = _text(_l("Veto item"), 100)
    remove = BooleanField(_l("Remove"))


class RubricForm(FlaskForm):
    dimensions = FieldList(FormField(DimensionRow), max_entries=30)
    items = FieldList(FormField(ItemRow), max_entries=150)
    vetoes = FieldList(FormField(VetoRow), max_entries=20)

    def _kept(self, rows) -> list:
        """Rows neither blank nor ticked for removal."""
        return [row.form for row in rows if not row.form.remove.data and any(
            f.data not in (None, "") for f in row.form if f.name != row.form.remove.name)]

    def validate(self, extra_validators=None) -> bool:
        """Each row on its own (code, label, points), then across rows: codes used once,
        items of known dimensions, dimensions with items."""
        valid = super().validate(extra_validators)
        dimensions, items, vetoes = (self._kept(self.dimensions), self._kept(self.items),
                                     self._kept(self.vetoes))
        rows = dimensions + items + vetoes
        for row in rows:
            if not CODE.fullmatch(row.code.data or ""):
                row.code.errors.append(_l("1 to 40 lowercase letters, digits or _, beginning "
                                          "with a letter."))
            if not row.label.data:
                row.label.errors.append(_l("Give a label."))
        codes = [row.code.data for row in rows]
        for row in rows:
            if row.code.data and codes.count(row.code.data) > 1:
                row.code.errors.append(_l("This code is used twice."))
        known = {row.code.data for row in dimensions}
        for row in items:
            if row.dimension.data not in known:
                row.dimension.errors.append(_l("No dimension above has this code."))
            if row.max.data is None and not row.max.errors:
                row.max.errors.append(_l("Give a whole number from 1 to 100."))
        for row in dimensions:
            if not any(item.dimension.data == row.code.data for item in items):
                row.code.errors.append(_l("This dimension has no items."))
        if not items:
            self.form_errors.append(_l("The rubric needs at least one item."))
        return valid and not self.form_errors and not any(
            field.errors for row in rows for field in row)

    def rubric(self) -> dict:
        """The rubric of the kept rows, in their order (call after `validate`)."""
        items = self._kept(self.items)
        return {
            "dimensions": [{"code": d.code.data, "label": d.label.data, "items": [
                {"code": i.code.data, "label": i.label.data, "max": i.max.data,
                 **({"fields": names_of(i.fields.data)} if names_of(i.fields.data) else {})}
                for i in items if i.dimension.data == d.code.data]}
                for d in self._kept(self.dimensions)],
            "vetoes": [{"code": v.code.data, "label": v.label.data}
                       for v in self._kept(self.vetoes)],
        }

    def add_blank_rows(self, dimensions: int = 1, items: int = 3, vetoes: int = 1) -> None:
        for rows, n in ((self.dimensions, dimensions), (self.items, items),
                        (self.vetoes, vetoes)):
            for _ in range(min(n, rows.max_entries - len(rows.entries))):
                rows.append_entry()


def rubric_form(rubric: dict, formdata=None) -> RubricForm:
    """The rubric as rows, with blank rows to add to; `formdata` replaces the rows posted."""
    data = {"dimensions": [{"code": d["code"], "label": d["label"]}
                           for d in rubric["dimensions"]],
            "items": [{"dimension": d["code"], "code": i["code"], "label": i["label"],
                       "max": i["max"], "fields": ", ".join(i.get("fields") or ())}
                      for d in rubric["dimensions"] for i in d["items"]],
            "vetoes": [{"code": v["code"], "label": v["label"]}
                       for v in rubric.get("vetoes", [])]}
    form = RubricForm(formdata=formdata, data=data)
    if formdata is None:
        form.add_blank_rows()
    return form


class ReviewDeadlineForm(FlaskForm):
    """The day by whose end the experts submit their score sheets; empty: no deadline."""

    deadline = DateField(_l("Experts submit their score sheets by the end of"),
                         validators=[Optional()])
