"""An expert never sees an application they are excluded from (DOMAIN.md section 2): no
page, export, notification or mail shows them its title, its lead unit or a URL of it, and
asking for it directly is refused.

The world: application X, whose review ran to its end, and Y, which the same experts still
review. `ruled` was invited to X, then excluded by rule R1 (their employer became X's lead
unit); `declared` accepted X, scored it, had the sheet reopened by the chair, and then
declared a conflict. Both sit on Y's panel, `ruled` as its chair; a later assignment run for
a third application recomputes the call's exclusions."""
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.review.test_assignment_service import expert
from workflow.accounts.models.users import User
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Action, AppState, Role
from workflow.experts.models import Exclusion, Expert
from workflow.inbox.models import Notification, OutboxMail
from workflow.intake.models import Application
from workflow.lifecycle.transitions import transition
from workflow.review.models import PanelSeat
from workflow.review.operations import assignment, results, scoring
from workflow.review.rules.rubric import items, rubric_of

TITLE, LEAD = "山东省回避保密测试技术创新中心", "青岛回避保密测试股份有限公司"


@dataclass
class World:
    officer: User
    call: object
    x: Application
    y: Application
    ruled: Expert
    declared: Expert
    x_seats: dict  # expert id -> their seat on X


def seat(app, person, officer, *, accept=True) -> PanelSeat:
    row = assignment.add_seat(app, person, actor=officer)
    if accept:
        assignment.respond(row, accept=True, actor=person.user)
    return row


def submit(seat_row: PanelSeat) -> None:
    user = seat_row.expert.user
    rubric = rubric_of(seat_row.application.call)
    scoring.save_sheet(seat_row, {i["code"]: i["max"] * 0.8 for _d, i in items(rubric)}, {},
                       [], "", actor=user)
    scoring.submit_sheet(seat_row, actor=user)


def build() -> World:
    officer = factories.officer()
    call = factories.call(actor=officer)
    call.review_settings = {"k": 3, "max_load": 5}
    lead = factories.user(Role.APPLICANT, organization=factories.org(factories.JINAN, LEAD))
    x = factories.application(call, lead, state=AppState.FORMAL_PASSED)
    x.title = TITLE
    y = factories.application(call, state=AppState.FORMAL_PASSED)
    chair, second, third, ruled, declared = (expert() for _ in range(5))
    x_seats = {p.id: seat(x, p, officer) for p in (chair, second, third, declared)}
    x_seats[ruled.id] = seat(x, ruled, officer, accept=False)
    for person in (ruled, declared, chair):  # the first seated chairs Y's panel
        seat(y, person, officer)
    for app in (x, y):
        transition(app, Action.OPEN_REVIEW, actor=officer)

    ruled.employer_credit_code = x.lead_org.credit_code  # R1 from now on
    assignment.recompute_exclusions(call, actor=officer)
    submit(x_seats[declared.id])
    scoring.reopen_sheet(x_seats[declared.id], reason="请复核", actor=chair.user)
    assignment.declare_conflict(x, reason="曾为该单位提供咨询", actor=declared.user)
    for person in (chair, second, third):
        submit(x_seats[person.id])
    results.confirm_panel(x, actor=chair.user)
    results.remind_missing(call, actor=officer)
    factories.application(call, state=AppState.FORMAL_PASSED)
    for _ in range(3):
        expert()
    assignment.assign_optimal(call, actor=officer)  # recomputes the exclusions again
    db.session.commit()
    return World(officer, call, x, y, ruled, declared, x_seats)


@pytest.fixture
def world() -> World:
    return build()


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/") and not href.startswith("/static"):
            self.hrefs.append(href.split("#")[0])


# Paths written out in text, as the notifications' "Details: https://…/expert/seats/5/sheet".
PATH_IN_TEXT = re.compile(r"(?:https?://[^/\s]+|(?<![\w/]))"
                          r"(/(?:expert|applications|attachments|officer)/[\w/.-]*\w)")


def crawl(client, starts) -> dict[str, tuple[int, str]]:
    """Every page reachable from `starts` by links and by paths written in the pages' text:
    path -> (status, body)."""
    seen, todo = {}, list(starts)
    while todo and len(seen) < 300:
        path = todo.pop()
        if path in seen:
            continue
        response = client.get(path)
        body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        seen[path] = (response.status_code, body)
        parser = Links()
        parser.feed(body)
        todo += [h for h in parser.hrefs + PATH_IN_TEXT.findall(body) if h not in seen]
    return seen


def traces(world: World) -> list[re.Pattern]:
    """What would give X away: its title, its lead unit, a URL with its id. (A seat's URL,
    as a reopened sheet's notification holds, names no application and is refused.)"""
    return [re.compile(re.escape(TITLE)), re.compile(re.escape(LEAD)),
            re.compile(rf"/applications/{world.x.id}(?!\d)")]


def leaked(world: World, text: str, asked: str = "") -> list[str]:
    """The traces of X in `text`; the path asked for, which every page repeats in its
    language switch, does not count."""
    text = text.replace(asked, "") if asked else text
    return [p.pattern for p in traces(world) if p.search(text)]


def direct_requests(world: World, person: Expert):
    x, seat_id = world.x.id, world.x_seats[person.id].id
    attachment = world.x.current_attachments()[0].id
    call = world.call.id
    for path in (f"/applications/{x}", f"/applications/{x}/versions/1",
                 f"/attachments/{attachment}", f"/expert/applications/{x}/panel",
                 f"/expert/seats/{seat_id}/sheet", f"/officer/calls/{call}/results",
                 f"/officer/calls/{call}/ranking.xlsx", f"/officer/calls/{call}/panels",
                 f"/recommender/calls/{call}/sheet.xlsx", "/results"):
        yield "GET", path, None
    for path, data in ((f"/expert/seats/{seat_id}/accept", None),
                       (f"/expert/seats/{seat_id}/decline", {"reason": "试探"}),
                       (f"/expert/applications/{x}/conflict", {"reason": "试探"}),
                       (f"/expert/seats/{seat_id}/sheet", {"score_industry_standing": "5"}),
                       (f"/expert/seats/{seat_id}/sheet/submit", None),
                       (f"/expert/applications/{x}/panel/confirm", None),
                       (f"/officer/calls/{call}/panels/optimal", None)):
        yield "POST", path, data


def fingerprint() -> tuple:
    db.session.expire_all()
    seats = sorted((s.id, s.status, s.is_chair) for s in db.session.scalars(select(PanelSeat)))
    return (seats, db.session.scalar(select(func.count()).select_from(AuditEntry)),
            db.session.scalar(select(func.count()).select_from(Exclusion)))


@pytest.mark.parametrize("who", ["ruled", "declared"])
def test_no_page_reachable_by_an_excluded_expert_shows_the_application(world, login_as, who):
    person = getattr(world, who)
    client = login_as(person.user)
    y_seat = db.session.scalar(select(PanelSeat.id).where(
        PanelSeat.application_id == world.y.id, PanelSeat.expert_id == person.id))
    pages = crawl(client, ["/", "/expert", "/notifications", "/my", f"/calls/{world.call.id}",
                           f"/expert/seats/{y_seat}/sheet",
                           f"/expert/applications/{world.y.id}/panel"])

    assert pages["/expert"][0] == 200 and world.y.title in pages["/expert"][1]
    found = {path: leaked(world, body, path) for path, (_status, body) in pages.items()}
    assert {path: traces for path, traces in found.items() if traces} == {}
    assert pages[f"/expert/seats/{y_seat}/sheet"][0] == 200
    assert pages[f"/applications/{world.y.id}"][0] == 200
    assert pages[f"/expert/applications/{world.y.id}/panel"][0] == (
        200 if person == world.ruled else 403)  # `ruled` chairs Y's panel


@pytest.mark.parametrize("who", ["ruled", "declared"])
def test_asking_for_the_application_directly_is_refused_and_changes_nothing(world, login_as,
                                                                           who):
    person = getattr(world, who)
    client = login_as(person.user)
    before = fingerprint()
    for method, path, data in direct_requests(world, person):
        response = client.open(path, method=method, data=data)
        assert response.status_code in (403, 404), (method, path)
        assert leaked(world, response.get_data(as_text=True), path) == [], (method, path)
    assert fingerprint() == before


@pytest.mark.parametrize("who", ["ruled", "declared"])
def test_no_notification_or_mail_to_an_excluded_expert_names_the_application(world, who):
    user = getattr(world, who).user
    notes = db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()
    mails = db.session.scalars(select(OutboxMail).where(OutboxMail.to_address == user.email))
    texts = [n.subject + n.body for n in notes] + [m.subject + m.body for m in mails]
    assert {n.kind for n in notes} >= {"panel_invitation", "reminder"}
    assert [leaked(world, text) for text in texts if leaked(world, text)] == []
    assert all(n.application_id != world.x.id for n in notes)


def test_the_world_is_what_the_leak_tests_assume(world):
    """X is complete and ranked, both experts stay excluded from it after the last run."""
    assert world.x.state == AppState.REVIEWED
    assert [row.app.id for row in results.ranking(world.call)] == [world.x.id]
    rules = dict(db.session.execute(select(Exclusion.expert_id, Exclusion.rule).where(
        Exclusion.application_id == world.x.id)).all())
    assert (rules[world.ruled.id], rules[world.declared.id]) == ("R1", "D")
    assert world.x_seats[world.ruled.id].status == "invited"
    sheet_note = db.session.scalar(select(Notification).where(
        Notification.user_id == world.declared.user_id, Notification.kind == "sheet_reopened"))
    assert "请复核" in sheet_note.body


def test_an_expert_excluded_after_accepting_gets_no_reminder_about_it():
    officer = factories.officer()
    call = factories.call(actor=officer)
    call.review_settings = {"k": 3}
    app = factories.application(call, state=AppState.FORMAL_PASSED)
    panel = [expert() for _ in range(4)]
    for person in panel:
        seat(app, person, officer)
    transition(app, Action.OPEN_REVIEW, actor=officer)
    panel[-1].employer_credit_code = app.lead_org.credit_code
    assignment.recompute_exclusions(call, actor=officer)

    assert results.remind_missing(call, actor=officer) == 3
    told = db.session.scalars(select(Notification).where(Notification.kind == "reminder")).all()
    assert {n.user_id for n in told} == {p.user_id for p in panel[:3]}
    assert all(app.title not in n.subject + n.body and n.application_id is None for n in told)


def test_a_deactivated_expert_keeps_the_exclusion_of_a_panel_they_sit_on(login_as):
    officer = factories.officer()
    call = factories.call(actor=officer)
    app = factories.application(call, state=AppState.FORMAL_PASSED)
    app.title = TITLE
    person = expert()
    seat(app, person, officer, accept=False)
    person.employer_credit_code = app.lead_org.credit_code
    assignment.recompute_exclusions(call, actor=officer)
    person.active = False
    assignment.recompute_exclusions(call, actor=officer)
    db.session.commit()

    assert db.session.scalar(select(Exclusion.rule).where(
        Exclusion.expert_id == person.id)) == "R1"
    assert TITLE not in login_as(person.user).get("/expert").get_data(as_text=True)
