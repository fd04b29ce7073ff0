"""WCAG 2.1 AA: axe-core, injected into the main pages of every role in headless Chromium,
finds no critical or serious violation, in Chinese and in English.

axe-core comes from npm (tests/js/package.json; `make test` runs `npm ci --prefix tests/js`).
"""
import json
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests import factories, publicity_world, scoring_world
from tests.browsing import chromium_fixture, live_server_fixture, missing, open_as  # noqa: F401
from tests.conftest import emptied_afterwards
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.publicity.models import Publicity

AXE = Path(__file__).resolve().parents[1] / "js" / "node_modules" / "axe-core" / "axe.min.js"
FAILING = {"critical", "serious"}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def world(app):
    """Every role with something on each of its pages: a call in selection, one in review
    with a scored panel, one whose announcement has ended, a unit waiting for verification."""
    with emptied_afterwards(app):
        selection = publicity_world.world("半导体激光", "工业软件")
        officer, leader = selection.officer, selection.leader
        selection.shortlist(selection.apps[0])
        panel = scoring_world.panel(size=3)
        scoring_world.submit_all(panel, [88, 84, 80])
        lead = factories.applicant()
        submitted = factories.application(panel.app.call, lead, state=AppState.SUBMITTED)
        recommended = factories.application(panel.app.call, state=AppState.RECOMMENDED)
        draft = factories.application(selection.call, lead, complete=False)
        announced = factories.call(actor=officer, title="已公示的申报批次",
                                   fields=["海洋牧场装备", "焊接装备"])
        factories.approval_pending_batch(announced, 1, officer)
        waiting = factories.org(status="unverified", name="待核验测试科技有限公司")
        factories.licence(waiting)
        users = {"applicant": lead, "recommender": factories.recommender(factories.JINAN),
                 "officer": officer, "leader": leader, "expert": panel.experts[1],
                 "chair": panel.chair}
        db.session.commit()
        publicity = db.session.scalars(select(Publicity).filter_by(call_id=announced.id)).one()
        panel_expert = panel.seats[1].expert_id
        a, s, c = selection.call.id, panel.app.call.id, announced.id
        visits = {
            "anonymous": ["/", f"/calls/{a}", "/publicity", f"/publicity/{publicity.id}",
                          "/verify", "/login", "/register", "/account/reset"],
            "applicant": ["/desk", "/my", f"/applications/{submitted.id}",
                          f"/applications/{draft.id}", f"/applications/{draft.id}/sections/basic",
                          "/my/organization", "/account", "/notifications"],
            "recommender": ["/desk", "/recommender", f"/recommender/calls/{s}",
                            "/verification"],
            "officer": [
                "/desk", "/officer/calls", f"/officer/calls/{s}",
                f"/officer/calls/{s}/formal-review",
                f"/officer/applications/{recommended.id}/checklist", "/officer/panels",
                f"/officer/calls/{s}/panels", "/officer/experts", "/officer/users",
                "/verification", f"/verification/{waiting.id}", "/officer/outbox", "/results",
                f"/officer/calls/{s}/results", "/officer/publicity",
                f"/officer/calls/{a}/publicity", "/officer/notices",
                f"/officer/calls/{c}/notice", "/officer/numbers", "/officer/calendar",
                f"/officer/calls/{a}/eligibility", f"/officer/calls/{a}/review-settings",
                "/officer/calls/new", f"/officer/experts/{panel_expert}",
                f"/officer/users/{leader.id}", "/officer/users/new", "/officer/experts/import",
                f"/officer/calls/{c}/notice/texts",
                f"/officer/publicity/{publicity.id}/objections", "/officer/fields",
                f"/officer/calls/{a}/form", f"/officer/calls/{a}/form/preview",
                f"/officer/calls/{a}/form/fields/project_head/edit",
                f"/officer/calls/{a}/recommendation-chain"],
            "expert": ["/desk", "/expert", f"/expert/seats/{panel.seats[1].id}/sheet",
                       "/expert/profile"],
            "chair": [f"/expert/applications/{panel.app.id}/panel"],
            "leader": ["/desk", "/leader/selection", f"/leader/calls/{a}/selection",
                       "/results"],
        }
        yield {"users": users, "visits": visits, "draft": draft}


@pytest.fixture(autouse=True)
def _context(world):
    """Replaces conftest's: the pages only read the shared world."""
    yield


@pytest.fixture(name="axe", scope="module")
def axe_fixture():
    if not AXE.exists():
        if not shutil.which("npm"):
            pytest.skip("node and npm are not installed, so axe-core cannot be: "
                        "apt-get install nodejs npm, then npm ci --prefix tests/js")
        missing("axe-core", "run `npm ci --prefix tests/js` (`make test` does)")
    return AXE


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    # Only the violations are gathered (passes and incomplete results are not built).
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
                           "resultTypes: ['violations']})",
                           TAGS)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [{"target": n["target"], "why": n["failureSummary"]}
                       for n in v["nodes"][:5]]} for v in result["violations"]]


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
@pytest.mark.parametrize("who", ["anonymous", "applicant", "recommender", "officer", "expert",
                                 "chair", "leader"])
def test_main_pages_have_no_serious_accessibility_violation(world, axe, chromium, live_server,
                                                            who, locale):
    page = open_as(chromium, live_server, world["users"].get(who), locale, bypass_csp=True)
    found = {}
    for path in world["visits"][who]:
        response = page.goto(live_server + path)
        assert response.status == 200, path
        found[path] = axe_violations(page)
    page.context.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{who}-{locale}.json").write_text(json.dumps(found, ensure_ascii=False,
                                                                   indent=1))
    serious = {path: [v for v in violations if v["impact"] in FAILING]
               for path, violations in found.items()}
    assert not any(serious.values()), json.dumps(
        {p: v for p, v in serious.items() if v}, ensure_ascii=False, indent=1)


def wrong_foundation(page, live_server, app_id: int) -> None:
    """Section 3 sent with a negative revenue and too many staff."""
    page.goto(f"{live_server}/applications/{app_id}/sections/foundation")
    page.fill("input[name=revenue_y1]", "-5")
    page.fill("input[name=staff_total]", "20000000")
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def test_form_errors_are_listed_at_the_top_tied_to_their_fields_and_focused(
        world, chromium, live_server):
    """Without JavaScript: the page comes back with an alert at its top linking to each field
    in error, the first such field has the focus, and each error is tied to its field."""
    page = open_as(chromium, live_server, world["users"]["applicant"], "en",
                   java_script_enabled=False)
    wrong_foundation(page, live_server, world["draft"].id)

    summary = page.locator("main > #field-errors[role=alert]")
    assert summary.locator("a").evaluate_all("links => links.map(a => a.hash)") == [
        "#f-revenue_y1", "#f-staff_total"]
    expect(page.locator("#f-revenue_y1")).to_be_focused()  # autofocus: when the page has rendered
    for name in ("revenue_y1", "staff_total"):
        box = page.locator(f"#f-{name}")
        assert box.get_attribute("aria-invalid") == "true"
        error = box.get_attribute("aria-describedby").split()[0]
        assert page.locator(f"#{error}.invalid-feedback").inner_text().strip()
    page.context.close()


def test_a_form_with_errors_has_no_serious_violation(world, axe, chromium, live_server):
    page = open_as(chromium, live_server, world["users"]["applicant"], "zh_CN", bypass_csp=True)
    wrong_foundation(page, live_server, world["draft"].id)
    violations = axe_violations(page)
    page.context.close()
    assert not [v for v in violations if v["impact"] in FAILING], violations
