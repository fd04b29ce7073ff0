"""The application's timeline per reader (issue 10, what the walk found): the lead unit, its
co-builders, the recommenders and the panel's experts read the state changes and the unit's
own filing, with translated labels, and never a row about the panel (seats, invitations,
sheets: "add_seat / expert 1, expert 2"), never an expert's id or name; the leader's
decision only once the announcement is published, and only the last one. Officers read
everything; leaders everything but the experts' own rows."""
import re

import pytest
from flask_babel import force_locale, refresh
from sqlalchemy import select

from tests import factories
from tests.publicity_world import world
from workflow.accounts.models.users import User
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Action, AppState
from workflow.lifecycle.transitions import transition
from workflow.review.models import PanelSeat
from workflow.review.operations import scoring
from workflow.web.formatting import ACTION_LABELS

PANEL_ROWS = ("add_seat", "accept_seat", "submit_sheet", "confirm_panel")


def label(action: str, language: str = "zh_CN") -> str:
    with force_locale(language):
        return str(ACTION_LABELS[action])


def timeline_html(client, application) -> str:
    html = client.get(f"/applications/{application.id}").get_data(as_text=True)
    return html.split('id="timeline"', 1)[1].split("</ol>", 1)[0]


@pytest.fixture
def reviewed(make):
    """An application whose panel has scored it (seats added by hand, accepted, sheets in,
    the chair's confirmation), with a confirmed co-builder; committed."""
    lead = make.applicant()
    application = make.application(lead=lead, state=AppState.REVIEWED, cobuilder=True)
    db.session.commit()
    return application


def readers(application) -> dict[str, User]:
    seats = db.session.scalars(select(PanelSeat).where(
        PanelSeat.application_id == application.id).order_by(PanelSeat.id)).all()
    return {"lead": db.session.get(User, application.created_by_id),
            "cobuilder": db.session.get(User, application.cobuilders[0].confirmed_by_id),
            "recommender": factories.recommender(application.region_code),
            "expert": seats[1].expert.user}


def secrets_of(application) -> list[str]:
    """What names the panel: the experts' names and ids as the panel's rows write them."""
    seats = db.session.scalars(select(PanelSeat).where(
        PanelSeat.application_id == application.id)).all()
    return [s.expert.name for s in seats] + [f"expert {s.expert_id}" for s in seats]


@pytest.mark.parametrize("who", ["lead", "cobuilder", "recommender", "expert"])
def test_outside_the_department_no_row_names_the_panel(reviewed, login_as, who):
    reader = readers(reviewed)[who]
    db.session.commit()

    timeline = timeline_html(login_as(reader), reviewed)

    assert label("submit") in timeline and label("close_review") in timeline
    assert label("recommend") in timeline
    for hidden in PANEL_ROWS:
        assert hidden not in timeline and label(hidden) not in timeline
    for secret in secrets_of(reviewed):
        assert secret not in timeline
    assert not re.search(r"\bexpert \d+", timeline)


def test_outside_the_department_the_rows_are_the_shared_ones(reviewed):
    for reader in readers(reviewed).values():
        actions = {e.action for e in scoring.timeline_for(reviewed, reader)}
        assert actions <= scoring.SHARED_ACTIONS and Action.SUBMIT in actions
    everything = {e.action for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.application_id == reviewed.id))}
    assert set(PANEL_ROWS) <= everything


def test_an_officer_reads_every_row_in_words(reviewed, login_as):
    officer = factories.officer()
    db.session.commit()

    timeline = timeline_html(login_as(officer), reviewed)

    for shown in PANEL_ROWS:
        assert label(shown) in timeline and shown not in timeline
    assert all(secret in timeline for secret in secrets_of(reviewed) if "expert " in secret)
    rows = db.session.scalars(select(AuditEntry).where(
        AuditEntry.application_id == reviewed.id)).all()
    assert timeline.count("<li>") == len(rows)


def test_a_leader_reads_the_panels_forming_but_not_the_experts_own_rows(reviewed, login_as):
    leader = factories.leader()
    db.session.commit()

    timeline = timeline_html(login_as(leader), reviewed)

    assert label("add_seat") in timeline
    assert label("submit_sheet") not in timeline and label("accept_seat") not in timeline
    for seat in db.session.scalars(select(PanelSeat).where(
            PanelSeat.application_id == reviewed.id)):
        assert seat.expert.user.name not in timeline


def test_labels_follow_the_readers_language(reviewed, login_as):
    client = login_as(readers(reviewed)["lead"])
    db.session.commit()
    client.post("/language/en")
    refresh()  # the test's app context outlives the requests: forget the cached language

    timeline = timeline_html(client, reviewed)

    assert label("submit", "en") == "Submit" and "Submit" in timeline
    assert label("close_review", "en") in timeline


def test_the_leaders_decision_is_shown_after_publication_and_only_the_last(login_as):
    w = world("半导体激光", "工业软件")
    first, second = w.apps
    w.shortlist(first)
    transition(first, Action.RECONSIDER_SELECTION, actor=w.leader, comment="内部理由：误点")
    w.not_select(first, "综合排名靠后")
    w.shortlist(second, "第一名未入选，列入第二名")
    lead = w.leads[0]

    before = {e.action for e in scoring.timeline_for(first, lead)}
    w.publish()
    after = [e.action for e in scoring.timeline_for(first, lead)]
    db.session.commit()
    timeline = timeline_html(login_as(lead), first)

    assert not before & {Action.SHORTLIST, Action.NOT_SELECT, Action.RECONSIDER_SELECTION}
    assert [a for a in after if a in (Action.SHORTLIST, Action.NOT_SELECT,
                                      Action.RECONSIDER_SELECTION)] == [Action.NOT_SELECT]
    assert "内部理由" not in timeline and label("reconsider_selection") not in timeline
    assert "综合排名靠后" in timeline
    assert Action.RECONSIDER_SELECTION in {
        e.action for e in scoring.timeline_for(first, w.leader)}
