"""The approval notice's draft: the call's editable texts and seal, the units it lists,
and the leader's signature on exactly that draft.

The texts and the seal, with their defaults and placeholders, are NoticeSettings
(workflow/notices/settings.py), stored in `call.notice_settings`.
"""
import io
import secrets

from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from workflow.calls.models import Call
from workflow.core import audit, storage
from workflow.core.clock import now
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.departments.rules import foreign_office_code
from workflow.intake.models import Application
from workflow.lifecycle import handoffs
from workflow.lifecycle.permissions import can, notice_of
from workflow.notices.models import Notice, NoticeState, OfficialDocument
from workflow.notices.queries import check_settings, digest, draft_content, draft_problems
from workflow.notices.settings import TEXT_KEYS, NoticeSettings, notice_settings_of


def save_settings(call: Call, data: dict, *, actor) -> dict:
    """Save the notice texts of `call` (the seal stays); writes an audit row naming the
    changed texts."""
    if not can(actor, "notice.edit", call):
        raise PermissionDenied("notice.edit")
    clean = check_settings(data)
    if foreign_office_code(clean["office_code"], call.department_id):
        raise ServiceError(_("%(code)s is another department's office code: its numbers are "
                             "that department's series.", code=clean["office_code"]))
    before = notice_settings_of(call)
    changed = [k for k in TEXT_KEYS if getattr(before, k) != clean[k]]
    call.notice_settings = NoticeSettings(**clean, seal=before.seal).to_json()
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
    stored = storage.write_once(storage.seals_dir(), name, data)
    seal = {"stored_name": name, "sha256": stored.sha256, "size": stored.size}
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
    notice = notice_of(call) or Notice(call_id=call.id, state=NoticeState.SIGNED)
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


def issue_guard(app: Application, actor) -> list[str]:
    """ISSUE_NOTICE needs the stored notice and this application's stored letter."""
    letter = db.session.scalar(select(OfficialDocument).where(
        OfficialDocument.application_id == app.id))
    if letter is None or letter.stored_at is None or any(
            d.stored_at is None for d in letter.notice.documents if d.kind == "notice"):
        return [_("Approvals are issued for the whole call, as one numbered notice, from the "
                  "call's notice page.")]
    return []

