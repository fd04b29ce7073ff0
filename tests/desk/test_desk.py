"""The desk: the page after login, a section per role the person holds, each group counted,
its items the soonest deadline first with their deadline in Beijing time and a link to the
page where the action is done; nothing the permission table hides (another city's, a
decision not announced yet). Experts, officers and leaders: tests/desk/test_desk_review.py."""
import re
from datetime import timedelta

import pyotp
import pytest

from tests.desk_pages import beijing, card, count_of, desk, rows, section
from tests.factories import clock_at
from tests.scoring_world import expert_user, panel
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.accounts.models.users import User
from workflow.core import clock
from workflow.core.extensions import db
from workflow.core.states import AppState, CallState, Role
from workflow.intake.operations import intake
from workflow.notices.operations import drafts as notices
from workflow.recommendation.operations import recommend_application

S = AppState


# The page after login.


@pytest.mark.parametrize("next_path, landing", [
    (None, "/desk"), ("/my", "/my"), ("//evil.example/x", "/desk"),
    ("https://evil.example/x", "/desk"), ("/\\evil.example", "/desk"), ("", "/desk"),
])
def test_login_lands_on_the_desk_unless_a_safe_next_was_given(client, make, next_path,
                                                               landing):
    user = make.applicant()
    db.session.commit()
    query = "" if next_path is None else f"?next={next_path}"
    response = client.post(f"/login{query}", data={"email": user.email,
                                                   "password": make.PASSWORD})
    assert response.status_code == 302 and response.location == landing


def test_with_a_second_factor_the_code_leads_to_the_desk(client, make):
    officer = make.officer()
    secret = pyotp.random_base32()
    officer.totp_secret, officer.totp_enabled_at = secret, clock.now()
    db.session.commit()
    step = client.post("/login", data={"email": officer.email, "password": make.PASSWORD})
    assert step.location == "/login/code"
    done = client.post("/login/code", data={"code": pyotp.TOTP(secret).at(clock.now())})
    assert done.status_code == 302 and done.location == "/desk"


def test_the_desk_needs_a_login_and_is_first_in_the_top_bar(client, login, make):
    response = client.get("/desk")
    assert response.status_code == 302 and response.location.startswith("/login?next=%2Fdesk")
    assert 'id="nav-desk"' not in client.get("/").get_data(as_text=True)
    html = login(make.applicant()).get("/").get_data(as_text=True)
    assert re.search(r'class="nav-link[^"]*" href="([^"]+)"', html).group(1) == "/desk"


# Applicants: drafts, returns, corrections, confirmations, letters, their unit.


def test_applicant_sees_what_to_file_soonest_deadline_first(login, make):
    lead = make.applicant()
    now = clock.now()
    late = make.call(title="晚截止批次", closes_at=now + timedelta(days=20))
    soon = make.call(title="早截止批次", closes_at=now + timedelta(days=2))
    returning = make.call(title="退回批次", recommend_deadline=now + timedelta(days=40))
    correcting = make.call(title="补正批次")
    drafts = [make.application(c, lead, complete=False) for c in (late, soon)]
    returned = make.application(returning, lead, state=S.RETURNED)
    corrected = make.application(correcting, lead, state=S.CORRECTION_REQUESTED)
    deadline = corrected.corrections[-1].deadline_at
    db.session.commit()

    html = desk(login(lead))
    assert rows(html, "applicant", "drafts") == [
        (f"/applications/{drafts[1].id}", drafts[1].title, beijing(soon.closes_at)
         + " 1 days 23 hours left"),
        (f"/applications/{drafts[0].id}", drafts[0].title, beijing(late.closes_at)
         + " 19 days 23 hours left")]
    assert rows(html, "applicant", "returned")[0][:2] == (f"/applications/{returned.id}",
                                                          returned.title)
    assert beijing(returning.recommend_deadline) in rows(html, "applicant", "returned")[0][2]
    assert rows(html, "applicant", "corrections")[0][:2] == (f"/applications/{corrected.id}",
                                                             corrected.title)
    assert beijing(deadline) in rows(html, "applicant", "corrections")[0][2]
    order = re.findall(r'data-group="(\w+)"', section(html, "applicant"))
    assert order == ["drafts", "corrections", "returned"]  # the soonest deadline first
    assert 'data-count="4"' in html.split('id="desk-applicant"', 1)[1][:60]


def test_a_deadline_passed_leaves_nothing_to_do(login, make):
    lead = make.applicant()
    call = make.call(closes_at=clock.now() + timedelta(days=2))
    make.application(call, lead, complete=False)
    db.session.commit()
    client = login(lead)
    assert card(desk(client), "applicant", "drafts") is not None
    with clock_at(call.closes_at + timedelta(seconds=1)):
        html = desk(client)
    assert card(html, "applicant", "drafts") is None
    assert "Nothing waits for your unit now" in section(html, "applicant")
    assert "<table" not in section(html, "applicant")


def test_cobuilder_confirmation_waits_until_confirmed(login, make):
    lead = make.applicant()
    partner = make.user(Role.APPLICANT, organization=make.org(make.JINAN, "合作大学", "university"))
    call = make.call(closes_at=clock.now() + timedelta(days=9))
    app = make.application(call, lead, complete=False)
    intake.add_cobuilder(app, credit_code=partner.organization.credit_code, name="",
                         division="联合研发", actor=lead)
    db.session.commit()
    client = login(partner)
    html = desk(client)
    assert rows(html, "applicant", "confirmations") == [(
        f"/applications/{app.id}", app.title,
        beijing(call.closes_at) + " 8 days 23 hours left")]
    assert lead.organization.name in card(html, "applicant", "confirmations")

    intake.confirm_cobuilding(app, actor=partner)
    db.session.commit()
    assert card(desk(client), "applicant", "confirmations") is None


def test_letters_of_approved_applications_to_download(login, make):
    officer = make.officer()
    call = make.call(actor=officer)
    (app,) = make.approval_pending_batch(call, 1, officer, cobuilder=True)
    make.issue_notice(call, officer)
    db.session.commit()
    letter = next(d for d in notices.notice_of(call).documents if d.application_id == app.id)
    partner = next(c.organization for c in app.cobuilders)
    for user in (db.session.get(User, app.created_by_id),
                 make.user(Role.APPLICANT, organization=partner)):
        db.session.commit()
        html = desk(login(user))
        assert rows(html, "applicant", "documents")[0][:2] == (f"/documents/{letter.id}",
                                                               app.title)
        assert letter.notice.number.text in card(html, "applicant", "documents")
        # A letter asks nothing; the lead unit is asked only to draft its task book.
        asked = "1" if user.organization_id == app.lead_org_id else "0"
        assert f'id="desk-applicant" data-count="{asked}"' in html
    assert card(desk(login(make.applicant())), "applicant", "documents") is None


def test_unverified_unit_is_told_what_to_do_and_sees_no_confirmation(login, make):
    waiting = make.user(Role.APPLICANT, organization=make.org(make.QINGDAO,
                                                              status="unverified"))
    lead = make.applicant()
    app = make.application(make.call(), lead, complete=False)
    intake.add_cobuilder(app, credit_code=waiting.organization.credit_code, name="待核验",
                         division="联合研发", actor=lead)
    draft = make.application(make.call(), waiting, complete=False)
    db.session.commit()
    html = desk(login(waiting))
    (link, title, _when), = rows(html, "organization", "verification")
    assert link == "/my/organization" and title == waiting.organization.name
    assert "Upload the business licence" in card(html, "organization", "verification")
    assert rows(html, "applicant", "drafts")[0][0] == f"/applications/{draft.id}"
    assert card(html, "applicant", "confirmations") is None

    waiting.organization.status, waiting.organization.status_reason = "rejected", "名称不符。"
    db.session.commit()
    assert "名称不符。" in card(desk(login(waiting)), "organization", "verification")
    assert 'id="desk-organization"' not in desk(login(lead))


def test_a_decision_not_announced_stays_hidden_from_the_applicant(login, make):
    lead = make.applicant()
    app = make.application(make.call(), lead, state=S.PROPOSED)
    db.session.commit()
    html = desk(login(lead))
    assert app.title not in html and "Proposed" not in html
    assert "Nothing waits for your unit now" in section(html, "applicant")


# Recommenders: their city only, places left, the deadline.


def test_recommender_sees_its_city_with_places_left_and_the_deadline(login, make):
    deadline = clock.now() + timedelta(days=40)
    call = make.call(recommend_deadline=deadline)
    jinan, qingdao = make.recommender(make.JINAN), make.recommender(make.QINGDAO)
    for city in (make.JINAN, make.JINAN, make.JINAN, make.QINGDAO):
        make.application(call, make.applicant(city), state=S.SUBMITTED)
    recommend_application(make.application(call, make.applicant(make.JINAN),
                                           state=S.SUBMITTED), rank=None, opinion="同意",
                          actor=jinan)
    db.session.commit()

    html = desk(login(jinan))
    (link, title, when), = rows(html, "recommender", "to_decide")
    assert link == f"/recommender/calls/{call.id}?state=submitted" and title == call.title
    assert when.startswith(beijing(deadline))
    assert "3 to decide; 4 of 5 places left in your quota" in card(html, "recommender",
                                                                   "to_decide")
    assert count_of(html, "recommender", "to_decide") == 3
    other = desk(login(qingdao))
    assert "1 to decide; 5 of 5 places left in your quota" in other
    with clock_at(deadline + timedelta(seconds=1)):
        assert card(desk(login(jinan)), "recommender", "to_decide") is None


def test_recommender_checks_the_undisputed_units_of_its_city(login, make):
    mine = make.org(make.JINAN, "济南待核验", status="unverified")
    disputed = make.org(make.JINAN, "济南争议", status="unverified")
    make.org(make.JINAN, "济南另一登记", status="unverified").credit_code = disputed.credit_code
    make.org(make.QINGDAO, "青岛待核验", status="unverified")
    recommender, officer = make.recommender(make.JINAN), make.officer()
    db.session.commit()
    html = desk(login(recommender))
    assert [r[:2] for r in rows(html, "recommender", "units")] == [
        (f"/verification/{mine.id}", "济南待核验")]
    officer_html = desk(login(officer))
    assert count_of(officer_html, "officer", "units") == 4
    assert "/verification?disputed=1" in card(officer_html, "officer", "units")
    assert "Disputed credit code" in card(officer_html, "officer", "units")


def test_a_person_with_several_roles_has_one_desk_with_a_section_each(login, make):
    person = make.user(Role.APPLICANT, Role.EXPERT,
                       organization=make.org(make.JINAN, "兼任专家的大学", "university"))
    make.application(make.call(), person, complete=False)
    work = panel(3)
    work.seats[1].expert.user_id = person.id
    db.session.commit()
    html = desk(login(person))
    assert re.findall(r'<section class="mb-4" id="desk-(\w+)"', html) == ["applicant", "expert"]
    assert count_of(html, "applicant", "drafts") == 1
    assert count_of(html, "expert", "sheets") == 1
    assert 'href="#desk-expert"' in html


@pytest.mark.parametrize("role", [Role.LEADER, Role.OFFICER, Role.EXPERT])
def test_nothing_to_do_is_one_line(login, make, role):
    user = expert_user("无事专家") if role == Role.EXPERT else make.user(role)
    if role == Role.OFFICER:
        make.call(CallState.DECIDED, actor=user)
    db.session.commit()
    html = section(desk(login(user)), str(role))
    assert "<table" not in html and len(re.findall(r"data-empty", html)) == 1


def test_hostile_titles_are_text_and_arguments_change_nothing(login, make):
    lead = make.applicant()
    app = make.application(make.call(), lead, complete=False)
    app.title = '<script>alert("x")</script>"><img src=x onerror=alert(1)>'
    db.session.commit()
    client = login(lead)
    html = desk(client)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    odd = client.get("/desk?role=officer&page=-1&call_id=999999&state=%00")
    assert odd.status_code == 200
    assert 'id="desk-officer"' not in odd.get_data(as_text=True)
    assert rows(odd.get_data(as_text=True), "applicant", "drafts") == rows(html, "applicant",
                                                                           "drafts")
