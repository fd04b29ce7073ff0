"""Decision documents: the acceptance results, the evaluation results, a center's
revocation and a rolling call's recognition of one application, each issued as an official
document of its own.

`issue_decision` takes the next number of the issuing office and year from the same
registry as the approval notices (gap-free: a transaction that rolls back gives its number
back), renders the document in the layout of GB/T 9704 with the department's seal, a
verification code and a QR code, stores it once with its SHA-256 and records who issued
it. The decision itself (a state change, a grade) is made by the caller's operation in the
same transaction, so the document and the decision are committed together or not at all.
"""
from collections.abc import Sequence

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from workflow.centers.models import Center
from workflow.core import audit, clock, storage
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.regions import city_name
from workflow.lifecycle.permissions import can
from workflow.notices.documents.decision import decision_data, render_decision
from workflow.notices.documents.official import chinese_date, verification
from workflow.notices.models import DecisionDocument, DecisionKind, decision_applications
from workflow.notices.operations import numbers
from workflow.notices.operations.issue import (
    new_code,
    normalize_code,
    revoked_centers,
    seal_uri,
    verify_url,
)
from workflow.notices.queries import fill
from workflow.notices.settings import notice_settings_of

KIND_LABELS = {
    DecisionKind.ACCEPTANCE_RESULT: _l("Acceptance results"),
    DecisionKind.EVALUATION_RESULT: _l("Evaluation results"),
    DecisionKind.REVOCATION: _l("Revocation decision"),
    DecisionKind.RECOGNITION: _l("Recognition notice"),
}
LIMITS = {"title": 200, "addressee": 300, "paragraph": 2000, "paragraphs": 40, "note": 100,
          "cc": 500, "columns": 8, "rows": 500, "cell": 300}
# What each limited part is called in a message to the person who typed it.
PART_NAMES = {"title": _l("title"), "addressee": _l("addressee"), "paragraph": _l("paragraph"),
              "note": _l("note"), "cc": _l("copy to"), "cell": _l("table cell")}


def _text(value, name: str, *, required: bool = True) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise ServiceError(_("A decision document needs its %(part)s.", part=PART_NAMES[name]))
    if len(text) > LIMITS[name]:
        raise ServiceError(_("The %(part)s of a decision document is longer than %(n)d "
                             "characters.", part=PART_NAMES[name], n=LIMITS[name]))
    return text


def _paragraphs(paragraphs: Sequence[str]) -> list[str]:
    if isinstance(paragraphs, str):
        paragraphs = [paragraphs]
    texts = [_text(p, "paragraph", required=False) for p in paragraphs]
    texts = [p for p in texts if p]
    if not texts or len(texts) > LIMITS["paragraphs"]:
        raise ServiceError(_("A decision document has 1 to %(n)d paragraphs.",
                             n=LIMITS["paragraphs"]))
    return texts


def _table(table: dict | None) -> dict | None:
    """{"title", "columns", "rows"} with every cell as text, or ServiceError."""
    if table is None:
        return None
    columns = [_text(c, "cell") for c in table.get("columns") or ()]
    rows = [[_text(c, "cell", required=False) for c in row] for row in table.get("rows") or ()]
    if not 1 <= len(columns) <= LIMITS["columns"] or not 1 <= len(rows) <= LIMITS["rows"]:
        raise ServiceError(_("The table of a decision document has 1 to %(c)d columns and 1 "
                             "to %(r)d rows.", c=LIMITS["columns"], r=LIMITS["rows"]))
    if any(len(row) != len(columns) for row in rows):
        raise ServiceError(_("Every row of the table has one cell per column."))
    return {"title": _text(table.get("title"), "title"), "columns": columns, "rows": rows}


def _units(applications) -> list[dict]:
    """The centers decided on, as the verification page lists them: their current names
    and lead units (a change may have renamed them since the notice)."""
    centers = {c.application_id: c for c in db.session.scalars(select(Center).where(
        Center.application_id.in_([a.id for a in applications])))}
    units = []
    for app in applications:
        center = centers.get(app.id)
        units.append({"application_id": app.id,
                      "center": center.display_name if center else app.title,
                      "lead_unit": (center.lead_org if center else app.lead_org).name,
                      "cobuilders": [c.name for c in app.cobuilders],
                      "city": city_name(app.region_code)})
    return units


def decision_content(kind: DecisionKind, *, call, title: str, addressee: str,
                     paragraphs: Sequence[str], table: dict | None, applications,
                     note: str, cc: str) -> dict:
    """What the document says, as plain data: the texts checked, the agency, mark, office
    code, printing office and seal of the call's department, the centers decided on."""
    settings = notice_settings_of(call)
    values = {"year": call.year, "count": len(applications), "agency": settings.agency,
              "platform": call.platform_type.name}
    return {"kind": str(kind), "agency": settings.agency,
            "header": fill(settings.header, values), "office_code": settings.office_code,
            "printer": fill(settings.printer, values), "seal": settings.seal,
            "title": _text(title, "title"),
            "addressee": _text(addressee, "addressee").rstrip(":：") + "：",
            "paragraphs": _paragraphs(paragraphs), "table": _table(table),
            "note": _text(note, "note", required=False), "cc": _text(cc, "cc", required=False),
            "units": _units(applications)}


def issue_decision(kind: str, *, title: str, addressee: str, paragraphs: Sequence[str],
                   table: dict | None = None, applications: Sequence = (), call=None,
                   note: str = "", cc: str = "", actor) -> DecisionDocument:
    """Issue a numbered decision document of `kind` (acceptance_result, evaluation_result,
    revocation) about `applications` (the centers it decides on), by the department of
    `call` (default: the call of the first application). Side effects: a number taken from
    the registry, the PDF stored once, the row, one audit row per application (one for the
    call when there is none); flushed. On a ServiceError the caller rolls back, which gives
    the number back."""
    if not can(actor, "decision.issue"):
        raise PermissionDenied("decision.issue")
    try:
        kind = DecisionKind(kind)
    except ValueError as error:
        raise ServiceError(_("Unknown kind of decision document: %(kind)s.", kind=kind)) from error
    applications = list(dict.fromkeys(applications))
    call = call or (applications[0].call if applications else None)
    if call is None:
        raise ServiceError(_("A decision document names its call or the centers it decides on."))
    content = decision_content(kind, call=call, title=title, addressee=addressee,
                               paragraphs=paragraphs, table=table, applications=applications,
                               note=note, cc=cc)
    today = clock.local(clock.now()).date()
    number = numbers.allocate_number(content["office_code"], today.year,
                                     title=content["title"], actor=actor)
    code = new_code()
    doc = DecisionDocument(kind=kind, call_id=call.id, number_id=number.id, content=content,
                           issued_on=today, issued_by_id=actor.id, issued_at=clock.now(),
                           verification_code=code, applications=applications)
    pdf = render_decision(decision_data(
        content, number=number.text, date=chinese_date(today), seal_uri=seal_uri(content),
        verification=verification(doc.code_groups, verify_url(code))))
    stored = storage.write_once(storage.documents_dir(),
                                f"decision-{number.year}-{number.sequence}-{code}.pdf", pdf)
    doc.stored_name, doc.sha256, doc.size_bytes = stored.path.name, stored.sha256, stored.size
    db.session.add(doc)
    comment = f"{number.text} {content['title']}"
    for app in applications or [None]:
        audit.record(actor=actor, action=f"issue_{kind}", call=call, application=app,
                     comment=comment)
    db.session.flush()
    return doc


def decision_bytes(doc: DecisionDocument) -> bytes:
    """The stored file, exactly as issued; DamagedFile when it was changed or lost."""
    return storage.read_verified(storage.documents_dir() / doc.stored_name, doc.sha256)


def decisions_about(app) -> list[DecisionDocument]:
    """The decision documents about one application's center, newest first."""
    return list(db.session.scalars(
        select(DecisionDocument).join(decision_applications)
        .where(decision_applications.c.application_id == app.id)
        .order_by(DecisionDocument.issued_at.desc(), DecisionDocument.id.desc())))


def find_by_code(text: str) -> DecisionDocument | None:
    """The decision document with this verification code, or None."""
    code = normalize_code(text)
    if code is None:
        return None
    return db.session.scalar(select(DecisionDocument).where(
        DecisionDocument.verification_code == code))


def describe(doc: DecisionDocument) -> dict:
    """What the public verification page shows of a decision document."""
    content = doc.content
    return {"number": doc.number.text, "date": chinese_date(doc.issued_on),
            "agency": content["agency"], "title": content["title"], "units": content["units"],
            "kind_label": KIND_LABELS[DecisionKind(doc.kind)],
            "revoked_centers": revoked_centers(content["units"])}
