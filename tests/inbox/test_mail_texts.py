"""Mails in the recipient's language with absolute links (issue 9, point 1): for the same
event an English user gets English and a Chinese user, or one who never chose, Chinese;
every link starts with PUBLIC_BASE_URL; reminders and invitations name the deadline and
what to do; a panel invitation still names no application."""
from datetime import datetime

import pytest
from sqlalchemy import select

from tests import factories
from tests.scoring_world import panel, submit_all
from workflow import tick
from workflow.accounts.models.users import User
from workflow.core import clock
from workflow.core.clock import LOCAL
from workflow.core.extensions import db
from workflow.core.states import Action, AppState, Role
from workflow.formal_review.operations import correction as formal_review
from workflow.inbox.models import Notification, OutboxMail
from workflow.inbox.notifications import lead_users
from workflow.lifecycle.transitions import transition
from workflow.notices.operations import issue as notice_issue
from workflow.publicity.models import Publicity
from workflow.review.operations import assignment, results, scoring

BASE = "https://kjt.example.gov.cn"
REASONS = "请补充近三年研发费用专项审计报告。"


@pytest.fixture(autouse=True)
def public_address(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE)


def mail_to(user: User, kind: str) -> OutboxMail:
    (mail,) = db.session.scalars(
        select(OutboxMail).join(Notification)
        .where(Notification.user_id == user.id, Notification.kind == kind)).all()
    assert (mail.subject, mail.body) == (mail.notification.subject, mail.notification.body)
    return mail


def colleague_in(language: str, of: User) -> User:
    user = factories.user(Role.APPLICANT, organization=of.organization)
    user.locale = language
    return user


def test_a_decision_reaches_each_person_in_their_language_with_an_absolute_link():
    lead = factories.applicant()  # never chose a language
    chinese, english = colleague_in("zh_CN", lead), colleague_in("en", lead)
    call = factories.call(recommend_deadline=datetime(2030, 5, 20, 17, 0, tzinfo=LOCAL))
    application = factories.application(call, lead, state=AppState.SUBMITTED)

    transition(application, Action.RETURN, actor=factories.recommender(), comment=REASONS)

    link = f"{BASE}/applications/{application.id}"
    for user in (lead, chinese):
        mail = mail_to(user, Action.RETURN)
        assert mail.subject == f"{application.title}：已被退回修改"
        assert "您单位的申报“" in mail.body and REASONS in mail.body and link in mail.body
    mail = mail_to(english, Action.RETURN)
    assert mail.subject == f"{application.title}: returned for revision"
    assert f"Your application “{application.title}” was returned for revision." in mail.body
    assert "submit it again before 2030-05-20 17:00 (Beijing time)" in mail.body
    assert mail.body.endswith(f"Details: {link}")


def test_a_correction_request_names_its_deadline_and_what_to_do():
    clock.freeze(datetime(2026, 3, 2, 10, 0, tzinfo=LOCAL))  # Monday; 5 working days: 03-09
    lead = factories.applicant()
    english = colleague_in("en", lead)
    application = factories.application(lead=lead, state=AppState.RECOMMENDED)
    officer = factories.officer()
    factories.check_all(application, officer, ok=True, failing={"basic_info"})

    formal_review.request_correction(application, actor=officer, message=REASONS)

    body = mail_to(english, Action.REQUEST_CORRECTION).body
    assert "submit the correction before 2026-03-09 23:59 (Beijing time)" in body
    assert f"{BASE}/applications/{application.id}" in body


def test_reminders_say_what_to_do_by_when_in_each_language():
    clock.freeze(datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL))
    filing_call = factories.call(closes_at=datetime(2026, 3, 12, 17, 0, tzinfo=LOCAL))
    call = factories.call(closes_at=datetime(2026, 3, 5, 17, 0, tzinfo=LOCAL),
                          recommend_deadline=datetime(2026, 3, 12, 17, 0, tzinfo=LOCAL))
    lead = factories.applicant()
    english = colleague_in("en", lead)
    draft = factories.application(filing_call, lead, complete=False)
    factories.application(call, factories.applicant(factories.QINGDAO),
                          state=AppState.SUBMITTED)
    recommender = factories.recommender(factories.QINGDAO)
    recommender.locale = "en"
    clock.freeze(datetime(2026, 3, 10, 9, 0, tzinfo=LOCAL))

    assert tick.send_reminders() == 3

    chinese = mail_to(lead, "reminder")
    assert chinese.subject == f"距截止还剩两个工作日：{draft.title}"
    assert f"{BASE}/applications/{draft.id}" in chinese.body
    filing = mail_to(english, "reminder")
    assert filing.subject == f"Deadline in two working days: {draft.title}"
    assert "The call closes at 2026-03-12 17:00 (Beijing time)" in filing.body
    assert "Submit it before then" in filing.body
    assert filing.body.endswith(f"Details: {BASE}/applications/{draft.id}")
    queue = mail_to(recommender, "reminder")
    assert "Recommend, decline or return each of them before 2026-03-12 17:00" in queue.body
    assert queue.body.endswith(f"Details: {BASE}/recommender/calls/{call.id}")


@pytest.mark.parametrize("activated", [True, False])
def test_a_panel_invitation_says_what_to_do_and_links_the_review_page(activated):
    officer = factories.officer()
    call = factories.call(actor=officer)
    call.review_deadline = datetime(2030, 6, 12, 17, 0, tzinfo=LOCAL)
    application = factories.application(call, state=AppState.FORMAL_PASSED)
    english, chinese = factories.expert(call.fields[0].name), factories.expert(
        call.fields[0].name)
    english.user.locale = "en"
    if not activated:
        english.user.password_hash = None

    for expert in (english, chinese):
        assignment.add_seat(application, expert, actor=officer)

    body = mail_to(english.user, "panel_invitation").body
    assert f"review an application of the call “{call.title}”" in body
    assert "accept the invitation, or decline it with a reason" in body
    assert "Score sheets are due at 2030-06-12 17:00 (Beijing time)" in body
    assert body.endswith(f"Details: {BASE}/expert")
    assert ("Your account has no password yet" in body) is not activated
    # The pool's invitation may have expired: the panel invitation carries a fresh link.
    assert (f"{BASE}/account/activate/" in body) is not activated
    assert mail_to(chinese.user, "panel_invitation").subject == "申报评审邀请"
    assert "2030-06-12 17:00" in mail_to(chinese.user, "panel_invitation").body
    for user in (english.user, chinese.user):
        text = mail_to(user, "panel_invitation").body
        assert application.title not in text and application.lead_org.name not in text
        assert f"/applications/{application.id}" not in text


def test_score_sheet_mails_link_the_sheet_absolutely():
    p = panel(3)
    p.experts[1].locale = "en"
    submit_all(p, [70, 80, 85])
    scoring.reopen_sheet(p.seats[1], reason="请复核创新能力得分", actor=p.chair)

    body = mail_to(p.experts[1], "sheet_reopened").body
    assert "Change it where needed and submit it again." in body
    assert body.endswith(f"Details: {BASE}/expert/seats/{p.seats[1].id}/sheet")

    assert results.remind_missing(p.app.call, actor=p.officer) == 1
    body = mail_to(p.experts[1], "reminder").body
    assert body.endswith(f"Details: {BASE}/expert/seats/{p.seats[1].id}/sheet")


def test_the_announcement_and_an_objection_link_absolutely():
    officer = factories.officer()
    officer.locale = "en"
    call = factories.call(actor=officer)
    lead = factories.applicant()
    lead.locale = "en"
    application = factories.application(call, lead)
    factories.drive(application, AppState.PUBLICITY, lead=lead)
    publicity = db.session.scalar(select(Publicity).where(Publicity.call_id == call.id))

    listed = mail_to(lead, "publicity").body
    assert listed.endswith(f"Details: {BASE}/publicity/{publicity.id}")
    factories.object_to(application)
    filed = mail_to(officer, "objection_filed").body
    assert f"period ends on {publicity.end_date.isoformat()}" in filed
    assert filed.endswith(f"Details: {BASE}/officer/publicity/{publicity.id}/objections")


def test_the_issued_notice_tells_the_lead_unit_where_to_download_it(monkeypatch):
    monkeypatch.setattr(notice_issue, "render_document", lambda doc: b"%PDF-1.4 stand-in")
    officer = factories.officer()
    call = factories.call(actor=officer)
    (application,) = factories.approval_pending_batch(call, 1, officer)
    (lead,) = lead_users(application)
    english = colleague_in("en", lead)

    notice = factories.issue_notice(call, officer)

    number = notice.number.text
    chinese = mail_to(lead, Action.ISSUE_NOTICE)
    assert application.title in chinese.subject and number in chinese.subject
    assert f"{BASE}/applications/{application.id}" in chinese.body
    body = mail_to(english, Action.ISSUE_NOTICE).body
    assert f"was approved by the notice {number}" in body
    assert body.endswith(f"Details: {BASE}/applications/{application.id}")


def test_the_language_button_sets_the_language_of_a_users_mails(client, login_as):
    user = factories.applicant()
    db.session.commit()
    assert user.locale is None
    login_as(user).post("/language/en", data={"next": "/my"})
    db.session.expire_all()
    assert user.locale == "en"
    client.post("/language/zh_CN")
    db.session.expire_all()
    assert user.locale == "zh_CN"
    client.post("/logout")
    assert client.post("/language/en").status_code == 302  # anonymous: the session only
    db.session.expire_all()
    assert user.locale == "zh_CN"
