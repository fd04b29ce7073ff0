"""The approval notice's draft: the call's editable texts and seal, the units it lists,
and the leader's signature on exactly that draft.

The texts live in `call.notice_settings`; an empty setting takes the default below. They
may use placeholders: {year}, {count}, {agency}, {platform} everywhere, and in the
letter's texts also {center}, {unit}, {number}, {notice_title}, {date}. Official document
content is Chinese whatever the UI language: it is data, not translated text.
"""
import hashlib
import io
import json
import secrets
import string

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from workflow.calls.models import Call
from workflow.core import audit, storage
from workflow.core.clock import now
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.reference import city_name
from workflow.core.states import AppState, CallState
from workflow.intake.models import Application
from workflow.lifecycle import handoffs
from workflow.lifecycle.permissions import can, notice_of
from workflow.notices.models import Notice, OfficialDocument
from workflow.notices.operations.numbers import OFFICE_CODE

PARAGRAPHS = (
    "根据《山东省技术创新中心管理办法》，经单位申报、各市推荐、形式审查、专家评审、社会公示等"
    "程序，决定认定{count}家单位为{year}年度山东省{platform}（名单见附件）。",
    "各{platform}要按照建设方案要求，强化组织领导，完善运行机制，加大研发投入，集聚创新资源，"
    "加快突破关键核心技术，推动科技成果转移转化，切实发挥对产业发展的引领支撑作用。",
    "各依托单位要切实履行主体责任，在人员、经费、场地等方面提供必要保障。各市科技局要加强指导"
    "服务，在政策、资金、人才等方面给予支持。",
    "{agency}将按照有关规定，对{platform}实行年度报告和绩效评价制度，评价结果作为动态调整和"
    "政策支持的重要依据。",
)
LETTER_PARAGRAPHS = (
    "根据《{notice_title}》（{number}），你单位牵头申报的{center}经认定为{year}年度山东省"
    "{platform}。",
    "请你单位按照建设方案，会同共建单位抓紧组织实施，加大研发投入，完善运行管理机制，按要求"
    "报送年度报告，确保建设任务按期完成。",
    "特此函告。",
)
DEFAULTS = {
    "header": "{agency}文件",
    "office_code": "鲁科字",
    "title": "{agency}关于认定{year}年度山东省{platform}的通知",
    "addressees": "各市科技局，省直有关部门，有关单位",
    "body": "\n".join(PARAGRAPHS),
    "attachment_title": "{year}年度山东省{platform}名单",
    "note": "（此件公开发布）",
    "cc": "省发展改革委，省工业和信息化厅，省财政厅。",
    "printer": "{agency}办公室",
    "letter_title": "{agency}关于同意建设{center}的函",
    "letter_body": "\n".join(LETTER_PARAGRAPHS),
}
TEXT_KEYS = ("agency", *DEFAULTS)
OPTIONAL = frozenset({"note", "cc"})
MAX_LENGTH = {"agency": 50, "header": 30, "office_code": 12, "title": 200, "addressees": 300,
              "body": 8000, "attachment_title": 200, "note": 100, "cc": 500, "printer": 50,
              "letter_title": 200, "letter_body": 4000}
NOTICE_FIELDS = frozenset({"year", "count", "agency", "platform"})
LETTER_FIELDS = NOTICE_FIELDS | {"center", "unit", "number", "notice_title", "date"}
WAITING = (AppState.PUBLICITY, AppState.OBJECTION_REVIEW)


def settings_of(call: Call) -> dict:
    """The notice texts of a call: what the officer saved, the defaults for the rest."""
    saved = call.notice_settings or {}
    merged = {"agency": call.platform_type.issuing_department, **DEFAULTS}
    # An optional text the officer emptied stays empty (no 附注, no 抄送).
    merged.update({k: v for k, v in saved.items()
                   if k in TEXT_KEYS and (v or k in OPTIONAL)})
    merged["seal"] = saved.get("seal")
    return merged


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


def save_settings(call: Call, data: dict, *, actor) -> dict:
    """Save the notice texts of `call` (the seal stays); writes an audit row naming the
    changed texts."""
    if not can(actor, "notice.edit", call):
        raise PermissionDenied("notice.edit")
    clean = check_settings(data)
    before = settings_of(call)
    changed = [k for k in TEXT_KEYS if before.get(k) != clean[k]]
    seal = (call.notice_settings or {}).get("seal")
    call.notice_settings = {**clean, **({"seal": seal} if seal else {})}
    audit.record(actor=actor, action="notice_settings", call=call, comment=", ".join(changed))
    db.session.flush()
    return clean


SEAL_MAX_BYTES = 2 * 1024 * 1024
SEAL_PIXELS = (100, 4000)


def _check_seal(data: bytes) -> None:
    """A PNG that decodes, of a sensible size in bytes and in pixels, or ServiceError."""
    if len(data) > SEAL_MAX_BYTES:
        raise ServiceError(_("The seal image is larger than %(mb)d MB.", mb=2))
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ServiceError(_("The seal must be a PNG image; this file is not one.")) from exc
    if kind != "PNG":
        raise ServiceError(_("The seal must be a PNG image; this file is not one."))
    low, high = SEAL_PIXELS
    if not (low <= width <= high and low <= height <= high):
        raise ServiceError(_("The seal image must be %(low)d to %(high)d pixels wide and high.",
                             low=low, high=high))


def store_seal(call: Call, *, stream, actor) -> dict:
    """Check and store the seal image of a call's notice, printed red over the signature.
    A replaced seal's file stays: a signed draft may name it. Writes an audit row."""
    if not can(actor, "notice.edit", call):
        raise PermissionDenied("notice.edit")
    data = stream.read(SEAL_MAX_BYTES + 1)
    if not data:
        raise ServiceError(_("The file is empty."))
    _check_seal(data)
    name = f"seal-{secrets.token_hex(16)}.png"
    storage.write_once(storage.seals_dir(), name, data)
    seal = {"stored_name": name, "sha256": storage.sha256_of(data), "size": len(data)}
    call.notice_settings = {**(call.notice_settings or {}), "seal": seal}
    audit.record(actor=actor, action="notice_seal", call=call, comment=seal["sha256"][:12])
    db.session.flush()
    return seal


def remove_seal(call: Call, *, actor) -> None:
    """Print the notice without a seal from now on; writes an audit row."""
    if not can(actor, "notice.edit", call):
        raise PermissionDenied("notice.edit")
    call.notice_settings = {k: v for k, v in (call.notice_settings or {}).items() if k != "seal"}
    audit.record(actor=actor, action="notice_seal", call=call, comment="-")
    db.session.flush()


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
    settings = settings_of(call)
    units = [_unit(app) for app in approval_pending(call)]
    values = {"year": call.year, "count": len(units), "agency": settings["agency"],
              "platform": call.platform_type.name}
    content = {key: fill(settings[key], values) for key in TEXT_KEYS
               if not key.startswith("letter_")}
    content["paragraphs"] = [p.strip() for p in content.pop("body").split("\n") if p.strip()]
    content["addressees"] = content["addressees"].rstrip(":：") + "："
    content.update(letter_title=settings["letter_title"],
                   letter_paragraphs=[p.strip() for p in settings["letter_body"].split("\n")
                                      if p.strip()],
                   values=values, seal=settings["seal"], units=units)
    return content


def digest(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def draft_problems(call: Call) -> list[str]:
    """Why the notice of `call` cannot be signed or issued now (empty: it can)."""
    problems = []
    notice = notice_of(call)
    if notice is not None and notice.state != "signed":
        return [_("The notice of this call is issued already.")]
    if call.state not in (CallState.PUBLICITY, CallState.DECIDED):
        problems.append(_("The notice follows the public announcement; this call has not "
                          "reached it."))
    waiting = db.session.scalar(select(func.count()).select_from(Application).where(
        Application.call_id == call.id, Application.state.in_(WAITING)))
    if waiting:
        problems.append(_("%(n)d applications are still in the public announcement or in "
                          "objection review.", n=waiting))
    if not approval_pending(call):
        problems.append(_("No application of this call is waiting for approval."))
    try:
        check_settings({k: v for k, v in settings_of(call).items() if k in TEXT_KEYS})
    except ServiceError as error:
        problems.extend(error.problems)
    return problems


def sign_notice(call: Call, *, actor) -> Notice:
    """The leader signs (签发) the current draft: the notice row holds that draft, frozen,
    and its digest; signing again replaces it. Writes an audit row; the officers are told
    to issue it."""
    if not can(actor, "notice.sign", call):
        raise PermissionDenied("notice.sign")
    problems = draft_problems(call)
    if problems:
        raise ServiceError(*problems)
    content = draft_content(call)
    notice = notice_of(call) or Notice(call_id=call.id, state="signed")
    notice.content, notice.content_sha256 = content, digest(content)
    notice.signed_by_id, notice.signed_at = actor.id, now()
    db.session.add(notice)
    audit.record(actor=actor, action="sign_notice", call=call,
                 comment=f"{content['title']} ({len(content['units'])}) "
                         f"sha256 {notice.content_sha256[:12]}")
    try:
        db.session.flush()
    except IntegrityError as exc:  # another leader signed the first draft at the same moment
        raise ServiceError(_("Someone else issued or signed this notice a moment ago. Reload "
                             "the page.")) from exc
    handoffs.notice_signed(call, actor)
    return notice


def signature_current(call: Call, notice: Notice | None) -> bool:
    """Whether the leader's signature covers the draft as it is now."""
    return notice is not None and notice.content_sha256 == digest(draft_content(call))


def issue_guard(app: Application, actor) -> list[str]:
    """ISSUE_NOTICE needs the stored notice and this application's stored letter."""
    letter = db.session.scalar(select(OfficialDocument).where(
        OfficialDocument.application_id == app.id))
    if letter is None or letter.stored_at is None or any(
            d.stored_at is None for d in letter.notice.documents if d.kind == "notice"):
        return [_("Approvals are issued for the whole call, as one numbered notice, from the "
                  "call's notice page.")]
    return []


FIELD_LABELS = {
    "agency": _l("Issuing agency"), "header": _l("Agency mark (red header)"),
    "office_code": _l("Office code of the number"), "title": _l("Title"),
    "addressees": _l("Addressees"), "body": _l("Body paragraphs"),
    "attachment_title": _l("Title of the attached list"), "note": _l("Note"),
    "cc": _l("Copies to"), "printer": _l("Printing office"), "letter_title": _l("Letter title"),
    "letter_body": _l("Letter paragraphs"),
}
