"""Multi-level recommendation (issue 14, item 4): a call's chain of recommendation, county
then city, or provincial departments, or city only as before. Every level sees only what the
level below passed up, ranks within its own quota (race-safe), meets its own deadline and
can return to the level below; every new route refuses another unit's application by ID."""
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select, text

from tests import factories
from tests.departments.world import department_b
from tests.platform.test_migrations import separate_database
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.accounts.models.users import User
from workflow.calls.chains import Chain, Level
from workflow.core import clock
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Action, AppState, Role
from workflow.desk.queries import recommender as desk
from workflow.inbox.models import Notification
from workflow.intake.models import Application
from workflow.intake.operations.intake import submission_problems
from workflow.lifecycle.permissions import available_actions, can
from workflow.lifecycle.transitions import transition
from workflow.organizations.models import Organization
from workflow.recommendation import operations as recommendation
from workflow.recommendation.levels import county_code_of
from workflow.recommendation.models import CountyPass, Recommendation

S, A = AppState, Action
QINGDAO, JINAN = factories.QINGDAO, factories.JINAN
HUANGDAO, LAOSHAN = "370211", "370212"  # two counties (districts) of Qingdao
OPINION = "材料齐全，同意报送。"


class Chained:
    """A county, city call: three submitted applications of Huangdao units, one of Laoshan;
    both county bureaus, Qingdao's and Jinan's city bureaus; each level's quota is 2."""

    def __init__(self, *, county_deadline=None, recommend_deadline=None):
        officer = factories.officer()
        start = clock.now()
        self.call = factories.call(actor=officer, recommender_quota=2,
                                   closes_at=start + timedelta(days=30),
                                   recommend_deadline=recommend_deadline)
        factories.county_chain(self.call, county_quota=2, county_deadline=county_deadline)
        self.leads = [factories.county_applicant(HUANGDAO) for _ in range(3)]
        self.huangdao = [factories.application(self.call, lead, state=S.SUBMITTED)
                         for lead in self.leads]
        self.laoshan = factories.application(self.call, factories.county_applicant(LAOSHAN),
                                             state=S.SUBMITTED)
        self.county = factories.recommender(HUANGDAO)
        self.other_county = factories.recommender(LAOSHAN)
        self.city = factories.recommender(QINGDAO)
        self.other_city = factories.recommender(JINAN)


@pytest.fixture
def chained() -> Chained:
    world = Chained()
    db.session.commit()
    return world


def pass_up(app, actor, rank=None):
    return recommendation.pass_up_application(app, rank=rank, opinion=OPINION, actor=actor)


def stored(app) -> tuple:
    """What a refused action must leave as it was: state, audit rows, passes, recommendations."""
    db.session.expire_all()
    return (db.session.get(Application, app.id).state,
            db.session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.application_id == app.id)),
            db.session.scalar(select(func.count()).select_from(CountyPass)),
            db.session.scalar(select(func.count()).select_from(Recommendation)))


def refused(app, error, action) -> str:
    """Run `action`, expect `error`, roll back as a view does; the refusal's text."""
    before = stored(app)
    with pytest.raises(error) as caught:
        action()
    db.session.rollback()
    assert stored(app) == before
    return str(caught.value)


# The county of an application


def test_application_takes_its_county_from_the_lead_units_credit_code(chained):
    app = chained.huangdao[0]
    assert (app.region_code, app.county_code) == (QINGDAO, HUANGDAO)
    plain = factories.application(chained.call, factories.applicant(QINGDAO))
    assert plain.county_code == plain.region_code == QINGDAO
    assert county_code_of(HUANGDAO, factories.credit_code(QINGDAO)) == HUANGDAO
    # Digits of a county of another city do not move the unit out of its city.
    assert county_code_of(QINGDAO, factories.credit_code("370102")) == QINGDAO


def test_a_new_call_recommends_by_city_only_with_the_defaults():
    call = factories.call()
    assert (call.recommendation_chain, call.county_quota, call.county_deadline) == (
        Chain.CITY, 3, None)
    assert Chain(call.recommendation_chain).levels == (Level.CITY,)
    assert Chain.COUNTY_CITY.levels == (Level.COUNTY, Level.CITY)


# Visibility and who acts at which level


def test_the_county_sees_and_decides_the_applications_of_its_county_only(chained):
    app, other = chained.huangdao[0], chained.laoshan
    assert can(chained.county, "application.view", app)
    assert set(available_actions(app, chained.county)) == {A.RETURN, A.DECLINE, A.PASS_UP}
    assert not can(chained.county, "application.view", other)
    assert available_actions(other, chained.county) == []
    refused(other, PermissionDenied, lambda: pass_up(other, chained.county))
    refused(other, PermissionDenied, lambda: transition(other, A.DECLINE, actor=chained.county,
                                                        comment="不符合条件"))


def test_the_city_sees_an_application_only_once_its_county_passed_it_up(chained):
    app = chained.huangdao[0]
    assert not can(chained.city, "application.view", app)
    assert available_actions(app, chained.city) == []
    refused(app, PermissionDenied, lambda: recommendation.recommend_application(
        app, rank=None, opinion=OPINION, actor=chained.city))
    refused(app, PermissionDenied, lambda: transition(app, A.RETURN, actor=chained.city,
                                                      comment="请补充"))

    pass_up(app, chained.county)
    db.session.commit()

    assert can(chained.city, "application.view", app)
    assert set(available_actions(app, chained.city)) == {A.RECOMMEND, A.DECLINE,
                                                          A.RETURN_TO_COUNTY}
    assert can(chained.county, "application.view", app)
    assert available_actions(app, chained.county) == []
    for outsider in (chained.other_city, chained.other_county):
        assert not can(outsider, "application.view", app)
        assert available_actions(app, outsider) == []


def test_pass_up_ranks_records_and_tells_the_lead_unit_and_the_city(chained):
    app = chained.huangdao[0]

    row = pass_up(app, chained.county, rank=2)
    db.session.commit()

    assert (row.rank, row.county_org_id, row.opinion) == (2, chained.county.organization_id,
                                                         OPINION)
    assert db.session.get(Application, app.id).state == S.COUNTY_PASSED
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.application_id == app.id).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.role, entry.from_state, entry.to_state, entry.actor_id) == (
        A.PASS_UP, Role.RECOMMENDER, S.SUBMITTED, S.COUNTY_PASSED, chained.county.id)
    assert OPINION in entry.comment
    told = set(db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "handoff_recommend")))
    assert chained.city.id in told and chained.other_city.id not in told
    assert db.session.scalar(select(Notification.id).where(
        Notification.application_id == app.id,
        Notification.user_id == chained.leads[0].id)) is not None


def test_the_city_ranks_what_the_county_passed_within_its_own_quota(chained):
    first, second, third = chained.huangdao
    for app in (first, second):
        pass_up(app, chained.county)
    pass_up(chained.laoshan, chained.other_county)
    for app in (first, chained.laoshan):
        recommendation.recommend_application(app, rank=None, opinion=OPINION,
                                             actor=chained.city)
    db.session.commit()

    assert recommendation.used_ranks(chained.call.id, chained.city.organization_id) == [1, 2]
    assert recommendation.used_ranks(chained.call.id, chained.county.organization_id,
                                     Level.COUNTY) == [1, 2]
    with force_locale("en"):
        message = refused(second, ServiceError, lambda: recommendation.recommend_application(
            second, rank=None, opinion=OPINION, actor=chained.city))
        assert _("Your quota for this call is used up (%(n)d of %(n)d).", n=2) in message
        message = refused(third, ServiceError, lambda: pass_up(third, chained.county))
        assert _("Your quota for this call is used up (%(n)d of %(n)d).", n=2) in message


@pytest.mark.parametrize("rank", [0, 3, -1])
def test_a_pass_up_rank_outside_the_county_quota_is_refused(chained, rank):
    app = chained.huangdao[0]
    with force_locale("en"):
        message = refused(app, ServiceError, lambda: pass_up(app, chained.county, rank=rank))
    assert "1, 2" in message


@pytest.mark.parametrize("opinion", ["", "   "])
def test_a_pass_up_without_an_opinion_is_refused(chained, opinion):
    app = chained.huangdao[0]
    refused(app, ServiceError, lambda: recommendation.pass_up_application(
        app, rank=None, opinion=opinion, actor=chained.county))


def test_the_generic_transition_cannot_pass_up_without_the_ranked_row(chained):
    app = chained.huangdao[0]
    refused(app, ServiceError, lambda: transition(app, A.PASS_UP, actor=chained.county,
                                                  comment=OPINION))


# Returning to the level below, declining


def test_the_city_returns_to_the_county_which_decides_again_with_its_place_free(chained):
    app = chained.huangdao[0]
    pass_up(app, chained.county)
    db.session.commit()
    refused(app, ServiceError, lambda: transition(app, A.RETURN_TO_COUNTY, actor=chained.city))

    transition(app, A.RETURN_TO_COUNTY, actor=chained.city, comment="请县级核实研发投入")
    db.session.commit()

    assert db.session.get(Application, app.id).state == S.SUBMITTED
    assert db.session.scalar(select(CountyPass.id)) is None
    assert recommendation.free_ranks(chained.call, chained.county.organization_id,
                                     Level.COUNTY) == [1, 2]
    assert not can(chained.city, "application.view", app)
    assert set(available_actions(app, chained.county)) == {A.RETURN, A.DECLINE, A.PASS_UP}
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.application_id == app.id).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.from_state, entry.to_state, entry.comment) == (
        A.RETURN_TO_COUNTY, S.COUNTY_PASSED, S.SUBMITTED, "请县级核实研发投入")
    assert chained.county.id in set(db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "handoff_recommend")))
    pass_up(app, chained.county)
    assert db.session.get(Application, app.id).state == S.COUNTY_PASSED


def test_the_county_returns_to_the_lead_unit_which_resubmits_to_the_county(chained):
    app, lead = chained.huangdao[0], chained.leads[0]
    transition(app, A.RETURN, actor=chained.county, comment="请补充县级证明")
    assert app.state == S.RETURNED and not can(chained.city, "application.view", app)
    transition(app, A.RESUBMIT, actor=lead)
    db.session.commit()
    assert app.state == S.SUBMITTED
    assert A.PASS_UP in available_actions(app, chained.county)


def test_each_level_declines_and_the_city_never_sees_what_the_county_declined(chained):
    first, second = chained.huangdao[:2]
    transition(first, A.DECLINE, actor=chained.county, comment="不具备条件")
    pass_up(second, chained.county)
    transition(second, A.DECLINE, actor=chained.city, comment="名额有限")
    db.session.commit()
    assert (first.state, second.state) == (S.NOT_RECOMMENDED, S.NOT_RECOMMENDED)
    assert not can(chained.city, "application.view", first)
    assert can(chained.city, "application.view", second)


def test_an_application_with_no_county_known_goes_to_its_city_at_once(chained):
    app = factories.application(chained.call, factories.applicant(QINGDAO), state=S.SUBMITTED)
    db.session.commit()
    assert set(available_actions(app, chained.city)) == {A.RETURN, A.RECOMMEND, A.DECLINE}
    assert available_actions(app, chained.county) == []
    recommendation.recommend_application(app, rank=None, opinion=OPINION, actor=chained.city)
    assert app.state == S.RECOMMENDED


# Deadlines per level


@pytest.fixture
def timed() -> Chained:
    now = clock.now()
    world = Chained(county_deadline=now + timedelta(days=32),
                    recommend_deadline=now + timedelta(days=35))
    db.session.commit()
    yield world
    clock.freeze(None)


def test_after_the_countys_deadline_the_county_decides_nothing_and_the_city_still_does(timed):
    first, second = timed.huangdao[:2]
    pass_up(first, timed.county)
    db.session.commit()
    clock.freeze(timed.call.county_deadline + timedelta(minutes=1))

    with force_locale("en"):
        message = refused(second, ServiceError, lambda: pass_up(second, timed.county))
        assert _("The county's deadline of this call has passed.") in message
        for action in (A.RETURN, A.DECLINE):
            refused(second, ServiceError, lambda a=action: transition(
                second, a, actor=timed.county, comment="逾期"))
    recommendation.recommend_application(first, rank=None, opinion=OPINION, actor=timed.city)
    assert first.state == S.RECOMMENDED


def test_after_the_city_deadline_the_city_neither_recommends_nor_returns(timed):
    app = timed.huangdao[0]
    pass_up(app, timed.county)
    db.session.commit()
    clock.freeze(timed.call.recommend_deadline + timedelta(minutes=1))
    with force_locale("en"):
        message = refused(app, ServiceError, lambda: recommendation.recommend_application(
            app, rank=None, opinion=OPINION, actor=timed.city))
        assert _("The recommendation deadline of this call has passed.") in message
    refused(app, ServiceError, lambda: transition(app, A.RETURN_TO_COUNTY, actor=timed.city,
                                                  comment="请核实"))


def test_the_chain_and_the_county_settings_are_checked():
    officer = factories.officer()
    call = factories.call(actor=officer, recommend_deadline=clock.now() + timedelta(days=40))
    with force_locale("en"):
        for quota, deadline, text in (
                (0, None, "The county quota must be a whole number of at least 1."),
                (2, call.closes_at, "The county's deadline must fall after the filing window"),
                (2, call.recommend_deadline, "The county's deadline must fall before")):
            with pytest.raises(ServiceError) as caught:
                recommendation.set_chain(call, chain=Chain.COUNTY_CITY, county_quota=quota,
                                         county_deadline=deadline, actor=officer)
            assert text in str(caught.value)
        with pytest.raises(PermissionDenied):
            recommendation.set_chain(call, chain=Chain.COUNTY_CITY,
                                     actor=factories.recommender(QINGDAO))
        with pytest.raises(ValueError):
            recommendation.set_chain(call, chain="province", actor=officer)
    assert call.recommendation_chain == Chain.CITY
    factories.application(call, factories.applicant(QINGDAO), state=S.SUBMITTED)
    with force_locale("en"), pytest.raises(ServiceError) as caught:
        recommendation.set_chain(call, chain=Chain.COUNTY_CITY, actor=officer)
    assert "can no longer change" in str(caught.value)
    recommendation.set_chain(call, chain=Chain.CITY, county_quota=4, actor=officer)
    assert call.county_quota == 4


# City-only calls are unchanged


def test_a_city_only_call_is_decided_by_the_city_and_no_county_sees_it():
    call = factories.call(recommender_quota=1)
    app = factories.application(call, factories.county_applicant(HUANGDAO), state=S.SUBMITTED)
    county, city = factories.recommender(HUANGDAO), factories.recommender(QINGDAO)
    db.session.commit()
    assert not can(county, "application.view", app) and available_actions(app, county) == []
    assert set(available_actions(app, city)) == {A.RETURN, A.RECOMMEND, A.DECLINE}
    refused(app, PermissionDenied, lambda: pass_up(app, county))
    recommendation.recommend_application(app, rank=None, opinion=OPINION, actor=city)
    assert app.state == S.RECOMMENDED


# Department chains


def department_unit(name="山东省教育厅") -> User:
    unit = Organization(name=name, credit_code=factories.credit_code("370000", "11"),
                        status="verified", region_code="370000", kind="government")
    db.session.add(unit)
    db.session.flush()
    return factories.user(Role.RECOMMENDER, organization=unit)


def test_a_department_recommends_the_applications_of_the_units_naming_it():
    officer = factories.officer()
    call = factories.call(actor=officer, recommender_quota=1)
    recommendation.set_chain(call, chain=Chain.DEPARTMENT, actor=officer)
    education, health = department_unit(), department_unit("山东省卫生健康委员会")
    lead, other = factories.applicant(QINGDAO), factories.applicant(QINGDAO)
    recommendation.name_supervising_department(lead.organization, education.organization_id,
                                               actor=lead)
    app = factories.application(call, lead, state=S.SUBMITTED)
    # A unit naming no supervising department cannot file: nobody could recommend it.
    unnamed = factories.application(call, other)
    with force_locale("en"):
        assert any("supervising department" in p for p in submission_problems(unnamed))
    city = factories.recommender(QINGDAO)
    db.session.commit()

    assert set(available_actions(app, education)) == {A.RETURN, A.RECOMMEND, A.DECLINE}
    assert can(education, "application.view", app)
    for outsider in (health, city):
        assert available_actions(app, outsider) == []
    assert not can(health, "application.view", app)
    assert available_actions(unnamed, education) == []
    assert not can(education, "application.view", unnamed)
    refused(app, PermissionDenied, lambda: recommendation.recommend_application(
        app, rank=None, opinion=OPINION, actor=city))
    recommendation.recommend_application(app, rank=None, opinion=OPINION, actor=education)
    assert app.state == S.RECOMMENDED
    assert (db.session.scalar(select(AuditEntry.comment).where(
        AuditEntry.action == "name_supervising_department")) == "山东省教育厅")


def test_only_a_member_names_a_verified_provincial_department_as_supervisor():
    lead, other = factories.applicant(QINGDAO), factories.applicant(QINGDAO)
    education, city = department_unit(), factories.recommender(QINGDAO)
    with pytest.raises(PermissionDenied):
        recommendation.name_supervising_department(lead.organization, education.organization_id,
                                                   actor=other)
    for bad in (city.organization_id, lead.organization_id, other.organization_id, 999999):
        with pytest.raises(ServiceError):
            recommendation.name_supervising_department(lead.organization, bad, actor=lead)
    assert lead.organization.supervising_org_id is None


# The county's quota under real concurrency (SQLite here; PostgreSQL with TEST_DATABASE_URL)


def _pass_up_in_own_context(flask_app, app_id, user_id, barrier, outcomes):
    """One county recommender's request: its own app context, session and connection."""
    with flask_app.app_context():
        try:
            application = db.session.get(Application, app_id)
            actor = db.session.get(User, user_id)
            assert actor.organization is not None and application.call is not None
            barrier.wait(timeout=10)
            try:
                pass_up(application, actor)
                db.session.commit()
                outcomes[app_id] = "passed"
            except ServiceError as refusal:
                db.session.rollback()
                outcomes[app_id] = refusal
        except Exception as unexpected:  # noqa: BLE001 - reported by the test below
            outcomes[app_id] = unexpected
        finally:
            db.session.remove()


@pytest.mark.parametrize("attempt", range(5))
def test_the_countys_last_place_goes_to_exactly_one_of_two_concurrent_passes(app, attempt):
    world = Chained()
    bureau = world.county.organization
    first, second = (factories.user(Role.RECOMMENDER, organization=bureau) for _ in range(2))
    pass_up(world.huangdao[0], world.county)
    racing = {world.huangdao[1].id: first.id, world.huangdao[2].id: second.id}
    db.session.commit()
    barrier, outcomes = threading.Barrier(2), {}

    threads = [threading.Thread(target=_pass_up_in_own_context,
                                args=(app, app_id, user_id, barrier, outcomes))
               for app_id, user_id in racing.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    db.session.expire_all()
    won = [i for i, outcome in outcomes.items() if outcome == "passed"]
    lost = [outcome for outcome in outcomes.values() if outcome != "passed"]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert type(lost[0]) is ServiceError, repr(lost[0])
    assert recommendation.used_ranks(world.call.id, bureau.id, Level.COUNTY) == [1, 2]
    states = {i: db.session.get(Application, i).state for i in racing}
    assert sorted(states.values()) == [S.COUNTY_PASSED, S.SUBMITTED]
    assert states[won[0]] == S.COUNTY_PASSED


# Pages: the queues, the pass-up form, the return to the county, the desk


def test_each_level_has_its_own_queue(chained, login):
    passed = chained.huangdao[0]
    pass_up(passed, chained.county)
    db.session.commit()
    queue = f"/recommender/calls/{chained.call.id}"

    county_html = login(chained.county).get(queue).get_data(as_text=True)
    for app in chained.huangdao:
        assert f'href="/applications/{app.id}"' in county_html
    assert f'href="/applications/{chained.laoshan.id}"' not in county_html
    assert 'id="level"' in county_html and "1 of 2 used" in county_html

    city_html = login(chained.city).get(queue).get_data(as_text=True)
    assert f'href="/applications/{passed.id}"' in city_html
    for app in (*chained.huangdao[1:], chained.laoshan):
        assert f'href="/applications/{app.id}"' not in city_html
    assert "0 of 2 used" in city_html

    other_html = login(chained.other_county).get(queue).get_data(as_text=True)
    assert f'href="/applications/{passed.id}"' not in other_html
    assert f'href="/applications/{chained.laoshan.id}"' in other_html


def test_the_desks_show_the_county_its_queue_and_the_city_what_was_passed_up(chained):
    (county_item,) = desk.to_decide(chained.county).items
    assert county_item.link.args == {"call_id": chained.call.id, "state": S.SUBMITTED}
    assert desk.to_decide(chained.city).items == []
    pass_up(chained.huangdao[0], chained.county)
    (city_item,) = desk.to_decide(chained.city).items
    assert city_item.link.args == {"call_id": chained.call.id, "state": S.COUNTY_PASSED}


def test_the_county_passes_up_through_its_form(chained, login):
    app = chained.huangdao[0]
    client = login(chained.county)
    page = client.get(f"/applications/{app.id}").get_data(as_text=True)
    assert f'action="/recommender/applications/{app.id}/pass-up"' in page
    assert 'data-action="pass_up"' in page and 'data-action="recommend"' not in page

    bad = client.post(f"/recommender/applications/{app.id}/pass-up",
                      data={"rank": "2", "opinion": ""})
    assert bad.status_code == 422 and stored(app)[0] == S.SUBMITTED
    done = client.post(f"/recommender/applications/{app.id}/pass-up",
                       data={"rank": "2", "opinion": OPINION})

    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, app.id).state == S.COUNTY_PASSED
    assert db.session.scalar(select(CountyPass.rank)) == 2


def test_the_city_returns_to_the_county_with_the_button_and_its_reasons(chained, login):
    app = chained.huangdao[0]
    pass_up(app, chained.county)
    db.session.commit()
    client = login(chained.city)
    page = client.get(f"/applications/{app.id}").get_data(as_text=True)
    assert 'data-action="return_to_county"' in page and 'data-action="recommend"' in page
    assert 'data-action="pass_up"' not in page

    client.post(f"/applications/{app.id}/actions/return_to_county", data={"comment": ""})
    assert stored(app)[0] == S.COUNTY_PASSED
    client.post(f"/applications/{app.id}/actions/return_to_county",
                data={"comment": "请县级复核"})
    assert stored(app)[0] == S.SUBMITTED


def test_the_county_summary_sheet_lists_what_it_passed_up(chained, login):
    pass_up(chained.huangdao[1], chained.county, rank=1)
    db.session.commit()
    sheet = recommendation.summary_sheet(chained.call, chained.county.organization)
    assert [(r.rank, r.credit_code) for r in sheet.rows] == [
        (1, chained.huangdao[1].lead_org.credit_code)]
    assert sheet.quota == 2
    response = login(chained.county).get(f"/recommender/calls/{chained.call.id}/sheet.xlsx")
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["other_county", "city", "other_city", "lead", "officer"])
def test_another_unit_cannot_pass_up_by_id(chained, login, who):
    app = chained.huangdao[0]
    user = {"other_county": chained.other_county, "city": chained.city,
            "other_city": chained.other_city, "lead": chained.leads[0],
            "officer": factories.officer()}[who]
    db.session.commit()
    before = stored(app)
    response = login(user).post(f"/recommender/applications/{app.id}/pass-up",
                                data={"rank": "1", "opinion": OPINION})
    assert response.status_code == 403
    assert OPINION not in response.get_data(as_text=True)
    assert stored(app) == before


@pytest.mark.parametrize("who", ["county", "other_county", "other_city", "lead"])
def test_nobody_but_the_city_returns_to_the_county_by_id(chained, login, who):
    app = chained.huangdao[0]
    pass_up(app, chained.county)
    user = {"county": chained.county, "other_county": chained.other_county,
            "other_city": chained.other_city, "lead": chained.leads[0]}[who]
    db.session.commit()
    before = stored(app)
    response = login(user).post(f"/applications/{app.id}/actions/return_to_county",
                                data={"comment": "请复核"})
    assert response.status_code == 403
    assert stored(app) == before


def test_anonymous_and_unknown_ids_are_refused_on_the_pass_up_route(chained, client):
    app = chained.huangdao[0]
    response = client.post(f"/recommender/applications/{app.id}/pass-up",
                           data={"rank": "1", "opinion": OPINION})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert stored(app)[0] == S.SUBMITTED


def test_an_unknown_application_is_not_found_on_the_pass_up_route(chained, login):
    response = login(chained.county).post("/recommender/applications/999999/pass-up",
                                          data={"rank": "1", "opinion": OPINION})
    assert response.status_code == 404


# Migration e14d00000001


def test_the_migration_gives_existing_applications_their_county_and_calls_the_city_chain(
        app, tmp_path):
    with separate_database(app, tmp_path) as engine:
        upgrade()
        call = factories.call()
        in_county = factories.application(call, factories.applicant(QINGDAO))
        in_county.lead_org.region_code = HUANGDAO  # a unit placed in its county
        in_city = factories.application(call, factories.applicant(QINGDAO))
        ids = (call.id, in_county.id, in_city.id)
        db.session.commit()
        db.session.remove()

        downgrade(revision=before(app))
        assert "county_passes" not in inspect(engine).get_table_names()
        assert "county_code" not in {c["name"] for c in inspect(engine).get_columns(
            "applications")}

        upgrade()
        with engine.connect() as conn:
            counties = dict(conn.execute(text(
                "SELECT id, county_code FROM applications")).all())
            chain = conn.execute(text(
                "SELECT recommendation_chain, county_quota, county_deadline FROM calls "
                "WHERE id = :id"), {"id": ids[0]}).one()
    assert {i: counties[i] for i in ids[1:]} == {ids[1]: HUANGDAO, ids[2]: QINGDAO}
    assert tuple(chain) == ("city", 3, None)


def before(app) -> str:
    scripts = ScriptDirectory(str(Path(app.root_path).parent / "migrations"))
    return scripts.get_revision("e14d00000001").down_revision


# The department's chain page and the unit's supervising department page


def test_the_officer_sets_the_chain_of_a_call_of_its_department(login):
    officer = factories.officer()
    call = factories.call(actor=officer, recommend_deadline=clock.now() + timedelta(days=40))
    db.session.commit()
    client = login(officer)
    page = client.get(f"/officer/calls/{call.id}/recommendation-chain")
    assert page.status_code == 200 and 'id="chain"' in page.get_data(as_text=True)

    bad = client.post(f"/officer/calls/{call.id}/recommendation-chain",
                      data={"chain": "county,city", "county_quota": "0"})
    assert bad.status_code == 422
    done = client.post(f"/officer/calls/{call.id}/recommendation-chain",
                       data={"chain": "county,city", "county_quota": "4",
                             "county_deadline": "2099-01-01T09:00"})
    assert done.status_code == 422  # after the city's deadline: refused with the reason
    done = client.post(f"/officer/calls/{call.id}/recommendation-chain",
                       data={"chain": "county,city", "county_quota": "4"})

    assert done.status_code == 302
    db.session.expire_all()
    assert (call.recommendation_chain, call.county_quota) == (Chain.COUNTY_CITY, 4)
    assert db.session.scalar(select(AuditEntry.comment).where(
        AuditEntry.action == "set_recommendation_chain")).startswith("chain=county,city")


@pytest.mark.parametrize("who", ["other_department", "recommender", "applicant", "leader"])
def test_nobody_else_reads_or_sets_a_calls_chain(login, who):
    call = factories.call()
    user = {"other_department": factories.officer(department_b()),
            "recommender": factories.recommender(QINGDAO),
            "applicant": factories.applicant(QINGDAO),
            "leader": factories.leader()}[who]
    db.session.commit()
    client = login(user)
    assert client.get(f"/officer/calls/{call.id}/recommendation-chain").status_code == 403
    response = client.post(f"/officer/calls/{call.id}/recommendation-chain",
                           data={"chain": "department", "county_quota": "3"})
    assert response.status_code == 403
    db.session.expire_all()
    assert call.recommendation_chain == Chain.CITY


def test_a_unit_names_its_supervising_department_on_its_page(login):
    lead, education = factories.applicant(QINGDAO), department_unit()
    db.session.commit()
    client = login(lead)
    page = client.get("/organization/supervising-department").get_data(as_text=True)
    assert "山东省教育厅" in page
    bad = client.post("/organization/supervising-department",
                      data={"supervisor_id": str(lead.organization_id)})
    assert bad.status_code == 422
    done = client.post("/organization/supervising-department",
                       data={"supervisor_id": str(education.organization_id)})
    assert done.status_code == 302
    db.session.expire_all()
    assert lead.organization.supervising_org_id == education.organization_id


@pytest.mark.parametrize("who", ["recommender", "officer", "expert"])
def test_only_an_applicant_names_its_own_units_supervisor(login, who):
    user = {"recommender": factories.recommender(QINGDAO), "officer": factories.officer(),
            "expert": factories.user(Role.EXPERT)}[who]
    education = department_unit()
    db.session.commit()
    client = login(user)
    assert client.get("/organization/supervising-department").status_code == 403
    assert client.post("/organization/supervising-department",
                       data={"supervisor_id": str(education.organization_id)}
                       ).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Organization).where(
        Organization.supervising_org_id.is_not(None))) == 0
