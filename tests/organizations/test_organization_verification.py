"""Organizations are verified before they see anything (issue 9, point 3): registration with
the business licence, the unit's own page (status, reason, licences, the correction), and
the verification queue and page of officers and city recommenders. The decisions are in
test_verification_decisions.py, co-builders and the takeover in test_cobuilder_invitations.py."""
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests import factories, hostile_pdfs
from tests.intake.test_intake import registration
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from tests.web.test_queries import counted_statements
from workflow.accounts.models.users import User
from workflow.accounts.operations.accounts import find_organization
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Role
from workflow.demo.steps import tiny_pdf
from workflow.inbox.models import OutboxMail
from workflow.intake.models import Application
from workflow.organizations.models import Licence, Organization, OrgStatus
from workflow.organizations.operations import licences, verification

QINGDAO, JINAN = factories.QINGDAO, factories.JINAN


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def claimant(code: str | None = None, region: str = QINGDAO, name: str | None = None) -> User:
    """An applicant of an unverified unit with its licence; with `code`, a claim of that
    credit code (other registrations may claim it too)."""
    user = factories.user(Role.APPLICANT, organization=factories.org(region, name,
                                                                     status="unverified"))
    if code is not None:
        user.organization.credit_code = code
    factories.licence(user.organization, user)
    return user


def refreshed(org: Organization) -> Organization:
    db.session.expire_all()
    return db.session.get(Organization, org.id)


def audit_rows(org: Organization, action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.organization_id == org.id, AuditEntry.action == action)))


def mails_to(user: User) -> list[OutboxMail]:
    return list(db.session.scalars(select(OutboxMail).where(
        OutboxMail.to_address == user.email).order_by(OutboxMail.id)))


def licence_files(app) -> set[Path]:
    folder = Path(app.config["UPLOAD_DIR"]) / "licences"
    return set(folder.glob("*")) if folder.exists() else set()


def decide(client, org: Organization, decision: str, **data):
    data.setdefault("licence_id", org.licence.id if org.licence else "")
    return client.post(f"/verification/{org.id}/{decision}", data=data)


# Registration: the unit, its first account and its licence; the unit waits, unverified.

def test_registration_keeps_the_licence_file_and_the_unit_waits(client, app):
    code = factories.credit_code(QINGDAO)
    pdf = tiny_pdf("Business licence of a new unit")

    response = client.post("/register", data=registration(
        code, licence=(io.BytesIO(pdf), "营业执照.pdf")))

    assert response.status_code == 302 and response.location == "/my/organization"
    org = db.session.scalar(select(Organization).where(Organization.credit_code == code))
    (row,) = org.licences
    assert org.status == OrgStatus.UNVERIFIED and org.decided_at is None
    assert licences.read_licence(row) == pdf and (row.pages, row.size_bytes) == (1, len(pdf))
    assert row.uploaded_by_id == db.session.scalar(select(User.id).where(
        User.organization_id == org.id))
    assert [e.action for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.organization_id == org.id).order_by(AuditEntry.id))] == [
        "register_organization", "upload_licence"]
    assert 'data-org-status="unverified"' in client.get("/my/organization").get_data(
        as_text=True)


@pytest.mark.parametrize(("licence", "message"), [
    (None, "Choose the PDF file of the business licence"),
    ((io.BytesIO(b""), "营业执照.pdf"), "The file is empty."),
    ((io.BytesIO(hostile_pdfs.HTML), "营业执照.pdf"), "not a PDF"),
    ((io.BytesIO(hostile_pdfs.javascript_open_action()), "营业执照.pdf"), "active content"),
    ((io.BytesIO(hostile_pdfs.encrypted("secret")), "营业执照.pdf"), "password"),
], ids=["missing", "empty", "html", "javascript", "encrypted"])
def test_registration_with_a_bad_licence_stores_nothing_and_keeps_what_was_typed(
        app, login, licence, message):
    client = app.test_client()
    client.post("/language/en", data={"next": "/"})
    files_before = licence_files(app)
    data = registration(factories.credit_code(QINGDAO), licence=licence)
    if licence is None:
        del data["licence"]

    response = client.post("/register", data=data)

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert 'value="青岛蓝海智能装备有限公司"' in html and 'value="赵六"' in html
    assert 'id="choose-again"' in html  # the file and the passwords must be given again
    assert count(Organization) == count(User) == count(Licence) == count(AuditEntry) == 0
    assert licence_files(app) == files_before


def test_a_code_only_unverified_registrations_claim_is_registered_as_disputed(client, app):
    first = claimant()
    db.session.commit()
    code = first.organization.credit_code

    response = client.post("/register", data=registration(code, org_name="另一家公司"))

    assert response.status_code == 302
    claims = db.session.scalars(select(Organization).where(
        Organization.credit_code == code).order_by(Organization.id)).all()
    assert [c.status for c in claims] == [OrgStatus.UNVERIFIED] * 2
    assert find_organization(code) is None
    page = client.get("/my/organization").get_data(as_text=True)
    assert 'id="disputed"' in page and first.organization.name not in page


def test_find_organization_knows_only_the_verified_unit_of_a_code(make):
    waiting = claimant()
    code = waiting.organization.credit_code
    rejected, real = claimant(code), claimant(code)
    verification.reject_organization(rejected.organization, reason="营业执照模糊",
                                      licence_id=rejected.organization.licence.id,
                                      actor=make.officer())
    assert find_organization(code) is None

    verification.verify_organization(real.organization, licence_id=real.organization.licence.id,
                                     actor=make.officer())

    assert find_organization(code.lower()) == real.organization


def test_cli_refuses_an_account_for_a_unit_that_is_not_verified(app):
    waiting = claimant()
    db.session.commit()
    result = app.test_cli_runner().invoke(args=[
        "create-user", "new.user@example.com", "--role", "applicant",
        "--org", waiting.organization.credit_code])
    assert result.exit_code != 0 and "no verified organization" in result.output
    assert count(User, User.email == "new.user@example.com") == 0


# The unit's own page: status, reason, licences; a new licence; the correction.

def test_unit_replaces_its_licence_while_it_waits(app, login):
    unit = claimant()
    db.session.commit()
    client = login(unit)

    response = client.post("/my/organization/licence", data={
        "licence": (io.BytesIO(tiny_pdf("A clearer scan")), "扫描件.pdf")})

    assert response.status_code == 302
    org = refreshed(unit.organization)
    assert len(org.licences) == 2 and org.status == OrgStatus.UNVERIFIED
    assert len(audit_rows(org, "upload_licence")) == 2
    html = client.get("/my/organization").get_data(as_text=True)
    assert html.count("/download") == 2 and "current" in html


def test_a_bad_new_licence_is_refused_on_the_page(app, login):
    unit = claimant()
    db.session.commit()
    response = login(unit).post("/my/organization/licence", data={
        "licence": (io.BytesIO(hostile_pdfs.launch_action()), "营业执照.pdf")})
    assert response.status_code == 422 and "active content" in response.get_data(as_text=True)
    assert len(refreshed(unit.organization).licences) == 1


def test_rejected_unit_reads_the_reason_corrects_and_goes_back_to_the_queue(app, login, make):
    unit = claimant(region=QINGDAO, name="青岛错名有限公司")
    draft = factories.application(lead=unit, complete=False)
    verification.reject_organization(unit.organization, reason="名称与营业执照不一致",
                                     licence_id=unit.organization.licence.id,
                                     actor=make.officer())
    db.session.commit()
    client = login(unit)
    page = client.get("/my/organization").get_data(as_text=True)
    assert "名称与营业执照不一致" in page and 'action="/my/organization/correct"' in page
    new_code = factories.credit_code(JINAN)

    response = client.post("/my/organization/correct", data={
        "org_name": "青岛正名有限公司", "credit_code": new_code, "region_code": "",
        "kind": "enterprise", "independent_legal_person": "y", "legal_representative": "张三",
        "licence": (io.BytesIO(tiny_pdf("Corrected licence")), "营业执照.pdf")})

    assert response.status_code == 302
    org = refreshed(unit.organization)
    assert (org.status, org.status_reason, org.decided_at) == (OrgStatus.UNVERIFIED, "", None)
    assert (org.name, org.credit_code, org.region_code) == ("青岛正名有限公司", new_code, JINAN)
    assert len(org.licences) == 2
    assert db.session.get(Application, draft.id).region_code == JINAN
    (row,) = audit_rows(org, "correct_organization")
    assert (row.from_state, row.to_state) == (OrgStatus.REJECTED, OrgStatus.UNVERIFIED)
    assert "青岛错名有限公司 → 青岛正名有限公司" in row.comment


def test_correction_to_a_code_a_verified_unit_holds_keeps_what_was_typed(app, login, make):
    unit = claimant()
    verification.reject_organization(unit.organization, reason="信用代码有误",
                                     licence_id=unit.organization.licence.id,
                                     actor=make.officer())
    taken = factories.org(JINAN).credit_code
    db.session.commit()

    response = login(unit).post("/my/organization/correct", data={
        "org_name": "我的新名称", "credit_code": taken, "kind": "enterprise",
        "legal_representative": "张三"})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "A verified organization holds this credit code" in html
    assert 'value="我的新名称"' in html
    org = refreshed(unit.organization)
    assert (org.status, org.status_reason) == (OrgStatus.REJECTED, "信用代码有误")
    assert audit_rows(org, "correct_organization") == []


# The queue: officers see every waiting unit, a city's recommender the undisputed ones of
# its city; a fixed number of statements a page.

def test_officer_queue_searches_and_filters_disputed_claims(app, login, make):
    plain = claimant(name="青岛明辉科技有限公司")
    first = claimant(name="济南抢注有限公司", region=JINAN)
    second = claimant(first.organization.credit_code, name="济南真实有限公司", region=JINAN)
    db.session.commit()
    client = login(make.officer())

    def listed(query: str) -> set[str]:
        html = client.get(f"/verification{query}").get_data(as_text=True)
        names = {u.organization.name for u in (plain, first, second)}
        return {n for n in names if n in html}

    assert listed("") == {"青岛明辉科技有限公司", "济南抢注有限公司", "济南真实有限公司"}
    assert listed("?q=明辉") == {"青岛明辉科技有限公司"}
    assert listed(f"?q={plain.organization.credit_code.lower()}") == {"青岛明辉科技有限公司"}
    assert listed("?disputed=1") == {"济南抢注有限公司", "济南真实有限公司"}
    assert listed("?q=%25") == set()  # a wildcard is searched as a character


def test_recommender_queue_holds_only_undisputed_units_of_its_city(app, login, make):
    claimant(name="青岛本市企业有限公司")
    claimant(name="济南外市企业有限公司", region=JINAN)
    disputed = claimant(name="青岛争议一有限公司")
    claimant(disputed.organization.credit_code, name="青岛争议二有限公司")
    db.session.commit()

    html = login(make.recommender(QINGDAO)).get("/verification?disputed=1").get_data(
        as_text=True)

    assert "青岛本市企业有限公司" in html
    assert "济南外市企业有限公司" not in html and "争议" not in html
    assert 'name="disputed"' not in html


def test_queue_pages_take_the_same_statements_whatever_their_length(app, login, make):
    officer = make.officer()
    client = login(officer)
    for _ in range(3):
        claimant()
    db.session.commit()
    client.get("/verification")  # warm up: the session's own reads
    with counted_statements() as few:
        assert client.get("/verification").status_code == 200
    for _ in range(30):
        claimant()
    db.session.commit()
    client.get("/verification")
    with counted_statements() as many:
        html = client.get("/verification").get_data(as_text=True)

    assert len(many) == len(few)
    assert html.count("/verification/") == 25 and "?page=2" in html
    assert client.get("/verification?page=2").get_data(as_text=True).count(
        "/verification/") == 33 - 25


# The verification page: the registered data beside the licence, other claims, history.

def test_review_page_shows_the_licence_beside_the_data_with_claims_and_history(app, login,
                                                                                make):
    unit = claimant(name="青岛待核企业有限公司")
    rival = claimant(unit.organization.credit_code, name="青岛另一申请有限公司")
    db.session.commit()
    org, licence = unit.organization, unit.organization.licence

    html = login(make.officer()).get(f"/verification/{org.id}").get_data(as_text=True)

    assert f'<iframe class="licence-frame mb-3" src="/licences/{licence.id}"' in html
    assert f"/licences/{licence.id}/download" in html
    assert org.credit_code in html and unit.email in html
    claims = html.split('id="claims"', 1)[1].split("</table>", 1)[0]
    assert rival.organization.name in claims and f"/verification/{rival.organization.id}" in claims
    history = html.split('id="history"', 1)[1].split("</ol>", 1)[0]
    assert history.count("<li>") == 1  # the factory uploads the licence, nothing else
    assert "Business licence uploaded" in history and org.licence.sha256 in history
    assert 'data-decision="verify"' in html and 'data-decision="reject"' in html


def test_licence_is_framed_by_this_site_only_and_downloaded_under_a_clean_name(app, login,
                                                                                make):
    unit = claimant()
    db.session.commit()
    licence = unit.organization.licence
    client = login(make.officer())

    shown = client.get(f"/licences/{licence.id}")
    saved = client.get(f"/licences/{licence.id}/download")
    page = client.get(f"/verification/{unit.organization_id}")

    assert shown.data == saved.data == licences.read_licence(licence)
    assert shown.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in shown.headers["Content-Security-Policy"]
    assert shown.headers["Cache-Control"] == "no-store"
    assert shown.headers["Content-Disposition"].startswith("inline")
    assert saved.headers["Content-Disposition"] == (
        f"attachment; filename=licence-{unit.organization.credit_code}-{licence.id}.pdf")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_a_damaged_licence_file_is_not_served(app, login, make):
    unit = claimant()
    db.session.commit()
    path = licences.licence_path(unit.organization.licence)
    path.chmod(0o644)
    path.write_bytes(tiny_pdf("Changed behind the records"))
    assert login(make.officer()).get(f"/licences/{unit.organization.licence.id}").status_code \
        == 404
