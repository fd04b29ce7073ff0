"""The screens of selection and announcement, read in English: the leader's ranking with the
quota counter, refusals and departures; the officer's publication page with what still stops
it; the public announcement; the objections page with the handling and the leader's buttons;
the navbar links by role."""
import re
from datetime import datetime

import pytest
from flask_babel import refresh

from tests import factories
from tests.confirming import confirmed
from tests.factories import clock_at
from tests.publicity_world import world
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.core.clock import LOCAL
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.intake.models import Application
from workflow.publicity.operations import objections

NOV_4 = datetime(2022, 11, 4, 9, 30, tzinfo=LOCAL)
DURING = datetime(2022, 11, 8, 15, tzinfo=LOCAL)


def row_of(html: str, app) -> str:
    match = re.search(rf'<tr id="app-{app.id}".*?</tr>', html, re.S)
    assert match, f"no row for {app.title}"
    return match.group(0)


def test_selection_page_shows_ranks_the_counter_refusals_and_departures(login):
    w = world("工业软件", "工业软件", "焊接装备", quota=2)
    w.not_select(w.apps[0], "布局调整：该领域已有省级平台")
    w.shortlist(w.apps[1], "共建单位实力更强")
    db.session.commit()

    html = login(w.leader).get(f"/leader/calls/{w.call.id}/selection").get_data(as_text=True)

    assert re.search(r'id="quota"><strong>1</strong> / 2', html)
    first, second, third = (row_of(html, a) for a in w.apps)
    assert "<td class=\"text-nowrap\">1</td>" in first and "布局调整：该领域已有省级平台" in first
    assert "Not selected" in first and "Proposed" in second and "共建单位实力更强" in second
    assert 'data-action="shortlist"' in third and "disabled" not in third
    assert "Shortlisting departs from the ranking:" in third and w.apps[0].title in third
    assert 'data-action="not_select"' in third


def test_selection_page_disables_shortlisting_with_the_reason_when_the_quota_is_full(login):
    w = world("半导体激光", "工业软件", quota=1)
    w.shortlist(w.apps[0])
    db.session.commit()

    html = login(w.leader).get(f"/leader/calls/{w.call.id}/selection").get_data(as_text=True)
    second = row_of(html, w.apps[1])

    assert "All 1 places of the call are taken." in second
    assert re.search(r'data-action="shortlist"[^>]*disabled', second)
    assert 'data-action="not_select"' in second


def test_officer_page_lists_what_stops_publication_then_publishes(login):
    with clock_at(NOV_4):
        w = world("半导体激光", "工业软件")
        w.shortlist(w.apps[0])
        for target in ("closed", "reviewing"):
            factories.calls.advance_call(w.call, target, actor=w.officer)
        db.session.commit()
        officer = login(w.officer)
        waiting = officer.get(f"/officer/calls/{w.call.id}/publicity").get_data(as_text=True)
        w.not_select(w.apps[1])
        db.session.commit()
        ready = officer.get(f"/officer/calls/{w.call.id}/publicity").get_data(as_text=True)
        response = confirmed(officer, f"/officer/calls/{w.call.id}/publicity/publish",
                             follow_redirects=True)
    html = response.get_data(as_text=True)

    assert f"Not decided yet: {w.apps[1].title}." in waiting
    assert re.search(r'data-action="publish_publicity"[^>]*disabled', waiting)
    assert 'data-refusals-for="publish_publicity"' not in ready
    assert 'data-action="publish_publicity">' in ready and w.apps[0].title in ready
    assert "The announcement is published: 公示期：2022年11月4日至2022年11月10日." in html
    assert "关于2022年度山东省技术创新中心拟建设名单的公示" in html and w.apps[0].title in html
    assert db.session.get(Application, w.apps[0].id).state == AppState.PUBLICITY


def test_public_list_and_page_offer_the_pdf_and_the_form(client):
    with clock_at(NOV_4):
        w = world("半导体激光")
        w.shortlist(w.apps[0])
        p = w.publish()
        db.session.commit()
    with clock_at(DURING):
        listing = client.get("/publicity").get_data(as_text=True)
        page = client.get(f"/publicity/{p.id}").get_data(as_text=True)

    assert f'href="/publicity/{p.id}"' in listing and p.title in listing
    assert f'href="/publicity/{p.id}/announcement.pdf"' in page
    assert "公示期：2022年11月4日至2022年11月10日。" in page
    assert 'name="content"' in page and 'enctype="multipart/form-data"' in page
    assert f'<option value="{p.entries[0].id}">1. {w.apps[0].title}' in page


def test_objections_page_offers_the_officer_handling_and_the_leader_nothing_to_handle(login):
    with clock_at(NOV_4):
        w = world("半导体激光")
        w.shortlist(w.apps[0])
        p = w.publish()
    with clock_at(DURING):
        row = objections.file_objection(p, factories.objection_filing(p.entries[0]), actor=None)
    db.session.commit()
    url = f"/officer/publicity/{p.id}/objections"

    as_officer = login(w.officer).get(url).get_data(as_text=True)
    as_leader = login(w.leader).get(url).get_data(as_text=True)

    for html in (as_officer, as_leader):
        assert f"Objection {row.receipt_no}" in html and "测试异议单位" in html
        assert f'href="/officer/objections/{row.id}/letter"' in html
        assert "核心专利权属存在争议" in html
    assert f'action="/officer/objections/{row.id}/handle"' in as_officer
    assert f'action="/officer/objections/{row.id}/handle"' not in as_leader


@pytest.mark.parametrize(("who", "links"), [
    ("anonymous", {"Announcements"}),
    ("lead", {"Announcements"}),
    ("officer", {"Publicity"}),  # its announcements are a click away there
    ("leader", {"Announcements", "Selection"}),
])
def test_navbar_links_by_role(client, login, who, links):
    users = {"lead": factories.applicant(), "officer": factories.officer(),
             "leader": factories.leader()}
    db.session.commit()
    if who == "anonymous":
        client.post("/language/en", data={"next": "/"})
        refresh()
    html = (client if who == "anonymous" else login(users[who])).get("/").get_data(as_text=True)
    nav = html[html.find('<ul class="navbar-nav'):html.find("</ul>")]
    shown = {name for name in ("Announcements", "Publicity", "Selection") if f">{name}<" in nav}
    assert shown == links
