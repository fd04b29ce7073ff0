"""Every desk issues the same SQL statements for 10 and for 500 applications, and its counts
are those of the rows inserted (tests/desk_world.py: the state cycles through ORDER, the
round r = i // len(ORDER) decides the city and the variants)."""
import re
from collections import Counter

import pytest

from tests import factories
from tests.desk_pages import card
from tests.desk_world import ORDER, Person, add, build
from tests.web.test_queries import counted_statements
from workflow.core.extensions import db
from workflow.core.states import NOTICE_ISSUED_STATES, AppState, Role

S = AppState


def plan(n: int) -> list[tuple[AppState, int]]:
    return [(ORDER[i % len(ORDER)], i // len(ORDER)) for i in range(n)]


def expected(n: int) -> dict[str, dict[str, int]]:
    """The count of every group of every desk after `n` applications, from the plan alone."""
    rows = plan(n)
    rounds = sorted({r for _s, r in rows})

    def many(state, when=lambda r: True) -> int:
        return sum(1 for s, r in rows if s == state and when(r))

    jinan = lambda r: r % 2 == 0  # noqa: E731
    waiting = many(S.APPROVAL_PENDING, jinan)
    desks = {
        "applicant": {"drafts": 1, "returned": 1, "corrections": 1,
                      "confirmations": many(S.DRAFT) + many(S.RETURNED)
                      + many(S.CORRECTION_REQUESTED, lambda r: r % 2 == 1),
                      "documents": sum(many(s, jinan) for s in NOTICE_ISSUED_STATES)},
        # What Jinan's applicants submitted, and what a county of Jinan passed up to it.
        "recommender": {"to_decide": many(S.SUBMITTED, jinan) + many(S.COUNTY_PASSED, jinan),
                        "units": sum(1 for r in rounds if r % 2 == 0 and r % 3 != 0)},
        "expert": {"invitations": many(S.FORMAL_PASSED, lambda r: r % 3 == 1),
                   "sheets": many(S.EXPERT_REVIEW, lambda r: r % 4 == 0),
                   "chair_alarms": many(S.EXPERT_REVIEW, lambda r: r % 4 == 1),
                   "chair_confirmations": many(S.EXPERT_REVIEW, lambda r: r % 4 == 2)},
        "officer": {"formal_reviews": many(S.RECOMMENDED),
                    "awaiting_corrections": many(S.CORRECTION_REQUESTED) + 1,
                    "units": len(rounds),
                    "panels_to_fill": many(S.FORMAL_PASSED, lambda r: r % 3 != 0),
                    "reviews_to_open": many(S.FORMAL_PASSED, lambda r: r % 3 == 0),
                    "alarms": many(S.EXPERT_REVIEW, lambda r: r % 4 == 1),
                    "objections": many(S.PUBLICITY)
                    + many(S.OBJECTION_REVIEW, lambda r: r % 2 == 1),
                    "notices_to_issue": min(1, many(S.APPROVAL_PENDING, lambda r: r % 2)),
                    "mails": 2 * len(rounds), "running_calls": 6},
        "leader": {"selections": many(S.REVIEWED),
                   "objection_reviews": many(S.OBJECTION_REVIEW),
                   "notices_to_sign": min(1, waiting)},
    }
    return {role: {k: v for k, v in groups.items() if v} for role, groups in desks.items()}


def group_counts(html: str) -> dict[str, dict[str, int]]:
    """{section: {group: count}} as the page shows them."""
    counts: dict[str, dict[str, int]] = {}
    for role, group, n in re.findall(
            r'id="(\w+)-(\w+)" data-group="\w+" data-count="(\d+)"', html):
        counts.setdefault(role, {})[group] = int(n)
    return counts


def measure(client) -> tuple[int, str]:
    db.session.expunge_all()  # requests share the test's session: start each one cold
    with counted_statements() as statements:
        response = client.get("/desk")
    assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


@pytest.fixture
def world(app):
    world = build()
    world.multi = Person.of(factories.user(Role.OFFICER, Role.LEADER))
    db.session.commit()
    return world


def clients(app, world) -> dict:
    people = {**world.people, "officer+leader": world.multi}
    made = {}
    for name, user in people.items():
        client = app.test_client()
        response = client.post("/login", data={"email": user.email,
                                               "password": factories.PASSWORD})
        assert response.status_code == 302
        made[name] = client
    return made


def test_every_desk_issues_the_same_statements_for_10_and_500_applications(app, world):
    logged_in = clients(app, world)
    add(world, 10)
    few = {name: measure(client) for name, client in logged_in.items()}
    add(world, 490)
    many = {name: measure(client) for name, client in logged_in.items()}

    assert {name: n for name, (n, _html) in many.items()} == {
        name: n for name, (n, _html) in few.items()}
    for size, measured in ((10, few), (500, many)):
        want = expected(size)
        for role in world.people:
            assert group_counts(measured[role][1]).get(role, {}) == want[role], (size, role)
        both = group_counts(measured["officer+leader"][1])
        assert both == {"officer": want["officer"], "leader": want["leader"]}, size


def test_long_lists_show_ten_and_link_to_the_full_list(app, world):
    logged_in = clients(app, world)
    add(world, 500)
    html = measure(logged_in["applicant"])[1]
    confirmations = card(html, "applicant", "confirmations")
    total = expected(500)["applicant"]["confirmations"]
    assert confirmations.count("<tr data-item=") == 10 < total
    assert f'<a class="me-3" href="/my">查看全部（{total}）</a>' in confirmations
    drafts = card(html, "applicant", "drafts")
    assert drafts.count("<tr data-item=") == 1 and "查看全部" not in drafts


def test_the_plan_covers_every_state(app):
    assert Counter(s for s, _r in plan(500)).keys() == set(AppState)
