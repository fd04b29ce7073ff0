"""The top bar at 1,280 px: one line in both languages for every role, the logout button on
screen; its menus, and every link in them, reached by keyboard with a visible focus, with
JavaScript and without."""
import pytest

from tests import factories
from tests.browsing import chromium_fixture, live_server_fixture, open_as  # noqa: F401
from workflow.core.extensions import db
from workflow.core.states import Role

pytestmark = pytest.mark.browser
LONG_UNIT = "济南鲁骐新能源汽车集团股份有限公司智能网联汽车技术研究院分公司"
BAR_ITEMS = "nav.app-bar a, nav.app-bar button, nav.app-bar summary"


def people() -> dict:
    """The department's head with every menu (officer and leader, an expert too), and an
    applicant of a unit with a long name."""
    unit = factories.org(name=LONG_UNIT)
    chief = factories.user(Role.OFFICER, Role.LEADER, Role.EXPERT)
    chief.name = "欧阳建国"
    applicant = factories.user(Role.APPLICANT, organization=unit)
    db.session.commit()
    return {"chief": chief, "applicant": applicant}


def outline(page) -> tuple[str, float]:
    return page.evaluate("""() => {
        const style = getComputedStyle(document.activeElement);
        return [style.outlineStyle, parseFloat(style.outlineWidth)];
    }""")


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
@pytest.mark.parametrize("who", ["chief", "applicant"])
def test_the_bar_fits_one_line_at_1280_pixels(chromium, live_server, who, locale):
    page = open_as(chromium, live_server, people()[who], locale, width=1280)
    page.goto(f"{live_server}/notifications")
    boxes = page.locator(BAR_ITEMS).evaluate_all(
        "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().toJSON())")
    logout = page.locator("form[action='/logout'] button").bounding_box()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert logout["x"] + logout["width"] <= 1280
    assert all(0 <= box["left"] and box["right"] <= 1280 for box in boxes)
    middles = [box["top"] + box["height"] / 2 for box in boxes]
    assert max(middles) - min(middles) < 10, "the bar wraps to a second line"
    page.context.close()


@pytest.mark.parametrize("javascript", [False, True])
def test_menus_open_by_keyboard_with_a_visible_focus(chromium, live_server, javascript):
    chief = people()["chief"]
    page = open_as(chromium, live_server, chief, "en", java_script_enabled=javascript)
    page.goto(f"{live_server}/notifications")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className").startswith("skip-link")
    assert outline(page)[0] == "solid" and outline(page)[1] >= 2
    summaries = page.locator("nav.app-bar summary")
    assert summaries.count() == 4  # review, decisions, centers, administration
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    assert page.evaluate("document.activeElement.textContent.trim()") == "Experts and review"
    assert outline(page)[0] == "solid"
    first_link = page.locator("nav.app-bar details").first.locator("a").first
    assert not first_link.is_visible()

    page.keyboard.press("Enter")
    assert first_link.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/officer/panels"
    assert outline(page)[0] == "solid"
    if javascript:
        page.keyboard.press("Escape")
        assert not first_link.is_visible()
        assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    else:
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith("/officer/panels")
    page.context.close()


def test_a_narrow_screen_without_javascript_shows_the_menu_open(chromium, live_server):
    page = open_as(chromium, live_server, people()["applicant"], "en", width=600,
                   java_script_enabled=False)
    assert not page.locator(".navbar-toggler").is_visible()
    assert page.locator("nav.app-bar a[href='/my']").is_visible()
    page.context.close()


def test_the_menu_button_of_a_narrow_screen_opens_the_menu(chromium, live_server):
    page = open_as(chromium, live_server, people()["applicant"], "en", width=600)
    link = page.locator("nav.app-bar a[href='/my']")
    assert not link.is_visible()
    page.click(".navbar-toggler")
    assert link.is_visible()
    assert page.locator(".navbar-toggler").get_attribute("aria-expanded") == "true"
    page.context.close()
