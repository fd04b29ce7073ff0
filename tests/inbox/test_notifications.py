"""Notifications: who is told of a decision (the lead unit's applicant users, with the
reasons), and the outbox that keeps mails without a mail server (sending them is tested
against a real SMTP server in test_mail_delivery.py). Who acts next is told too: that is
test_handoffs.py."""
import json

import pytest
from sqlalchemy import select

from tests import factories
from workflow.accounts.models.users import User
from workflow.core.extensions import db
from workflow.core.states import Action, AppState, Role
from workflow.formal_review.operations import correction as formal_review
from workflow.inbox.models import Notification, OutboxMail
from workflow.lifecycle.transitions import transition
from workflow.recommendation import operations as recommendation

REASONS = "请补充近三年研发费用专项审计报告。"


class Scene:
    """An application with two active users and one inactive user in its lead unit, a
    confirmed co-builder, an unrelated applicant, its region's recommender, an officer."""

    def __init__(self, state: AppState):
        self.lead = factories.applicant()
        self.colleague = factories.user(Role.APPLICANT, organization=self.lead.organization)
        self.former = factories.user(Role.APPLICANT, organization=self.lead.organization)
        self.former.active = False
        self.app = factories.application(lead=self.lead, state=state, cobuilder=True)
        self.partner = db.session.get(User, self.app.cobuilders[0].confirmed_by_id)
        self.other = factories.applicant()
        self.recommender = factories.recommender(self.app.region_code)
        self.officer = factories.officer()
        self.before = set(db.session.scalars(select(Notification.id)))
        self.mails_before = set(db.session.scalars(select(OutboxMail.id)))

    def new_notifications(self) -> list[Notification]:
        """The notices of decisions queued since the scene was set up (not the hand-offs to
        whoever acts next)."""
        return [n for n in db.session.scalars(select(Notification).order_by(Notification.id))
                if n.id not in self.before and not n.kind.startswith("handoff_")]

    def new_mails(self, *where) -> list[OutboxMail]:
        """The mails queued since the scene was set up (a co-builder's invitation before)."""
        return [m for m in db.session.scalars(select(OutboxMail).where(*where))
                if m.id not in self.mails_before]


def act(scene: Scene, action: Action) -> None:
    if action == Action.RECOMMEND:
        recommendation.recommend_application(scene.app, rank=None, opinion=REASONS,
                                             actor=scene.recommender)
    elif action == Action.REQUEST_CORRECTION:
        factories.check_all(scene.app, scene.officer, ok=True, failing={"basic_info"})
        formal_review.request_correction(scene.app, actor=scene.officer, message=REASONS)
    else:
        transition(scene.app, action, actor=scene.recommender, comment=REASONS)


SOURCE = {Action.RETURN: AppState.SUBMITTED, Action.DECLINE: AppState.SUBMITTED,
          Action.RECOMMEND: AppState.SUBMITTED, Action.REQUEST_CORRECTION: AppState.RECOMMENDED}


@pytest.mark.parametrize("action", list(SOURCE))
def test_decision_notifies_the_lead_units_active_applicants_with_the_reasons(action):
    scene = Scene(SOURCE[action])

    act(scene, action)

    notes = scene.new_notifications()
    assert sorted(n.user_id for n in notes) == sorted([scene.lead.id, scene.colleague.id])
    for note in notes:
        assert (note.kind, note.application_id, note.read_at) == (action, scene.app.id, None)
        assert REASONS in note.body and scene.app.title in note.subject
        (mail,) = db.session.scalars(select(OutboxMail).where(
            OutboxMail.notification_id == note.id)).all()
        assert (mail.to_address, mail.subject, mail.body, mail.sent_at) == (
            db.session.get(User, note.user_id).email, note.subject, note.body, None)
    if action == Action.REQUEST_CORRECTION:
        assert "需补正" in notes[0].body  # the listed item's note


@pytest.mark.parametrize("action", list(SOURCE))
def test_decision_notifies_nobody_outside_the_lead_unit(action):
    scene = Scene(SOURCE[action])

    act(scene, action)

    told = {n.user_id for n in scene.new_notifications()}
    for outsider in (scene.former, scene.partner, scene.other, scene.recommender,
                     scene.officer):
        assert outsider.id not in told
    mailed = {mail.to_address for mail in scene.new_mails()
              if not mail.notification.kind.startswith("handoff_")}
    assert not mailed & {scene.partner.email, scene.other.email, scene.recommender.email,
                         scene.former.email}


def test_the_applicants_own_actions_notify_nobody():
    scene = Scene(AppState.SUBMITTED)
    transition(scene.app, Action.WITHDRAW, actor=scene.lead)
    assert scene.new_notifications() == []


# The outbox


def tick(app) -> dict:
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["tick", "--json"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return json.loads(result.output)


def test_without_a_mail_server_the_outbox_keeps_the_mails(app):
    assert not app.config.get("MAIL_SERVER")
    scene = Scene(AppState.SUBMITTED)
    act(scene, Action.RETURN)

    assert tick(app)["mails_sent"] == 0
    assert len(scene.new_mails(OutboxMail.sent_at.is_(None))) == 2
