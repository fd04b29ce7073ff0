"""The announcement (公示): its period in working days, its publication (the frozen list, the
states, the PDF stored once and served as stored), its settings, the end of its period by
`flask tick`, and the leader's decision on an objection review."""
import hashlib
import json
import re
from datetime import date, datetime, timedelta
from io import BytesIO

import flask_babel
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from tests import factories
from tests.factories import clock_at
from tests.publicity_world import world
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.calendar import operations as calendar
from workflow.calls.models import Call
from workflow.core.clock import LOCAL
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Action, AppState, CallState, Role
from workflow.inbox.models import Notification
from workflow.intake.models import Application
from workflow.publicity import queries as publicity_queries
from workflow.publicity.models import Objection, Publicity
from workflow.publicity.operations import objections, publicity

SEPT_29 = datetime(2022, 9, 29, 10, tzinfo=LOCAL)  # a Thursday before National Day
NOV_4 = datetime(2022, 11, 4, 9, 30, tzinfo=LOCAL)


def state(app) -> str:
    return db.session.scalar(select(Application.state).where(Application.id == app.id))


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def published(at=SEPT_29, fields=("半导体激光", "工业软件", "焊接装备")):
    """Two applications shortlisted and the last not selected, then the announcement."""
    with clock_at(at):
        w = world(*fields)
        for app in w.apps[:-1]:
            w.shortlist(app)
        w.not_select(w.apps[-1], "综合评审排名靠后")
        return w, w.publish()


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


# The period


@pytest.mark.parametrize(("start", "workdays", "end"), [
    (date(2022, 9, 29), 5, date(2022, 10, 10)),  # National Day, then the make-up weekend
    (date(2022, 9, 29), 7, date(2022, 10, 12)),
    (date(2022, 11, 4), 5, date(2022, 11, 10)),  # the demo's announcement
    (date(2022, 11, 4), 7, date(2022, 11, 14)),
    (date(2022, 10, 1), 5, date(2022, 10, 12)),  # published on a holiday: counting waits
])
def test_period_counts_working_days_of_the_official_calendar(start, workdays, end):
    assert publicity_queries.period_end(start, workdays) == end


def test_period_follows_the_officers_calendar_corrections():
    officer = factories.officer()
    calendar.set_day(date(2022, 11, 7), is_workday=False, note="临时休息", actor=officer)
    calendar.set_day(date(2022, 11, 5), is_workday=True, note="调休上班", actor=officer)

    assert publicity_queries.period_end(date(2022, 11, 4), 5) == date(2022, 11, 10)
    calendar.set_day(date(2022, 11, 5), is_workday=False, note="取消调休", actor=officer)
    assert publicity_queries.period_end(date(2022, 11, 4), 5) == date(2022, 11, 11)


# Publication


def test_publication_freezes_the_list_and_moves_the_proposed_applications():
    w, p = published()

    assert (p.start_date, p.end_date, p.workdays) == (date(2022, 9, 29), date(2022, 10, 10), 5)
    assert p.title == "关于2022年度山东省技术创新中心拟建设名单的公示"
    assert [(e.position, e.center_name, e.lead_unit, e.city, e.field) for e in p.entries] == [
        (n, a.title, a.lead_org.name, "济南市", a.field.name)
        for n, a in enumerate(w.apps[:2], start=1)]
    assert [state(a) for a in w.apps] == [AppState.PUBLICITY, AppState.PUBLICITY,
                                          AppState.NOT_SELECTED]
    assert db.session.get(Call, w.call.id).state == CallState.PUBLICITY
    rows = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == Action.PUBLISH_PUBLICITY)).all()
    assert sorted(r.application_id for r in rows) == sorted(a.id for a in w.apps[:2])
    assert {r.comment for r in rows} == {"公示期：2022年9月29日至2022年10月10日"}
    assert {(r.actor_id, r.role) for r in rows} == {(w.officer.id, Role.OFFICER)}


def test_publication_stores_the_pdf_once_and_it_is_served_as_stored(client):
    _w, p = published()
    stored = publicity.document_path(p).read_bytes()
    db.session.commit()

    first = client.get(f"/publicity/{p.id}/announcement.pdf")
    second = client.get(f"/publicity/{p.id}/announcement.pdf")

    assert first.status_code == second.status_code == 200
    assert first.mimetype == "application/pdf"
    assert first.data == second.data == stored
    assert hashlib.sha256(stored).hexdigest() == p.document_sha256
    assert len(stored) == p.document_size


def test_a_changed_or_missing_pdf_is_never_served(client):
    _w, p = published()
    db.session.commit()
    path = publicity.document_path(p)
    path.chmod(0o644)
    path.write_bytes(path.read_bytes().replace(b"%%EOF", b"%%EOF\n% changed"))

    changed = client.get(f"/publicity/{p.id}/announcement.pdf")
    path.unlink()
    missing = client.get(f"/publicity/{p.id}/announcement.pdf")

    assert changed.status_code == missing.status_code == 404
    assert b"%PDF" not in changed.data + missing.data


def test_announcement_pdf_is_a4_with_the_title_the_period_and_the_list():
    w, p = published()
    reader = PdfReader(BytesIO(publicity.document_path(p).read_bytes()))
    text = flat("".join(page.extract_text() for page in reader.pages))

    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (
            595, 842)
    assert len(reader.pages) >= 2  # the list is an attachment on a page of its own
    assert flat(p.title) in text
    assert "公示期：2022年9月29日至2022年10月10日" in text
    assert "业务咨询电话" in text and "监督电话" in text
    assert "匿名异议和逾期提出的异议不予受理" in text
    assert "山东省科学技术厅" in text and "2022年9月29日" in text
    for entry in p.entries:
        assert flat(entry.center_name) in text and flat(entry.lead_unit) in text
    assert w.apps[-1].title not in text  # the not selected one is not listed
    assert "—1—" in text


def placed_text(page) -> list[tuple[str, float, float, float]]:
    """(text, x from the left, y from the top, size), in points (WeasyPrint draws in CSS px)."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.append((text.strip(), tm[4] * 0.75, tm[5] * 0.75, size * 0.75))
    page.extract_text(visitor_text=visit)
    return found


def test_announcement_pdf_keeps_the_official_layout():
    _w, p = published()
    first, attachment = PdfReader(publicity.document_path(p)).pages[:2]
    texts = placed_text(first)
    mm = 72 / 25.4

    title, body = texts[0], [t for t in texts if t[3] == pytest.approx(16, abs=0.1)]
    assert title[3] == pytest.approx(22, abs=0.1) and title[2] > 37 * mm
    assert min(t[1] for t in body) == pytest.approx(28 * mm, abs=1 * mm)
    lines = sorted({round(t[2], 1) for t in body})
    assert lines[1] - lines[0] == pytest.approx(28.95, abs=0.2)
    number = next(t for t in texts if t[0] == "— 1 —")
    assert number[3] == pytest.approx(14, abs=0.1) and number[2] > (297 - 35) * mm
    label = placed_text(attachment)[0]
    assert label[0] == "附件" and label[1] == pytest.approx(28 * mm, abs=1 * mm)


@pytest.mark.parametrize("case", ["undecided", "not in review", "none proposed", "twice"])
def test_publication_refused_changes_nothing(case):
    with clock_at(SEPT_29):
        w = world("半导体激光", "工业软件")
        w.shortlist(w.apps[0])
        if case == "undecided":
            expected = f"Not decided yet: {w.apps[1].title}."
        elif case == "none proposed":
            w = world("焊接装备")
            w.not_select(w.apps[0])
            expected = "No application is proposed: the leader selects first."
        else:
            w.not_select(w.apps[1])
            expected = ("The announcement of this call is published." if case == "twice" else
                        "The call is Open; the announcement follows the review.")
        if case == "twice":
            w.publish()
        elif case != "not in review":
            for target in (CallState.CLOSED, CallState.REVIEWING):
                factories.calls.advance_call(w.call, target, actor=w.officer)
        before = (count(Publicity), count(AuditEntry), [state(a) for a in w.apps], w.call.state)

        with flask_babel.force_locale("en"), pytest.raises(ServiceError) as error:
            publicity.publish_announcement(w.call, actor=w.officer)

    assert expected in error.value.problems
    assert (count(Publicity), count(AuditEntry), [state(a) for a in w.apps],
            w.call.state) == before


def test_only_an_officer_publishes():
    with clock_at(SEPT_29):
        w = world("半导体激光")
        w.shortlist(w.apps[0])
        with pytest.raises(PermissionDenied):
            publicity.publish_announcement(w.call, actor=w.leader)
    assert count(Publicity) == 0


def test_publish_publicity_is_refused_outside_an_announcement():
    with clock_at(SEPT_29):
        w = world("半导体激光")
        w.shortlist(w.apps[0])
        with flask_babel.force_locale("en"), pytest.raises(ServiceError) as error:
            factories.transition(w.apps[0], Action.PUBLISH_PUBLICITY, actor=w.officer)
    assert error.value.problems == [
        "Applications enter publicity only with the call's published announcement."]
    assert state(w.apps[0]) == AppState.PROPOSED


# Settings


SETTINGS = {"workdays": "7", "title": "关于<script>alert(1)</script>的公示",
            "basis": "根据《办法》，", "procedure": "经评审研究，现予以公示。",
            "list_title": "拟建设名单<b>附件</b>", "objection_address": "济南市解放路166号",
            "business_phone": "0531-12345678", "supervision_phone": "0531-87654321"}


def test_settings_set_the_period_and_the_texts_and_stay_escaped(client, login_as):
    with clock_at(NOV_4):
        w = world("半导体激光")
        w.shortlist(w.apps[0])
        db.session.commit()
        officer = login_as(w.officer)
        response = officer.post(f"/officer/calls/{w.call.id}/publicity/settings", data=SETTINGS)
        db.session.expire_all()
        p = w.publish()
        db.session.commit()
    page = client.get(f"/publicity/{p.id}").get_data(as_text=True)
    text = flat("".join(pg.extract_text() for pg in PdfReader(
        publicity.document_path(p)).pages))

    assert response.status_code == 302
    assert (p.workdays, p.end_date) == (7, date(2022, 11, 14))
    assert p.texts["business_phone"] == "0531-12345678"
    assert count(AuditEntry, AuditEntry.action == "publicity_settings") == 1
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "&lt;b&gt;附件&lt;/b&gt;" in page
    assert "关于<script>alert(1)</script>的公示" in text and "拟建设名单<b>附件</b>" in text
    assert "0531-87654321" in text


def test_settings_refused_after_publication_and_for_bad_input(login_as):
    _w, p = published()
    call = p.call
    db.session.commit()
    officer = login_as(_w.officer)
    before = (call.publicity_workdays, dict(call.publicity_settings or {}))

    late = officer.post(f"/officer/calls/{call.id}/publicity/settings", data=SETTINGS)
    w2 = world("焊接装备")
    db.session.commit()
    bad = officer.post(f"/officer/calls/{w2.call.id}/publicity/settings",
                       data={**SETTINGS, "workdays": "31", "title": ""})
    db.session.expire_all()

    assert late.status_code == 422 and (call.publicity_workdays,
                                        dict(call.publicity_settings or {})) == before
    assert bad.status_code == 422 and db.session.get(Call, w2.call.id).publicity_settings == {}
    assert "济南市解放路166号" in bad.get_data(as_text=True)  # nothing typed is lost


# The end of the period


def run_tick(app) -> dict:
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["tick", "--json"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return json.loads(result.output)


def person_objection(entry, **fields):
    return factories.objection_filing(entry, kind="person", person_name="王五",
                                      phone="13800000000", letter=None, **fields)


def test_tick_ends_the_period_both_ways_once(app):
    w, p = published(at=NOV_4)
    clean, objected = w.apps[:2]
    with clock_at(NOV_4 + timedelta(days=2)):
        row = objections.file_objection(p, person_objection(publicity.entry_of(objected)),
                                         actor=None)
        objections.record_handling(row, notes="转领导审定", admissible=True, actor=w.officer)

    with clock_at(datetime(2022, 11, 10, 23, 59, 59, tzinfo=LOCAL)):
        early = run_tick(app)
    with clock_at(datetime(2022, 11, 11, 0, 10, tzinfo=LOCAL)):
        first, second = run_tick(app), run_tick(app)

    assert (early["end_publicity"], early["raise_objection_review"]) == (0, 0)
    assert (first["end_publicity"], first["raise_objection_review"],
            first["publicities_ended"], first["skipped"]) == (1, 1, 1, 0)
    assert (second["end_publicity"], second["raise_objection_review"],
            second["publicities_ended"]) == (0, 0, 0)
    assert (state(clean), state(objected)) == (AppState.APPROVAL_PENDING,
                                               AppState.OBJECTION_REVIEW)
    told = db.session.scalars(select(Notification).where(
        Notification.kind == "publicity_ended")).all()
    assert {n.user_id for n in told} >= {w.officer.id, w.leader.id}
    assert len(told) == len({n.user_id for n in told})
    assert db.session.get(Publicity, p.id).ended_at is not None


def test_an_objection_closed_as_not_admissible_does_not_hold_the_application(app):
    w, p = published(at=NOV_4, fields=("半导体激光", "焊接装备"))
    with clock_at(NOV_4 + timedelta(hours=1)):
        row = objections.file_objection(p, person_objection(p.entries[0]), actor=None)
        objections.record_handling(row, notes="异议人已撤回", admissible=False, actor=w.officer)
    with clock_at(datetime(2022, 11, 11, 8, tzinfo=LOCAL)):
        done = run_tick(app)

    assert done["end_publicity"] == 1 and state(w.apps[0]) == AppState.APPROVAL_PENDING
    assert db.session.get(Objection, row.id).status == "not_admissible"


@pytest.mark.parametrize("action", [Action.END_PUBLICITY, Action.RAISE_OBJECTION_REVIEW])
def test_system_actions_wait_for_the_end_of_the_period(action):
    w, p = published(at=NOV_4, fields=("半导体激光", "焊接装备"))
    with clock_at(datetime(2022, 11, 10, 23, 59, tzinfo=LOCAL)), \
            flask_babel.force_locale("en"), pytest.raises(ServiceError) as error:
        factories.transition(w.apps[0], action, actor=factories.SYSTEM)
    assert error.value.problems == ["The announcement period runs until 2022-11-10."]
    assert state(w.apps[0]) == AppState.PUBLICITY


# The leader's decision on an objection review


@pytest.fixture
def in_review(app):
    """An application in objection review after an objection the officer has not handled."""
    w, p = published(at=NOV_4, fields=("半导体激光", "焊接装备"))
    with clock_at(NOV_4 + timedelta(days=1)):
        row = objections.file_objection(p, person_objection(p.entries[0]), actor=None)
    with clock_at(datetime(2022, 11, 11, 8, tzinfo=LOCAL)):
        assert run_tick(app)["raise_objection_review"] == 1
    return w, w.apps[0], db.session.get(Objection, row.id)


@pytest.mark.parametrize(("action", "target", "status"), [
    ("dismiss_objection", AppState.APPROVAL_PENDING, "dismissed"),
    ("uphold_objection", AppState.REJECTED_AFTER_PUBLICITY, "upheld"),
])
def test_leader_decides_after_the_handling_and_closes_the_objections(
        in_review, login_as, action, target, status):
    w, app_, row = in_review
    leader = login_as(w.leader)

    refused = leader.post(f"/applications/{app_.id}/actions/{action}", data={"comment": "核查"})
    assert state(app_) == AppState.OBJECTION_REVIEW and row.status == "open"
    objections.record_handling(row, notes="已调取专利证书", admissible=True, actor=w.officer)
    db.session.commit()
    decided = leader.post(f"/applications/{app_.id}/actions/{action}",
                          data={"comment": "经核查，结论如下"})
    db.session.expire_all()

    assert refused.status_code == decided.status_code == 302
    assert state(app_) == target
    closed = db.session.get(Objection, row.id)
    assert (closed.status, closed.decided_by_id, closed.decision_comment) == (
        status, w.leader.id, "经核查，结论如下")
    (entry,) = db.session.scalars(select(AuditEntry).where(
        AuditEntry.application_id == app_.id, AuditEntry.action == action)).all()
    assert (entry.role, entry.comment) == (Role.LEADER, "经核查，结论如下")
    (told,) = db.session.scalars(select(Notification).where(
        Notification.application_id == app_.id, Notification.kind == action)).all()
    assert "经核查，结论如下" in told.body and "王五" not in told.body + told.subject


def test_objections_page_shows_the_leader_the_reason_to_wait(in_review, login):
    w, app_, row = in_review
    db.session.commit()

    html = login(w.leader).get(f"/officer/publicity/{row.publicity_id}/objections").get_data(
        as_text=True)

    assert f"The officer has not recorded the handling of objection {row.receipt_no} yet." in html
    assert 'data-action="dismiss_objection"' in html and "disabled" in html
    assert 'action="/officer/objections/' not in html  # handling is the officer's


# The factories reach the announcement's states through these services


@pytest.mark.parametrize("target", [AppState.PUBLICITY, AppState.APPROVAL_PENDING,
                                    AppState.OBJECTION_REVIEW,
                                    AppState.REJECTED_AFTER_PUBLICITY])
def test_drive_reaches_the_states_of_the_announcement(target):
    app_ = factories.application(state=target)
    entry = publicity.entry_of(app_)

    assert state(app_) == target
    assert entry is not None and entry.publicity.call_id == app_.call_id
    has_objection = target in (AppState.OBJECTION_REVIEW, AppState.REJECTED_AFTER_PUBLICITY)
    assert count(Objection, Objection.entry_id == entry.id) == int(has_objection)
