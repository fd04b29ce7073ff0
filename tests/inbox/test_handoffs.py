"""Every hand-off is announced (issue 10, point 2): when a step makes someone else the next
actor, that person is told once, in their language, with an absolute link to where they act;
forty applications moving at once make one notification (and mail) per person, per call and
task, per day, with the count; experts are never told an application's name; the leader's
decisions stay inside the department until the announcement."""
import json
from datetime import datetime, timedelta

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from tests import factories
from tests.factories import clock_at
from tests.publicity_world import world
from tests.scoring_world import panel, submit, submit_all
from workflow.accounts.models.users import User
from workflow.accounts.operations import accounts
from workflow.core import clock, pdf_check
from workflow.core.clock import LOCAL
from workflow.core.extensions import db
from workflow.core.states import Action, AppState, Role
from workflow.demo.steps import tiny_pdf
from workflow.formal_review.operations import correction as formal_review
from workflow.inbox.models import Notification, OutboxMail
from workflow.intake.operations import intake
from workflow.lifecycle.transitions import transition
from workflow.notices.operations import drafts as notices
from workflow.recommendation import operations as recommendation
from workflow.review.models import PanelSeat
from workflow.review.operations import results

BASE = "https://kjt.example.gov.cn"
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=LOCAL)


@pytest.fixture(autouse=True)
def public_address(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE)


def notes(user: User, kind: str | None = None) -> list[Notification]:
    stmt = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    if kind is not None:
        stmt = stmt.where(Notification.kind == kind)
    return list(db.session.scalars(stmt))


def handoffs_of(user: User) -> list[Notification]:
    return [n for n in notes(user) if n.kind.startswith("handoff_")]


def mails_of(note: Notification) -> list[OutboxMail]:
    return list(db.session.scalars(select(OutboxMail).where(
        OutboxMail.notification_id == note.id)))


def only(user: User, kind: str) -> Notification:
    (note,) = notes(user, kind)
    (mail,) = mails_of(note)
    assert (mail.to_address, mail.subject, mail.body) == (user.email, note.subject, note.body)
    return note


def in_language(language: str, text: str, **values) -> str:
    with force_locale(language):
        return _(text, **values)


def ends_with_link(note: Notification, path: str, language: str) -> bool:
    """The body's last line is the absolute link, worded in the reader's language."""
    return note.link == path and note.body.endswith(
        in_language(language, "Details: %(url)s", url=BASE + path))


def tick(app) -> dict:
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["tick", "--json"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return json.loads(result.output)


def speaker(language: str, *roles: Role, organization=None) -> User:
    user = factories.user(*roles, organization=organization)
    user.locale = language
    return user


def jinan_bureau():
    return factories.org(factories.JINAN, "济南市科学技术局", "government")


# Filing: the city's recommenders


def test_filings_tell_the_citys_recommenders_once_a_day_with_the_count():
    clock.freeze(MONDAY)
    call = factories.call(recommend_deadline=MONDAY + timedelta(days=40))
    bureau = jinan_bureau()
    english = speaker("en", Role.RECOMMENDER, organization=bureau)
    chinese = speaker("zh_CN", Role.RECOMMENDER, organization=bureau)
    unverified = factories.user(Role.RECOMMENDER, organization=factories.org(
        factories.JINAN, "济南某局", "government", status="unverified"))
    qingdao = factories.recommender(factories.QINGDAO)
    leads = [factories.applicant(factories.JINAN) for _ in range(3)]

    for lead in leads:
        factories.application(call, lead, state=AppState.SUBMITTED)

    for user, language in ((english, "en"), (chinese, "zh_CN")):
        note = only(user, "handoff_recommend")
        assert ends_with_link(note, f"/recommender/calls/{call.id}", language)
        assert note.subject == in_language(language, "Applications to recommend: %(call)s",
                                           call=call.title)
        assert note.application_id is None and note.read_at is None
    assert "3 applications of your region" in notes(english, "handoff_recommend")[0].body
    assert "2026-04-11 10:00" in notes(english, "handoff_recommend")[0].body
    for outsider in (unverified, qingdao, *leads):
        assert handoffs_of(outsider) == []


def test_a_filing_on_another_day_is_told_again_and_a_sent_mail_is_not_rewritten():
    clock.freeze(MONDAY)
    call = factories.call()
    reader = speaker("en", Role.RECOMMENDER, organization=jinan_bureau())
    factories.application(call, factories.applicant(), state=AppState.SUBMITTED)
    (first,) = notes(reader, "handoff_recommend")
    (mail,) = mails_of(first)
    mail.sent_at = clock.now()
    first.read_at = clock.now()
    sent_body = mail.body

    clock.freeze(MONDAY + timedelta(hours=2))
    factories.application(call, factories.applicant(), state=AppState.SUBMITTED)
    db.session.expire_all()
    assert (first.read_at, first.created_at) == (None, MONDAY + timedelta(hours=2))
    assert "2 applications" in first.body and db.session.get(OutboxMail, mail.id).body == sent_body
    assert len(mails_of(first)) == 1

    clock.freeze(MONDAY + timedelta(days=1))
    factories.application(call, factories.applicant(), state=AppState.SUBMITTED)
    second = notes(reader, "handoff_recommend")[1]
    assert "3 applications" in second.body and len(mails_of(second)) == 1


def test_forty_filings_in_one_transaction_make_one_mail_with_the_last_count():
    call = factories.call()
    reader = speaker("en", Role.RECOMMENDER, organization=jinan_bureau())
    drafts = [factories.application(call, factories.applicant()) for _ in range(40)]

    for draft in drafts:
        transition(draft, Action.SUBMIT, actor=db.session.get(User, draft.created_by_id))

    note = only(reader, "handoff_recommend")
    assert "40 applications" in note.body


def test_a_resubmission_tells_the_recommenders_again():
    call = factories.call()
    reader = factories.recommender(factories.JINAN)
    reader.locale = "en"
    lead = factories.applicant()
    application = factories.application(call, lead, state=AppState.RETURNED)
    before = len(handoffs_of(reader))

    transition(application, Action.RESUBMIT, actor=lead)

    assert len(notes(reader, "handoff_recommend")) == 1 and before == 1
    assert "1 application of your region" in notes(reader, "handoff_recommend")[0].body


# Recommended, corrected: the officers


def test_recommendations_and_answered_corrections_go_to_every_active_officer():
    clock.freeze(MONDAY)
    call = factories.call()
    english, chinese = speaker("en", Role.OFFICER), speaker("zh_CN", Role.OFFICER)
    former = factories.officer()
    former.active = False
    recommender = factories.recommender()
    apps = [factories.application(call, state=AppState.SUBMITTED) for _ in range(2)]

    for application in apps:
        recommendation.recommend_application(application, rank=None, opinion="同意推荐",
                                             actor=recommender)

    for user, language in ((english, "en"), (chinese, "zh_CN")):
        note = only(user, "handoff_formal")
        assert ends_with_link(note, f"/officer/calls/{call.id}/formal-review", language)
    assert "2 applications" in notes(english, "handoff_formal")[0].body
    assert notes(former) == [] and notes(recommender, "handoff_formal") == []

    lead = db.session.get(User, apps[0].created_by_id)
    factories.check_all(apps[0], english, ok=True, failing={"basic_info"})
    formal_review.request_correction(apps[0], actor=english, message="请补正")
    intake.update_basics(apps[0], title="山东省测试技术创新中心（补正）",
                         field_id=apps[0].field_id, actor=lead)
    transition(apps[0], Action.RESUBMIT_CORRECTION, actor=lead)
    assert "2 applications" in only(english, "handoff_formal").body


# Expert review: the panel's experts, the chair


def test_opening_the_review_tells_each_expert_without_naming_the_application():
    p = panel(3)
    for user in p.experts:
        note = only(user, "handoff_score")
        assert ends_with_link(note, "/expert", "zh_CN")
        assert p.app.title not in note.subject + note.body
        assert p.app.lead_org.name not in note.body and p.app.call.title in note.body
        assert note.application_id is None


def test_two_panels_of_one_call_make_one_notification_per_expert():
    p = panel(3)
    other = factories.application(p.app.call, state=AppState.FORMAL_PASSED)
    for index in range(3):
        db.session.add(PanelSeat(application_id=other.id, expert_id=p.seats[index].expert_id,
                                 method="manual", status="accepted", is_chair=index == 0,
                                 assigned_by_id=p.officer.id))
    db.session.flush()
    p.experts[1].locale = "en"

    transition(other, Action.OPEN_REVIEW, actor=p.officer)

    note = only(p.experts[1], "handoff_score")
    assert "2 score sheets wait for you" in note.body and other.title not in note.body


def test_the_chair_is_told_when_the_last_sheet_comes_in_with_the_alarm():
    p = panel(3)
    p.chair.locale = "en"
    submit_all(p, [90, 60, 95])  # the chair first; the last sheet is another expert's

    note = only(p.chair, "handoff_chair")
    assert ends_with_link(note, f"/expert/applications/{p.app.id}/panel", "en")
    assert "dispersion alarm" in note.body and p.app.title not in note.subject + note.body
    assert all(notes(user, "handoff_chair") == [] for user in p.experts[1:])


def test_a_chair_who_submits_the_last_sheet_is_not_told():
    p = panel(3)
    submit(p, 1, 80)
    submit(p, 2, 82)
    submit(p, 0, 84)

    assert notes(p.chair, "handoff_chair") == []


def test_the_last_closed_panel_hands_the_call_to_the_leaders_and_the_officers():
    first = panel(3)
    second = panel(3, call=first.app.call)
    leaders = [speaker("en", Role.LEADER), factories.leader()]
    officer = first.officer
    submit_all(first, [80, 82, 84])
    results.confirm_panel(first.app, actor=first.chair)
    assert all(handoffs_of(user) == [] for user in leaders)

    submit_all(second, [70, 72, 74])
    results.confirm_panel(second.app, actor=second.chair)

    call = first.app.call
    for user, language in ((leaders[0], "en"), (leaders[1], "zh_CN")):
        note = only(user, "handoff_select")
        assert ends_with_link(note, f"/leader/calls/{call.id}/selection", language)
    assert "2 applications wait for your selection" in notes(leaders[0], "handoff_select")[0].body
    assert ends_with_link(only(officer, "handoff_reviewed"),
                          f"/officer/calls/{call.id}/results", "zh_CN")


# Selection, announcement, notice


def test_the_last_decision_tells_the_officers_and_nobody_outside_the_department():
    w = world("半导体激光", "工业软件")
    w.shortlist(w.apps[0])
    assert notes(w.officer, "handoff_publish") == []

    w.not_select(w.apps[1])

    note = only(w.officer, "handoff_publish")
    assert ends_with_link(note, f"/officer/calls/{w.call.id}/publicity", "zh_CN")
    for lead in w.leads:
        told = {n.kind for n in notes(lead)}
        assert not told & {"handoff_publish", Action.SHORTLIST, Action.NOT_SELECT, "publicity"}
    assert notes(w.leader, "handoff_publish") == []


def test_the_end_of_a_clean_period_asks_the_leaders_to_sign(app):
    w = world("半导体激光")
    w.shortlist(w.apps[0])
    announcement = w.publish()
    db.session.commit()
    with clock_at(datetime.combine(announcement.end_date + timedelta(days=1),
                                   datetime.min.time(), LOCAL) + timedelta(minutes=10)):
        result = tick(app)

    assert result["end_publicity"] == 1
    for user in (w.leader, w.officer):
        note = only(user, "publicity_ended")
        assert ends_with_link(note, f"/officer/calls/{w.call.id}/notice", "zh_CN")


def test_deciding_the_last_objection_review_asks_the_other_leaders_to_sign():
    officer = factories.officer()
    call = factories.call(actor=officer)
    application = factories.application(call, state=AppState.OBJECTION_REVIEW)
    deciding, other = factories.leader(), speaker("en", Role.LEADER)

    transition(application, Action.DISMISS_OBJECTION, actor=deciding, comment="异议不成立")

    note = only(other, "handoff_sign")
    assert ends_with_link(note, f"/officer/calls/{call.id}/notice", "en")
    assert "1 application waits for approval" in note.body
    assert notes(deciding, "handoff_sign") == []
    assert ends_with_link(only(officer, "handoff_notice"), f"/officer/calls/{call.id}/notice",
                          "zh_CN")


def test_a_signed_notice_goes_to_the_officers_to_issue():
    officer = speaker("en", Role.OFFICER)
    call = factories.call(actor=officer)
    factories.approval_pending_batch(call, 1, officer)
    signer = factories.leader()

    notices.sign_notice(call, actor=signer)

    note = only(officer, "handoff_issue")
    assert ends_with_link(note, f"/officer/calls/{call.id}/notice", "en")
    assert call.title in note.subject and notes(signer, "handoff_issue") == []


# Co-building


def test_a_confirmation_tells_the_lead_unit_and_not_the_partner():
    lead = factories.applicant()
    colleague = speaker("en", Role.APPLICANT, organization=lead.organization)
    application = factories.application(lead=lead, complete=False)
    partner = factories.user(Role.APPLICANT, organization=factories.org(
        factories.JINAN, "山东测试大学", "university"))
    intake.add_cobuilder(application, credit_code=partner.organization.credit_code, name="",
                         division="联合研发", actor=lead)

    intake.confirm_cobuilding(application, actor=partner)

    note = only(colleague, "handoff_cobuilder")
    assert ends_with_link(note, f"/applications/{application.id}", "en")
    assert "Every co-builder has confirmed" in note.body and "山东测试大学" in note.body
    assert len(notes(lead, "handoff_cobuilder")) == 1 and handoffs_of(partner) == []


# Registration: the verifiers


def register(name: str, region: str):
    return accounts.register_organization(
        org_name=name, credit_code=factories.credit_code(region), region_code=region,
        kind="enterprise", independent_legal_person=True, legal_representative="赵六",
        user_name="钱七", email=f"{name}@example.com", password="a-long-password-0",
        licence=pdf_check.check_pdf(tiny_pdf(f"Licence {name}")))


def test_registrations_ask_the_citys_recommenders_and_the_officers_to_verify():
    clock.freeze(MONDAY)
    qingdao = speaker("en", Role.RECOMMENDER, organization=factories.org(
        factories.QINGDAO, "青岛市科学技术局", "government"))
    jinan = factories.recommender(factories.JINAN)
    officer = speaker("en", Role.OFFICER)

    register("qd1", factories.QINGDAO)
    register("qd2", factories.QINGDAO)
    newcomer = register("jn1", factories.JINAN)

    note = only(qingdao, "handoff_verify")
    assert ends_with_link(note, "/verification", "en")
    assert note.body.startswith("2 organizations wait for their verification")
    assert only(officer, "handoff_verify").body.startswith("3 organizations wait")
    assert len(notes(jinan, "handoff_verify")) == 1 and handoffs_of(newcomer) == []


# Once


def test_nothing_is_announced_twice_however_often_the_count_changes():
    clock.freeze(MONDAY)
    call = factories.call()
    reader = factories.recommender()
    for _lead in range(5):
        factories.application(call, state=AppState.SUBMITTED)

    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == reader.id)) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMail).where(
        OutboxMail.to_address == reader.email)) == 1
