"""Officers administer users (issue 9 point 9), experts get their logins from the pool
(point 1), and every change is audited; nobody changes their own account here."""
import io
import re

import pytest
from sqlalchemy import func, select

from tests.accounts.test_account_links import link_in_last_mail, set_password
from tests.factories import credit_code
from tests.scoring_world import scores_totalling
from tests.web.test_queries import counted_statements
from workflow.accounts.models.users import User
from workflow.accounts.operations import users
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState, Role
from workflow.experts.models import Expert
from workflow.inbox.models import OutboxMail
from workflow.lifecycle.transitions import transition
from workflow.organizations.models import Organization
from workflow.organizations.operations import verification
from workflow.review.models import ScoreSheet
from workflow.review.operations import assignment
from workflow.review.settings import review_settings_of

PASSWORD = "lantern-quarry-velvet"


@pytest.fixture
def officer(make):
    row = make.officer()
    db.session.commit()
    return row


@pytest.fixture
def officer_client(app, officer, make):
    client = app.test_client()
    client.post("/login", data={"email": officer.email, "password": make.PASSWORD})
    return client


def actions_about(user) -> list[str]:
    return db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.subject_user_id == user.id).order_by(AuditEntry.id)).all()


def test_the_list_searches_by_name_email_unit_and_code_in_fixed_statements(officer_client,
                                                                           make):
    unit = make.org(name="山东测试光电有限公司")
    make.user(Role.APPLICANT, organization=unit, email="guang@example.com")
    db.session.commit()
    for text in ("测试光电", "guang@", unit.credit_code[:10]):
        page = officer_client.get(f"/officer/users?q={text}").get_data(as_text=True)
        assert "guang@example.com" in page, text
    db.session.expunge_all()
    with counted_statements() as few:
        officer_client.get("/officer/users")
    for _ in range(40):
        make.applicant()
    db.session.commit()
    db.session.expunge_all()
    with counted_statements() as many:
        page = officer_client.get("/officer/users?page=2").get_data(as_text=True)
    assert len(many) == len(few) == 8
    assert page.count('<tr id="user-') == 42 - 25  # the officer, guang@ and 40 applicants


def test_roles_are_given_and_taken_with_audit_rows_but_never_ones_own(officer, make):
    person = make.user(Role.APPLICANT, organization=make.org())
    users.grant_role(person, "leader", actor=officer)
    assert person.roles == {Role.APPLICANT, Role.LEADER}
    with pytest.raises(ServiceError):
        users.grant_role(person, "leader", actor=officer)
    users.revoke_role(person, "leader", actor=officer)
    with pytest.raises(ServiceError):
        users.revoke_role(person, "applicant", actor=officer)  # the only role left
    with pytest.raises(ServiceError):
        users.grant_role(officer, "leader", actor=officer)
    with pytest.raises(ServiceError):
        users.set_user_active(officer, False, actor=officer)
    assert actions_about(person) == ["grant_role", "revoke_role"]
    assert officer.roles == {Role.OFFICER}


def test_a_recommender_needs_a_verified_unit(officer, make):
    bureau = make.org(name="淄博市科学技术局", kind="government", status="unverified")
    with pytest.raises(ServiceError):
        users.invite_user(email="zb@example.com", name="淄博", roles=["recommender"],
                          credit_code=bureau.credit_code, actor=officer)
    bureau.status = "verified"
    user = users.invite_user(email="zb@example.com", name="淄博", roles=["recommender"],
                             credit_code=bureau.credit_code, actor=officer)
    assert user.organization == bureau and user.password_hash is None


def test_the_detail_page_shows_the_login_history_and_the_decisions(app, officer_client, make):
    person = make.applicant()
    db.session.commit()
    app.test_client().post("/login", data={"email": person.email, "password": "wrong-pass-7"})
    app.test_client().post("/login", data={"email": person.email, "password": make.PASSWORD})
    officer_client.post(f"/officer/users/{person.id}/active", data={"active": "0"})
    page = officer_client.get(f"/officer/users/{person.id}").get_data(as_text=True)
    history = page.split('id="login-history"', 1)[1].split("</table>", 1)[0]
    assert history.count("<tr><td>") == 2
    assert "deactivate_user" in actions_about(person)
    assert not db.session.get(User, person.id).active


def test_the_own_account_shows_no_buttons_that_would_be_refused(officer_client, officer):
    page = officer_client.get(f"/officer/users/{officer.id}").get_data(as_text=True)
    assert f"/officer/users/{officer.id}/active" not in page
    assert f"/officer/users/{officer.id}/roles/grant" not in page


def expert_file(email: str) -> tuple[io.BytesIO, str]:
    text = ("name,employer,employer_credit_code,city,title,fields,birth_year,phone,email\n"
            f"王教授,山东大学,{credit_code('370100', '12')},淄博,教授,半导体激光,1970,,{email}\n")
    return io.BytesIO(text.encode()), "experts.csv"


def test_an_imported_expert_sets_a_password_from_the_mail_and_scores(app, officer_client,
                                                                     officer, make):
    response = officer_client.post("/officer/experts/import",
                                   data={"file": expert_file("wang.prof@example.com")})
    assert response.status_code == 302
    expert = db.session.scalar(select(Expert).where(Expert.email == "wang.prof@example.com"))
    assert expert.user is not None and expert.user.roles == {Role.EXPERT}
    path = link_in_last_mail("wang.prof@example.com")

    call = make.call(actor=officer)
    app_row = make.application(call, state=AppState.FORMAL_PASSED)
    seat = assignment.add_seat(app_row, expert, actor=officer)
    db.session.commit()

    browser = app.test_client()
    assert set_password(browser, path, PASSWORD).status_code == 302
    home = browser.get("/expert").get_data(as_text=True)
    assert f"/expert/seats/{seat.id}/accept" in home
    assert browser.post(f"/expert/seats/{seat.id}/accept").status_code == 302
    others = [make.expert(app_row.field.name)
              for _ in range(review_settings_of(call).k - 1)]
    for other in others:
        other_seat = assignment.add_seat(app_row, other, actor=officer)
        assignment.respond(other_seat, accept=True, actor=other.user)
    transition(app_row, "open_review", actor=officer)
    db.session.commit()
    scores = {f"score_{code}": str(v) for code, v in scores_totalling(80).items()}
    assert browser.post(f"/expert/seats/{seat.id}/sheet/submit", data=scores).status_code == 302
    sheet = db.session.scalar(select(ScoreSheet).where(ScoreSheet.seat_id == seat.id))
    assert sheet is not None and sheet.submitted_at is not None


def test_an_officers_address_cannot_join_the_pool(officer_client, officer):
    response = officer_client.post("/officer/experts/import",
                                   data={"file": expert_file(officer.email)})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Expert)) == 0
    assert db.session.get(User, officer.id).roles == {Role.OFFICER}


def test_an_expert_without_a_login_gets_one_when_the_profile_gains_an_email(officer_client,
                                                                           officer, make):
    expert = make.expert("工业软件")
    expert.user, expert.email = None, ""
    db.session.commit()
    response = officer_client.post(f"/experts/{expert.id}/profile", data={
        "title": "教授", "fields": [make.term("工业软件").id], "phone": "",
        "email": "li.prof@example.com"})
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Expert, expert.id)
    assert stored.user is not None and stored.user.email == "li.prof@example.com"
    mail = db.session.scalars(select(OutboxMail).where(
        OutboxMail.to_address == "li.prof@example.com")).one()
    assert re.search(r"/account/activate/", mail.body)


def test_a_city_bureau_unknown_so_far_is_registered_with_its_first_recommender(officer_client):
    code = credit_code("370300", "11")
    missing = officer_client.post("/officer/users/new", data={
        "name": "淄博推荐员", "email": "zibo.rec@example.com", "roles": ["recommender"],
        "credit_code": code})
    assert missing.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Organization)) == 0
    done = officer_client.post("/officer/users/new", data={
        "name": "淄博推荐员", "email": "zibo.rec@example.com", "roles": ["recommender"],
        "credit_code": code, "org_name": "淄博市科学技术局", "org_region": "370300"})
    assert done.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "zibo.rec@example.com"))
    bureau = user.organization
    assert (bureau.name, bureau.status, bureau.kind, bureau.region_code) == (
        "淄博市科学技术局", "verified", "government", "370300")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.organization_id == bureau.id))
    assert entry.action == "verify_organization"


def test_nobody_verifies_their_own_unit(make):
    unit = make.org(status="unverified")
    officer = make.user(Role.OFFICER, organization=unit)
    make.licence(unit)
    with pytest.raises(PermissionDenied):
        verification.verify_organization(unit, licence_id=unit.licence.id, actor=officer)
    assert unit.status == "unverified"
    verification.verify_organization(unit, licence_id=unit.licence.id, actor=make.officer())
    assert unit.status == "verified"


def test_a_deactivated_user_is_logged_out_refused_at_login_and_let_in_again_when_reactivated(
        app, officer_client, make):
    person = make.applicant()
    db.session.commit()
    theirs = app.test_client()
    theirs.post("/login", data={"email": person.email, "password": make.PASSWORD})
    assert theirs.get("/my").status_code == 200

    officer_client.post(f"/officer/users/{person.id}/active", data={"active": "0"})
    assert theirs.get("/my").status_code == 302  # the open session has ended
    refused = app.test_client().post("/login", data={"email": person.email,
                                                     "password": make.PASSWORD})
    assert refused.status_code != 302
    officer_client.post("/language/en", data={"next": "/"})
    again = officer_client.post(f"/officer/users/{person.id}/active", data={"active": "0"},
                                follow_redirects=True)
    assert "already in that state" in again.get_data(as_text=True)

    officer_client.post(f"/officer/users/{person.id}/active", data={"active": "1"})
    back = app.test_client()
    assert back.post("/login", data={"email": person.email,
                                     "password": make.PASSWORD}).status_code == 302
    assert back.get("/my").status_code == 200
    assert actions_about(person) == ["deactivate_user", "activate_user"]
    assert db.session.get(User, person.id).active
