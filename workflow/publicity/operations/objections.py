"""Objections to a published announcement: filed by anyone during the period, real-name or
sealed (anonymous and late ones are refused, and nothing is kept of them); handled by an
officer; closed as not admissible, or by the leader's decision on the objection review.
"""
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import func, select

from workflow.core import audit, storage
from workflow.core.clock import local, now
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.filenames import download_name
from workflow.core.pdf_check import read_upload
from workflow.core.states import Role
from workflow.inbox.notifications import notify, staff
from workflow.intake.models import Application
from workflow.lifecycle.permissions import can
from workflow.publicity import queries as publicity
from workflow.publicity.models import (
    OBJECTION_MACHINE,
    Objection,
    ObjectionStatus,
    Publicity,
    PublicityEntry,
)

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass
class Filing:
    """What a filer gives; `letter` is a readable stream (an organization's sealed letter)."""

    kind: str
    entry_id: int | None
    content: str
    person_name: str = ""
    organization_name: str = ""
    contact_person: str = ""
    phone: str = ""
    email: str = ""
    letter_filename: str = ""
    letter: object = None


def period_problems(announcement: Publicity) -> list[str]:
    """Objections are accepted from the first day of the period to the end of its last day,
    Beijing time."""
    if now() < publicity.starts_at(announcement):
        return [_("The announcement period begins on %(start)s; objections are accepted from "
                  "then.", start=announcement.start_date.isoformat())]
    if now() >= publicity.ends_at(announcement):
        return [_("The announcement period ended on %(end)s; late objections are not accepted.",
                  end=announcement.end_date.isoformat())]
    return []


def filing_problems(announcement: Publicity, filing: Filing) -> list[str]:
    problems = period_problems(announcement)
    if problems:
        return problems
    if not any(e.id == filing.entry_id for e in announcement.entries):
        problems.append(_("Choose the listed center your objection concerns."))
    if filing.kind == "organization":
        if not (filing.organization_name.strip() and filing.contact_person.strip()
                and filing.phone.strip()):
            problems.append(_("Anonymous objections are not accepted: give the organization's "
                              "name, a contact person and a phone number."))
        if filing.letter is None:
            problems.append(_("An organization objects by a letter bearing its seal: attach "
                              "it as a PDF."))
    elif filing.kind == "person":
        if not filing.person_name.strip() or not (filing.phone.strip() or filing.email.strip()):
            problems.append(_("Anonymous objections are not accepted: give your real name and "
                              "a phone number or an email address."))
    else:
        problems.append(_("Say whether you object as a person or as an organization."))
    if not filing.content.strip():
        problems.append(_("Write your objection and its grounds."))
    return problems


def receipt_number(prefix: str = "YY") -> str:
    """A receipt number for a filed objection: the prefix, today's date and six random
    characters (YY for the approval announcement's objections)."""
    token = "".join(secrets.choice(RECEIPT_ALPHABET) for _n in range(6))
    return f"{prefix}{local(now()):%Y%m%d}-{token}"


def checked_letter(filing: Filing, problems: list[str]):
    """The organization's letter of `filing` read and checked as a PDF (None when there is
    none); ServiceError with every problem, the filing's and the letter's, when there is
    one. Every announcement that takes objections files them through this and
    `filer_columns`."""
    letter = None
    if filing.kind == "organization" and filing.letter is not None:
        try:
            letter = read_upload(filing.letter)
        except ServiceError as error:
            problems = [*problems, *error.problems]
    if problems:
        raise ServiceError(*problems)
    return letter


def filer_columns(filing: Filing, letter) -> dict:
    """What an objection row keeps of its filer, and of the letter when one came."""
    organization = filing.kind == "organization"
    columns = {
        "filer_kind": filing.kind, "phone": filing.phone.strip(),
        "email": filing.email.strip(), "received_at": now(),
        "person_name": "" if organization else filing.person_name.strip(),
        "organization_name": filing.organization_name.strip() if organization else "",
        "contact_person": filing.contact_person.strip() if organization else ""}
    if letter is not None:
        columns.update(letter_name=secrets.token_hex(20) + ".pdf",
                       letter_original=_clean_name(filing.letter_filename),
                       letter_sha256=letter.sha256)
    return columns


def file_objection(announcement: Publicity, filing: Filing, *, actor) -> Objection:
    """Record an objection and return it with its receipt number. Refused with the reason,
    storing nothing, when it is anonymous, early, late, or an organization's letter is not a
    PDF. Side effects: the row, the letter under UPLOAD_DIR, a call audit row, the officers
    told."""
    if not can(actor, "publicity.object", announcement):
        raise PermissionDenied("publicity.object")
    letter = checked_letter(filing, filing_problems(announcement, filing))
    row = Objection(publicity=announcement, entry_id=filing.entry_id,
                    receipt_no=receipt_number(), content=filing.content.strip(),
                    **filer_columns(filing, letter))
    db.session.add(row)
    db.session.flush()
    audit.record(actor=actor, role="public", action="file_objection", call=announcement.call,
                 comment=f"{row.receipt_no}: {row.entry.position}. {row.entry.center_name}")
    _tell_officers(row)
    if letter is not None:
        storage.write_once(storage.uploads_dir(), row.letter_name, letter.data)
    return row


def _clean_name(filename: str) -> str:
    name = os.path.basename((filename or "").replace("\\", "/")).strip()
    return "".join(ch for ch in name if ch.isprintable())[:255] or "letter.pdf"


def _tell_officers(row: Objection) -> None:
    """Officers hear of the first objection to an announcement on each day (Beijing time),
    with the count so far and the link to the list: one client's flood of filings does not
    become a mail per filing to every officer."""
    center, day = row.entry.center_name, local(now()).date().isoformat()
    filed = db.session.scalar(select(func.count()).select_from(Objection).where(
        Objection.publicity_id == row.publicity_id))

    def compose(user):
        return (_("Objection %(receipt)s: %(center)s", receipt=row.receipt_no, center=center),
                _("An objection against “%(center)s” was filed. Objections to this "
                  "announcement so far: %(n)d; its period ends on %(end)s. Objections filed "
                  "later today are not mailed one by one: the objections page lists them all. "
                  "Record how each is handled there.", center=center, n=filed,
                  end=row.publicity.end_date.isoformat()))

    notify(staff(Role.OFFICER), kind="objection_filed", compose=compose,
           link=f"/officer/publicity/{row.publicity_id}/objections",
           dedupe_key=f"objections-filed:p{row.publicity_id}:{day}")


def letter_download_name(row: Objection) -> str:
    """The receipt number, not the filer's own name for the file."""
    return download_name(_("Objection letter"), row.receipt_no, fallback="letter")


def letter_path(row: Objection) -> Path:
    return storage.uploads_dir() / row.letter_name


def letter_bytes(row: Objection) -> bytes | None:
    """The letter as filed, or None when there is none or its file no longer matches."""
    if row.letter_name is None:
        return None
    try:
        return storage.read_verified(letter_path(row), row.letter_sha256)
    except storage.DamagedFile:
        return None


def record_handling(row: Objection, *, notes: str, admissible: bool, actor) -> Objection:
    """The officer's investigation: notes and whether the objection is admissible. Not
    admissible (withdrawn, not about a listed center, ...) closes it; admissible keeps it
    open for the leader. One call audit row."""
    if not can(actor, "objection.handle", row):
        raise PermissionDenied("objection.handle")
    if row.status != ObjectionStatus.OPEN:
        raise ServiceError(_("This objection is closed."))
    notes = (notes or "").strip()
    if not notes:
        raise ServiceError(_("Write down what the investigation found."))
    row.admissible, row.handling_notes = admissible, notes
    row.handled_by_id, row.handled_at = actor.id, now()
    comment = (f"{row.receipt_no}: {'admissible' if admissible else 'not admissible'}"
               f" — {notes}")
    if admissible:
        audit.record(actor=actor, action="handle_objection", call=row.publicity.call,
                     comment=comment)
        db.session.flush()
    else:
        OBJECTION_MACHINE.move(row, "refuse", actor=actor, call=row.publicity.call,
                               comment=comment)
    return row


def _open_query(app_id: int):
    return (select(Objection).join(PublicityEntry, Objection.entry_id == PublicityEntry.id)
            .where(PublicityEntry.application_id == app_id,
                   Objection.status == ObjectionStatus.OPEN)
            .order_by(Objection.received_at, Objection.id))


def open_for(app: Application) -> list[Objection]:
    return list(db.session.scalars(_open_query(app.id)))


def has_open(app: Application | int) -> bool:
    app_id = app if isinstance(app, int) else app.id
    return db.session.scalars(_open_query(app_id).limit(1)).first() is not None


def unhandled_problems(app: Application) -> list[str]:
    return [_("The officer has not recorded the handling of objection %(receipt)s yet.",
              receipt=row.receipt_no) for row in open_for(app) if row.handled_at is None]


def close_for_decision(app: Application, outcome: str, *, comment: str, actor) -> None:
    """The leader's decision on the objection review closes the application's open objections
    (`outcome` "dismissed" or "upheld"): one call audit row each, beside the transition's;
    flushes."""
    event = {ObjectionStatus.DISMISSED: "dismiss", ObjectionStatus.UPHELD: "uphold"}[outcome]
    for row in open_for(app):
        OBJECTION_MACHINE.move(row, event, actor=actor, call=row.publicity.call,
                               comment=f"{row.receipt_no}: {comment}", decision_comment=comment,
                               decided_by_id=actor.id, decided_at=now())


def of_publicity(announcement: Publicity) -> list[Objection]:
    return list(db.session.scalars(select(Objection).where(
        Objection.publicity_id == announcement.id).order_by(Objection.received_at, Objection.id)))
