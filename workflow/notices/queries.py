"""The approval notice as it is read before it is issued: its texts checked, the draft
and its digest, what stops signing or issuing it, the number it would take, and the labels
of its documents. The writers are in notices/operations/."""
import hashlib
import json
import re
import string

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from workflow.calls.models import Call
from workflow.centers.models import Center
from workflow.core.config import links_lead_nowhere
from workflow.core.errors import ServiceError
from workflow.core.extensions import db
from workflow.core.regions import city_name
from workflow.core.states import CALLS_AWAITING_NOTICE, IN_PUBLICITY_STATES, AppState
from workflow.intake.models import Application
from workflow.lifecycle.permissions import notice_of
from workflow.notices.models import Notice, NoticeState, NumberSeries, OfficialDocument
from workflow.notices.settings import OPTIONAL, TEXT_KEYS, notice_settings_of

# An issuing-office code is a few Chinese characters: 鲁科字, 鲁科发, 鲁科函, 鲁工信发.
OFFICE_CODE = re.compile(r"[\u4e00-\u9fff]{2,12}\Z")
MAX_LENGTH = {"agency": 50, "header": 30, "office_code": 12, "title": 200, "addressees": 300,
              "body": 8000, "attachment_title": 200, "note": 100, "cc": 500, "printer": 50,
              "letter_title": 200, "letter_body": 4000}
NOTICE_FIELDS = frozenset({"year", "count", "agency", "platform"})
LETTER_FIELDS = NOTICE_FIELDS | {"center", "unit", "number", "notice_title", "date"}
FIELD_LABELS = {
    "agency": _l("Issuing agency"), "header": _l("Agency mark (red header)"),
    "office_code": _l("Office code of the number"), "title": _l("Title"),
    "addressees": _l("Addressees"), "body": _l("Body paragraphs"),
    "attachment_title": _l("Title of the attached list"), "note": _l("Note"),
    "cc": _l("Copies to"), "printer": _l("Printing office"), "letter_title": _l("Letter title"),
    "letter_body": _l("Letter paragraphs"),
}


def _placeholders(text: str) -> list[str]:
    """The placeholder names of `text`; ValueError for braces that are no plain placeholder."""
    names = []
    for _literal, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(name)
        names.append(name)
    return names


def check_settings(data: dict) -> dict:
    """The texts cleaned, or ServiceError naming every problem (lengths, office code,
    placeholders)."""
    clean, problems = {}, []
    for key in TEXT_KEYS:
        value = str(data.get(key) or "").replace("\r", "").strip()
        if key not in ("body", "letter_body"):
            value = " ".join(value.split())
        if not value and key not in OPTIONAL:
            problems.append(_("Fill in “%(field)s”.", field=FIELD_LABELS[key]))
        elif len(value) > MAX_LENGTH[key]:
            problems.append(_("“%(field)s” is longer than %(n)d characters.",
                              field=FIELD_LABELS[key], n=MAX_LENGTH[key]))
        allowed = (frozenset() if key == "agency"
                   else LETTER_FIELDS if key.startswith("letter_") else NOTICE_FIELDS)
        try:
            unknown = set(_placeholders(value)) - allowed
        except ValueError:
            unknown = {"?"}
        if unknown:
            problems.append(_("“%(field)s” uses braces that are not a known placeholder; known: "
                              "%(known)s.", field=FIELD_LABELS[key],
                              known=" ".join(f"{{{n}}}" for n in sorted(allowed)) or "-"))
        clean[key] = value
    if clean["office_code"] and not OFFICE_CODE.match(clean["office_code"]):
        problems.append(_("The office code is 2 to 12 Chinese characters, e.g. 鲁科字."))
    if problems:
        raise ServiceError(*problems)
    return clean


def fill(template: str, values: dict) -> str:
    return template.format_map(values)


def approval_pending(call: Call) -> list[Application]:
    """The applications the notice approves, in the order of its list: by city, then as
    they were filed."""
    return list(db.session.scalars(
        select(Application).where(Application.call_id == call.id,
                                  Application.state == AppState.APPROVAL_PENDING)
        .order_by(Application.region_code, Application.submitted_at, Application.id)))


def _unit(app: Application) -> dict:
    return {"application_id": app.id, "center": app.title, "lead_unit": app.lead_org.name,
            "cobuilders": [c.name for c in app.cobuilders], "city": city_name(app.region_code),
            "field": app.field.name if app.field else ""}


def draft_content(call: Call) -> dict:
    """What the notice and its letters will say, as plain data: the texts with the notice's
    placeholders filled, the seal, and the units listed."""
    settings = notice_settings_of(call)
    units = [_unit(app) for app in approval_pending(call)]
    values = {"year": call.year, "count": len(units), "agency": settings.agency,
              "platform": call.platform_type.name}
    content = {key: fill(text, values) for key, text in settings.texts().items()
               if not key.startswith("letter_")}
    content["paragraphs"] = [p.strip() for p in content.pop("body").split("\n") if p.strip()]
    content["addressees"] = content["addressees"].rstrip(":：") + "："
    content.update(letter_title=settings.letter_title,
                   letter_paragraphs=[p.strip() for p in settings.letter_body.split("\n")
                                      if p.strip()],
                   values=values, seal=settings.seal, units=units)
    return content


def digest(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def draft_problems(call: Call) -> list[str]:
    """Why the notice of `call` cannot be signed or issued now (empty: it can)."""
    problems = []
    notice = notice_of(call)
    if notice is not None and notice.state != NoticeState.SIGNED:
        return [_("The notice of this call is issued already.")]
    if call.state not in CALLS_AWAITING_NOTICE:
        problems.append(_("The notice follows the public announcement; this call has not "
                          "reached it."))
    waiting = db.session.scalar(select(func.count()).select_from(Application).where(
        Application.call_id == call.id, Application.state.in_(IN_PUBLICITY_STATES)))
    if waiting:
        problems.append(_("%(n)d applications are still in the public announcement or in "
                          "objection review.", n=waiting))
    if not approval_pending(call):
        problems.append(_("No application of this call is waiting for approval."))
    try:
        check_settings(notice_settings_of(call).texts())
    except ServiceError as error:
        problems.extend(error.problems)
    return problems


def signature_current(call: Call, notice: Notice | None) -> bool:
    """Whether the leader's signature covers the draft as it is now."""
    return notice is not None and notice.content_sha256 == digest(draft_content(call))


def base_url_problems() -> list[str]:
    """In production, a PUBLIC_BASE_URL that is still a loopback address: the QR code and
    link of every issued PDF would lead nowhere, and an issued PDF can never be changed."""
    if not links_lead_nowhere(current_app.config):
        return []
    base = current_app.config["PUBLIC_BASE_URL"]
    return [_("The public address of this site (PUBLIC_BASE_URL) is still %(url)s, which only "
              "leads back to the reader's own computer. The QR code and link printed on every "
              "issued document would not work, and an issued document can never be changed. "
              "Ask the administrator to set PUBLIC_BASE_URL to the address the public reaches "
              "this site at and to restart it, then issue.", url=base)]


def issue_problems(call) -> list[str]:
    """Why the officer cannot issue the notice of `call` now (empty: they can)."""
    notice = notice_of(call)
    if notice is None:
        return [_("A leader signs the draft before it is issued."), *base_url_problems()]
    problems = draft_problems(call)
    if not problems and notice.content_sha256 != digest(draft_content(call)):
        problems.append(_("The draft changed after the leader signed it; the leader signs it "
                          "again before it is issued."))
    return problems + base_url_problems()


def label(doc: OfficialDocument) -> str:
    """鲁科字〔2022〕154号 通知, or 鲁科字〔2022〕154号 复函 山东…有限公司."""
    number = doc.notice.number.text if doc.notice.number else ""
    if doc.kind == "notice":
        return f"{number} 通知"
    return f"{number} 复函 {doc.application.lead_org.name}"


def series(office: str, year: int) -> NumberSeries | None:
    return db.session.scalar(select(NumberSeries).where(
        NumberSeries.office == office, NumberSeries.year == year))


def revocations(application_ids) -> dict[int, object]:
    """When the centers of these applications were revoked, by application id (only the
    revoked ones): the verification pages of their documents say so."""
    return dict(db.session.execute(select(Center.application_id, Center.revoked_at).where(
        Center.application_id.in_(list(application_ids)), Center.revoked_at.is_not(None))).all())
