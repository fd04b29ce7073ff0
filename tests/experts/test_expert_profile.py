"""An expert's profile, kept by the expert (or an officer): fields and contact, past employers,
declared relations; bad or hostile input changes nothing and loses nothing typed; nobody
reaches another expert's profile; a new relation takes effect at once in the calls in review,
down to the officer's panels page."""
from dataclasses import dataclass
from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests import factories
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.calls.operations import calls
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState, CallState
from workflow.experts.models import (
    ConflictDeclaration,
    Exclusion,
    Expert,
    ExpertEmployment,
    ExpertRelation,
)
from workflow.experts.operations import profile as expert_profile
from workflow.experts.operations.conflicts import compute_exclusions
from workflow.lifecycle.permissions import SYSTEM
from workflow.review.operations import assignment

HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
FIELD = "半导体激光"


def snapshot(expert_id: int) -> tuple:
    """What a request could change of an expert, and the audit trail."""
    db.session.expire_all()
    e = db.session.get(Expert, expert_id)
    return (e.title, e.phone, e.email, e.active, [f.name for f in e.fields],
            sorted((j.credit_code, j.org_name, j.start_date, j.end_date) for j in e.employments),
            sorted((r.kind, r.person_name or "", r.credit_code or "") for r in e.relations),
            db.session.scalar(select(func.count(AuditEntry.id))))


def exclusions(expert) -> set[tuple[int, str]]:
    return {(e.application_id, e.rule) for e in db.session.scalars(
        select(Exclusion).where(Exclusion.expert_id == expert.id))}


@pytest.fixture
def expert():
    row = factories.expert(FIELD)
    factories.term("工业软件")  # the field profile_form adds
    db.session.commit()
    return row


def profile_form(**changes) -> dict:
    data = {"title": "研究员", "fields": [factories.term(FIELD).id, factories.term("工业软件").id],
            "phone": "0533-1234567", "email": "new@example.com"}
    return {**data, **changes}


def checked(html: str, name: str) -> bool:
    """Whether the term `name` is ticked in the page's field picker."""
    return f'value="{factories.term(name).id}" id="fields-{factories.term(name).id}" checked' \
        in html


def employment_form(**changes) -> dict:
    data = {"job-org_name": "山东某集团", "job-credit_code": factories.credit_code(),
            "job-role": "employee", "job-start_date": "2021-03-01", "job-end_date": "2024-06-30"}
    return {**data, **changes}


def relation_form(**changes) -> dict:
    data = {"rel-kind": "coauthor", "rel-person_name": "刘主任", "rel-credit_code": "",
            "rel-since": "2022-01-01", "rel-until": "", "rel-note": "合著论文"}
    return {**data, **changes}


def test_expert_reaches_the_own_profile_from_the_home_page(expert, login):
    client = login(expert.user)
    home = client.get("/expert").get_data(as_text=True)
    assert 'href="/expert/profile"' in home
    response = client.get("/expert/profile")
    assert response.location.endswith(f"/experts/{expert.id}/profile")
    page = client.get(response.location).get_data(as_text=True)
    assert expert.name in page and checked(page, FIELD)


def test_expert_saves_fields_and_contact(expert, login):
    response = login(expert.user).post(f"/experts/{expert.id}/profile", data=profile_form(),
                                       follow_redirects=True)
    assert "Profile saved." in response.get_data(as_text=True)
    db.session.expire_all()
    assert [f.name for f in expert.fields] == [FIELD, "工业软件"]
    assert (expert.title, expert.phone, expert.email) == ("研究员", "0533-1234567",
                                                          "new@example.com")
    entry = db.session.scalars(select(AuditEntry).filter_by(action="edit_expert_profile")).one()
    assert entry.actor_id == expert.user_id
    assert entry.comment == f"expert {expert.id} {expert.name}: fields, phone, email"


@pytest.mark.parametrize(("changes", "message"), [
    ({"title": ""}, "This is required."),
    ({"title": "长" * 51}, "Field cannot be longer than 50 characters."),
    ({"email": "not-an-email"}, "Give a valid email address."),
    ({"fields": []}, "Choose 1 to 20 technical fields."),
    ({"fields": ["999999"]}, "Choose terms of the vocabulary."),
    ({"fields": [HOSTILE]}, "Choose terms of the vocabulary."),
    ({"phone": "call me"}, "The phone number is not valid."),
    ({"phone": "0533\x00"}, "Remove the control characters"),
])
def test_bad_profile_input_changes_nothing_and_keeps_what_was_typed(expert, login, changes,
                                                                    message):
    before = snapshot(expert.id)
    form = profile_form(**changes)
    response = login(expert.user).post(f"/experts/{expert.id}/profile", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert checked(html, "工业软件") or "fields" in changes
    assert snapshot(expert.id) == before


def test_an_email_of_another_expert_is_refused(expert, login):
    other = factories.expert(FIELD)
    db.session.commit()
    before = snapshot(expert.id)
    response = login(expert.user).post(f"/experts/{expert.id}/profile",
                                       data=profile_form(email=other.email.upper()))
    assert response.status_code == 422
    assert "Another expert of the pool has this email address." in response.get_data(
        as_text=True)
    assert snapshot(expert.id) == before


def test_expert_adds_and_removes_a_past_employer(expert, login):
    client = login(expert.user)
    response = client.post(f"/experts/{expert.id}/employments", data=employment_form(),
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Employer added." in html and "山东某集团" in html and "2024-06-30" in html
    (job,) = db.session.scalars(select(ExpertEmployment)).all()
    assert (job.role, job.start_date, job.end_date) == ("employee", date(2021, 3, 1),
                                                        date(2024, 6, 30))
    client.post(f"/experts/employments/{job.id}/remove")
    assert db.session.scalar(select(func.count(ExpertEmployment.id))) == 0
    assert db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.action.like("%employment")).order_by(AuditEntry.id)).all() == [
        "add_expert_employment", "remove_expert_employment"]


def test_a_refused_removal_is_a_message_and_changes_nothing(expert, login, monkeypatch):
    client = login(expert.user)
    client.post(f"/experts/{expert.id}/employments", data=employment_form())
    (job,) = db.session.scalars(select(ExpertEmployment)).all()

    def refuse(*args, **kwargs):
        raise ServiceError("Another assignment of this call is running.")

    monkeypatch.setattr(expert_profile, "remove_employment", refuse)
    response = client.post(f"/experts/employments/{job.id}/remove", follow_redirects=True)

    assert response.status_code == 200
    assert "Another assignment of this call is running." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ExpertEmployment.id))) == 1


@pytest.mark.parametrize(("changes", "message"), [
    ({"job-end_date": "2020-01-01"}, "The end date may not come before the start date."),
    ({"job-start_date": "2999-01-01", "job-end_date": ""}, "The start date must lie between"),
    ({"job-start_date": "1900-01-01"}, "The start date must lie between"),
    ({"job-start_date": "2021-02-30"}, "Not a valid date value."),
    ({"job-start_date": ""}, "Give the start date."),
    ({"job-credit_code": "913701000000000000"}, "The last character does not match"),
    ({"job-credit_code": ""}, "This is required."),
    ({"job-org_name": "企" * 201}, "Field cannot be longer than 200 characters."),
    ({"job-role": "owner"}, "Not a valid choice."),
])
def test_bad_employer_input_changes_nothing_and_keeps_what_was_typed(expert, login, changes,
                                                                     message):
    before = snapshot(expert.id)
    response = login(expert.user).post(f"/experts/{expert.id}/employments",
                                       data=employment_form(**changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert 'value="山东某集团"' in html or "job-org_name" in changes
    assert snapshot(expert.id) == before


def test_every_problem_of_an_employer_is_shown_at_once(expert, login):
    response = login(expert.user).post(f"/experts/{expert.id}/employments", data=employment_form(
        **{"job-credit_code": "913701000000000000", "job-start_date": "2999-01-01",
           "job-end_date": "2020-01-01"}))
    html = response.get_data(as_text=True)
    assert "The last character does not match" in html
    assert "The start date must lie between 1940-01-01 and today." in html
    assert "The end date may not come before the start date." in html


def test_expert_declares_and_withdraws_relations(expert, login):
    client = login(expert.user)
    client.post(f"/experts/{expert.id}/relations", data=relation_form())
    code = factories.credit_code()
    client.post(f"/experts/{expert.id}/relations", data=relation_form(
        **{"rel-kind": "investment", "rel-person_name": "", "rel-credit_code": code.lower(),
           "rel-note": "某科技公司，持股5%"}))
    rows = db.session.scalars(select(ExpertRelation).order_by(ExpertRelation.id)).all()
    assert [(r.kind, r.person_name, r.credit_code, r.since) for r in rows] == [
        ("coauthor", "刘主任", None, date(2022, 1, 1)),
        ("investment", None, code, date(2022, 1, 1))]
    page = client.get(f"/experts/{expert.id}/profile").get_data(as_text=True)
    assert "某科技公司，持股5%" in page and "I invested in the organization" in page
    client.post(f"/experts/relations/{rows[0].id}/remove")
    assert db.session.scalars(select(ExpertRelation.kind)).all() == ["investment"]
    removal = db.session.scalars(select(AuditEntry.comment).filter_by(
        action="remove_expert_relation")).one()
    assert removal.endswith("coauthor 刘主任")


@pytest.mark.parametrize(("changes", "message"), [
    ({"rel-person_name": ""}, "Name the person or give the organization&#39;s credit code."),
    ({"rel-until": "2021-01-01"}, "The end date may not come before the start date."),
    ({"rel-credit_code": "ABC"}, "A unified social credit code has 18 characters"),
    ({"rel-person_name": "名" * 51}, "Field cannot be longer than 50 characters."),
    ({"rel-note": "注" * 501}, "Field cannot be longer than 500 characters."),
    ({"rel-kind": "friend"}, "Not a valid choice."),
])
def test_bad_relation_input_changes_nothing_and_keeps_what_was_typed(expert, login, changes,
                                                                     message):
    before = snapshot(expert.id)
    response = login(expert.user).post(f"/experts/{expert.id}/relations",
                                       data=relation_form(**changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert changes.get("rel-note", "合著论文") in html
    assert snapshot(expert.id) == before


def test_hostile_text_is_stored_as_text_and_shown_escaped(expert, login):
    client = login(expert.user)
    client.post(f"/experts/{expert.id}/profile", data=profile_form(title=HOSTILE[:50]))
    client.post(f"/experts/{expert.id}/employments",
                data=employment_form(**{"job-org_name": HOSTILE}))
    client.post(f"/experts/{expert.id}/relations", data=relation_form(
        **{"rel-person_name": HOSTILE, "rel-note": HOSTILE}))
    db.session.expire_all()
    assert expert.title == HOSTILE
    assert expert.employments[0].org_name == expert.relations[0].note == HOSTILE
    page = client.get(f"/experts/{expert.id}/profile").get_data(as_text=True)
    assert HOSTILE not in page and page.count(ESCAPED) >= 4


@pytest.fixture
def two_experts(expert):
    """`expert` and another with a past employer and a relation of their own."""
    other = factories.expert(FIELD)
    other.employments.append(ExpertEmployment(credit_code=factories.credit_code(),
                                              org_name="他人旧单位", role="employee",
                                              start_date=date(2020, 1, 1)))
    other.relations.append(ExpertRelation(kind="kin", person_name="他人亲属"))
    db.session.commit()
    return expert, other


def test_an_expert_can_neither_see_nor_change_another_experts_profile(two_experts, login):
    mine, theirs = two_experts
    before = snapshot(theirs.id)
    client = login(mine.user)
    job, rel = theirs.employments[0], theirs.relations[0]
    requests = [
        ("GET", f"/experts/{theirs.id}/profile", None),
        ("POST", f"/experts/{theirs.id}/profile", profile_form()),
        ("POST", f"/experts/{theirs.id}/employments", employment_form()),
        ("POST", f"/experts/employments/{job.id}/remove", None),
        ("POST", f"/experts/{theirs.id}/relations", relation_form()),
        ("POST", f"/experts/relations/{rel.id}/remove", None),
        ("GET", f"/officer/experts/{theirs.id}", None),
        ("POST", f"/officer/experts/{theirs.id}/active", {"active": "0"}),
    ]
    for method, path, data in requests:
        response = client.open(path, method=method, data=data)
        assert response.status_code == 403, path
        body = response.get_data(as_text=True)
        assert theirs.name not in body and "他人旧单位" not in body and "他人亲属" not in body
    for path in ("/experts/999999/profile", "/experts/employments/999999/remove"):
        assert client.open(path, method="POST" if "remove" in path else "GET").status_code == 404
    assert snapshot(theirs.id) == before


@pytest.mark.parametrize("role", ["applicant", "recommender", "leader"])
def test_profiles_are_refused_to_other_roles(two_experts, login, role):
    _mine, theirs = two_experts
    visitor = {"applicant": factories.applicant, "recommender": factories.recommender,
               "leader": factories.leader}[role]()
    db.session.commit()
    before = snapshot(theirs.id)
    client = login(visitor)
    assert client.get("/expert/profile").status_code == 403
    assert client.get(f"/experts/{theirs.id}/profile").status_code == 403
    assert client.post(f"/experts/{theirs.id}/relations",
                       data=relation_form()).status_code == 403
    assert snapshot(theirs.id) == before


def test_an_officer_edits_an_experts_profile(expert, login):
    officer = factories.officer()
    db.session.commit()
    client = login(officer)
    page = client.get(f"/experts/{expert.id}/profile").get_data(as_text=True)
    assert f'href="/officer/experts/{expert.id}"' in page
    client.post(f"/experts/{expert.id}/relations", data=relation_form())
    client.post(f"/experts/{expert.id}/profile", data=profile_form())
    db.session.expire_all()
    assert [r.person_name for r in expert.relations] == ["刘主任"]
    assert expert.email == "new@example.com"
    assert set(db.session.scalars(select(AuditEntry.actor_id).where(
        AuditEntry.action.in_(["add_expert_relation", "edit_expert_profile"])))) == {officer.id}


def test_services_refuse_another_expert_and_check_on_their_own(two_experts):
    mine, theirs = two_experts
    with pytest.raises(PermissionDenied):
        expert_profile.add_relation(theirs, kind="kin", person_name="张三", credit_code="",
                                    since=None, until=None, note="", actor=mine.user)
    with pytest.raises(PermissionDenied):
        expert_profile.remove_employment(theirs.employments[0], actor=mine.user)
    with pytest.raises(PermissionDenied):
        expert_profile.set_expert_active(mine, False, actor=mine.user)
    with force_locale("en"), pytest.raises(ServiceError) as error:
        expert_profile.add_employment(mine, org_name=" ", credit_code="x", role="boss",
                                      start_date=None, end_date=None, actor=mine.user)
    assert len(error.value.problems) == 4


@dataclass
class Review:
    officer: object
    call: object
    app: object
    seated: list


@pytest.fixture
def review() -> Review:
    """A call in review with one formal_passed application (a Jinan lead unit whose legal
    representative is 张三) and a complete panel of 3 accepted experts."""
    officer = factories.officer()
    call = factories.call(actor=officer)
    call.review_settings = {"k": 3, "max_load": 2}
    app = factories.application(call, state=AppState.FORMAL_PASSED)
    calls.advance_call(call, CallState.CLOSED, actor=officer)
    calls.advance_call(call, CallState.REVIEWING, actor=officer)
    seated = []
    for _ in range(3):
        person = factories.expert(app.field.name)
        seat = assignment.add_seat(app, person, actor=officer)
        assignment.respond(seat, accept=True, actor=person.user)
        seated.append(person)
    db.session.commit()
    return Review(officer, call, app, seated)


def test_a_relation_the_expert_adds_excludes_them_in_the_call_in_review(review, login):
    person = review.seated[0]
    client = login(person.user)
    assert review.app.title in client.get("/expert").get_data(as_text=True)
    client.post(f"/experts/{person.id}/relations", data=relation_form(
        **{"rel-kind": "investment", "rel-person_name": "",
           "rel-credit_code": review.app.lead_org.credit_code}))
    assert exclusions(person) == {(review.app.id, "R7")}
    system_rows = db.session.scalars(select(AuditEntry).filter_by(
        action="compute_exclusions", call_id=review.call.id)).all()
    assert [(r.role, r.actor_id) for r in system_rows] == [("system", None)]
    assert review.app.title not in client.get("/expert").get_data(as_text=True)

    panels = login(review.officer).get(f"/officer/calls/{review.call.id}/panels")
    html = panels.get_data(as_text=True)
    assert f"{person.name} is excluded by rule R7." in html
    button = html.split('data-action="open_review"', 1)[1].split(">", 1)[0]
    assert "disabled" in button

    relation = db.session.scalar(select(ExpertRelation))
    login(person.user).post(f"/experts/relations/{relation.id}/remove")
    assert exclusions(person) == set()


def test_a_past_employer_the_expert_adds_excludes_them_by_rule_r2(review, login):
    person = review.seated[1]
    login(person.user).post(f"/experts/{person.id}/employments", data=employment_form(
        **{"job-credit_code": review.app.lead_org.credit_code, "job-end_date": ""}))
    assert exclusions(person) == {(review.app.id, "R2")}
    assert exclusions(review.seated[0]) == set()


def test_calls_not_in_review_keep_their_exclusions(review):
    """Only calls in review are recomputed: an open call's stored rows stay as they were."""
    open_call = factories.call(actor=review.officer)
    app = factories.application(open_call, state=AppState.FORMAL_PASSED)
    person = review.seated[2]
    stale = Exclusion(expert_id=person.id, application_id=app.id, rule="D", detail="旧")
    db.session.add(stale)
    expert_profile.add_relation(person, kind="kin", person_name="张三", credit_code="",
                                since=None, until=None, note="", actor=person.user)
    assert exclusions(person) == {(app.id, "D"), (review.app.id, "R4")}
    assert expert_profile.recompute_review_exclusions() == 1


def test_the_system_may_recompute_but_not_an_expert(review):
    assert expert_profile.recompute_review_exclusions() == 0
    assert compute_exclusions(review.call, actor=SYSTEM) == 0
    with pytest.raises(PermissionDenied):
        compute_exclusions(review.call, actor=review.seated[0].user)


def test_declared_conflicts_are_listed_without_the_title_for_the_expert(review, login):
    person = review.seated[0]
    login(person.user).post(f"/expert/applications/{review.app.id}/conflict",
                            data={"reason": "曾参与方案编写"})
    assert db.session.scalar(select(func.count(ConflictDeclaration.id))) == 1
    page = login(person.user).get(f"/experts/{person.id}/profile").get_data(as_text=True)
    conflicts = page.split('id="declarations"', 1)[1].split("</table>", 1)[0]
    assert "曾参与方案编写" in conflicts and "an application (withheld)" in conflicts
    assert review.app.title not in page and review.app.lead_org.name not in page
    officer_page = login(review.officer).get(f"/experts/{person.id}/profile")
    assert review.app.title in officer_page.get_data(as_text=True)


def test_profile_changes_recompute_the_exclusions_under_the_calls_lock(review, monkeypatch):
    """Each recomputation holds the call's lock, as an assignment run does: the two rewrite
    the same rows (review/operations/locks.py)."""
    from contextlib import contextmanager

    from workflow.experts.operations import conflicts

    held, seen = [], []
    real_lock, real_compute = assignment.panels_locked, conflicts.compute_exclusions

    @contextmanager
    def recording_lock(call):
        with real_lock(call):
            held.append(call.id)
            yield
            held.pop()

    def recording_compute(call, *, actor):
        seen.append((call.id, list(held)))
        return real_compute(call, actor=actor)

    monkeypatch.setattr(assignment, "panels_locked", recording_lock)
    monkeypatch.setattr(conflicts, "compute_exclusions", recording_compute)
    person = review.seated[0]
    relation = expert_profile.add_relation(person, kind="kin", person_name="张三",
                                           credit_code="", since=None, until=None, note="",
                                           actor=person.user)
    expert_profile.remove_relation(relation, actor=person.user)
    job = expert_profile.add_employment(
        person, org_name="山东某集团", credit_code=factories.credit_code(), role="employee",
        start_date=date(2021, 3, 1), end_date=None, actor=person.user)
    expert_profile.remove_employment(job, actor=person.user)
    expert_profile.update_expert_profile(person, {
        "title": "教授", "fields": [factories.term(FIELD).id], "phone": "",
        "email": person.email},
        actor=person.user)
    assert seen == [(review.call.id, [review.call.id])] * 5


def test_a_profile_change_while_an_assignment_holds_the_call_is_refused_whole(
        app, review, is_postgres):
    """On PostgreSQL the call's row lock: the change waits, then gives up with a message and
    is rolled back whole. (On SQLite any second writer waits for the database's write lock
    before the recomputation starts; tests/review/test_assignment_concurrency.py covers that.)"""
    import threading

    from sqlalchemy import text

    from tests.review.test_assignment_concurrency import _hold_the_lock

    if not is_postgres:
        pytest.skip("row locks: PostgreSQL only")
    person = review.seated[0]
    locked, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_the_lock, args=(app, review.call.id, locked, release))
    holder.start()
    try:
        assert locked.wait(timeout=10)
        db.session.execute(text("SET LOCAL lock_timeout = '200ms'"))
        with force_locale("en"), pytest.raises(ServiceError, match="in progress"):
            expert_profile.add_relation(person, kind="kin", person_name="张三", credit_code="",
                                        since=None, until=None, note="", actor=person.user)
        db.session.rollback()
    finally:
        release.set()
        holder.join(timeout=30)
    assert snapshot(person.id)[6] == [] and exclusions(person) == set()
