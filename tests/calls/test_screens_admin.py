"""The department's administration screens: the working-day calendar, a call's eligibility
rules and settings, the mail outbox; and everyone's notifications with the navbar badge."""
from datetime import UTC, date, datetime, timedelta

import pytest
from markupsafe import escape
from sqlalchemy import event, select

from tests import factories
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.calendar import operations as calendar
from workflow.calendar import queries as calendar_queries
from workflow.calendar.models import CalendarDay
from workflow.calls.models import Call
from workflow.core import clock
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.inbox import notifications
from workflow.inbox.models import Notification, OutboxMail
from workflow.intake.rules.eligibility import DEFAULT_RULES, RULES

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def officer():
    row = factories.officer()
    db.session.commit()
    return row


def audit_actions() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def calendar_rows() -> list[tuple]:
    db.session.expire_all()
    return [(r.day, r.is_workday, r.note) for r in db.session.scalars(
        select(CalendarDay).order_by(CalendarDay.day))]


# -- working-day calendar ---------------------------------------------------------------------

def cell(html: str, day: date) -> str:
    return html.split(f'data-day="{day.isoformat()}"', 1)[1].split("</td>", 1)[0]


def test_known_month_shows_holidays_and_make_up_workdays_without_warning(officer, login):
    html = login(officer).get("/officer/calendar?year=2026&month=10").get_data(as_text=True)
    assert 'id="unconfirmed"' not in html
    assert 'data-working="no"' in html.split('data-day="2026-10-01"', 1)[1][:40]
    assert "holiday" in cell(html, date(2026, 10, 1))
    assert "make-up workday" in cell(html, date(2026, 10, 10))  # a Saturday worked (调休)
    assert "?" not in cell(html, date(2026, 10, 12))


def test_unknown_year_is_marked_unconfirmed(officer, login):
    html = login(officer).get("/officer/calendar?year=2099&month=1").get_data(as_text=True)
    assert 'id="unconfirmed"' in html and "2099" in html.split('id="unconfirmed"', 1)[1][:200]
    assert "?" in cell(html, date(2099, 1, 1))


def test_officer_adds_a_holiday_and_removes_it(officer, login):
    client = login(officer)
    response = client.post("/officer/calendar/days?year=2099&month=1",
                           data={"day": "2099-01-01", "kind": "holiday", "note": "元旦"})
    assert response.status_code == 302
    assert response.location.endswith("/officer/calendar?year=2099&month=1")
    assert calendar_rows() == [(date(2099, 1, 1), False, "元旦")]
    html = client.get(response.location).get_data(as_text=True)
    day = cell(html, date(2099, 1, 1))
    assert 'data-working="no"' in html.split('data-day="2099-01-01"', 1)[1][:40]
    assert "entry" in day and "元旦" in day and "?" not in day
    assert "元旦" in html.split('id="entries"', 1)[1]

    client.post("/officer/calendar/days", data={"day": "2099-01-01", "kind": "workday",
                                                "note": "更正"})
    assert calendar_rows() == [(date(2099, 1, 1), True, "更正")]
    assert client.post("/officer/calendar/days/2099-01-01/remove").status_code == 302
    assert calendar_rows() == []
    assert audit_actions() == ["calendar_set_day", "calendar_set_day", "calendar_remove_day"]


def test_an_entry_moves_a_deadline(officer):
    start = datetime(2099, 1, 1, 1, 0, tzinfo=UTC)  # a Thursday
    before = calendar_queries.deadline_after(start, 1)
    calendar.set_day(date(2099, 1, 2), is_workday=False, note="调休", actor=officer)
    assert calendar_queries.deadline_after(start, 1) == before + timedelta(days=3)


OUT_OF_RANGE = "Choose a date between 2000 and 2100."


@pytest.mark.parametrize(("data", "message"), [
    ({"day": "1999-12-31", "kind": "holiday", "note": "太早"}, OUT_OF_RANGE),
    ({"day": "2101-01-01", "kind": "holiday", "note": "太晚"}, OUT_OF_RANGE),
    ({"day": "31.12.2099", "kind": "holiday", "note": "格式"}, "Not a valid date value."),
    ({"day": "", "kind": "holiday", "note": "空"}, "Give a date."),
    ({"day": "2099-01-01", "kind": "holiday", "note": HOSTILE},
     "HTML tags and entities are not accepted"),
    ({"day": "2099-01-01", "kind": "sometimes", "note": "类型"}, "Not a valid choice"),
], ids=["before-2000", "after-2100", "not-a-date", "empty", "hostile-html", "bad-kind"])
def test_bad_day_changes_nothing_and_keeps_what_was_typed(officer, login, data, message):
    response = login(officer).post("/officer/calendar/days?year=2099&month=1", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert calendar_rows() == [] and audit_actions() == []
    assert f'value="{escape(data["note"])}"' in html
    if data["day"]:
        assert f'value="{data["day"]}"' in html
    assert HOSTILE not in html


def test_removing_a_day_without_entry_says_so(officer, login):
    client = login(officer)
    response = client.post("/officer/calendar/days/2099-01-05/remove", follow_redirects=True)
    assert "There is no entry for this day." in response.get_data(as_text=True)
    assert client.post("/officer/calendar/days/not-a-date/remove").status_code == 404


@pytest.mark.parametrize(("query", "shown"), [
    ("?year=abc&month=2", "{year}-02"), ("?month=3", "{year}-03"),
    ("?year=1900&month=1", "{year}-{month:02d}"), ("?year=2026&month=13", "{year}-{month:02d}"),
    ("?year=99999999&month=1", "{year}-{month:02d}"), ("", "{year}-{month:02d}"),
])
def test_missing_or_junk_month_parameters_fall_back_to_this_month(officer, login, query, shown):
    html = login(officer).get(f"/officer/calendar{query}").get_data(as_text=True)
    today = clock.local(clock.now()).date()
    assert f'<h2 class="h5">{shown.format(year=today.year, month=today.month)}</h2>' in html


# -- eligibility rules and call settings -------------------------------------------------------

@pytest.fixture
def call(officer):
    row = factories.call(actor=officer)
    db.session.commit()
    return row


def fresh_call(call) -> Call:
    db.session.expire_all()
    return db.session.get(Call, call.id)


def rules_form(**changes) -> dict:
    data = {}
    for rule in DEFAULT_RULES:
        code = rule["rule"]
        data[f"enabled_{code}"] = "y"
        if rule["hard"]:
            data[f"hard_{code}"] = "y"
        if RULES[code].needs_value:
            data[f"value_{code}"] = rule["value"]
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def test_editor_lists_every_rule_with_the_calls_settings(call, officer, login):
    html = login(officer).get(f"/officer/calls/{call.id}/eligibility").get_data(as_text=True)
    for code, rule in RULES.items():
        assert f'name="enabled_{code}"' in html and f'name="hard_{code}"' in html
        assert (f'name="value_{code}"' in html) is rule.needs_value
    assert 'name="value_rd_share_min" placeholder' in html and 'value="3"' in html


def test_officer_changes_the_rules(call, officer, login):
    data = rules_form(enabled_rd_staff_min=None, hard_revenue_min="y", value_rd_share_min="5")
    response = login(officer).post(f"/officer/calls/{call.id}/eligibility", data=data)
    assert response.status_code == 302
    rules = {r["rule"]: r for r in fresh_call(call).eligibility["rules"]}
    assert "rd_staff_min" not in rules
    assert rules["revenue_min"] == {"rule": "revenue_min", "hard": True, "value": "10000"}
    assert rules["rd_share_min"]["value"] == "5"
    assert audit_actions()[-1] == "call_eligibility"


@pytest.mark.parametrize(("value", "message"), [
    ("abc", "needs a number of 0 or more"), ("-1", "needs a number of 0 or more"),
    ("", "needs a number of 0 or more"),
], ids=["not-a-number", "negative", "empty"])
def test_bad_rule_value_changes_nothing_and_keeps_what_was_typed(call, officer, login, value,
                                                                 message):
    before = (fresh_call(call).eligibility, audit_actions())
    response = login(officer).post(f"/officer/calls/{call.id}/eligibility",
                                   data=rules_form(value_rd_share_min=value))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert (fresh_call(call).eligibility, audit_actions()) == before
    assert f'name="value_rd_share_min" placeholder="Minimum share (%)" type="text" ' \
           f'value="{value}"' in html


def test_officer_sets_the_recommendation_deadline_and_correction_settings(call, officer, login):
    deadline = clock.local(call.closes_at + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    response = login(officer).post(f"/officer/calls/{call.id}/settings", data={
        "recommend_deadline": deadline, "correction_workdays": "7", "correction_rounds": "2"})
    assert response.status_code == 302
    saved = fresh_call(call)
    assert clock.local(saved.recommend_deadline).strftime("%Y-%m-%dT%H:%M") == deadline
    assert (saved.correction_workdays, saved.correction_rounds) == (7, 2)
    assert audit_actions()[-1] == "call_settings"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("recommend_deadline", "before", "must come after the call closes"),
    ("recommend_deadline", "2026-13-40T99:00", "Not a valid datetime value."),
    ("correction_workdays", "abc", "Not a valid integer value."),
    ("correction_workdays", "61", "Give 1 to 60 working days."),
    ("correction_rounds", "6", "Give 0 to 5 rounds."),
    ("correction_rounds", "", "This field is required."),
], ids=["deadline-before-closing", "deadline-not-a-date", "workdays-not-a-number",
        "workdays-too-many", "rounds-too-many", "rounds-empty"])
def test_bad_settings_change_nothing_and_keep_what_was_typed(call, officer, login, field, value,
                                                             message):
    if value == "before":
        value = clock.local(call.closes_at - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    data = {"recommend_deadline": "", "correction_workdays": "5", "correction_rounds": "1",
            field: value}
    before = fresh_call(call)
    before = (before.recommend_deadline, before.correction_workdays, before.correction_rounds)
    response = login(officer).post(f"/officer/calls/{call.id}/settings", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    after = fresh_call(call)
    assert (after.recommend_deadline, after.correction_workdays, after.correction_rounds) == before
    assert f'value="{value}"' in html


def test_new_call_takes_the_recommendation_and_correction_settings(officer, login):
    response = login(officer).post("/officer/calls/new", data={
        "platform_type_id": db.session.scalar(select(Call.platform_type_id).limit(1)) or 1,
        "year": 2099, "title": "2099年度测试批次", "opens_at": "2099-03-01T09:00",
        "closes_at": "2099-04-30T17:00", "quota": 30, "recommender_quota": 5,
        "fields": factories.term("工业软件").id, "attachments": "licence: 营业执照",
        "recommend_deadline": "2099-05-31T17:00", "correction_workdays": "8",
        "correction_rounds": "0"})
    assert response.status_code == 302
    call = db.session.scalars(select(Call).where(Call.title == "2099年度测试批次")).one()
    assert clock.local(call.recommend_deadline).strftime("%Y-%m-%d %H:%M") == "2099-05-31 17:00"
    assert (call.correction_workdays, call.correction_rounds) == (8, 0)


def test_new_call_refuses_a_deadline_before_closing(officer, login):
    response = login(officer).post("/officer/calls/new", data={
        "platform_type_id": 1, "year": 2099, "title": "2099年度测试批次",
        "opens_at": "2099-03-01T09:00", "closes_at": "2099-04-30T17:00", "quota": 30,
        "recommender_quota": 5, "fields": factories.term("工业软件").id,
        "attachments": "licence: 营业执照",
        "recommend_deadline": "2099-04-01T17:00", "correction_workdays": "5",
        "correction_rounds": "1"})
    assert response.status_code == 422
    assert "must come after the call closes" in response.get_data(as_text=True)
    assert db.session.scalars(select(Call)).all() == []


# -- notifications and outbox ------------------------------------------------------------------

@pytest.fixture
def inbox():
    """Three notifications of one applicant, one hour apart, and one of someone else."""
    lead, other = factories.applicant(), factories.applicant()
    for n in range(3):
        with factories.clock_at(datetime(2026, 11, 1, 8 + n, tzinfo=UTC)):
            notifications.notify([lead], kind="test",
                                 compose=lambda user, n=n: (f"通知{n}", f"正文{n}"))
    notifications.notify([other], kind="test", compose=lambda user: ("别人的通知", HOSTILE))
    db.session.commit()
    return lead, other


def notes_of(user) -> list[tuple[str, bool]]:
    db.session.expire_all()
    return [(n.subject, n.read_at is not None) for n in db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))]


def test_notifications_are_own_newest_first_with_unread_highlighted(inbox, login):
    lead, _ = inbox
    html = login(lead).get("/notifications").get_data(as_text=True)
    listing = html.split('id="notifications"', 1)[1]
    assert listing.index("通知2") < listing.index("通知1") < listing.index("通知0")
    assert "别人的通知" not in html
    assert listing.count('data-unread="yes"') == 3 and "list-group-item-primary" in listing
    assert '<span class="badge text-bg-danger nav-badge">3</span>' in html


def test_mark_one_and_all_read(inbox, login):
    lead, other = inbox
    client = login(lead)
    first = db.session.scalar(select(Notification.id).where(Notification.user_id == lead.id))
    assert client.post(f"/notifications/{first}/read").status_code == 302
    assert notes_of(lead) == [("通知0", True), ("通知1", False), ("通知2", False)]
    html = client.get("/notifications").get_data(as_text=True)
    assert '<span class="badge text-bg-danger nav-badge">2</span>' in html
    assert client.post("/notifications/read-all").status_code == 302
    assert all(read for _, read in notes_of(lead))
    assert notes_of(other) == [("别人的通知", False)]
    assert "nav-badge" not in client.get("/notifications").get_data(as_text=True)


def test_someone_elses_notification_cannot_be_marked(inbox, login):
    lead, other = inbox
    theirs = db.session.scalar(select(Notification.id).where(Notification.user_id == other.id))
    response = login(lead).post(f"/notifications/{theirs}/read")
    assert response.status_code == 403
    assert notes_of(other) == [("别人的通知", False)]
    assert login(lead).post("/notifications/999999/read").status_code == 404


def test_unread_badge_costs_one_query_per_page(inbox, login):
    lead, _ = inbox
    client = login(lead)
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        html = client.get("/my").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert "nav-badge" in html
    assert sum("FROM notifications" in s for s in statements) == 1


def test_officer_reads_the_outbox_and_a_mail(inbox, officer, login):
    client = login(officer)
    html = client.get("/officer/outbox").get_data(as_text=True)
    listing = html.split('id="outbox"', 1)[1]
    assert listing.count("<tr") == 5 and "别人的通知" in listing and "waiting" in listing
    mail = db.session.scalars(select(OutboxMail).where(OutboxMail.subject == "别人的通知")).one()
    body = client.get(f"/officer/outbox/{mail.id}").get_data(as_text=True)
    assert str(escape(HOSTILE)) in body and HOSTILE not in body
    assert mail.to_address in body


def test_outbox_is_paginated(officer, login):
    user = factories.applicant()
    for n in range(30):
        notifications.notify([user], kind="test",
                             compose=lambda user, n=n: (f"邮件{n:02d}", "正文"))
    db.session.commit()
    client = login(officer)
    first = client.get("/officer/outbox").get_data(as_text=True)
    second = client.get("/officer/outbox?page=2").get_data(as_text=True)
    assert first.split('id="outbox"', 1)[1].count("<tr") == 26  # header + 25
    assert second.split('id="outbox"', 1)[1].count("<tr") == 6
    assert 'href="/officer/outbox?page=2"' in first


def test_outbox_is_only_for_officers(inbox, login):
    lead, _ = inbox
    client = login(lead)
    mail = db.session.scalar(select(OutboxMail.id))
    assert client.get("/officer/outbox").status_code == 403
    response = client.get(f"/officer/outbox/{mail}")
    assert response.status_code == 403 and "通知" not in response.get_data(as_text=True)
    assert 'href="/officer/outbox"' not in client.get("/").get_data(as_text=True)
