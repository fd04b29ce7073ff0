"""Intake from registration to resubmission, through the pages and the services: each test
checks what was stored (rows, files, audit rows), not only the status code."""
import hashlib
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from markupsafe import escape
from pypdf import PdfWriter
from sqlalchemy import func, select

from tests import factories
from workflow.accounts.models.users import User
from workflow.accounts.operations.accounts import register_organization
from workflow.calls.models import Call
from workflow.core import clock, creditcode, pdf_check
from workflow.core.errors import ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState, CallState, Role
from workflow.demo.steps import tiny_pdf
from workflow.intake.models import Application, ApplicationSection, Attachment, CoBuilder
from workflow.intake.operations import intake
from workflow.organizations.models import Licence, Organization, OrgStatus
from workflow.organizations.operations import verification

CHECK_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def registration(code: str, **changes) -> dict:
    """The registration form, with the unit's business licence (a real one-page PDF)."""
    data = {"org_name": "青岛蓝海智能装备有限公司", "credit_code": code, "region_code": "",
            "kind": "enterprise", "independent_legal_person": "y",
            "legal_representative": "赵六", "user_name": "钱七", "phone": "0532-88886666",
            "email": f"{code.lower()}@example.com", "password": "a-long-password",
            "confirm": "a-long-password",
            "licence": (io.BytesIO(tiny_pdf(f"Licence {code}")), "营业执照.pdf")}
    data.update(changes)
    return data


def audit_of(action: str, **where) -> list[AuditEntry]:
    stmt = select(AuditEntry).where(AuditEntry.action == action)
    for key, value in where.items():
        stmt = stmt.where(getattr(AuditEntry, key) == value)
    return list(db.session.scalars(stmt.order_by(AuditEntry.id)))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def lead_of(app) -> User:
    return db.session.get(User, app.created_by_id)


def real_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_registration_with_a_valid_code_creates_unit_account_and_audit_row(client):
    code = factories.credit_code(factories.QINGDAO)
    response = client.post("/register", data=registration(code))
    assert response.status_code == 302 and response.location == "/my/organization"
    org = db.session.scalar(select(Organization).where(Organization.credit_code == code))
    assert org.name == "青岛蓝海智能装备有限公司" and org.region_code == factories.QINGDAO
    assert org.status == OrgStatus.UNVERIFIED and len(org.licences) == 1
    user = db.session.scalar(select(User).where(User.organization_id == org.id))
    assert user.roles == {Role.APPLICANT} and user.password_hash != "a-long-password"
    (entry,) = audit_of("register_organization")
    assert entry.actor_id == user.id and code in entry.comment
    assert entry.organization_id == org.id
    assert client.get("/my").status_code == 200  # registered and logged in


def test_registration_with_a_wrong_check_character_is_refused_with_the_reason(client):
    good = factories.credit_code(factories.QINGDAO)
    bad = good[:-1] + next(c for c in CHECK_ALPHABET if c != good[-1])
    reason = creditcode.problem(bad)
    assert reason

    response = client.post("/register", data=registration(bad))

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert str(escape(reason)) in html
    assert 'value="青岛蓝海智能装备有限公司"' in html and 'value="钱七"' in html
    assert count(Organization) == count(User) == count(AuditEntry) == count(Licence) == 0


def test_registration_of_a_code_a_verified_unit_holds_is_refused(client, app, make):
    code = factories.credit_code(factories.QINGDAO)
    assert client.post("/register", data=registration(code)).status_code == 302
    first = db.session.scalar(select(Organization).where(Organization.credit_code == code))
    verification.verify_organization(first, licence_id=first.licence.id, actor=make.officer())
    db.session.commit()
    with pytest.raises(ServiceError) as refused:
        register_organization(**{k: v for k, v in registration(code).items()
                                 if k not in ("confirm", "licence")},
                              licence=pdf_check.check_pdf(tiny_pdf("x")))
    db.session.rollback()

    second = app.test_client().post("/register", data=registration(
        code, email="another@example.com", user_name="孙八"))

    assert second.status_code == 422
    assert str(escape(refused.value.problems[0])) in second.get_data(as_text=True)
    assert count(Organization) == count(Licence) == 1
    assert count(User) == 2  # the first unit's account and the officer who verified it
    assert len(audit_of("register_organization")) == 1


def test_officer_creates_a_call_through_the_form_and_opens_it(login_as, make):
    officer = make.officer()
    db.session.commit()
    client = login_as(officer)
    opens = clock.local(clock.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    closes = clock.local(clock.now() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    response = client.post("/officer/calls/new", data={
        "platform_type_id": 1, "year": 2026, "title": "2026年度省技术创新中心申报",
        "opens_at": opens, "closes_at": closes, "quota": 30, "recommender_quota": 5,
        "fields": [make.term("工业软件").id, make.term("高端数控机床").id],
        "attachments": "licence: 营业执照\nagreement: 共建协议",
        "correction_workdays": 5, "correction_rounds": 1})
    assert response.status_code == 302
    call = db.session.scalar(select(Call))
    assert (call.state, call.title) == (CallState.PLANNED, "2026年度省技术创新中心申报")
    assert [f.name for f in call.fields] == ["工业软件", "高端数控机床"]
    assert [(r.code, r.label) for r in call.required_attachments] == [
        ("licence", "营业执照"), ("agreement", "共建协议")]
    (created,) = audit_of("create_call", call_id=call.id)
    assert created.actor_id == officer.id

    assert client.post(f"/officer/calls/{call.id}/advance/open").status_code == 302
    db.session.expire_all()
    assert db.session.get(Call, call.id).state == CallState.OPEN
    (opened,) = audit_of("call_open", call_id=call.id)
    assert (opened.actor_id, opened.from_state, opened.to_state) == (officer.id, "planned", "open")


def test_applicant_starts_an_application(login_as, make):
    call, lead = make.call(), make.applicant()
    db.session.commit()
    response = login_as(lead).post(f"/calls/{call.id}/apply", data={
        "title": "山东省智能焊接技术创新中心", "field_id": call.fields[2].id})
    app = db.session.scalar(select(Application))
    assert response.location == f"/applications/{app.id}"
    assert (app.state, app.title, app.field_id, app.lead_org_id) == (
        AppState.DRAFT, "山东省智能焊接技术创新中心", call.fields[2].id, lead.organization_id)
    (entry,) = audit_of("create_application", application_id=app.id)
    assert (entry.actor_id, entry.to_state) == (lead.id, AppState.DRAFT)


@pytest.mark.parametrize("bad", [{"revenue_y1": "abc"}, {"team": "团" * 5001},
                                 {"staff_total": "-5"}, {"revenue_y2": "1e12"}])
def test_section_with_an_invalid_value_keeps_what_was_typed_and_saves_nothing(login_as, make,
                                                                           bad):
    app = make.application(complete=False)
    db.session.commit()
    typed = {"revenue_y1": "1200", "industry_standing": "国内焊接装备行业前三", "team": "院士团队",
             "facilities": "国家级实验室 & 中试基地", **bad}

    response = login_as(lead_of(app)).post(f"/applications/{app.id}/sections/foundation",
                                           data=typed)

    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "is-invalid" in html
    for value in typed.values():
        assert str(escape(value)) in html
    assert count(ApplicationSection) == 0


def test_sections_are_saved_partially_over_several_requests(login_as, make):
    app = make.application(complete=False)
    db.session.commit()
    client = login_as(lead_of(app))
    base = f"/applications/{app.id}/sections"
    assert client.post(f"{base}/basic", data={"project_head": "李四"}).status_code == 302
    assert client.post(f"{base}/foundation", data={"revenue_y1": "1200.5"}).status_code == 302
    assert client.post(f"{base}/basic", data={"project_head": "李四",
                                              "contact_name": "王五"}).status_code == 302

    db.session.expire_all()
    app = db.session.get(Application, app.id)
    assert app.section_data("basic")["project_head"] == "李四"
    assert app.section_data("basic")["contact_name"] == "王五"
    assert app.section_data("foundation")["revenue_y1"] == "1200.5"
    assert app.section_data("foundation")["revenue_y2"] is None
    html = client.get(f"/applications/{app.id}").get_data(as_text=True)
    assert "王五" in html and "1200.5" in html


def test_cobuilder_named_by_code_is_linked_once_verified_and_confirms_itself(app, login_as,
                                                                            make):
    application = make.application()
    lead = lead_of(application)
    db.session.commit()
    code = factories.credit_code(factories.JINAN, prefix="12")
    response = login_as(lead).post(f"/applications/{application.id}/cobuilders", data={
        "credit_code": code, "name": "山东测试研究院", "division": "共性技术研发"})
    assert response.status_code == 302
    row = db.session.scalar(select(CoBuilder))
    assert (row.credit_code, row.organization_id, row.confirmed_at) == (code, None, None)
    (added,) = audit_of("add_cobuilder", application_id=application.id)
    assert added.actor_id == lead.id and code in added.comment

    partner = app.test_client()
    assert partner.post("/register", data=registration(
        code, org_name="山东测试研究院", kind="institute")).status_code == 302
    db.session.expire_all()
    org = db.session.scalar(select(Organization).where(Organization.credit_code == code))
    assert db.session.get(CoBuilder, row.id).organization_id is None  # not before verified
    assert partner.post(f"/applications/{application.id}/confirm").status_code == 403

    verification.verify_organization(org, licence_id=org.licence.id, actor=make.officer())
    db.session.commit()
    assert db.session.get(CoBuilder, row.id).organization_id == org.id

    assert partner.post(f"/applications/{application.id}/confirm").status_code == 302
    db.session.expire_all()
    row = db.session.get(CoBuilder, row.id)
    partner_user = db.session.scalar(select(User).where(User.organization_id == org.id))
    assert row.confirmed_at is not None and row.confirmed_by_id == partner_user.id
    (confirmed,) = audit_of("confirm_cobuilding", application_id=application.id)
    assert confirmed.actor_id == partner_user.id
    assert intake.submission_problems(db.session.get(Application, application.id)) == []


def upload(client, app_id: int, content: bytes, name: str = "营业执照.pdf"):
    return client.post(f"/applications/{app_id}/attachments",
                       data={"kind": "licence", "file": (io.BytesIO(content), name)})


def test_pdf_is_stored_outside_static_under_a_generated_name_with_its_hash(app, login_as, make):
    application = make.application(complete=False)
    lead = lead_of(application)
    db.session.commit()
    client = login_as(lead)
    content = real_pdf()

    assert upload(client, application.id, content).status_code == 302

    row = db.session.scalar(select(Attachment))
    path = Path(app.config["UPLOAD_DIR"]) / row.stored_name
    assert re.fullmatch(r"[0-9a-f]{40}\.pdf", row.stored_name)
    assert row.original_name == "营业执照.pdf" and row.kind == "licence"
    assert path.read_bytes() == content
    assert row.sha256 == hashlib.sha256(content).hexdigest() and row.size_bytes == len(content)
    assert not path.resolve().is_relative_to(Path(app.static_folder).resolve())
    (entry,) = audit_of("upload_attachment", application_id=application.id)
    assert entry.actor_id == lead.id and "营业执照.pdf" in entry.comment

    download = client.get(f"/attachments/{row.id}")
    assert download.status_code == 200 and download.data == content
    assert download.mimetype == "application/pdf"


def test_an_attachment_changed_on_disk_is_not_served(app, login_as, make):
    application = make.application(complete=False)
    db.session.commit()
    client = login_as(lead_of(application))
    assert upload(client, application.id, real_pdf()).status_code == 302
    row = db.session.scalar(select(Attachment))
    path = Path(app.config["UPLOAD_DIR"]) / row.stored_name
    path.chmod(0o644)
    path.write_bytes(real_pdf() + b"%% changed behind the application's back\n")

    assert client.get(f"/attachments/{row.id}").status_code == 404


@pytest.mark.parametrize("content", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00",
    "这是一个改了扩展名的文本文件。\n".encode(),
    b"%PDF-1.4\n truncated, no end marker",
], ids=["png", "text", "truncated-pdf"])
def test_a_file_that_is_not_a_pdf_is_refused_with_a_message(app, login_as, make, content):
    application = make.application(complete=False)
    db.session.commit()

    response = upload(login_as(lead_of(application)), application.id, content)

    assert response.status_code == 422 and "is-invalid" in response.get_data(as_text=True)
    assert count(Attachment) == 0 and audit_of("upload_attachment") == []
    assert not list(Path(app.config["UPLOAD_DIR"]).glob("*.part"))


def test_an_oversize_file_is_refused(app, login_as, make):
    application = make.application(complete=False)
    db.session.commit()
    limit = app.config["MAX_ATTACHMENT_MB"] * 1024 * 1024
    big = b"%PDF-1.4\n" + b"0" * limit + b"\n%%EOF\n"
    stored_before = set(Path(app.config["UPLOAD_DIR"]).glob("*"))

    response = upload(login_as(lead_of(application)), application.id, big)

    assert response.status_code == 422
    assert f"{app.config['MAX_ATTACHMENT_MB']} MB" in response.get_data(as_text=True)
    assert count(Attachment) == 0
    assert set(Path(app.config["UPLOAD_DIR"]).glob("*")) == stored_before


def test_submit_says_what_is_missing(login_as, make):
    application = make.application(complete=False)
    db.session.commit()
    client = login_as(lead_of(application))
    problems = intake.submission_problems(application)
    assert problems

    response = client.post(f"/applications/{application.id}/actions/submit",
                           follow_redirects=True)

    html = response.get_data(as_text=True)
    for problem in problems:
        assert str(escape(problem)) in html
    db.session.expire_all()
    assert db.session.get(Application, application.id).state == AppState.DRAFT
    assert audit_of("submit") == []


def test_withdraw(login_as, make):
    application = make.application(state=AppState.SUBMITTED)
    lead = lead_of(application)
    db.session.commit()

    login_as(lead).post(f"/applications/{application.id}/actions/withdraw",
                        data={"comment": "企业战略调整"})

    db.session.expire_all()
    assert db.session.get(Application, application.id).state == AppState.WITHDRAWN
    (entry,) = audit_of("withdraw", application_id=application.id)
    assert (entry.actor_id, entry.role, entry.from_state, entry.to_state, entry.comment) == (
        lead.id, Role.APPLICANT, AppState.SUBMITTED, AppState.WITHDRAWN, "企业战略调整")


def test_returned_edited_and_resubmitted_keeps_both_versions_viewable(login_as, make):
    application = make.application(state=AppState.RETURNED)
    lead = lead_of(application)
    db.session.commit()
    client = login_as(lead)
    base = f"/applications/{application.id}"

    edited = client.post(f"{base}/sections/risks", data={"risks": "补充的风险应对方案"})
    assert edited.status_code == 302
    assert client.post(f"{base}/actions/resubmit").status_code == 302

    db.session.expire_all()
    assert db.session.get(Application, application.id).state == AppState.SUBMITTED
    first = client.get(f"{base}/versions/1").get_data(as_text=True)
    second = client.get(f"{base}/versions/2").get_data(as_text=True)
    assert "补充的风险应对方案" not in first and factories.SAMPLE["textarea"] in first
    assert "补充的风险应对方案" in second
    (entry,) = audit_of("resubmit", application_id=application.id)
    assert (entry.actor_id, entry.from_state, entry.to_state) == (
        lead.id, AppState.RETURNED, AppState.SUBMITTED)


def test_timeline_lists_the_audit_rows(login_as, make):
    application = make.application(state=AppState.RETURNED)
    db.session.commit()
    rows = audit_of("return", application_id=application.id)

    html = login_as(lead_of(application)).get(f"/applications/{application.id}").get_data(
        as_text=True)

    timeline = html.split('id="timeline"', 1)[1].split("</ol>", 1)[0]
    all_rows = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.application_id == application.id))
    assert timeline.count("<li>") == all_rows >= 3
    assert rows[0].comment in timeline
