"""The lead unit's side of a report: its values and narrative, its PDF attachments, and
filing it with the city."""
import os
import secrets
from decimal import Decimal

from flask_babel import gettext as _

from workflow.centers.indicators import INDICATORS
from workflow.core import audit, clock, storage
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.pdf_check import read_upload
from workflow.lifecycle.permissions import can
from workflow.reports.models import (
    REPORT_MACHINE,
    SECTIONS,
    AnnualReport,
    ReportAttachment,
    ReportValue,
)
from workflow.reports.operations import telling
from workflow.reports.rules import (
    NARRATIVE_MAX,
    as_number,
    filing_problems,
    is_late,
    values_problems,
)

MAX_ATTACHMENTS = 10


def _require_edit(report: AnnualReport, actor) -> None:
    if not can(actor, "report.edit", report):
        raise PermissionDenied("report.edit")


def save_report(report: AnnualReport, *, values: dict[str, str], narrative: dict[str, str],
                submit: bool = False, actor) -> None:
    """Keep what the lead unit typed: each value given must be a valid number (an empty one
    is left out until it is given), each section at most NARRATIVE_MAX characters. Nothing
    is kept when something is wrong. With `submit`, then file it (submit_report). Side
    effects: the values and sections replaced, one audit row. Flushes."""
    _require_edit(report, actor)
    given = {code: text for code, text in values.items() if str(text or "").strip() != ""}
    problems = values_problems({i.code: given.get(i.code, "0") for i in INDICATORS})
    for key, label in SECTIONS:
        if len(narrative.get(key) or "") > NARRATIVE_MAX:
            problems.append(_("“%(label)s” is longer than %(n)d characters.", label=label,
                              n=NARRATIVE_MAX))
    if problems:
        raise ServiceError(*problems)
    numbers = {i.code: as_number(given[i.code]).quantize(Decimal("0.01"))
               for i in INDICATORS if i.code in given}
    current = {v.code: v for v in report.values}
    for code, row in current.items():
        if code not in numbers:
            report.values.remove(row)
    for code, number in numbers.items():
        if code in current:
            current[code].value = number
        else:
            report.values.append(ReportValue(code=code, value=number))
    report.narrative = {key: (narrative.get(key) or "").strip() for key, _label in SECTIONS}
    audit.record(actor=actor, action="save_report", application=report.application,
                 comment=str(report.round.year))
    db.session.flush()
    if submit:
        submit_report(report, actor=actor)


def submit_report(report: AnnualReport, *, actor) -> None:
    """File the report with the city: every value and section given. A report first filed
    after the deadline is flagged late. Side effects: the state, the filing times, the audit
    row, the city's recommenders told. Flushes."""
    _require_edit(report, actor)
    problems = filing_problems(report)
    if problems:
        raise ServiceError(*problems)
    at = clock.now()
    first = report.first_filed_at or at
    late_since = report.late_since
    if late_since is None and is_late(first, report.round.due_at, at):
        late_since = at
    REPORT_MACHINE.move(report, "submit", actor=actor, application=report.application,
                        comment=str(report.round.year), first_filed_at=first, filed_at=at,
                        late_since=late_since)
    telling.to_city(report, actor)


def store_report_attachment(report: AnnualReport, *, filename: str, stream,
                            actor) -> ReportAttachment:
    """Check one PDF like the application's (core/pdf_check.py) and keep it with the report.
    A refused file leaves no file, row or audit row. Side effects: a read-only file under
    UPLOAD_DIR with a random name, its row with the SHA-256, one audit row. Flushes."""
    _require_edit(report, actor)
    if sum(1 for a in report.attachments if a.removed_at is None) >= MAX_ATTACHMENTS:
        raise ServiceError(_("A report takes at most %(n)d attachments: remove one first.",
                             n=MAX_ATTACHMENTS))
    pdf = read_upload(stream)
    name = secrets.token_hex(20) + ".pdf"
    stored = storage.write_once(storage.uploads_dir(), name, pdf.data)
    row = ReportAttachment(report=report, original_name=_clean_name(filename),
                           stored_name=name, size_bytes=stored.size, sha256=stored.sha256,
                           uploaded_by_id=actor.id)
    db.session.add(row)
    audit.record(actor=actor, action="upload_report_attachment",
                 application=report.application, comment=row.original_name)
    db.session.flush()
    return row


def remove_report_attachment(attachment: ReportAttachment, *, actor) -> None:
    """Take an attachment off the report (its row and file stay). One audit row. Flushes."""
    report = attachment.report
    _require_edit(report, actor)
    if attachment.removed_at is not None:
        raise ServiceError(_("This attachment was already removed."))
    attachment.removed_at = clock.now()
    audit.record(actor=actor, action="remove_report_attachment",
                 application=report.application, comment=attachment.original_name)
    db.session.flush()


def read_report_attachment(attachment: ReportAttachment) -> bytes:
    """The stored PDF as uploaded; storage.DamagedFile when it is gone or was changed."""
    return storage.read_verified(storage.uploads_dir() / attachment.stored_name,
                                 attachment.sha256)


def _clean_name(filename: str) -> str:
    name = os.path.basename((filename or "").replace("\\", "/")).strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return (name or "attachment.pdf")[:255]
