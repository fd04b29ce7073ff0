"""Recommendation by a city at the service level: region isolation, ranks within the quota,
the recommendation deadline, the quota under real concurrency, and the summary sheet."""
import threading
from datetime import timedelta

import pytest
from flask_babel import gettext as _
from sqlalchemy import func, select

from tests import factories
from workflow.accounts.models.users import User
from workflow.core import clock
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Action, AppState, Role
from workflow.intake.models import Application
from workflow.lifecycle.permissions import can
from workflow.lifecycle.transitions import transition
from workflow.recommendation import operations as recommendation
from workflow.recommendation.models import Recommendation

JINAN, QINGDAO = factories.JINAN, factories.QINGDAO
OPINION = "技术基础扎实，同意推荐。"


def submitted(call, region: str = JINAN) -> Application:
    return factories.application(call, factories.applicant(region), state=AppState.SUBMITTED)


def bureau_staff(region: str = JINAN, n: int = 1) -> list[User]:
    """`n` recommender accounts of one city bureau."""
    bureau = factories.org(region, f"{region}科学技术局", "government")
    return [factories.user(Role.RECOMMENDER, organization=bureau) for _ in range(n)]


def snapshot(app: Application) -> tuple:
    """What a refused action must leave as it was: state, audit rows, recommendations."""
    return (
        db.session.scalar(select(Application.state).where(Application.id == app.id)),
        db.session.scalar(select(func.count()).select_from(AuditEntry)
                          .where(AuditEntry.application_id == app.id)),
        db.session.scalar(select(func.count()).select_from(Recommendation)),
    )


def refused(app: Application, error, action) -> str:
    """Run `action`, expect `error`, roll back as a view does; the refusal's text."""
    before = snapshot(app)
    with pytest.raises(error) as caught:
        action()
    db.session.rollback()
    assert snapshot(app) == before
    return str(caught.value)


# Region isolation


@pytest.mark.parametrize("action", [Action.RECOMMEND, Action.RETURN, Action.DECLINE])
def test_qingdao_recommender_cannot_act_on_a_jinan_application(action):
    app = submitted(factories.call())
    (qingdao,) = bureau_staff(QINGDAO)
    db.session.commit()

    def act():
        if action == Action.RECOMMEND:
            recommendation.recommend_application(app, rank=1, opinion=OPINION, actor=qingdao)
        else:
            transition(app, action, actor=qingdao, comment="请补充材料")

    refused(app, PermissionDenied, act)
    assert not can(qingdao, "application.view", app)
    assert snapshot(app)[0] == AppState.SUBMITTED


def test_jinan_recommender_of_the_same_region_may_act():
    app = submitted(factories.call())
    (jinan,) = bureau_staff(JINAN)

    row = recommendation.recommend_application(app, rank=None, opinion=OPINION, actor=jinan)

    assert (app.state, row.rank, row.recommender_org_id) == (
        AppState.RECOMMENDED, 1, jinan.organization_id)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.application_id == app.id)
                               .order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.actor_id, entry.to_state) == (
        Action.RECOMMEND, jinan.id, AppState.RECOMMENDED)
    assert OPINION in entry.comment


# Ranks within the quota


def test_default_rank_is_the_best_free_one():
    call = factories.call(recommender_quota=5)
    (jinan,) = bureau_staff()
    apps = [submitted(call) for _ in range(4)]

    ranks = [recommendation.recommend_application(apps[0], rank=3, opinion=OPINION,
                                                  actor=jinan).rank]
    ranks += [recommendation.recommend_application(a, rank=None, opinion=OPINION,
                                                   actor=jinan).rank for a in apps[1:]]

    assert ranks == [3, 1, 2, 4]
    assert recommendation.used_ranks(call.id, jinan.organization_id) == [1, 2, 3, 4]
    assert recommendation.free_ranks(call, jinan.organization_id) == [5]
    assert recommendation.quota_left(call, jinan.organization_id) == 1


def test_explicit_free_rank_is_kept():
    call = factories.call()
    (jinan,) = bureau_staff()
    app = submitted(call)

    row = recommendation.recommend_application(app, rank=4, opinion=f"  {OPINION} ",
                                               actor=jinan)

    stored = db.session.scalar(select(Recommendation).where(
        Recommendation.application_id == app.id))
    assert (stored.id, stored.rank, stored.opinion, stored.call_id) == (
        row.id, 4, OPINION, call.id)


def test_taken_rank_is_refused_with_the_free_ranks_listed():
    call = factories.call(recommender_quota=5)
    first, second = bureau_staff(n=2)
    recommendation.recommend_application(submitted(call), rank=2, opinion=OPINION, actor=first)
    app = submitted(call)
    db.session.commit()

    message = refused(app, ServiceError, lambda: recommendation.recommend_application(
        app, rank=2, opinion=OPINION, actor=second))

    assert message == _("Rank %(rank)d is not free; free ranks: %(free)s.", rank=2,
                        free="1, 3, 4, 5")


@pytest.mark.parametrize("rank", [6, 0, -1])
def test_rank_outside_1_to_quota_is_refused(rank):
    call = factories.call(recommender_quota=5)
    (jinan,) = bureau_staff()
    app = submitted(call)
    db.session.commit()

    message = refused(app, ServiceError, lambda: recommendation.recommend_application(
        app, rank=rank, opinion=OPINION, actor=jinan))

    assert "1, 2, 3, 4, 5" in message


def test_used_up_quota_is_refused_with_a_clear_message():
    call = factories.call(recommender_quota=2)
    (jinan,) = bureau_staff()
    for _n in range(2):
        recommendation.recommend_application(submitted(call), rank=None, opinion=OPINION,
                                             actor=jinan)
    app = submitted(call)
    db.session.commit()

    message = refused(app, ServiceError, lambda: recommendation.recommend_application(
        app, rank=None, opinion=OPINION, actor=jinan))

    assert message == _("Your quota for this call is used up (%(n)d of %(n)d).", n=2)


def test_quota_is_per_bureau_and_per_call():
    call, other_call = factories.call(recommender_quota=1), factories.call(recommender_quota=1)
    (jinan,), (qingdao,) = bureau_staff(JINAN), bureau_staff(QINGDAO)

    for app, actor in ((submitted(call), jinan), (submitted(call, QINGDAO), qingdao),
                       (submitted(other_call), jinan)):
        assert recommendation.recommend_application(app, rank=None, opinion=OPINION,
                                                    actor=actor).rank == 1


@pytest.mark.parametrize("opinion", ["", "   \n"])
def test_empty_opinion_is_refused(opinion):
    app = submitted(factories.call())
    (jinan,) = bureau_staff()
    db.session.commit()

    message = refused(app, ServiceError, lambda: recommendation.recommend_application(
        app, rank=None, opinion=opinion, actor=jinan))

    assert message == _("Write the recommendation opinion.")


def test_recommending_an_application_that_is_not_submitted_is_refused():
    app = factories.application(state=AppState.RETURNED)
    (jinan,) = bureau_staff()
    db.session.commit()

    refused(app, ServiceError, lambda: recommendation.recommend_application(
        app, rank=None, opinion=OPINION, actor=jinan))

    assert recommendation.quota_left(app.call, jinan.organization_id) == 5


def test_generic_transition_without_a_recommendation_row_is_refused():
    app = submitted(factories.call())
    (jinan,) = bureau_staff()
    db.session.commit()

    message = refused(app, ServiceError, lambda: transition(
        app, Action.RECOMMEND, actor=jinan, comment=OPINION))

    assert message == _("Recommend with a rank and an opinion through the recommendation "
                        "form.")


# The recommendation deadline


def deadline_call():
    start = clock.now()
    return factories.call(closes_at=start + timedelta(days=10),
                          recommend_deadline=start + timedelta(days=20))


def act_as_recommender(app, action, actor):
    if action == Action.RECOMMEND:
        return recommendation.recommend_application(app, rank=None, opinion=OPINION,
                                                    actor=actor)
    return transition(app, action, actor=actor, comment="请补充材料")


@pytest.mark.parametrize("action", [Action.RECOMMEND, Action.RETURN, Action.DECLINE])
def test_recommender_actions_after_the_deadline_are_refused(action):
    call = deadline_call()
    app = submitted(call)
    (jinan,) = bureau_staff()
    db.session.commit()
    clock.freeze(call.recommend_deadline)

    message = refused(app, ServiceError, lambda: act_as_recommender(app, action, jinan))

    assert message == _("The recommendation deadline of this call has passed.")


@pytest.mark.parametrize("action", [Action.RECOMMEND, Action.RETURN, Action.DECLINE])
def test_recommender_actions_just_before_the_deadline_go_through(action):
    call = deadline_call()
    app = submitted(call)
    (jinan,) = bureau_staff()
    clock.freeze(call.recommend_deadline - timedelta(seconds=1))

    act_as_recommender(app, action, jinan)

    assert app.state == {Action.RECOMMEND: AppState.RECOMMENDED,
                         Action.RETURN: AppState.RETURNED,
                         Action.DECLINE: AppState.NOT_RECOMMENDED}[action]


def test_resubmit_after_the_recommendation_deadline_is_refused():
    call = deadline_call()
    lead = factories.applicant()
    app = factories.application(call, lead, state=AppState.RETURNED)
    db.session.commit()
    clock.freeze(call.recommend_deadline + timedelta(hours=1))

    message = refused(app, ServiceError, lambda: transition(app, Action.RESUBMIT, actor=lead))

    assert _("The recommendation deadline of this call has passed.") in message


# The quota under real concurrency


def _recommend_in_own_context(flask_app, app_id, user_id, barrier, outcomes):
    """One recommender's request: its own app context, session and connection."""
    with flask_app.app_context():
        try:
            application = db.session.get(Application, app_id)
            actor = db.session.get(User, user_id)
            assert actor.organization is not None and application.call is not None
            barrier.wait(timeout=10)
            try:
                recommendation.recommend_application(application, rank=None, opinion=OPINION,
                                                     actor=actor)
                db.session.commit()
                outcomes[app_id] = "recommended"
            except ServiceError as refusal:
                db.session.rollback()
                outcomes[app_id] = refusal
        except Exception as unexpected:  # noqa: BLE001 - reported by the test below
            outcomes[app_id] = unexpected
        finally:
            db.session.remove()


@pytest.mark.parametrize("attempt", range(5))
def test_last_place_goes_to_exactly_one_of_two_concurrent_recommenders(app, attempt):
    call = factories.call(recommender_quota=2)
    first, second, third = bureau_staff(JINAN, n=3)
    recommendation.recommend_application(submitted(call), rank=None, opinion=OPINION,
                                         actor=first)
    racing = {submitted(call).id: second.id, submitted(call).id: third.id}
    db.session.commit()
    barrier, outcomes = threading.Barrier(2), {}

    threads = [threading.Thread(target=_recommend_in_own_context,
                                args=(app, app_id, user_id, barrier, outcomes))
               for app_id, user_id in racing.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    db.session.expire_all()
    won = [i for i, outcome in outcomes.items() if outcome == "recommended"]
    lost = [outcome for outcome in outcomes.values() if outcome != "recommended"]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert type(lost[0]) is ServiceError, repr(lost[0])
    assert recommendation.used_ranks(call.id, first.organization_id) == [1, 2]
    states = {i: db.session.get(Application, i).state for i in racing}
    assert sorted(states.values()) == [AppState.RECOMMENDED, AppState.SUBMITTED]
    assert states[won[0]] == AppState.RECOMMENDED


# The summary sheet


def test_summary_sheet_lists_the_bureaus_rows_of_the_call_in_rank_order():
    call = factories.call(recommender_quota=5)
    (jinan,), (qingdao,) = bureau_staff(JINAN), bureau_staff(QINGDAO)
    apps = {}
    for rank in (3, 1, 2):
        apps[rank] = submitted(call)
        recommendation.recommend_application(apps[rank], rank=rank, opinion=f"意见{rank}",
                                             actor=jinan)
    recommendation.recommend_application(submitted(call, QINGDAO), rank=1, opinion="青岛意见",
                                         actor=qingdao)
    recommendation.recommend_application(submitted(factories.call()), rank=4,
                                         opinion="另一批次", actor=jinan)

    sheet = recommendation.summary_sheet(call, jinan.organization)

    assert [r.rank for r in sheet.rows] == [1, 2, 3]
    assert [r.opinion for r in sheet.rows] == ["意见1", "意见2", "意见3"]
    assert {r.city for r in sheet.rows} == {"济南市"}
    assert [r.credit_code for r in sheet.rows] == [apps[r].lead_org.credit_code
                                                   for r in (1, 2, 3)]
    assert (sheet.recommender, sheet.quota, sheet.call_title) == (
        jinan.organization.name, 5, call.title)
