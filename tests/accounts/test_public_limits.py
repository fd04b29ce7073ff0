"""The public objection form is limited per client address and per contact typed (phone or
email, however written); a refused filing gets a 429 page that says what to do and stores
nothing. Officers hear of an announcement's objections once a day, not once per filing."""
import time
from datetime import datetime, timedelta

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from tests import factories
from tests.factories import clock_at
from tests.intake.test_intake import registration
from tests.platform.test_config import other_app
from tests.publicity_world import world
from workflow.accounts.models.users import User, UserRole
from workflow.core.clock import LOCAL
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Role
from workflow.inbox.models import Notification, OutboxMail
from workflow.organizations.models import Licence, Organization
from workflow.publicity.models import Objection
from workflow.publicity.operations import objections

NOV_4 = datetime(2022, 11, 4, 9, 30, tzinfo=LOCAL)
DURING = datetime(2022, 11, 8, 15, tzinfo=LOCAL)


@pytest.fixture
def announced():
    """An announcement of 2022-11-04 to 11-10 (its world has several officers). Committed."""
    with clock_at(NOV_4):
        w = world("半导体激光")
        w.shortlist(w.apps[0])
        announcement = w.publish()
    db.session.commit()
    return announcement


def limited(app, **limits):
    return other_app(app, RATE_LIMITS=True, **{
        "PUBLIC_FORM_RATE_LIMIT": "100 per minute", "PUBLIC_FORM_CONTACT_LIMIT": "100 per hour",
        **limits})


def file(client, announcement, *, address="203.0.113.7", phone="13800000000", email=""):
    """A real-name objection from `address`, in English, during the period."""
    with clock_at(DURING):
        return client.post(f"/publicity/{announcement.id}/objections", data={
            "filer_kind": "person", "entry_id": announcement.entries[0].id,
            "person_name": "王五", "phone": phone, "email": email,
            "content": "核心专利权属存在争议"}, environ_base={"REMOTE_ADDR": address},
            headers={"Accept-Language": "en"})


def stored() -> tuple:
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Objection, AuditEntry, Notification, OutboxMail))


@pytest.fixture
def english(client):
    """Requests of the limited apps read in English (the language switch of the session)."""
    def in_english(test_client):
        test_client.post("/language/en", data={"next": "/"})
        return test_client
    return in_english


def test_objections_are_limited_per_client_address(app, announced, english):
    client = english(limited(app, PUBLIC_FORM_RATE_LIMIT="3 per minute").test_client())

    codes = [file(client, announced, phone=f"1380000000{n}").status_code for n in range(3)]
    before = stored()
    refused = file(client, announced, phone="13900000000")

    assert codes == [302] * 3 and refused.status_code == 429
    assert "Wait a minute and try again" in refused.get_data(as_text=True)
    assert stored() == before and before[0] == 3
    assert file(client, announced, address="198.51.100.2").status_code == 302


@pytest.mark.parametrize(("first", "again"), [
    ({"phone": "0531-88880000"}, {"phone": "0531 8888 0000"}),
    ({"email": "Objector@Example.com", "phone": ""}, {"email": "objector@example.com ",
                                                      "phone": ""}),
])
def test_objections_are_limited_per_contact_however_written(app, announced, english, first,
                                                            again):
    client = english(limited(app, PUBLIC_FORM_CONTACT_LIMIT="2 per hour").test_client())

    codes = [file(client, announced, address=f"198.51.100.{n}", **first).status_code
             for n in range(2)]
    before = stored()
    refused = file(client, announced, address="198.51.100.9", **again)

    assert codes == [302, 302] and refused.status_code == 429
    body = refused.get_data(as_text=True)
    assert str(escape("Too many objections were filed with this phone number or email "
                      "address")) in body and "business phone" in body
    assert stored() == before
    assert file(client, announced, address="198.51.100.9", phone="13700000000",
                email="other@example.com").status_code == 302


def officer_mails(announcement) -> dict[int, list[Notification]]:
    officers = db.session.scalars(select(User.id).join(UserRole).where(
        UserRole.role == Role.OFFICER)).all()
    return {o: list(db.session.scalars(select(Notification).where(
        Notification.user_id == o, Notification.kind == "objection_filed"))) for o in officers}


def test_a_flood_of_objections_tells_each_officer_once_a_day(announced):
    filing = factories.objection_filing(announced.entries[0], kind="person", letter=None,
                                        person_name="王五", phone="13800000000")
    for officer in db.session.scalars(select(User).join(UserRole).where(
            UserRole.role == Role.OFFICER)):
        officer.locale = "en"  # each mail is written in its officer's language
    with clock_at(DURING):
        for _n in range(5):
            objections.file_objection(announced, filing, actor=None)
    with clock_at(DURING + timedelta(days=1)):
        objections.file_objection(announced, filing, actor=None)
    db.session.commit()

    mails = officer_mails(announced)
    assert len(mails) >= 2 and all(len(told) == 2 for told in mails.values())
    for first, next_day in mails.values():
        assert "Objections to this announcement so far: 1;" in first.body
        assert "Objections to this announcement so far: 6;" in next_day.body
        assert f"/officer/publicity/{announced.id}/objections" in first.body
    assert db.session.scalar(select(func.count()).select_from(OutboxMail).join(Notification).where(
        Notification.kind == "objection_filed")) == 2 * len(mails)


def test_a_flood_from_one_client_with_the_default_limits(app, announced, english):
    client = english(other_app(app, RATE_LIMITS=True).test_client())
    started = time.perf_counter()

    codes = [file(client, announced, phone=f"13{n:09d}").status_code for n in range(100)]

    elapsed = time.perf_counter() - started
    assert codes.count(302) == 10 and codes.count(429) == 90  # 10 per minute
    assert db.session.scalar(select(func.count()).select_from(Objection)) == 10
    assert all(len(told) == 1 for told in officer_mails(announced).values())
    print(f"100 filings from one client: {elapsed:.2f} s")


def register(client, *, address="203.0.113.7", email=None, code=None):
    """A unit registering from `address`, in English; a new credit code each time."""
    code = code or factories.credit_code(factories.QINGDAO)
    return client.post("/register", data=registration(
        code, **({"email": email} if email else {})), environ_base={"REMOTE_ADDR": address})


def registered() -> tuple:
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Organization, User, Licence, AuditEntry))


def test_registrations_are_limited_per_client_address(app, english):
    client = english(limited(app, PUBLIC_FORM_RATE_LIMIT="2 per minute").test_client())

    codes = [register(client).status_code for _ in range(2)]
    client.post("/logout")
    before = registered()
    refused = register(client)

    assert codes == [302, 302] and refused.status_code == 429
    assert "Wait a minute and try again" in refused.get_data(as_text=True)
    assert registered() == before and before[0] == 2
    assert register(client, address="198.51.100.2").status_code == 302


def test_registrations_are_limited_per_address_typed_however_written(app, english):
    """The same mailbox typed in other cases and with spaces counts as one, from any client."""
    client = english(limited(app, PUBLIC_FORM_CONTACT_LIMIT="1 per hour").test_client())
    first = register(client, email="wang@example.com", address="203.0.113.7")
    assert first.status_code == 302
    client.post("/logout")
    before = registered()

    again = register(client, email="  WANG@Example.com ", address="198.51.100.9")

    assert again.status_code == 429 and registered() == before
    assert register(client, email="li@example.com", address="198.51.100.9").status_code == 302
