"""An applicant, in headless Chromium, logs in, fills an application, uploads a PDF, submits."""
import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.factories import SECTIONS
from workflow.core import clock
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.intake.models import Application

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FILL = {"number": "1200", "money": "1200", "text": "李四",
        "textarea": "面向半导体激光产业的共性技术研发。", "email": "lisi@example.com",
        "phone": "0531-88888888"}

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: `make test` installs it when run as root")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield instance
        instance.close()


def test_applicant_fills_uploads_and_submits(make, live_server, browser, tmp_path):
    lead = make.applicant()
    call = make.call()
    db.session.commit()
    pdf = tmp_path / "licence.pdf"
    pdf.write_bytes(make.PDF)
    page = browser.new_page(reduced_motion="reduce")  # tests/browsing.py says why

    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", lead.email)
    page.fill("input[name=password]", make.PASSWORD)
    with page.expect_navigation():
        page.click("form:has(input[name=password]) button[type=submit]")
    page.goto(f"{live_server}/calls/{call.id}")
    with page.expect_navigation():
        page.click(f"a[href='/calls/{call.id}/apply']")
    page.fill("input[name=title]", "山东省半导体激光技术创新中心")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    app_url = page.url
    assert "/applications/" in app_url

    for section in SECTIONS:
        page.goto(f"{app_url}/sections/{section.key}")
        for field in section.fields:
            if field.kind == "industry":
                page.select_option(f"select[name={field.key}]", "高端装备")
            else:
                page.fill(f"[name={field.key}]", FILL[field.kind])
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert page.url.startswith(app_url)
        assert page.locator(".alert-success").count() == 1, section.key

    page.select_option("select[name=kind]", "licence")
    page.set_input_files("input[name=file]", str(pdf))
    with page.expect_navigation():
        page.click("form[enctype='multipart/form-data'] button[type=submit]")
    assert page.locator("#attachments a", has_text="licence.pdf").count() == 1

    assert page.locator(".refusals").count() == 0, page.locator(".refusals").inner_text()
    with page.expect_navigation():
        page.click("button[data-action=submit]")
    page.wait_for_selector("#timeline")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "applicant_submitted.png"), full_page=True)

    db.session.expire_all()
    app = db.session.scalars(db.select(Application)).one()
    assert app.state == AppState.SUBMITTED
    assert app.version_count == 1
    assert page.locator("button[data-action=withdraw]").count() == 1
    assert page.locator("button[data-action=submit]").count() == 0


def test_officer_enrols_the_second_factor_and_logs_in_with_it(app, make, live_server, browser,
                                                              monkeypatch):
    import pyotp

    from workflow.accounts.operations.second_factor import REQUIRED_ROLES

    monkeypatch.setitem(app.config, "MFA_REQUIRED_ROLES", REQUIRED_ROLES)
    officer = make.officer()
    db.session.commit()
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(reduced_motion="reduce")  # tests/browsing.py says why

    def password_step():
        page.goto(f"{live_server}/login")
        page.fill("input[name=email]", officer.email)
        page.fill("input[name=password]", make.PASSWORD)
        with page.expect_navigation():
            page.click("main form button[type=submit]")

    password_step()
    assert page.url.endswith("/login/enrol")
    qr = page.locator("img[src^='data:image/svg+xml']")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 100")
    page.screenshot(path=str(ARTIFACTS / "officer_enrol.png"), full_page=True)
    secret = page.locator("#totp-secret").inner_text().strip()
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.screenshot(path=str(ARTIFACTS / "officer_recovery_codes.png"), full_page=True)
    with page.expect_navigation():
        page.click("main a.btn-primary")
    page.goto(f"{live_server}/officer/calls")
    assert page.url.endswith("/officer/calls")

    with page.expect_navigation():
        page.click("form[action='/logout'] button")
    password_step()
    assert page.url.endswith("/login/code")
    page.screenshot(path=str(ARTIFACTS / "officer_second_factor.png"), full_page=True)
    totp = pyotp.TOTP(secret)
    page.fill("input[name=code]", totp.at(totp.timecode(clock.now()) * totp.interval
                                          + totp.interval))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.goto(f"{live_server}/officer/calls")
    assert page.url.endswith("/officer/calls")
