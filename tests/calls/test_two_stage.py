"""Two-stage programs (issue 14, item 5): a recognition call open only to units cultivated
in an earlier call (or leading a center in a given state), refused at the start and at the
submission with the reason; the call's stage naming its notice (a cultivation list, a
recognition notice), each under the next number of the one registry; rolling calls that
approve one application at a time with a numbered decision of its own."""
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import event, func, select

from tests import factories
from workflow.accounts.models.users import User
from workflow.calls.models import Call, PlatformType
from workflow.calls.operations import calls
from workflow.core import clock
from workflow.core.errors import ServiceError
from workflow.core.extensions import db
from workflow.core.states import Action, AppState
from workflow.intake.models import Application, ApplicationVersion
from workflow.intake.operations import intake
from workflow.intake.rules import eligibility
from workflow.lifecycle.transitions import transition
from workflow.notices.models import DecisionDocument, DocumentNumber
from workflow.notices.operations import rolling
from workflow.notices.queries import draft_content
from workflow.notices.settings import notice_settings_of


@pytest.fixture(autouse=True)
def english_messages():
    """The texts asserted are the source texts (the default language is Chinese)."""
    with force_locale("en"):
        yield


# Rules the cultivated center passes: the default field rule would count its own
# cultivation as the center holding the field.
RULES = {"rules": [{"rule": "in_province", "hard": True}, {"rule": "legal_person", "hard": True}]}


def manufacturing() -> PlatformType:
    return db.session.scalar(select(PlatformType).where(
        PlatformType.code == "manufacturing_innovation_center"))


def cultivation_call(**options) -> Call:
    start = clock.now()
    return factories.call(platform_type=manufacturing(), stage="cultivation",
                          title="2024年制造业创新中心培育", opens_at=start - timedelta(days=10),
                          **options)


def recognition_call(prerequisite: Call | None = None, **options) -> Call:
    return factories.call(platform_type=manufacturing(), stage="recognition",
                          title="制造业创新中心验收认定", eligibility=RULES,
                          prerequisite_call_id=prerequisite.id if prerequisite else None,
                          **options)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def cultivated_unit(cultivation: Call):
    lead = factories.applicant()
    factories.application(cultivation, lead, state=AppState.APPROVED)
    return lead


def cultivated_units(cultivation: Call, n: int) -> list:
    """The lead users of `n` applications approved together by the cultivation list."""
    officer = factories.officer()
    apps = factories.approval_pending_batch(cultivation, n, officer)
    factories.issue_notice(cultivation, officer)
    return [db.session.scalar(select(User).where(User.organization_id == a.lead_org_id))
            for a in apps]


# Who may apply


def test_a_unit_not_cultivated_is_refused_at_the_start_and_nothing_is_created():
    recognition = recognition_call(cultivation_call())
    stranger = factories.applicant()
    before = count(Application)
    with pytest.raises(ServiceError) as refused:
        intake.start_application(recognition, title="山东省未培育中心",
                                 field_id=recognition.fields[0].id, actor=stranger)
    assert "2024年制造业创新中心培育" in str(refused.value)
    assert count(Application) == before


def test_the_start_page_refuses_with_the_reason_and_keeps_the_title(login_as):
    recognition = recognition_call(cultivation_call())
    db.session.commit()
    client = login_as(factories.applicant())
    page = client.get(f"/calls/{recognition.id}")
    assert "2024年制造业创新中心培育" in page.get_data(as_text=True)
    assert 'id="prerequisite-refused"' in page.get_data(as_text=True)
    before = count(Application)
    response = client.post(f"/calls/{recognition.id}/apply", data={
        "title": "山东省<b>未培育</b>中心", "field_id": recognition.fields[0].id})
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Your unit cannot apply to this call" in text
    assert "山东省&lt;b&gt;未培育&lt;/b&gt;中心" in text
    assert count(Application) == before


def test_a_unit_not_cultivated_is_refused_at_the_submission_with_the_reason():
    cultivation = cultivation_call()
    recognition = recognition_call()
    lead = factories.applicant()
    app = factories.application(recognition, lead)
    calls.set_call_stage(recognition, stage="recognition", rolling=False,
                         prerequisite_call_id=cultivation.id, prerequisite_state=None,
                         actor=factories.officer())
    (result,) = [r for r in eligibility.evaluate(app) if r.code == "prerequisite"]
    assert result.hard and not result.passed
    with pytest.raises(ServiceError) as refused:
        transition(app, Action.SUBMIT, actor=lead)
    assert any("2024年制造业创新中心培育" in p for p in refused.value.problems)
    assert app.state == AppState.DRAFT
    assert count(ApplicationVersion) == 0


def test_a_cultivated_unit_applies_and_submits():
    cultivation = cultivation_call()
    lead = cultivated_unit(cultivation)
    recognition = recognition_call(cultivation)
    app = factories.application(recognition, lead)
    transition(app, Action.SUBMIT, actor=lead)
    assert app.state == AppState.SUBMITTED
    (result,) = [r for r in eligibility.evaluate(app) if r.code == "prerequisite"]
    assert result.passed


def test_a_unit_whose_application_in_the_earlier_call_was_not_approved_is_refused():
    cultivation = cultivation_call()
    lead = factories.applicant()
    factories.application(cultivation, lead, state=AppState.SUBMITTED)
    recognition = recognition_call(cultivation)
    assert eligibility.prerequisite_problems(recognition, lead.organization_id)


def test_a_prerequisite_state_admits_only_units_leading_such_a_center():
    holder = factories.applicant()
    factories.application(lead=holder, state=AppState.APPROVED)
    call = factories.call(eligibility=RULES, prerequisite_state="approved")
    assert eligibility.prerequisite_problems(call, holder.organization_id) == []
    assert "approved" in eligibility.prerequisite_problems(call,
                                                           factories.applicant().organization_id)[0]


def test_many_applications_are_evaluated_in_a_fixed_number_of_statements(app):
    cultivation = cultivation_call()
    recognition = recognition_call(cultivation)
    apps = [factories.application(recognition, lead)
            for lead in cultivated_units(cultivation, 3)]
    statements = []

    def note(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        results = eligibility.evaluate_many(apps[:1])
        one = len(statements)
        statements.clear()
        results = eligibility.evaluate_many(apps)
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert len(statements) == one
    assert all(r[0].code == "prerequisite" and r[0].passed for r in results.values())


# The call form


def _new_call_form(term_id: int, **changes) -> dict:
    start = clock.local(clock.now())
    data = {"platform_type_id": manufacturing().id, "year": start.year,
            "title": "制造业创新中心认定批次", "description": "",
            "opens_at": (start + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (start + timedelta(days=300)).strftime("%Y-%m-%dT%H:%M"),
            "quota": 10, "recommender_quota": 2, "fields": [term_id],
            "attachments": "licence: 营业执照", "correction_workdays": 5,
            "correction_rounds": 1, "stage": "recognition", "prerequisite_state": ""}
    data.update(changes)
    return data


@pytest.mark.parametrize("which, reason", [
    ("missing", "does not exist"), ("later", "must open before"),
    ("other_type", "same platform type")])
def test_the_new_call_form_refuses_a_bad_prerequisite_and_keeps_the_input(
        login_as, which, reason):
    officer = factories.officer()
    later = factories.call(platform_type=manufacturing(),
                           opens_at=clock.now() + timedelta(days=5),
                           closes_at=clock.now() + timedelta(days=40), state="planned")
    other = factories.call(opens_at=clock.now() - timedelta(days=30))
    chosen = {"missing": 999999, "later": later.id, "other_type": other.id}[which]
    db.session.commit()
    before = count(Call)
    response = login_as(officer).post("/officer/calls/new", data=_new_call_form(
        other.fields[0].term_id, prerequisite_call_id=chosen,
        title="制造业<script>认定</script>批次"))
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert reason in text
    assert "制造业&lt;script&gt;认定&lt;/script&gt;批次" in text
    assert count(Call) == before


def test_the_new_call_form_creates_a_call_with_its_stage_and_prerequisite(login_as):
    cultivation = cultivation_call()
    db.session.commit()
    response = login_as(factories.officer()).post("/officer/calls/new", data=_new_call_form(
        cultivation.fields[0].term_id, prerequisite_call_id=cultivation.id, rolling="y"))
    assert response.status_code == 302
    call = db.session.scalar(select(Call).order_by(Call.id.desc()).limit(1))
    assert (call.stage, call.rolling, call.prerequisite_call_id) == (
        "recognition", True, cultivation.id)


def test_the_settings_form_refuses_the_call_as_its_own_prerequisite(login_as):
    call = cultivation_call()
    db.session.commit()
    response = login_as(factories.officer()).post(f"/officer/calls/{call.id}/stage", data={
        "stage": "recognition", "prerequisite_call_id": call.id, "prerequisite_state": ""})
    assert response.status_code == 422
    assert "cannot be its own prerequisite" in response.get_data(as_text=True)
    db.session.refresh(call)
    assert (call.stage, call.prerequisite_call_id) == ("cultivation", None)


def test_the_settings_form_sets_the_prerequisite_and_the_public_page_shows_it(login_as, client):
    cultivation = cultivation_call()
    recognition = recognition_call()
    db.session.commit()
    response = login_as(factories.officer()).post(
        f"/officer/calls/{recognition.id}/stage", data={
            "stage": "recognition", "prerequisite_call_id": cultivation.id,
            "prerequisite_state": "", "rolling": "y"})
    assert response.status_code == 302
    db.session.refresh(recognition)
    assert recognition.prerequisite_call_id == cultivation.id and recognition.rolling
    client.post("/logout")
    text = client.get(f"/calls/{recognition.id}").get_data(as_text=True)
    assert "Open only to units whose application was approved in “2024年制造业创新中心培育”" in text
    assert 'id="call-stage"' in text and 'id="call-rolling"' in text


def test_an_unknown_stage_or_state_is_refused():
    with pytest.raises(ServiceError):
        factories.call(stage="harvest")
    with pytest.raises(ServiceError):
        factories.call(prerequisite_state="revoked")


def test_the_stage_is_locked_once_the_leader_has_selected():
    call = recognition_call()
    factories.application(call, state=AppState.PROPOSED)
    with pytest.raises(ServiceError) as refused:
        calls.set_call_stage(call, stage="cultivation", rolling=False, prerequisite_call_id=None,
                             prerequisite_state=None, actor=factories.officer())
    assert "can no longer change" in str(refused.value)
    assert call.stage == "recognition"


# The documents of each stage


def _issued(call: Call, officer) -> DocumentNumber:
    factories.approval_pending_batch(call, 1, officer)
    return factories.issue_notice(call, officer).number


def test_cultivation_list_and_recognition_notice_have_their_titles_and_consecutive_numbers():
    officer = factories.officer()
    cultivation, recognition = cultivation_call(), recognition_call()
    first, second = _issued(cultivation, officer), _issued(recognition, officer)
    agency = notice_settings_of(cultivation).agency
    assert first.title == f"{agency}关于公布{cultivation.year}年山东省制造业创新中心培育名单的通知"
    assert second.title == f"{agency}关于认定1家单位为山东省制造业创新中心的通知"
    assert (second.office, second.year, second.sequence) == (
        first.office, first.year, first.sequence + 1)
    assert draft_content(cultivation)["attachment_title"].endswith("制造业创新中心培育名单")


def test_a_call_without_a_stage_keeps_todays_notice():
    call = factories.call()
    factories.approval_pending_batch(call, 1, factories.officer())
    content = draft_content(call)
    agency = notice_settings_of(call).agency
    assert content["title"] == f"{agency}关于认定{call.year}年度山东省技术创新中心的通知"
    assert call.stage == "" and not call.rolling
    assert not [r for r in eligibility.evaluate(
        db.session.scalar(select(Application).where(Application.call_id == call.id)))
        if r.code == "prerequisite"]


# Rolling calls


def _rolling_call() -> Call:
    return recognition_call(rolling=True, closes_at=clock.now() + timedelta(days=360))


def test_a_rolling_call_approves_one_application_with_its_own_numbered_decision():
    officer = factories.officer()
    call = _rolling_call()
    ready = factories.application(call, state=AppState.PROPOSED)
    other_field = call.fields[1]
    waiting_lead = factories.applicant()
    waiting = factories.application(call, waiting_lead)
    intake.update_basics(waiting, title="山东省另一制造业创新中心", field_id=other_field.id,
                         actor=waiting_lead)
    factories.drive(waiting, AppState.EXPERT_REVIEW, lead=waiting_lead)
    before = db.session.scalar(select(func.max(DocumentNumber.id)))

    doc = rolling.recognise_application(ready, actor=officer)

    assert ready.state == AppState.APPROVED
    assert waiting.state == AppState.EXPERT_REVIEW
    assert call.state == "open"
    assert doc.kind == "recognition" and doc.applications == [ready]
    assert doc.title.endswith(f"关于认定{ready.title}为山东省制造业创新中心的通知")
    assert doc.number.id != before and doc.size_bytes > 0
    assert rolling.recognitions(call) == [doc]


def test_consecutive_rolling_decisions_take_consecutive_numbers(login_as):
    call = _rolling_call()
    apps = []
    for field in call.fields[:2]:
        lead = factories.applicant()
        app = factories.application(call, lead)
        intake.update_basics(app, title=f"山东省{field.name}制造业创新中心", field_id=field.id,
                             actor=lead)
        factories.drive(app, AppState.PROPOSED, lead=lead)
        apps.append(app)
    officer = factories.officer()
    db.session.commit()
    client = login_as(officer)
    page = client.get(f"/officer/calls/{call.id}/notice").get_data(as_text=True)
    assert page.count('data-action="recognise_one"') == 2
    for app in apps:
        assert client.post(f"/officer/applications/{app.id}/recognise").status_code == 302
    docs = rolling.recognitions(call)
    assert [d.number.sequence for d in docs] == [docs[0].number.sequence,
                                                  docs[0].number.sequence + 1]
    assert all(db.session.get(Application, a.id).state == AppState.APPROVED for a in apps)


def test_a_batch_call_refuses_a_single_recognition_and_keeps_its_number(login_as):
    call = recognition_call()
    app = factories.application(call, state=AppState.PROPOSED)
    db.session.commit()
    numbers = count(DocumentNumber)
    response = login_as(factories.officer()).post(f"/officer/applications/{app.id}/recognise")
    assert response.status_code == 302
    db.session.refresh(app)
    assert app.state == AppState.PROPOSED
    assert count(DocumentNumber) == numbers and count(DecisionDocument) == 0


def test_an_applicant_cannot_recognise_an_application(login_as):
    call = _rolling_call()
    lead = factories.applicant()
    app = factories.application(call, lead, state=AppState.PROPOSED)
    db.session.commit()
    response = login_as(lead).post(f"/officer/applications/{app.id}/recognise")
    assert response.status_code == 403
    db.session.refresh(app)
    assert app.state == AppState.PROPOSED and count(DecisionDocument) == 0
