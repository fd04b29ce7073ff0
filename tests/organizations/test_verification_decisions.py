"""Deciding a registration (issue 9, point 3): verify or reject with a reason, by an officer
or the recommender of the unit's city; what each decision changes (statuses, audit rows,
notifications and mails in the recipient's language with absolute links), what is refused
without changing or showing anything, and two decisions on claims of one credit code at the
same moment, on both databases."""
import threading

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select, update

from tests import factories
from tests.organizations.test_organization_verification import (
    audit_rows,
    claimant,
    decide,
    mails_to,
    refreshed,
)
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.accounts.models.users import User
from workflow.core.errors import ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Role
from workflow.inbox.models import Notification, OutboxMail
from workflow.organizations.models import Organization, OrgStatus
from workflow.organizations.operations import verification

QINGDAO, JINAN = factories.QINGDAO, factories.JINAN


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_verifying_a_disputed_claim_rejects_the_others_and_tells_every_unit(app, login, make):
    real = claimant(name="青岛真实企业有限公司")
    code = real.organization.credit_code
    squatter = claimant(code, name="青岛抢注企业有限公司", region=JINAN)
    squatter.locale = "en"
    officer = make.officer()
    db.session.commit()

    response = decide(login(officer), real.organization, "verify")

    assert response.status_code == 302 and response.location == "/verification"
    org, other = refreshed(real.organization), refreshed(squatter.organization)
    assert (org.status, org.status_reason) == (OrgStatus.VERIFIED, "")
    assert org.decided_at is not None
    assert other.status == OrgStatus.REJECTED and code in other.status_reason
    (verified,) = audit_rows(org, "verify_organization")
    assert (verified.actor_id, verified.to_state) == (officer.id, OrgStatus.VERIFIED)
    assert org.licence.sha256 in verified.comment
    (rejected,) = audit_rows(other, "reject_organization")
    assert (rejected.actor_id, rejected.comment) == (officer.id, other.status_reason)
    base = app.config["PUBLIC_BASE_URL"]
    (told,) = mails_to(real)
    assert told.notification.kind == "organization_verified"
    assert f"{base}/my/organization" in told.body
    (refused,) = mails_to(squatter)
    assert refused.subject == "Your organization's registration was rejected"  # English
    assert other.status_reason in refused.body and f"{base}/my/organization" in refused.body


def test_city_recommender_verifies_a_unit_of_its_city(app, login):
    unit = claimant()
    recommender = factories.recommender(QINGDAO)
    db.session.commit()

    assert decide(login(recommender), unit.organization, "verify").status_code == 302

    assert refreshed(unit.organization).status == OrgStatus.VERIFIED
    (row,) = audit_rows(unit.organization, "verify_organization")
    assert (row.actor_id, row.role) == (recommender.id, Role.RECOMMENDER)


def test_rejection_tells_the_unit_why(app, login, make):
    unit = claimant()
    db.session.commit()

    response = decide(login(make.recommender(QINGDAO)), unit.organization, "reject",
                      reason="营业执照上的法定代表人与登记不一致，请核对。")

    assert response.status_code == 302
    org = refreshed(unit.organization)
    assert (org.status, org.status_reason) == (OrgStatus.REJECTED,
                                               "营业执照上的法定代表人与登记不一致，请核对。")
    (row,) = audit_rows(org, "reject_organization")
    assert row.comment == org.status_reason
    (mail,) = mails_to(unit)
    assert org.status_reason in mail.body
    assert count(Notification, Notification.user_id == unit.id) == 1


@pytest.mark.parametrize("reason", ["", "   ", "理" * 1001, "含控制字符\x00的理由"],
                         ids=["empty", "blank", "too-long", "control-char"])
def test_rejection_without_a_fit_reason_changes_nothing(app, login, make, reason):
    unit = claimant()
    db.session.commit()

    response = decide(login(make.officer()), unit.organization, "reject", reason=reason)

    assert response.status_code == 422 and "is-invalid" in response.get_data(as_text=True)
    assert refreshed(unit.organization).status == OrgStatus.UNVERIFIED
    assert count(AuditEntry, AuditEntry.action == "reject_organization") == 0
    assert count(OutboxMail) == 0


def test_recommender_of_another_city_is_refused_and_learns_nothing(app, login):
    unit = claimant(name="青岛保密企业有限公司")
    db.session.commit()
    client = login(factories.recommender(JINAN))

    for response in (client.get(f"/verification/{unit.organization_id}"),
                     client.get(f"/licences/{unit.organization.licence.id}"),
                     decide(client, unit.organization, "verify"),
                     decide(client, unit.organization, "reject", reason="越权")):
        assert response.status_code == 403
        assert "青岛保密企业有限公司" not in response.get_data(as_text=True)
        assert b"%PDF" not in response.data
    assert refreshed(unit.organization).status == OrgStatus.UNVERIFIED
    assert "青岛保密企业有限公司" not in client.get("/verification").get_data(as_text=True)


def test_recommender_leaves_a_disputed_claim_to_the_department(app, login):
    unit = claimant(name="青岛争议企业有限公司")
    claimant(unit.organization.credit_code, name="青岛另一争议有限公司")
    db.session.commit()
    client = login(factories.recommender(QINGDAO))

    for response in (client.get(f"/verification/{unit.organization_id}"),
                     client.get(f"/licences/{unit.organization.licence.id}/download"),
                     decide(client, unit.organization, "verify")):
        assert response.status_code == 403
        assert "争议" not in response.get_data(as_text=True) and b"%PDF" not in response.data
    assert refreshed(unit.organization).status == OrgStatus.UNVERIFIED


@pytest.mark.parametrize("path", ["/verification/999999", "/licences/999999",
                                  "/licences/999999/download"])
def test_unknown_ids_are_404(app, login, make, path):
    assert login(make.officer()).get(path).status_code == 404


@pytest.mark.parametrize("decision", ["verify", "reject"])
def test_unknown_ids_are_404_for_decisions_too(app, login, make, decision):
    response = login(make.officer()).post(f"/verification/999999/{decision}",
                                          data={"reason": "无", "licence_id": "1"})
    assert response.status_code == 404


def test_a_decision_on_a_licence_replaced_meanwhile_is_refused(app, login, make):
    unit = claimant()
    looked_at = unit.organization.licence.id
    factories.licence(unit.organization, unit)
    db.session.commit()

    response = login(make.officer()).post(f"/verification/{unit.organization_id}/verify",
                                          data={"licence_id": looked_at},
                                          follow_redirects=True)

    assert "uploaded a new business licence a moment ago" in response.get_data(as_text=True)
    assert refreshed(unit.organization).status == OrgStatus.UNVERIFIED


def test_verifying_without_a_licence_is_refused(make):
    unit = factories.user(Role.APPLICANT, organization=factories.org(status="unverified"))
    with force_locale("en"), pytest.raises(ServiceError, match="no business licence"):
        verification.verify_organization(unit.organization, licence_id=None,
                                         actor=make.officer())


def test_a_decided_registration_is_not_decided_again(app, login, make):
    unit = claimant()
    licence_id = unit.organization.licence.id
    verification.verify_organization(unit.organization, licence_id=licence_id,
                                     actor=make.officer())
    db.session.commit()
    with force_locale("en"), pytest.raises(ServiceError, match="decided a moment ago"):
        verification.reject_organization(unit.organization, reason="迟到的决定",
                                         licence_id=licence_id, actor=make.officer())
    db.session.rollback()
    assert refreshed(unit.organization).status == OrgStatus.VERIFIED


# Two officers verify two claims of one code at the same moment.

def _verify_in_own_context(flask_app, barrier, outcomes, org_id, licence_id, officer_id):
    with flask_app.app_context(), force_locale("en"):
        try:
            barrier.wait(timeout=10)
            try:
                verification.verify_organization(
                    db.session.get(Organization, org_id), licence_id=licence_id,
                    actor=db.session.get(User, officer_id))
                db.session.commit()
                outcomes[org_id] = "done"
            except ServiceError as refusal:
                db.session.rollback()
                outcomes[org_id] = refusal
        except Exception as unexpected:  # noqa: BLE001 - reported by the test
            outcomes[org_id] = unexpected
        finally:
            db.session.remove()


@pytest.mark.parametrize("attempt", range(3))
def test_two_officers_verifying_two_claims_of_one_code_at_once_verify_one(app, attempt):
    first = claimant()
    second = claimant(first.organization.credit_code)
    officers = (factories.officer(), factories.officer())
    db.session.commit()
    claims = [(u.organization_id, u.organization.licence.id) for u in (first, second)]
    barrier, outcomes = threading.Barrier(2), {}
    threads = [threading.Thread(target=_verify_in_own_context,
                                args=(app, barrier, outcomes, org_id, licence_id, officer.id))
               for (org_id, licence_id), officer in zip(claims, officers, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()

    assert sorted(o == "done" for o in outcomes.values()) == [False, True], outcomes
    (refusal,) = [o for o in outcomes.values() if o != "done"]
    assert type(refusal) is ServiceError and "decided a moment ago" in str(refusal)
    statuses = sorted(db.session.get(Organization, org_id).status for org_id, _ in claims)
    assert statuses == [OrgStatus.REJECTED, OrgStatus.VERIFIED]
    assert count(AuditEntry, AuditEntry.action == "verify_organization") == 1
    assert count(AuditEntry, AuditEntry.action == "reject_organization") == 1


def test_a_verification_that_breaks_the_unique_index_is_a_clean_refusal(app, make,
                                                                        monkeypatch):
    """A writer that did not take the lock verified a third claim meanwhile: the index
    refuses a second verified unit, and the officer reads why instead of a server error."""
    first = claimant()
    code = first.organization.credit_code
    second, third = claimant(code), claimant(code)
    officer = make.officer()
    db.session.commit()
    stale = [first.organization, second.organization]

    def claims_read_before_the_other_writer(code):
        with db.engine.begin() as other:
            other.execute(update(Organization).where(Organization.id == third.organization_id)
                          .values(status=OrgStatus.VERIFIED))
        return stale

    monkeypatch.setattr(verification, "_lock_claims", claims_read_before_the_other_writer)
    with force_locale("en"), pytest.raises(ServiceError, match="verified a moment ago"):
        verification.verify_organization(second.organization,
                                         licence_id=second.organization.licence.id,
                                         actor=officer)
    db.session.rollback()
    assert [refreshed(u.organization).status for u in (first, second, third)] == [
        OrgStatus.UNVERIFIED, OrgStatus.UNVERIFIED, OrgStatus.VERIFIED]
    assert count(AuditEntry, AuditEntry.action == "verify_organization") == 0
