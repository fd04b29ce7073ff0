"""Forms of the departments' administration. The operations check every rule again
(departments/rules.py check_department); these give each field its label and first checks."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from forms.base import FlaskForm, OnceField
from forms.validators import no_control_chars
from workflow.core import regions
from workflow.core.reference import province_code
from workflow.departments.models import DepartmentLevel
from workflow.departments.rules import LENGTHS, DepartmentData

LEVEL_LABELS = {DepartmentLevel.PROVINCE: _l("Provincial department"),
                DepartmentLevel.CITY: _l("City bureau")}


def region_choices(current: str | None = None) -> list[tuple[str, str]]:
    """The installation's province and its cities, and the region a department has now."""
    province = province_code()
    codes = [province] + [city.code for city in regions.cities(province)]
    if current and current not in codes:
        codes.insert(0, current)
    return [(code, regions.full_name(code) or code) for code in codes]


class DepartmentForm(FlaskForm):
    name = StringField(_l("Department name"), validators=[
        DataRequired(), Length(max=LENGTHS["name"]), no_control_chars])
    short_name = StringField(_l("Short name"), validators=[
        DataRequired(), Length(max=LENGTHS["short_name"]), no_control_chars])
    office_code = StringField(_l("Office code of its document numbers"), validators=[
        DataRequired(), Length(max=12), no_control_chars])
    agency_name = StringField(_l("Agency name printed on its notices"), validators=[
        DataRequired(), Length(max=LENGTHS["agency_name"]), no_control_chars])
    level = SelectField(_l("Level"), choices=list(LEVEL_LABELS.items()))
    region_code = SelectField(_l("Region"), choices=[])
    active = BooleanField(_l("Active: its officers and leaders work, new calls can be made"),
                          default=True)

    def offer_regions(self, current: str | None = None) -> "DepartmentForm":
        self.region_code.choices = region_choices(current)
        return self

    def department_data(self) -> DepartmentData:
        return DepartmentData(name=self.name.data or "", short_name=self.short_name.data or "",
                              office_code=self.office_code.data or "",
                              agency_name=self.agency_name.data or "", level=self.level.data,
                              region_code=self.region_code.data or "",
                              active=bool(self.active.data))


class NewDepartmentForm(DepartmentForm):
    once = OnceField()


class AssignDepartmentForm(FlaskForm):
    department_id = SelectField(_l("Works for"), coerce=int, choices=[])

    def offer(self, departments) -> "AssignDepartmentForm":
        self.department_id.choices = [(0, _l("No department"))] + [
            (d.id, f"{d.name}（{d.office_code}）") for d in departments]
        return self
