"""Objections to an announcement: real-name or sealed, within the period (Beijing time);
refused with the reason and nothing stored when anonymous, early, late, or an organization's
letter is missing or not a PDF; the receipt number; the officer's handling; who reads the
letter; CSRF; and the public page never showing an objection."""
from datetime import datetime, timedelta
from io import BytesIO

import flask_babel
import pytest
from sqlalchemy import func, select

from tests import factories
from tests.factories import PDF, clock_at
from tests.publicity_world import world
from tests.screens import login_fixture  # noqa: F401 - the `login` fixture
from workflow.core.clock import LOCAL
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.inbox.models import Notification
from workflow.intake.operations import attachments
from workflow.publicity.models import Objection
from workflow.publicity.operations import objections, publicity

NOV_4 = datetime(2022, 11, 4, 9, 30, tzinfo=LOCAL)
DURING = datetime(2022, 11, 8, 15, tzinfo=LOCAL)
LAST_MOMENT = datetime(2022, 11, 10, 23, 59, 59, tzinfo=LOCAL)
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def announced():
    """An announcement of 2022-11-04 to 11-10 listing two centers. Committed."""
    with clock_at(NOV_4):
        w = world("半导体激光", "工业软件")
        w.shortlist(w.apps[0])
        w.shortlist(w.apps[1])
        p = w.publish()
    db.session.commit()
    return w, p


def person(entry, **fields):
    values = dict(kind="person", person_name="王五", phone="13800000000", letter=None)
    values.update(fields)
    return factories.objection_filing(entry, **values)


def stored() -> tuple:
    """What a refused filing must not leave behind: rows, audit rows, letter files."""
    files = sorted(p.name for p in attachments.upload_dir().glob("*.pdf"))
    return (db.session.scalar(select(func.count()).select_from(Objection)),
            db.session.scalar(select(func.count()).select_from(AuditEntry)), files)


def refused(p, filing, at=DURING) -> list[str]:
    before = stored()
    with clock_at(at), flask_babel.force_locale("en"), pytest.raises(ServiceError) as error:
        objections.file_objection(p, filing, actor=None)
    db.session.rollback()
    assert stored() == before
    return error.value.problems


def test_a_real_name_objection_gets_a_receipt_and_tells_the_officers(announced):
    w, p = announced
    with clock_at(DURING):
        row = objections.file_objection(p, person(p.entries[1], email="wang@example.com"),
                                        actor=None)

    assert row.receipt_no.startswith("YY20221108-") and len(row.receipt_no) == 17
    assert (row.status, row.filer_kind, row.person_name, row.entry_id) == (
        "open", "person", "王五", p.entries[1].id)
    assert row.letter_name is None
    (entry,) = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "file_objection")).all()
    assert (entry.application_id, entry.call_id, entry.role) == (None, w.call.id, "public")
    assert row.receipt_no in entry.comment
    assert db.session.scalar(select(Notification.user_id).where(
        Notification.kind == "objection_filed")) == w.officer.id


@pytest.mark.parametrize(("fields", "reason"), [
    ({"person_name": ""}, "Anonymous objections are not accepted: give your real name"),
    ({"person_name": "   ", "email": "a@example.com"}, "Anonymous objections"),
    ({"phone": "", "email": ""}, "a phone number or an email address"),
    ({"content": "  "}, "Write your objection and its grounds."),
    ({"kind": "nobody"}, "Say whether you object as a person or as an organization."),
])
def test_anonymous_or_empty_objections_are_refused(announced, fields, reason):
    _w, p = announced
    problems = refused(p, person(p.entries[0], **fields))
    assert any(reason in problem for problem in problems)


def test_an_organization_needs_its_sealed_letter_as_a_pdf(announced):
    _w, p = announced
    entry = p.entries[0]

    missing = refused(p, factories.objection_filing(entry, letter=None))
    not_pdf = refused(p, factories.objection_filing(
        entry, letter=BytesIO(b"GIF89a not a letter"), letter_filename="letter.pdf"))
    unnamed = refused(p, factories.objection_filing(entry, contact_person=""))
    too_big = refused(p, factories.objection_filing(
        entry, letter=BytesIO(PDF[:-7] + b"\0" * (1024 * 1024) + PDF[-7:])))

    assert missing == ["An organization objects by a letter bearing its seal: attach it as a "
                       "PDF."]
    assert not_pdf == ["Only PDF files are accepted; this file is not a PDF."]
    assert "Anonymous objections are not accepted" in unnamed[0]
    assert too_big == ["The file is larger than 1 MB."]


def test_a_sealed_objection_keeps_its_letter_for_the_department_only(announced, client,
                                                                     login_as):
    w, p = announced
    with clock_at(DURING):
        row = objections.file_objection(p, factories.objection_filing(p.entries[0]), actor=None)
    db.session.commit()
    url = f"/officer/objections/{row.id}/letter"
    stranger = factories.applicant()
    db.session.commit()

    assert row.letter_sha256 and objections.letter_path(row).read_bytes() == PDF
    assert login_as(w.officer).get(url).data == PDF
    assert login_as(w.leader).get(url).data == PDF
    assert login_as(w.leads[0]).get(url).status_code == 403
    assert login_as(stranger).get(url).status_code == 403
    client.post("/logout")
    assert client.get(url).status_code == 302


@pytest.mark.parametrize(("at", "reason"), [
    (NOV_4 - timedelta(days=1), "The announcement period begins on 2022-11-04"),
    (LAST_MOMENT + timedelta(seconds=1), "The announcement period ended on 2022-11-10; late "
                                         "objections are not accepted."),
    (datetime(2022, 11, 11, 0, 30, tzinfo=LOCAL), "late objections are not accepted"),
])
def test_objections_outside_the_period_are_refused(announced, at, reason):
    _w, p = announced
    assert reason in refused(p, person(p.entries[0]), at=at)[0]


def test_the_last_second_of_the_last_day_is_in_time(announced):
    _w, p = announced
    with clock_at(LAST_MOMENT):
        row = objections.file_objection(p, person(p.entries[0]), actor=None)
    assert row.status == "open"


def test_an_entry_of_another_announcement_is_refused(announced):
    _w, p = announced
    with clock_at(NOV_4):
        w2 = world("焊接装备")
        w2.shortlist(w2.apps[0])
        other = w2.publish()
    db.session.commit()
    assert refused(p, person(other.entries[0])) == [
        "Choose the listed center your objection concerns."]


# The public page


def form(entry, **fields):
    data = {"filer_kind": "person", "entry_id": str(entry.id), "person_name": "王五",
            "phone": "13800000000", "content": "申报材料所列专利权属存在争议"}
    data.update(fields)
    return data


def test_filing_on_the_public_page_flashes_the_receipt(announced, client):
    _w, p = announced
    with clock_at(DURING):
        response = client.post(f"/publicity/{p.id}/objections", data=form(p.entries[0]),
                               follow_redirects=True)
    row = db.session.scalar(select(Objection))

    assert response.status_code == 200
    assert row is not None and row.receipt_no in response.get_data(as_text=True)


def test_a_refused_filing_keeps_what_was_typed_and_stores_nothing(announced, client):
    _w, p = announced
    with clock_at(DURING), flask_babel.force_locale("en"):
        response = client.post(f"/publicity/{p.id}/objections", data=form(
            p.entries[0], person_name="", content="我的异议内容：专利权属存在争议"))
    html = response.get_data(as_text=True)

    assert response.status_code == 422
    assert "我的异议内容：专利权属存在争议" in html and "13800000000" in html
    assert stored()[0] == 0


def test_the_public_page_escapes_hostile_text_and_never_shows_objections(announced, client,
                                                                         login):
    w, p = announced
    with clock_at(DURING):
        row = objections.file_objection(p, person(p.entries[0], content=HOSTILE,
                                                  person_name="<b>张三</b>"), actor=None)
        db.session.commit()
        public = client.get(f"/publicity/{p.id}").get_data(as_text=True)
        internal = login(w.officer).get(f"/officer/publicity/{p.id}/objections").get_data(
            as_text=True)

    assert row.receipt_no not in public and "张三" not in public and "alert" not in public
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in internal
    assert "<script>alert" not in internal and "<img src=x" not in internal
    assert "&lt;b&gt;张三&lt;/b&gt;" in internal


def test_the_form_is_offered_only_during_the_period(announced, client):
    _w, p = announced
    with clock_at(DURING):
        during = client.get(f"/publicity/{p.id}").get_data(as_text=True)
    with clock_at(LAST_MOMENT + timedelta(seconds=1)):
        after = client.get(f"/publicity/{p.id}").get_data(as_text=True)

    assert f'action="/publicity/{p.id}/objections"' in during
    assert f'action="/publicity/{p.id}/objections"' not in after and 'id="not-accepting"' in after


def test_csrf_protects_the_objection_form(app, announced, client):
    _w, p = announced
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        with clock_at(DURING):
            response = client.post(f"/publicity/{p.id}/objections", data=form(p.entries[0]))
    finally:
        app.config["WTF_CSRF_ENABLED"] = False

    assert response.status_code == 400
    assert stored()[0] == 0


# The officer's handling


def test_handling_not_admissible_closes_admissible_keeps_open(announced, login_as):
    w, p = announced
    with clock_at(DURING):
        first = objections.file_objection(p, person(p.entries[0]), actor=None)
        second = objections.file_objection(p, person(p.entries[1]), actor=None)
    db.session.commit()
    officer = login_as(w.officer)

    officer.post(f"/officer/objections/{first.id}/handle",
                 data={"notes": "异议人来电撤回", "outcome": "not_admissible"})
    officer.post(f"/officer/objections/{second.id}/handle",
                 data={"notes": "已调取专利证书核查", "outcome": "admissible"})
    again = officer.post(f"/officer/objections/{first.id}/handle",
                         data={"notes": "再次处理", "outcome": "admissible"})
    db.session.expire_all()

    assert (first.status, first.admissible, first.handled_by_id) == (
        "not_admissible", False, w.officer.id)
    assert (second.status, second.admissible, second.handling_notes) == (
        "open", True, "已调取专利证书核查")
    assert again.status_code == 422 and first.handling_notes == "异议人来电撤回"
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "handle_objection")) == 2


def test_handling_needs_notes_and_an_officer(announced, login_as):
    w, p = announced
    with clock_at(DURING):
        row = objections.file_objection(p, person(p.entries[0]), actor=None)
    db.session.commit()

    empty = login_as(w.officer).post(f"/officer/objections/{row.id}/handle",
                                     data={"notes": "", "outcome": "admissible"})
    by_leader = login_as(w.leader).post(f"/officer/objections/{row.id}/handle",
                                        data={"notes": "领导意见", "outcome": "not_admissible"})
    with pytest.raises(PermissionDenied):
        objections.record_handling(row, notes="x", admissible=False, actor=w.leads[0])
    db.session.expire_all()

    assert (empty.status_code, by_leader.status_code) == (422, 403)
    assert (row.status, row.handled_at) == ("open", None)


def test_an_applicant_cannot_read_the_objections_of_its_own_center(announced, login_as):
    w, p = announced
    with clock_at(DURING):
        objections.file_objection(p, person(p.entries[0], content="机密异议内容"), actor=None)
    db.session.commit()

    response = login_as(w.leads[0]).get(f"/officer/publicity/{p.id}/objections")
    detail = login_as(w.leads[0]).get(f"/applications/{w.apps[0].id}")

    assert response.status_code == 403 and "机密异议内容" not in response.get_data(as_text=True)
    assert "机密异议内容" not in detail.get_data(as_text=True)
    assert publicity.entry_of(w.apps[0]).id == p.entries[0].id
