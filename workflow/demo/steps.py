"""How the demo's people act: each step through its service, at a moment the clock is
frozen at, so the audit trail reads like the real year (used by workflow.demo.seed)."""
import io
from datetime import datetime

from workflow.accounts.models.users import User
from workflow.core import pdf_check
from workflow.core.clock import freeze
from workflow.core.pdf_check import CheckedPdf
from workflow.core.states import Action
from workflow.demo import data
from workflow.formal_review.operations import checklist
from workflow.formal_review.operations import correction as formal_review
from workflow.intake.models import Application
from workflow.intake.operations import attachments
from workflow.lifecycle.transitions import transition
from workflow.organizations.models import Organization
from workflow.organizations.operations import organizations, verification
from workflow.recommendation import operations as recommendation


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF with one line of ASCII `text` and a correct cross-reference table."""
    content = f"BT /F1 12 Tf 72 770 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def licence_pdf(credit_code: str) -> CheckedPdf:
    """A unit's business licence as the demo uploads it: a one-page PDF naming its code."""
    return pdf_check.check_pdf(tiny_pdf(f"Centerflow demo: business licence {credit_code}"))


def verify(when: datetime, org: Organization, verifier: User) -> None:
    """The verifier (the city's recommender, or an officer) compares the unit's licence with
    its registration and verifies it."""
    freeze(when)
    verification.verify_organization(org, licence_id=org.licence.id, actor=verifier)


def verify_body(when: datetime, org: Organization, member: User, verifier) -> None:
    """A government body set up with the department: its first account uploads the body's
    certificate of its credit code; an officer (the system for the department itself)
    verifies it."""
    freeze(when)
    organizations.upload_licence(org, licence_pdf(org.credit_code), actor=member)
    verification.verify_organization(org, licence_id=org.licence.id, actor=verifier)


def act(when: datetime, app: Application, action: Action, actor, comment: str = "") -> None:
    freeze(when)
    transition(app, action, actor=actor, comment=comment)


def recommend(when: datetime, app: Application, rank: int, recommender: User) -> None:
    freeze(when)
    recommendation.recommend_application(app, rank=rank, opinion=opinion(app),
                                         actor=recommender)


def review(when: datetime, app: Application, officer: User, failing=None) -> None:
    """The officer goes through the checklist: every item checked, `failing` ones (code ->
    note) failed."""
    failing = failing or {}
    freeze(when)
    findings = {item.code: {"ok": item.code not in failing, "note": failing.get(item.code, "")}
                for item in checklist.ensure_checklist(app.call)}
    checklist.record_findings(app, findings, actor=officer)


def pass_review(when: datetime, app: Application, officer: User) -> None:
    review(when, app, officer)
    transition(app, Action.PASS_FORMAL_REVIEW, actor=officer, comment=data.REASONS["formal_pass"])


def fail_review(when: datetime, app: Application, officer: User) -> None:
    review(when, app, officer, data.FORMAL_FAIL)
    transition(app, Action.FAIL_FORMAL_REVIEW, actor=officer, comment=data.REASONS["formal_fail"])


def request_correction(when: datetime, app: Application, officer: User, failing) -> None:
    review(when, app, officer, failing)
    formal_review.request_correction(app, actor=officer, message=data.REASONS["correction"])


def answer_correction(when: datetime, app: Application, lead: User) -> None:
    """The applicant replaces what the request lists, then resubmits."""
    freeze(when)
    for scope in sorted(checklist.open_correction(app).scopes):
        kind, _sep, code = scope.partition(":")
        if kind == "attachment":
            pdf = tiny_pdf(f"Centerflow demo: {code} corrected, {app.lead_org.credit_code}")
            attachments.store_attachment(app, kind=code, filename=f"{code}-corrected.pdf",
                                         stream=io.BytesIO(pdf), actor=lead)
    transition(app, Action.RESUBMIT_CORRECTION, actor=lead)


def opinion(app: Application) -> str:
    return (f"{app.lead_org.name}在{app.field.name}领域技术基础扎实，"
            "共建单位分工明确，地方配套资金已落实，同意推荐。")
