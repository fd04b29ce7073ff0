"""Before an assignment runs, the panels page says how many experts could still sit on each
panel and, for a panel a run cannot fill, why; after a run that left panels short, it says
so. Experts are invited by hand several at once from a searchable list that shows their
fields, their load and their exclusions, each invitation as if made alone."""
from urllib.parse import unquote

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests import factories
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from tests.web.test_queries import counted_statements
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import AppState, Role
from workflow.experts.models import Expert, ExpertField
from workflow.inbox.models import Notification
from workflow.review.models import PanelSeat
from workflow.review.operations import assignment
from workflow.review.queries import eligible_experts
from workflow.vocabulary import rules as vocabulary

HOSTILE = "<script>alert(1)</script>"


def expert(field: str, *, active=True, born=1970, employer_code=None, name=None) -> Expert:
    """An expert of Zibo (no test application is there, so rule R8 stays out)."""
    n = factories.credit_code(factories.ZIBO, "12")
    row = Expert(name=name or f"专家{n[-6:]}", employer_name=f"淄博研究院{n[-6:]}",
                 employer_credit_code=employer_code or n, region_code=factories.ZIBO,
                 title="研究员", birth_year=born, active=active, email=f"{n[-8:]}@example.com",
                 fields=[ExpertField(term=factories.term(field))],
                 user=factories.user(Role.EXPERT))
    db.session.add(row)
    db.session.flush()
    return row


class World:
    """A call (k 3, max_load 2) with applications in 工业软件 (a, c, d) and in 海水淡化 (b),
    and experts: of the field, of its industry, inactive, too old, of a's lead unit (R1 on
    a), at full load (seated on c and d), of another industry."""

    def __init__(self):
        vocabulary.ensure_defaults()
        self.officer = factories.officer()
        self.call = factories.call(fields=["工业软件", "海水淡化"], actor=self.officer)
        self.call.review_settings = {"k": 3, "max_load": 2}
        self.a, self.b, self.c, self.d = (
            factories.application(self.call, state=AppState.FORMAL_PASSED) for _ in range(4))
        self.b.field = self.call.fields[1]
        self.exact, self.related = expert("工业软件", name="甲专家"), expert("人工智能",
                                                                              name="乙专家")
        self.inactive, self.old = expert("工业软件", active=False), expert("工业软件", born=1940)
        self.ruled = expert("工业软件", employer_code=self.a.lead_org.credit_code,
                            name="丙专家")
        self.busy = expert("工业软件", name="丁专家")
        for app in (self.c, self.d):
            assignment.add_seat(app, self.busy, actor=self.officer)
        self.other = expert("数控机床", name="戊专家")
        db.session.commit()


@pytest.fixture
def world() -> World:
    return World()


def test_counts_follow_each_step_and_name_why_a_panel_stays_short(world):
    assignment.recompute_exclusions(world.call, actor=world.officer)
    ids = [world.a.id, world.b.id, world.c.id]
    found = eligible_experts.counts(world.call, ids, max_load=2)
    a = found[world.a.id]
    assert (a.in_field, a.available, a.excluded, a.rules, a.seated, a.full, a.eligible,
            a.exact) == (6, 4, 1, {"R1": 1}, 0, 1, 2, 1)
    assert (found[world.c.id].seated, found[world.c.id].eligible) == (1, 3)
    assert found[world.b.id].in_field == 0
    with force_locale("en"):
        assert eligible_experts.shortfall(world.a, a, 3, max_load=2) == [
            "2 of the field are inactive or older than 65.", "1 are excluded (R1 ×1).",
            "1 have a full load of 2 applications.", "2 eligible for 3 open seats."]
        assert eligible_experts.shortfall(world.b, found[world.b.id], 3, max_load=2) == [
            "No expert of the pool works in “海水淡化” or in its industry “现代海洋”."]
        assert eligible_experts.shortfall(world.c, found[world.c.id], 2, max_load=2) == []


def panel_card(html: str, app) -> str:
    return html.split(f'id="panel-{app.id}"', 1)[1].split('class="card mb-3"', 1)[0]


def test_the_panels_page_says_how_many_are_eligible_and_why_not_enough(world, login):
    assignment.recompute_exclusions(world.call, actor=world.officer)
    db.session.commit()
    html = login(world.officer).get(f"/officer/calls/{world.call.id}/panels").get_data(
        as_text=True)
    card = panel_card(html, world.a)
    assert 'data-eligible="2"' in card and "2 eligible experts (1 of its field)" in card
    assert "1 are excluded (R1 ×1)." in card and "2 eligible for 3 open seats." in card
    assert "No expert of the pool works in “海水淡化”" in panel_card(html, world.b)
    assert "data-shortfall" not in panel_card(html, world.c)  # 3 eligible for 2 open seats
    assert "Exclusions as computed at" in html


def test_after_a_run_that_fills_nothing_the_page_says_why_per_application(world, login):
    call = factories.call(fields=["海水淡化"], actor=world.officer)
    app = factories.application(call, state=AppState.FORMAL_PASSED)
    run = assignment.assign_optimal(call, actor=world.officer)
    db.session.commit()
    assert (run.seats_created, run.unfilled) == (0, {str(app.id): 5})
    html = login(world.officer).get(f"/officer/calls/{call.id}/panels").get_data(as_text=True)
    box = html.split('id="last-run"', 1)[1].split("</div>", 1)[0]
    assert "0 experts invited, 1 panels not filled." in box and "says why below" in box
    assert "No expert of the pool works in “海水淡化” or in its industry “现代海洋”." in \
        panel_card(html, app)


def test_the_panels_page_issues_the_same_statements_for_4_and_16_applications(world, login):
    client = login(world.officer)

    def measure() -> int:
        db.session.expire_all()
        with counted_statements() as statements:
            response = client.get(f"/officer/calls/{world.call.id}/panels")
        assert response.status_code == 200
        return len(statements)

    few = measure()
    for _ in range(12):
        app = factories.application(world.call, state=AppState.FORMAL_PASSED)
        assignment.add_seat(app, world.exact, actor=world.officer)
    db.session.commit()
    assert measure() == few


def test_the_panels_page_is_searched_and_paged(world, login):
    client = login(world.officer)
    world.a.title = "山东省甲乙技术创新中心"
    db.session.commit()
    html = client.get(f"/officer/calls/{world.call.id}/panels?q=甲乙").get_data(as_text=True)
    assert f'id="panel-{world.a.id}"' in html and f'id="panel-{world.b.id}"' not in html
    for _ in range(20):
        factories.application(world.call, state=AppState.FORMAL_PASSED)
    db.session.commit()
    first = client.get(f"/officer/calls/{world.call.id}/panels").get_data(as_text=True)
    assert first.count('class="card mb-3"') == 20 and "page=2" in first


# Inviting several experts at once.

def listed(html: str) -> list[int]:
    table = html.split('id="candidates"', 1)[1].split("</table>", 1)[0]
    return [int(part.split('"', 1)[0]) for part in table.split('data-expert="')[1:]]


def test_the_list_shows_who_may_be_invited_first_with_fields_load_and_exclusions(world, login):
    assignment.recompute_exclusions(world.call, actor=world.officer)
    db.session.commit()
    client = login(world.officer)
    html = client.get(f"/officer/applications/{world.a.id}/seats").get_data(as_text=True)
    ids = listed(html)
    # who may be invited first, the field before the industry; the excluded last
    assert set(ids[:2]) == {world.exact.id, world.busy.id}
    assert ids[2:] == [world.related.id, world.ruled.id]
    row = html.split(f'data-expert="{world.ruled.id}"', 1)[1].split("</tr>", 1)[0]
    assert "R1 employer is the lead unit or a co-builder" in row and " disabled " in row
    busy = html.split(f'data-expert="{world.busy.id}"', 1)[1].split("</tr>", 1)[0]
    assert "2 / 2" in busy and "full load" in busy and "工业软件" in busy
    everyone = client.get(f"/officer/applications/{world.a.id}/seats?scope=all").get_data(
        as_text=True)
    assert world.other.id in listed(everyone) and world.inactive.id not in listed(everyone)


@pytest.mark.parametrize(("query", "who"), [
    ("甲专家", ["exact"]), ("人工", ["related"]), ("淄博研究院", None), ("%", []), ("_", []),
    (HOSTILE, []),
])
def test_the_list_is_searched_by_name_employer_field_and_credit_code(world, login, query,
                                                                     who):
    client = login(world.officer)
    html = client.get(f"/officer/applications/{world.a.id}/seats",
                      query_string={"q": query}).get_data(as_text=True)
    assert HOSTILE not in html
    if who is None:
        assert len(listed(html)) == 4
    else:
        assert listed(html) == [getattr(world, w).id for w in who]
    code = world.busy.employer_credit_code
    found = client.get(f"/officer/applications/{world.a.id}/seats",
                       query_string={"q": code[6:].lower()}).get_data(as_text=True)
    assert listed(found) == [world.busy.id]


def test_the_list_issues_the_same_statements_for_few_and_many_experts(world, login):
    client = login(world.officer)

    def measure() -> int:
        db.session.expire_all()
        with counted_statements() as statements:
            assert client.get(f"/officer/applications/{world.a.id}/seats").status_code == 200
        return len(statements)

    few = measure()
    for _ in range(40):
        expert("工业软件")
    db.session.commit()
    assert measure() == few


def seats(app) -> list[int]:
    db.session.expire_all()
    return sorted(db.session.scalars(select(PanelSeat.expert_id).where(
        PanelSeat.application_id == app.id)))


def test_several_experts_are_invited_each_as_if_alone(world, login):
    client = login(world.officer)
    response = client.post(f"/officer/applications/{world.a.id}/seats", data={
        "expert_id": [world.exact.id, world.ruled.id, world.related.id], "q": "研究院"})
    assert response.status_code == 302
    assert unquote(response.location) == f"/officer/applications/{world.a.id}/seats?q=研究院"
    assert seats(world.a) == sorted([world.exact.id, world.related.id])
    comments = db.session.scalars(select(AuditEntry.comment).where(
        AuditEntry.action == "add_seat", AuditEntry.application_id == world.a.id)).all()
    assert sorted(comments) == sorted([f"expert {world.exact.id}", f"expert {world.related.id}"])
    told = db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "panel_invitation")).all()
    assert {world.exact.user_id, world.related.user_id} <= set(told)
    assert world.ruled.user_id not in told
    html = client.get(response.location).get_data(as_text=True)
    assert "Invited: 甲专家、乙专家." in html
    assert "Not invited: 丙专家: 丙专家 is excluded from this application by rule R1" in html


@pytest.mark.parametrize("ids", [
    [], ["abc"], ["999999"], [HOSTILE], "inactive", "seated", "too_many",
])
def test_a_bad_invitation_changes_nothing_and_keeps_the_ticks(world, login, ids):
    assignment.add_seat(world.a, world.related, actor=world.officer)
    db.session.commit()
    named = {"inactive": [world.exact.id, world.inactive.id],
             "seated": [world.exact.id, world.related.id], "too_many": list(range(1, 103))}
    ids = named[ids] if isinstance(ids, str) else ids
    before = (seats(world.a), db.session.scalar(select(func.count(AuditEntry.id))))
    response = login(world.officer).post(f"/officer/applications/{world.a.id}/seats",
                                         data={"expert_id": ids})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="invite-error"' in html and HOSTILE not in html
    assert (seats(world.a), db.session.scalar(select(func.count(AuditEntry.id)))) == before
    if world.exact.id in ids and len(ids) == 2:
        assert f'value="{world.exact.id}" id="expert-{world.exact.id}" checked' in html
