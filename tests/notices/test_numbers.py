"""Document numbers: the format, the starting number, reserving and voiding, and numbers
unique and without gaps when officers take them at the same moment."""
import threading

import flask_babel
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests import factories
from workflow.accounts.models.users import User
from workflow.core.errors import PermissionDenied, ServiceError
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.notices import queries as notice_queries
from workflow.notices.models import DocumentNumber, NumberSeries, number_text
from workflow.notices.operations import numbers

OFFICE = "鲁科字"


@pytest.mark.parametrize(("office", "year", "sequence", "text"), [
    ("鲁科字", 2022, 154, "鲁科字〔2022〕154号"),
    ("鲁科字", 2023, 1, "鲁科字〔2023〕1号"),
    ("鲁工信发", 2022, 7, "鲁工信发〔2022〕7号"),
])
def test_number_text_has_tortoise_shell_brackets_no_padding_no_di(office, year, sequence, text):
    formatted = number_text(office, year, sequence)
    assert formatted == text
    assert "\u3014" in formatted and "\u3015" in formatted
    assert "第" not in formatted and "〔2022〕0" not in formatted


def test_first_numbers_count_from_one_per_office_and_year():
    officer = factories.officer()
    taken = [numbers.allocate_number(OFFICE, 2022, title=f"文件{i}", actor=officer)
             for i in range(3)]
    other = numbers.allocate_number("鲁科发", 2022, title="另一代字", actor=officer)
    next_year = numbers.allocate_number(OFFICE, 2023, title="新一年", actor=officer)
    assert [n.text for n in taken] == [f"鲁科字〔2022〕{i}号" for i in (1, 2, 3)]
    assert other.text == "鲁科发〔2022〕1号" and next_year.text == "鲁科字〔2023〕1号"
    assert taken[0].allocated_by_id == officer.id and taken[0].status == "issued"


def test_officer_sets_the_first_number_before_any_is_handed_out():
    officer = factories.officer()
    series = numbers.set_first_number(OFFICE, 2022, 154, actor=officer)
    number = numbers.allocate_number(OFFICE, 2022, title="认定通知", actor=officer)
    assert (series.first_number, number.text) == (154, "鲁科字〔2022〕154号")
    assert db.session.scalar(select(AuditEntry.comment).where(
        AuditEntry.action == "number_start")) == "鲁科字〔2022〕154号"


def test_first_number_cannot_change_once_a_number_is_handed_out():
    officer = factories.officer()
    numbers.allocate_number(OFFICE, 2022, title="已发", actor=officer)
    with flask_babel.force_locale("en"), pytest.raises(ServiceError) as refused:
        numbers.set_first_number(OFFICE, 2022, 154, actor=officer)
    assert "鲁科字〔2022〕1号" in str(refused.value)
    assert notice_queries.series(OFFICE, 2022).next_number == 2


@pytest.mark.parametrize(("office", "year", "first"), [
    ("LK", 2022, 1), ("鲁", 2022, 1), ("鲁科字<b>", 2022, 1), ("鲁科字", 1999, 1),
    ("鲁科字", 2022, 0), ("鲁科字", 2022, 100000),
])
def test_bad_series_settings_are_refused(office, year, first):
    officer = factories.officer()
    with pytest.raises(ServiceError):
        numbers.set_first_number(office, year, first, actor=officer)
    assert db.session.scalar(select(func.count()).select_from(NumberSeries)) == 0


def test_only_officers_manage_numbers():
    leader, lead = factories.leader(), factories.applicant()
    for actor in (leader, lead):
        with pytest.raises(PermissionDenied):
            numbers.set_first_number(OFFICE, 2022, 5, actor=actor)
        with pytest.raises(PermissionDenied):
            numbers.reserve_number(OFFICE, 2022, title="越权", actor=actor)


def test_a_voided_number_keeps_its_row_and_is_not_given_again():
    officer = factories.officer()
    reserved = numbers.reserve_number(OFFICE, 2022, title="关于某事的函", actor=officer)
    numbers.void_number(reserved, reason="文件未发出", actor=officer)
    following = numbers.reserve_number(OFFICE, 2022, title="下一份", actor=officer)
    assert (reserved.status, reserved.void_reason, reserved.voided_by_id) == (
        "voided", "文件未发出", officer.id)
    assert reserved.voided_at is not None
    assert following.sequence == reserved.sequence + 1
    assert [n.text for n in numbers.registry(office=OFFICE, year=2022)] == [
        "鲁科字〔2022〕2号", "鲁科字〔2022〕1号"]
    with pytest.raises(ServiceError):
        numbers.void_number(reserved, reason="再作废一次", actor=officer)
    with pytest.raises(ServiceError):
        numbers.void_number(following, reason="  ", actor=officer)


def test_the_database_refuses_a_number_twice():
    officer = factories.officer()
    db.session.add_all([DocumentNumber(office=OFFICE, year=2022, sequence=9, title=t,
                                       allocated_by_id=officer.id) for t in ("甲", "乙")])
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


# Real concurrency: officers in threads of their own, released together by a barrier.


def _take_number(flask_app, user_id, barrier, results, rollback: bool):
    with flask_app.app_context():
        try:
            actor = db.session.get(User, user_id)
            assert actor.roles
            barrier.wait(timeout=10)
            number = numbers.allocate_number(OFFICE, 2022, title="并发", actor=actor)
            sequence = number.sequence
            if rollback:
                db.session.rollback()  # e.g. issuing failed after the number was taken
                results.append(("returned", sequence))
            else:
                db.session.commit()
                results.append(("kept", sequence))
        except Exception as unexpected:  # noqa: BLE001 - reported by the test
            db.session.rollback()
            results.append(("error", repr(unexpected)))
        finally:
            db.session.remove()


@pytest.mark.parametrize("round_", range(4))
def test_concurrent_officers_get_unique_numbers_without_gaps(app, round_):
    officers = [factories.officer() for _ in range(6)]
    if round_ % 2:
        numbers.set_first_number(OFFICE, 2022, 154, actor=officers[0])
    db.session.commit()
    barrier, results = threading.Barrier(len(officers)), []
    threads = [threading.Thread(target=_take_number,
                                args=(app, officer.id, barrier, results, i == 2))
               for i, officer in enumerate(officers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert [kind for kind, _ in results].count("error") == 0, results
    kept = sorted(sequence for kind, sequence in results if kind == "kept")
    first = 154 if round_ % 2 else 1
    stored = sorted(db.session.scalars(select(DocumentNumber.sequence).where(
        DocumentNumber.office == OFFICE, DocumentNumber.year == 2022)))
    assert stored == kept == list(range(first, first + len(officers) - 1))
    db.session.expire_all()
    assert notice_queries.series(OFFICE, 2022).next_number == first + len(officers) - 1
