"""Two departments in one installation: A (the installation's, 鲁科字) with a call whose one
application went through its announcement to its approval notice, B (鲁工信技) with an
officer and a leader and a planned call of its own."""
from sqlalchemy import func, select

from tests import factories
from tests.conftest import kept_unchanged
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.departments import operations as departments
from workflow.departments.models import Department
from workflow.departments.rules import DepartmentData
from workflow.intake.models import Application
from workflow.notices.models import DocumentNumber, Notice, OfficialDocument
from workflow.publicity.models import Objection, Publicity
from workflow.review.models import PanelSeat

INDUSTRY = DepartmentData(name="山东省工业和信息化厅", short_name="省工业和信息化厅",
                          office_code="鲁工信技", agency_name="山东省工业和信息化厅",
                          level="province", region_code="370000")


def department_b() -> Department:
    row = Department(name=INDUSTRY.name, short_name=INDUSTRY.short_name,
                     office_code=INDUSTRY.office_code, agency_name=INDUSTRY.agency_name,
                     level=INDUSTRY.level, region_code=INDUSTRY.region_code)
    db.session.add(row)
    db.session.flush()
    return row


def build() -> dict:
    home = departments.ensure_home_department()
    officer_a, leader_a = factories.officer(home), factories.leader(home)
    call_a = factories.call(actor=officer_a)
    (approved,) = factories.approval_pending_batch(call_a, 1, officer_a)
    notice = factories.issue_notice(call_a, officer_a)
    objection = factories.object_to(approved)
    b = department_b()
    officer_b, leader_b = factories.officer(b), factories.leader(b)
    call_b = factories.call(actor=officer_b, state="planned", title="制造业创新中心培育申报")
    seat = db.session.scalar(select(PanelSeat).where(PanelSeat.application_id == approved.id)
                             .order_by(PanelSeat.id).limit(1))
    letter = next(d for d in notice.documents if d.application_id == approved.id)
    users = {"officer_a": officer_a, "leader_a": leader_a, "officer_b": officer_b,
             "leader_b": leader_b}
    ids = {"call": call_a.id, "app": approved.id, "seat": seat.id,
           "publicity": db.session.scalar(select(Publicity.id).where(
               Publicity.call_id == call_a.id)),
           "objection": objection.id, "notice": notice.id, "document": notice.documents[0].id,
           "letter": letter.id, "number": notice.number_id,
           "attachment": approved.current_attachments()[0].id, "call_b": call_b.id}
    return {"users": {who: u.id for who, u in users.items()}, "ids": ids,
            "departments": {"a": home.id, "b": b.id}}


def fingerprint() -> tuple:
    def count(model):
        return db.session.scalar(select(func.count()).select_from(model))
    return (count(AuditEntry), count(DocumentNumber), count(OfficialDocument), count(Notice),
            count(PanelSeat), count(Objection),
            tuple(db.session.execute(select(Application.id, Application.state)
                                     .order_by(Application.id))),
            tuple(db.session.execute(select(Objection.id, Objection.status, Objection.handled_at)
                                     .order_by(Objection.id))),
            tuple(db.session.scalars(select(OfficialDocument.revoked_at)
                                     .order_by(OfficialDocument.id))))


def world_of(kept) -> dict:
    return kept_unchanged(kept, "departments_world", build, fingerprint)


