"""Co-builders are invited, and only a verified unit is ever one (issue 9, point 3): the
takeover the issue describes fails, a registration made before the real unit's does not
block it, an unverified unit invites nobody and submits nothing until it is verified."""
import pytest
from flask_babel import refresh
from sqlalchemy import func, select

from tests import factories
from tests.intake.test_intake import registration
from tests.organizations.test_organization_verification import claimant, decide, mails_to, refreshed
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.accounts.models.users import User
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState, Role
from workflow.inbox.models import Notification, OutboxMail
from workflow.intake.models import Application, CoBuilder
from workflow.intake.operations import intake
from workflow.organizations.models import Organization, OrgStatus
from workflow.organizations.operations import verification

QINGDAO, JINAN = factories.QINGDAO, factories.JINAN


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def partner_unit(region: str = JINAN, name: str = "山东测试大学") -> User:
    return factories.user(Role.APPLICANT, organization=factories.org(region, name, "university"))


def lead_of(app) -> User:
    return db.session.get(User, app.created_by_id)


def invitations_to(user: User) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == "cobuilder_invitation")))


def add(client, app, code: str, **data):
    return client.post(f"/applications/{app.id}/cobuilders", data={
        "credit_code": code, "name": "合作单位", "division": "联合研发", **data})


def test_a_verified_unit_is_linked_and_its_users_are_asked_to_confirm(app, login):
    application = factories.application(complete=False)
    partner = partner_unit(name="山东登记名称大学")
    colleague = factories.user(Role.APPLICANT, organization=partner.organization)
    db.session.commit()

    response = add(login(lead_of(application)), application, partner.organization.credit_code)

    assert response.status_code == 302
    row = db.session.scalar(select(CoBuilder))
    assert (row.organization_id, row.name) == (partner.organization_id, "山东登记名称大学")
    (linked,) = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "link_cobuilder")).all()
    assert (linked.application_id, linked.organization_id) == (application.id,
                                                               partner.organization_id)
    link = f"{app.config['PUBLIC_BASE_URL']}/applications/{application.id}"
    for user in (partner, colleague):
        (note,) = invitations_to(user)
        assert note.application_id == application.id and link in note.body
        (mail,) = mails_to(user)
        assert link in mail.body


def test_a_unit_without_a_verified_account_is_mailed_an_invitation_to_register(app, login):
    application = factories.application(complete=False)
    code = factories.credit_code(JINAN, "12")
    db.session.commit()

    response = add(login(lead_of(application)), application, code,
                   contact_email="Keyan@Partner.example.cn")

    assert response.status_code == 302
    row = db.session.scalar(select(CoBuilder))
    assert (row.organization_id, row.contact_email) == (None, "keyan@partner.example.cn")
    (mail,) = db.session.scalars(select(OutboxMail)).all()
    assert (mail.to_address, mail.notification_id) == ("keyan@partner.example.cn", None)
    assert f"{app.config['PUBLIC_BASE_URL']}/register" in mail.body
    assert code in mail.body and application.title in mail.body
    assert count(Notification) == 0


def test_without_a_contact_email_nobody_is_mailed(app, login):
    application = factories.application(complete=False)
    db.session.commit()
    assert add(login(lead_of(application)), application,
               factories.credit_code(JINAN, "12")).status_code == 302
    assert count(OutboxMail) == count(Notification) == 0


def test_a_bad_contact_email_is_refused_and_keeps_what_was_typed(app, login):
    application = factories.application(complete=False)
    db.session.commit()

    response = add(login(lead_of(application)), application,
                   factories.credit_code(JINAN, "12"), contact_email="not an address")

    assert response.status_code == 422 and 'value="not an address"' in response.get_data(
        as_text=True)
    assert count(CoBuilder) == count(OutboxMail) == 0


def test_an_unverified_lead_invites_nobody_until_it_is_verified(app, login, make):
    lead = claimant()
    application = factories.application(lead=lead, complete=False)
    partner = partner_unit()
    db.session.commit()
    client = login(lead)
    add(client, application, partner.organization.credit_code)
    add(client, application, factories.credit_code(JINAN, "12"),
        contact_email="contact@partner.example.cn")

    rows = db.session.scalars(select(CoBuilder).order_by(CoBuilder.id)).all()
    assert [r.organization_id for r in rows] == [None, None]
    assert [r.name for r in rows] == ["合作单位", "合作单位"]  # the registered name stays unseen
    assert count(Notification) == count(OutboxMail) == 0
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert page.count("invited once your unit is verified") == 2
    assert partner.organization.name not in page

    verification.verify_organization(lead.organization, licence_id=lead.organization.licence.id,
                                     actor=make.officer())
    db.session.commit()

    rows = db.session.scalars(select(CoBuilder).order_by(CoBuilder.id)).all()
    assert [r.organization_id for r in rows] == [partner.organization_id, None]
    assert len(invitations_to(partner)) == 1
    assert [m.to_address for m in db.session.scalars(select(OutboxMail).where(
        OutboxMail.notification_id.is_(None)))] == ["contact@partner.example.cn"]


def test_a_unit_verified_later_is_linked_and_told_of_the_applications_waiting(app, make):
    code = factories.credit_code(JINAN, "12")
    waiting, expired = factories.application(complete=False), factories.application()
    for application in (waiting, expired):
        intake.add_cobuilder(application, credit_code=code, name="后注册的研究院", division="",
                             actor=lead_of(application))
    factories.drive(expired, AppState.EXPIRED, lead=lead_of(expired))
    unit = claimant(code, region=JINAN)

    verification.verify_organization(unit.organization, licence_id=unit.organization.licence.id,
                                     actor=make.officer())

    assert {r.organization_id for r in db.session.scalars(select(CoBuilder))} == {
        unit.organization_id}
    assert [n.application_id for n in invitations_to(unit)] == [waiting.id]


def test_takeover_registering_a_cobuilders_code_first_gains_nothing(app, login, make):
    """The attack of issue 9: someone registers the credit code of a co-builder (it is
    printed on its licence) before the real unit does."""
    application = factories.application(complete=True)
    lead = lead_of(application)
    code = factories.credit_code(JINAN, "12")
    intake.add_cobuilder(application, credit_code=code, name="山东真实研究院", division="共性技术",
                         actor=lead)
    attachment = application.current_attachments()[0]
    db.session.commit()
    attacker = app.test_client()

    assert attacker.post("/register", data=registration(
        code, org_name="山东真实研究院", email="attacker@example.com")).status_code == 302

    row = db.session.scalar(select(CoBuilder))
    assert row.organization_id is None
    for response in (attacker.get(f"/applications/{application.id}"),
                     attacker.get(f"/attachments/{attachment.id}"),
                     attacker.post(f"/applications/{application.id}/confirm")):
        assert response.status_code == 403
        assert application.title not in response.get_data(as_text=True)
        assert b"%PDF" not in response.data
    assert application.title not in attacker.get("/my").get_data(as_text=True)
    assert db.session.scalar(select(CoBuilder.confirmed_at)) is None

    real = app.test_client()
    assert real.post("/register", data=registration(
        code, org_name="山东真实研究院", email="keyan@real.example.cn")).status_code == 302
    claims = db.session.scalars(select(Organization).where(
        Organization.credit_code == code).order_by(Organization.id)).all()
    fake_org, real_org = claims
    assert login(factories.recommender(JINAN)).get(
        f"/verification/{real_org.id}").status_code == 403  # disputed: the department's

    assert decide(login(make.officer()), real_org, "verify").status_code == 302

    assert (refreshed(real_org).status, refreshed(fake_org).status) == (
        OrgStatus.VERIFIED, OrgStatus.REJECTED)
    row = db.session.scalar(select(CoBuilder))
    assert row.organization_id == real_org.id
    assert real.post(f"/applications/{application.id}/confirm").status_code == 302
    real_user = db.session.scalar(select(User).where(User.email == "keyan@real.example.cn"))
    assert db.session.scalar(select(CoBuilder)).confirmed_by_id == real_user.id
    assert attacker.get(f"/applications/{application.id}").status_code == 403


def test_a_code_a_verified_cobuilder_holds_cannot_be_registered_again(app):
    application = factories.application(state=AppState.SUBMITTED, cobuilder=True)
    row = application.cobuilders[0]
    code, holder = row.credit_code, row.organization_id
    db.session.commit()

    attacker = app.test_client()
    attacker.post("/language/en", data={"next": "/"})
    refresh()  # the test's app context outlives the requests: forget the cached language
    response = attacker.post("/register", data=registration(code, email="attacker@example.com"))

    assert response.status_code == 422
    assert "contact the department" in response.get_data(as_text=True)
    assert count(Organization, Organization.credit_code == code) == 1
    assert db.session.get(CoBuilder, row.id).organization_id == holder
    assert count(User, User.email == "attacker@example.com") == 0


def test_an_unverified_unit_fills_a_draft_but_the_submit_button_says_why_not(app, login,
                                                                             make):
    lead = claimant()
    application = factories.application(lead=lead, complete=True)
    db.session.commit()
    client = login(lead)

    html = client.get(f"/applications/{application.id}").get_data(as_text=True)
    refusals = html.split('data-refusals-for="submit"', 1)[1].split("</ul>", 1)[0]
    assert "waiting for its verification" in refusals
    button = html.split('data-action="submit"', 1)[1].split(">", 1)[0]
    assert "disabled" in button
    response = client.post(f"/applications/{application.id}/actions/submit",
                           follow_redirects=True)
    assert "waiting for its verification" in response.get_data(as_text=True)
    assert db.session.get(Application, application.id).state == AppState.DRAFT

    verification.verify_organization(lead.organization, licence_id=lead.organization.licence.id,
                                     actor=make.officer())
    db.session.commit()
    assert client.post(f"/applications/{application.id}/actions/submit").status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, application.id).state == AppState.SUBMITTED


@pytest.mark.parametrize("status", ["unverified", "rejected"])
def test_an_unverified_or_rejected_unit_is_no_cobuilder_even_when_a_row_names_it(app, status):
    """Defence in depth: even a row linked to a unit that is not verified (as before this
    change) gives it no access."""
    application = factories.application(complete=False)
    unit = factories.user(Role.APPLICANT, organization=factories.org(JINAN,
                                                                     status="unverified"))
    unit.organization.status, unit.organization.status_reason = status, "测试"
    db.session.add(CoBuilder(application=application, credit_code=unit.organization.credit_code,
                             name="x", organization=unit.organization))
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": unit.email, "password": factories.PASSWORD})
    assert client.get(f"/applications/{application.id}").status_code == 403
    assert client.post(f"/applications/{application.id}/confirm").status_code == 403
