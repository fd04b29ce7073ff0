"""Creating a call, its recommendation and correction settings, its eligibility rules."""
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectChoice,
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

from forms.base import FlaskForm, OnceField
from forms.fields import TermsField
from forms.validators import no_control_chars
from workflow.calls.stages import PREREQUISITE_STATES, STAGE_LABELS
from workflow.intake.rules.eligibility import DEFAULT_RULES, RULES


class CallSettingsForm(FlaskForm):
    recommend_deadline = DateTimeLocalField(
        _l("Recommendation deadline (Beijing time, optional)"), format="%Y-%m-%dT%H:%M",
        validators=[Optional()])
    correction_workdays = IntegerField(
        _l("Working days to answer a correction request"), default=5,
        validators=[InputRequired(), NumberRange(1, 60, _l("Give 1 to 60 working days."))])
    correction_rounds = IntegerField(
        _l("Correction rounds allowed"), default=1,
        validators=[InputRequired(), NumberRange(0, 5, _l("Give 0 to 5 rounds."))])


class CallStageForm(FlaskForm):
    """A call's stage, whether it is rolling, and who may apply (the choices of
    `prerequisite_call_id` are the calls the view offers; the operation checks the one
    chosen, so a call that vanished or opens later is refused with its reason)."""

    stage = SelectField(_l("Stage"), choices=[SelectChoice(s.value, label) for s, label in
                                              STAGE_LABELS.items()], default="")
    rolling = BooleanField(_l("Rolling: open all year, each application decided on its own "
                              "with its own numbered decision"))
    prerequisite_call_id = SelectField(_l("Open only to units approved in the call"),
                                       coerce=int, validate_choice=False, default=0)
    prerequisite_state = SelectField(
        _l("Open only to units leading a center that is"),
        choices=[SelectChoice("", _l("(any unit)"))] + [
            SelectChoice(s.value, label) for s, label in PREREQUISITE_STATES.items()],
        default="")

    def offer_calls(self, calls, *, besides=None) -> "CallStageForm":
        self.prerequisite_call_id.choices = [SelectChoice(0, _l("(no prerequisite call)"))] + [
            SelectChoice(c.id, f"{c.year} · {c.title}") for c in calls if c is not besides]
        return self

    def stage_data(self) -> dict:
        return {"stage": self.stage.data or "", "rolling": bool(self.rolling.data),
                "prerequisite_call_id": self.prerequisite_call_id.data or None,
                "prerequisite_state": self.prerequisite_state.data or None}


class CallForm(CallSettingsForm, CallStageForm):
    once = OnceField()
    platform_type_id = SelectField(_l("Platform type"), coerce=int, validators=[DataRequired()])
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(2000, 2100)],
                        default=lambda: date.today().year)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200),
                                                  no_control_chars])
    description = TextAreaField(_l("Description"),
                                validators=[Optional(), Length(max=4000), no_control_chars])
    opens_at = DateTimeLocalField(_l("Filing opens (Beijing time)"), format="%Y-%m-%dT%H:%M",
                                  validators=[DataRequired()])
    closes_at = DateTimeLocalField(_l("Filing closes (Beijing time)"), format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired()])
    quota = IntegerField(_l("Places in total"), validators=[DataRequired(), NumberRange(1, 1000)],
                         default=30)
    recommender_quota = IntegerField(_l("Places per recommender"),
                                     validators=[DataRequired(), NumberRange(1, 100)], default=5)
    fields = TermsField(_l("Technical fields"))
    attachments = TextAreaField(
        _l("Required attachments, one per line as code: label"),
        validators=[DataRequired(), Length(max=5000), no_control_chars],
    )

    def validate_closes_at(self, field):
        if self.opens_at.data and field.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The filing window must close after it opens."))

    def validate_recommend_deadline(self, field):
        if self.closes_at.data and field.data and field.data <= self.closes_at.data:
            raise ValidationError(_l("The recommendation deadline must come after the call "
                                     "closes."))

    def validate_attachments(self, field):
        try:
            pairs = self.attachment_pairs()
        except ValueError as exc:
            raise ValidationError(_l("Write each line as code: label, e.g. licence: 营业执照.")) \
                from exc
        codes = [c for c, _ in pairs]
        if len(set(codes)) != len(codes):
            raise ValidationError(_l("Each attachment code may appear only once."))

    def attachment_pairs(self) -> list[tuple[str, str]]:
        pairs = []
        for line in (self.attachments.data or "").splitlines():
            if not line.strip():
                continue
            code, sep, label = line.replace("：", ":").partition(":")
            code, label = code.strip(), label.strip()
            if not sep or not code or not label or len(code) > 40 or len(label) > 200 \
                    or not code.replace("_", "").isalnum() or not code.isascii():
                raise ValueError(line)
            pairs.append((code, label))
        return pairs


def _rule_fields() -> dict:
    defaults = {r["rule"]: r for r in DEFAULT_RULES}
    attrs = {}
    for code, rule in RULES.items():
        attrs[f"enabled_{code}"] = BooleanField(rule.label)
        attrs[f"hard_{code}"] = BooleanField(_l("Hard rule: blocks the submission"),
                                             default=defaults.get(code, {}).get("hard", False))
        if rule.needs_value:
            attrs[f"value_{code}"] = StringField(rule.value_label, validators=[
                Optional(), Length(max=200), no_control_chars])
    return attrs


EligibilityForm = type("EligibilityForm", (FlaskForm,), _rule_fields())


def eligibility_form(rules: list[dict], formdata=None) -> FlaskForm:
    """The rule editor: one row per known rule, filled from the call's rules (a rule the
    call does not use shows its default hard flag and value, unticked)."""
    current = {r["rule"]: r for r in rules}
    defaults = {r["rule"]: r for r in DEFAULT_RULES}
    data = {}
    for code in RULES:
        rule = current.get(code) or defaults.get(code, {})
        data[f"enabled_{code}"] = code in current
        data[f"hard_{code}"] = bool(rule.get("hard"))
        data[f"value_{code}"] = str(rule.get("value", ""))
    form = EligibilityForm(formdata=formdata, data=data)
    form.rows = [(code, RULES[code], form[f"enabled_{code}"], form[f"hard_{code}"],
                  form._fields.get(f"value_{code}")) for code in RULES]
    return form


def rules_of_form(form) -> list[dict]:
    rules = []
    for code, _rule, enabled, hard, value in form.rows:
        if enabled.data:
            rule = {"rule": code, "hard": bool(hard.data)}
            if value is not None:
                rule["value"] = (value.data or "").strip()
            rules.append(rule)
    return rules


class ChecklistForm(FlaskForm):
    """The call's formal-review checklist, one item per line as code | label | scope."""

    items = TextAreaField(_l("Checklist items, one per line as code | label | scope"),
                          validators=[DataRequired(), Length(max=10000), no_control_chars])

    def validate_items(self, field):
        try:
            self.item_triples()
        except ValueError as exc:
            raise ValidationError(_l("Write each line as code | label | scope, e.g. "
                                     "budget | 经费预算合理 | section:budget. The code uses "
                                     "letters, digits and _ only (at most 40), the label at "
                                     "most 200 characters.")) from exc

    def item_triples(self) -> list[tuple[str, str, str]]:
        triples = []
        for line in (self.items.data or "").splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("｜", "|").split("|")]
            if len(parts) != 3 or not all(parts):
                raise ValueError(line)
            code, label, scope = parts
            if len(code) > 40 or len(label) > 200 or not code.isascii() \
                    or not code.replace("_", "").isalnum():
                raise ValueError(line)
            triples.append((code, label, scope))
        return triples
