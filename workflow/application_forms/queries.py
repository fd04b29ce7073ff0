"""Which form an application or a call uses, and an application's values by key and name."""
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from workflow.application_forms import schema
from workflow.application_forms.models import CURRENT_FORMS, ApplicationForm
from workflow.application_forms.shipped import SHIPPED
from workflow.core import clock, regions
from workflow.core.extensions import db
from workflow.intake.models import Application

FALLBACK = "tech_innovation_center"


def default_template(call) -> str:
    """The shipped form a new call of `call`'s platform type and stage starts from."""
    code = call.platform_type.code if call.platform_type is not None else FALLBACK
    if code == "manufacturing_innovation_center" and call.stage == "recognition":
        return "manufacturing_recognition"
    return code if code in SHIPPED else FALLBACK


CACHE = CURRENT_FORMS


def current_form(call) -> ApplicationForm | None:
    """The newest version of `call`'s form, read once per session (a page's; a list of
    applications asks it for each of them); operations._write forgets it."""
    known = db.session.info.setdefault(CACHE, {})
    if call.id not in known:
        known[call.id] = db.session.scalar(
            select(ApplicationForm).where(ApplicationForm.call_id == call.id)
            .order_by(ApplicationForm.version.desc()).limit(1))
    return known[call.id]


def versions(call) -> list[ApplicationForm]:
    return list(db.session.scalars(select(ApplicationForm).where(
        ApplicationForm.call_id == call.id).order_by(ApplicationForm.version)))


def form_row_of(app) -> ApplicationForm | None:
    """The version `app` is filled in: a draft never filed names the call's newest
    (operations._write moves them along), a filed one keeps its own."""
    if app.form_id is not None:
        return app.form
    return current_form(app.call)


def form_of(app) -> schema.FormDef:
    """The form `app` is filled in."""
    row = form_row_of(app)
    return row.form if row is not None else call_form(app.call)


def call_form(call) -> schema.FormDef:
    row = current_form(call)
    return row.form if row is not None else schema.read(SHIPPED[default_template(call)][1])


def values(app) -> dict:
    """Every value of `app` by field key, over all its sections."""
    out: dict = {}
    for section in app.sections:
        out.update(section.data or {})
    return out


def named_values(app, form: schema.FormDef | None = None) -> dict:
    """`app`'s values by the names eligibility rules, the rubric and statistics use."""
    form = form or form_of(app)
    data = values(app)
    return {f.role: data.get(f.key) for f in form.fields()}


def form_of_snapshot(snapshot: dict, call) -> schema.FormDef:
    """The form a filed version was filled in: the one its snapshot names; a version filed
    before forms were data was filled in the call's first form (the migration made it)."""
    form_id = snapshot.get("form_id")
    row = db.session.get(ApplicationForm, form_id) if form_id else None
    if row is None:
        row = db.session.scalar(select(ApplicationForm).where(
            ApplicationForm.call_id == call.id).order_by(ApplicationForm.version).limit(1))
    return row.form if row is not None else call_form(call)


def current_definition(call) -> dict:
    """The stored JSON of `call`'s newest form; its default template's while it has none."""
    row = current_form(call)
    return row.definition if row is not None else SHIPPED[default_template(call)][1]


def version(call, number: int) -> ApplicationForm | None:
    return db.session.scalar(select(ApplicationForm).where(
        ApplicationForm.call_id == call.id, ApplicationForm.version == number))


def with_forms(calls) -> list:
    """Those of `calls` that have a form of their own (to copy from)."""
    ids = set(db.session.scalars(select(ApplicationForm.call_id).distinct().where(
        ApplicationForm.call_id.in_([c.id for c in calls]))))
    return [c for c in calls if c.id in ids]


def applications_by_version(call) -> dict[int, int]:
    """How many of `call`'s applications keep each version of its form, by the version's id."""
    return dict(db.session.execute(
        select(Application.form_id, func.count()).where(
            Application.call_id == call.id, Application.form_id.is_not(None))
        .group_by(Application.form_id)).all())


@dataclass(frozen=True)
class ExportSheet:
    """The filed applications of a call, one row each, as the forms they were filed in lay
    them out: the fixed columns, then a column per field of any version used (the newest
    version's order first)."""
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]


FIXED_HEADERS = ("编号", "中心名称", "牵头单位", "统一社会信用代码", "所在市", "技术领域",
                 "状态", "版本", "提交时间")


def export_sheet(call, state_labels: dict) -> ExportSheet:
    """What each filed application of `call` holds in its latest filed version, field by
    field (schema.value_text), in Chinese like the documents."""
    apps = db.session.scalars(
        select(Application).where(Application.call_id == call.id,
                                  Application.version_count > 0)
        .options(selectinload(Application.versions)).order_by(Application.id)).all()
    filed = [(app, app.versions[-1]) for app in apps if app.versions]
    columns: dict[tuple[str, str], str] = {}
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        filed_in = {}  # the form of each version used, read once
        for _app, version in filed:
            if version.snapshot.get("form_id") not in filed_in:
                filed_in[version.snapshot.get("form_id")] = form_of_snapshot(version.snapshot,
                                                                             call)
        for used in (call_form(call), *filed_in.values()):
            for section in used.sections:
                for f in section.fields:
                    columns.setdefault((section.key, f.key),
                                       f"{section.title}-{f.label_for(call.year)}")
        rows = []
        for app, version in filed:
            form = filed_in[version.snapshot.get("form_id")]
            data = version.snapshot.get("sections", {})
            cells = {(s.key, f.key): schema.value_text(f, data.get(s.key, {}).get(f.key))
                     for s in form.sections for f in s.fields}
            rows.append((app.id, version.snapshot.get("title", ""), app.lead_org.name,
                         app.lead_org.credit_code, regions.city_name(app.region_code),
                         version.snapshot.get("field", ""),
                         str(state_labels.get(app.state, app.state)), version.number,
                         clock.local(version.submitted_at).strftime("%Y-%m-%d %H:%M"),
                         *(cells.get(key, "") for key in columns)))
    return ExportSheet(title=f"{call.title}申报汇总", headers=FIXED_HEADERS + tuple(
        columns.values()), rows=tuple(rows))
