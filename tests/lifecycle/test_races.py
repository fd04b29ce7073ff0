"""Races between real concurrent requests end in a clear message, never a 500: each request
runs in a thread of its own through its own logged-in client, so each has its own app
context, session and connection, as under a threaded server. The constraint decides, and the
loser is told in words (its page, a flashed message, or the 409 page of web/views/errors.py)."""
import io
import threading

import pytest
from flask import Flask
from flask_babel import refresh
from markupsafe import escape
from sqlalchemy import func, select, update

from tests import factories
from tests.platform.test_config import other_app
from workflow.accounts.models.users import User
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState, Role
from workflow.demo.steps import tiny_pdf
from workflow.intake.models import Application, ApplicationSection, ApplicationVersion, CoBuilder
from workflow.notices.models import DocumentNumber
from workflow.recommendation.models import Recommendation
from workflow.review.models import PanelSeat

LOST_RACE = "Someone else changed this a moment ago"
ATTEMPTS = range(2)


def at_once(sends: list) -> list:
    """Run the requests in threads released together; their responses (or errors)."""
    barrier, results = threading.Barrier(len(sends)), [None] * len(sends)

    def run(index, send):
        barrier.wait(timeout=10)
        try:
            results[index] = send()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            results[index] = error
    threads = [threading.Thread(target=run, args=(i, send)) for i, send in enumerate(sends)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(not isinstance(r, Exception) and r.status_code < 500 for r in results), results
    db.session.expire_all()
    return results


def english_client(app, user):
    """A client of its own, logged in as `user`, who reads English."""
    user.locale = "en"
    db.session.commit()
    client = app.test_client()
    assert client.post("/login", data={"email": user.email,
                                       "password": factories.PASSWORD}).status_code == 302
    return client


def said(client, response) -> str:
    """What the user read: the page, or the page a redirect leads to with its flash."""
    if response.status_code != 302:
        return response.get_data(as_text=True)
    refresh()
    return client.get(response.headers["Location"]).get_data(as_text=True)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_three_recommendations_at_the_same_rank_at_once(app, attempt):
    call = factories.call()
    apps = [factories.application(call, state=AppState.SUBMITTED) for _ in range(3)]
    first = factories.recommender()
    others = [factories.user(Role.RECOMMENDER, organization=first.organization)
              for _ in range(2)]
    clients = [english_client(app, u) for u in (first, *others)]

    responses = at_once([
        lambda c=c, a=a: c.post(f"/recommender/applications/{a}/recommend",
                                data={"rank": 1, "opinion": "同意推荐"})
        for c, a in zip(clients, [a.id for a in apps], strict=True)])

    assert sorted(r.status_code for r in responses) == [302, 422, 422]
    for response in responses:
        if response.status_code == 422:
            page = response.get_data(as_text=True)
            assert ("Another recommendation took rank 1" in page
                    or "Rank 1 is not free" in page), page
    (row,) = db.session.scalars(select(Recommendation)).all()
    assert row.rank == 1
    assert [a.state for a in apps].count(AppState.RECOMMENDED) == 1
    assert count(AuditEntry, AuditEntry.action == "recommend") == 1


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_the_same_cobuilder_added_twice_at_once(app, attempt):
    application = factories.application(complete=False)
    partner = factories.org(name="测试大学", kind="university")
    lead = db.session.get(User, application.created_by_id)
    clients = [english_client(app, lead) for _ in range(2)]
    form = {"credit_code": partner.credit_code, "name": "测试大学", "division": "联合研发"}
    url = f"/applications/{application.id}/cobuilders"

    responses = at_once([lambda c=c: c.post(url, data=form) for c in clients])

    assert sorted(r.status_code for r in responses)[0] == 302
    (loser,) = [r for r in responses if r.status_code != 302]
    page = loser.get_data(as_text=True)
    assert (loser.status_code, LOST_RACE in page) == (409, True) or (
        loser.status_code == 422 and "This unit is a co-builder already" in page)
    assert count(CoBuilder) == 1
    assert count(AuditEntry, AuditEntry.action == "add_cobuilder") == 1


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_the_same_email_registered_twice_at_once(app, attempt):
    codes = [factories.credit_code(factories.QINGDAO) for _ in range(2)]
    db.session.commit()

    def register(code):
        client = app.test_client()
        client.post("/language/en", data={"next": "/"})
        return lambda: client.post("/register", data={
            "org_name": f"青岛{code[-4:]}智能装备有限公司", "credit_code": code,
            "region_code": "", "kind": "enterprise", "independent_legal_person": "y",
            "legal_representative": "赵六", "user_name": "钱七", "phone": "0532-88886666",
            "email": "same@example.com", "password": "a-long-password-77",
            "confirm": "a-long-password-77",
            "licence": (io.BytesIO(tiny_pdf(f"Licence {code}")), "licence.pdf")})

    responses = at_once([register(code) for code in codes])

    assert count(User, User.email == "same@example.com") == 1
    assert sorted(r.status_code for r in responses)[0] == 302
    (loser,) = [r for r in responses if r.status_code != 302]
    assert loser.status_code in (409, 422)
    if loser.status_code == 409:
        assert LOST_RACE in loser.get_data(as_text=True)


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_two_officers_take_numbers_at_once_and_get_the_next_two(app, attempt):
    clients = [english_client(app, factories.officer()) for _ in range(2)]

    responses = at_once([
        lambda c=c, n=n: c.post("/officer/numbers/reserve", data={
            "office": "鲁科字", "year": 2031, "title": f"外部文件{n}"})
        for n, c in enumerate(clients)])

    assert [r.status_code for r in responses] == [302, 302]
    numbers = db.session.scalars(select(DocumentNumber.sequence).order_by(
        DocumentNumber.sequence)).all()
    assert numbers == [1, 2]


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_two_officers_seat_the_same_expert_at_once(app, attempt):
    officer = factories.officer()
    call = factories.call(actor=officer)
    call.review_settings = {"k": 3}
    application = factories.application(call, state=AppState.FORMAL_PASSED)
    expert = factories.expert(application.field.name)
    clients = [english_client(app, u) for u in (officer, factories.officer())]
    url, form = f"/officer/applications/{application.id}/seats", {"expert_id": expert.id}

    responses = at_once([lambda c=c: c.post(url, data=form) for c in clients])

    # The second officer's list was taken before the seat existed: its invitation is
    # refused when its turn comes (302 with the reason), or, when the seat exists already,
    # the ticked expert is no longer on the list of those who may be invited (422).
    pages = [said(c, r) if r.status_code == 302 else r.get_data(as_text=True)
             for c, r in zip(clients, responses, strict=True)]
    assert sorted(r.status_code for r in responses) in ([302, 302], [302, 422]), pages
    assert sum("Invited: " in p for p in pages) == 1
    assert any("already has a seat on this panel" in p or "Another assignment run" in p
               or "who may still be invited" in p for p in pages), pages
    assert count(PanelSeat) == 1


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_a_section_saved_for_the_first_time_twice_at_once(app, attempt):
    application = factories.application(complete=False)
    lead = db.session.get(User, application.created_by_id)
    clients = [english_client(app, lead) for _ in range(2)]
    basic = {"project_head": "张三", "contact_name": "李四", "contact_phone": "0531-88888888",
             "contact_email": "lisi@example.com"}
    url = f"/applications/{application.id}/sections/basic"

    responses = at_once([lambda c=c, n=n: c.post(url, data={**basic, "summary": f"第{n}次保存"})
                         for n, c in enumerate(clients)])

    codes = sorted(r.status_code for r in responses)
    assert codes in ([302, 302], [302, 409])
    if codes == [302, 409]:
        (loser,) = [r for r in responses if r.status_code == 409]
        assert LOST_RACE in loser.get_data(as_text=True)
    assert count(ApplicationSection) == 1
    assert count(AuditEntry, AuditEntry.action == "edit_section") == codes.count(302)


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_the_same_application_submitted_twice_at_once(app, attempt):
    application = factories.application()
    lead = db.session.get(User, application.created_by_id)
    clients = [english_client(app, lead) for _ in range(2)]

    url = f"/applications/{application.id}/actions/submit"

    responses = at_once([lambda c=c: c.post(url) for c in clients])

    pages = [said(c, r) for c, r in zip(clients, responses, strict=True)]
    assert sum("the application is now" in p for p in pages) == 1
    # The loser read why: it came in during the winner's transaction, or just after it.
    assert any(why in p for p in pages for why in (
        "not possible now", "changed this application a moment ago", "no longer possible")), pages
    assert application.state == AppState.SUBMITTED
    assert count(ApplicationVersion) == 1
    assert count(AuditEntry, AuditEntry.action == "submit") == 1


# The safety net itself: a constraint or version race that reaches a view.


@pytest.fixture
def net_app(app) -> Flask:
    """The app with two routes that lose a race the way an unguarded operation would."""
    racing = other_app(app)

    @racing.post("/_race/duplicate-email")
    def duplicate_email():
        db.session.add(User(email=db.session.scalar(select(User.email).limit(1)),
                            name="重复", password_hash="x"))
        db.session.flush()
        return "not reached"

    @racing.post("/_race/stale/<int:app_id>")
    def stale(app_id: int):
        row = db.session.get(Application, app_id)
        with db.engine.begin() as other:  # another request saved the row first
            other.execute(update(Application).where(Application.id == app_id).values(
                lock_version=Application.lock_version + 1))
        row.title = "改名"
        db.session.flush()
        return "not reached"
    return racing


@pytest.mark.parametrize("route", ["duplicate-email", "stale"])
def test_a_race_reaching_a_view_answers_409_in_the_users_language(net_app, route):
    application = factories.application(complete=False)
    lead = db.session.get(User, application.created_by_id)
    client = english_client(net_app, lead)
    path = "/_race/duplicate-email" if route == "duplicate-email" else \
        f"/_race/stale/{application.id}"

    response = client.post(path)

    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert str(escape("Someone else changed this a moment ago, so your change was not "
                      "saved. Reload the page and try again.")) in page
    assert 'lang="en"' in page
    db.session.expire_all()
    assert db.session.get(Application, application.id).title != "改名"
