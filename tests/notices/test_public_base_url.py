"""PUBLIC_BASE_URL and the mail settings as read from the environment (issue 9, points 1
and 14): `make run PORT=5101` links to port 5101 unless the environment says otherwise; a
malformed address or contradictory mail settings stop start-up; issuing a notice in
production while the address is still a loopback one is refused, and the notice page says
why before the officer clicks."""
import os
import subprocess

import pytest
from sqlalchemy import func, select

from tests import factories
from workflow import ROOT, create_app, setup
from workflow.core.config import ConfigError
from workflow.core.errors import ServiceError
from workflow.core.extensions import db
from workflow.notices.models import DocumentNumber, Notice
from workflow.notices.operations import drafts as notices
from workflow.notices.operations import issue as notice_issue

PRINT = 'print-base-url: ; @echo "$$PUBLIC_BASE_URL"'


def make_run_base_url(*arguments: str, environment: dict | None = None) -> str:
    """PUBLIC_BASE_URL as the commands of `make run` get it."""
    env = {k: v for k, v in os.environ.items() if k not in ("PUBLIC_BASE_URL", "MAKEFLAGS")}
    env.update(environment or {})
    done = subprocess.run(["make", "-s", "--eval", PRINT, "print-base-url", *arguments],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_make_run_links_to_the_address_it_serves_on():
    assert make_run_base_url() == "http://127.0.0.1:5000"
    assert make_run_base_url("PORT=5101") == "http://127.0.0.1:5101"
    dry_run = subprocess.run(["make", "-n", "run", "PORT=5101"], cwd=ROOT, text=True,
                             capture_output=True, check=True).stdout
    assert ("HOST=127.0.0.1 PORT=5101 .venv/bin/gunicorn -c python:workflow.serving.gunicorn_conf"
            in dry_run)


def test_an_explicit_public_address_wins_over_the_served_one():
    public = {"PUBLIC_BASE_URL": "https://kjt.example.gov.cn"}
    assert make_run_base_url("PORT=5101", environment=public) == "https://kjt.example.gov.cn"
    assert make_run_base_url("PORT=5101", "PUBLIC_BASE_URL=https://a.example") == (
        "https://a.example")


def test_the_public_address_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://kjt.example.gov.cn/")
    assert create_app({"TESTING": True}).config["PUBLIC_BASE_URL"] == (
        "https://kjt.example.gov.cn")
    monkeypatch.setenv("PUBLIC_BASE_URL", "kjt.example.gov.cn")
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
        create_app({"TESTING": True})


def test_mail_settings_from_the_environment_suit_flask_mail(monkeypatch):
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.gov.cn")
    monkeypatch.setenv("MAIL_USE_SSL", "yes")
    made = create_app({"TESTING": True})
    server = made.extensions["mail"]
    assert (server.server, server.port, server.use_ssl, server.use_tls) == (
        "smtp.example.gov.cn", 465, True, False)
    assert server.suppress is False  # Flask-Mail would follow TESTING otherwise
    monkeypatch.setenv("MAIL_USE_TLS", "yes")
    with pytest.raises(ConfigError, match="MAIL_USE_TLS"):
        create_app({"TESTING": True})
    monkeypatch.setenv("MAIL_USE_SSL", "no")
    assert create_app({"TESTING": True}).config["MAIL_PORT"] == 587


@pytest.fixture
def signed():
    officer, leader = factories.officer(), factories.leader()
    call = factories.call(actor=officer)
    factories.approval_pending_batch(call, 1, officer)
    notices.sign_notice(call, actor=leader)
    db.session.commit()
    return call, officer


LOOPBACK = ["http://127.0.0.1:5000", "http://localhost:5101", "http://[::1]:8000",
            "http://127.8.9.10", "http://centerflow.localhost"]


@pytest.mark.parametrize("base", LOOPBACK)
def test_issuing_in_production_with_a_loopback_address_is_refused(app, signed, monkeypatch,
                                                                   base):
    call, officer = signed
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", base)

    with pytest.raises(ServiceError) as refused:
        notice_issue.issue_notice(call, actor=officer)

    assert any(base in problem and "PUBLIC_BASE_URL" in problem
               for problem in refused.value.problems)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(DocumentNumber)) == 0
    assert db.session.scalar(select(Notice.state).where(Notice.call_id == call.id)) == "signed"


def test_the_notice_page_says_why_before_the_officer_clicks(app, signed, monkeypatch,
                                                            login_as):
    call, officer = signed
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    client = login_as(officer)
    client.post("/language/en")
    html = client.get(f"/officer/calls/{call.id}/notice").get_data(as_text=True)
    refusals = html.split('data-refusals-for="issue"', 1)[1].split("</ul>", 1)[0]
    assert "PUBLIC_BASE_URL" in refusals and app.config["PUBLIC_BASE_URL"] in refusals
    assert 'data-action="issue" disabled' in html


@pytest.mark.parametrize(("environment", "base"), [
    ("production", "https://kjt.example.gov.cn"), ("development", "http://127.0.0.1:5000")])
def test_a_public_address_or_development_issues(app, signed, monkeypatch, environment, base):
    call, officer = signed
    monkeypatch.setitem(app.config, "ENV_NAME", environment)
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", base)
    notice = notice_issue.issue_notice(call, actor=officer)
    assert notice.state == "issuing"
    assert notice_issue.verify_url("ABC") == f"{base}/verify/ABC"


@pytest.mark.parametrize(("environment", "base", "warned"), [
    ("production", "http://127.0.0.1:5000", True),
    ("production", "https://kjt.example.gov.cn", False),
    ("development", "http://127.0.0.1:5000", False)])
def test_a_loopback_address_in_production_is_on_the_officers_desk_and_in_the_log(
        app, login_as, make, monkeypatch, caplog, environment, base, warned):
    monkeypatch.setitem(app.config, "ENV_NAME", environment)
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", base)
    officer = make.officer()
    db.session.commit()
    client = login_as(officer)
    client.post("/language/en")
    desk = client.get("/desk").get_data(as_text=True)
    assert ("Links in mails lead nowhere" in desk) is warned
    assert ("PUBLIC_BASE_URL" in desk) is warned

    # (alembic's logging set-up, run by the tests' migrations, turns other loggers off)
    monkeypatch.setattr(setup.log, "disabled", False)
    caplog.clear()
    setup.check_environment(app)
    assert any("PUBLIC_BASE_URL" in r.getMessage() for r in caplog.records) is warned
