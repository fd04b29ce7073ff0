"""Shared by the browser tests of the pages (tests/web/test_accessibility.py,
tests/web/test_top_bar.py): Debian's chromium, the test app served on a free port, a page
logged in and reading a language. The fixtures live as long as their module."""
import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests import factories

CHROMIUM = "/usr/bin/chromium"


def missing(what: str, how: str):
    """Fail on CI, where everything is installed; skip elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing: {how}")
    pytest.skip(f"{what} is missing ({how})")


@pytest.fixture(name="live_server", scope="module")
def live_server_fixture(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(name="chromium", scope="module")
def chromium_fixture():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        missing("Debian's chromium", "apt-get install chromium; `make test` does it as root")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield instance
        instance.close()


def open_as(chromium, live_server, user, locale: str, *, width: int = 1280, **options):
    """A page of a new browser context, logged in as `user` (None: anonymous), reading
    `locale` ("zh_CN" or "en"), `width` pixels wide. Close it with page.context.close().
    Motion reduced, as some people ask: Bootstrap's smooth scrolling otherwise makes every
    click on something below the fold wait about a second for the page to stop moving."""
    context = chromium.new_context(viewport={"width": width, "height": 900},
                                   **{"reduced_motion": "reduce", **options})
    page = context.new_page()
    if user is not None:
        page.goto(f"{live_server}/login")
        page.fill("input[name=email]", user.email)
        page.fill("input[name=password]", factories.PASSWORD)
        page.click("main form button[type=submit]")
    page.request.post(f"{live_server}/language/{locale}", form={"next": "/"})
    page.goto(f"{live_server}/")
    assert page.evaluate("document.documentElement.lang") == ("en" if locale == "en" else "zh-CN")
    return page
