"""The clock's work on reports (`flask tick`): the lead units of reports not filed are
reminded in the last working week before the deadline, once; when the deadline passes the
reports still not filed are flagged late, once, with an audit row, and their lead unit and
city told; a report filed after the deadline is flagged late when it is filed."""
from datetime import datetime

from sqlalchemy import select

from tests import factories
from tests.reports.world import NARRATIVE, build, full_values, open_2023
from workflow import tick
from workflow.core.clock import LOCAL
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.inbox.models import Notification
from workflow.reports.models import AnnualReport
from workflow.reports.operations import filing, rounds

EARLY_MARCH = datetime(2024, 3, 11, 9, 0, tzinfo=LOCAL)  # three weeks left
LAST_WEEK = datetime(2024, 3, 27, 9, 0, tzinfo=LOCAL)  # Wednesday: 3 working days left
AFTER = datetime(2024, 4, 1, 0, 0, 1, tzinfo=LOCAL)


def reports_by_app(round_) -> dict[int, AnnualReport]:
    return {r.application_id: r for r in db.session.scalars(
        select(AnnualReport).where(AnnualReport.round_id == round_.id))}


def notes(kind: str) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.kind == kind)))


def test_reminders_in_the_last_working_week_once_and_only_for_reports_not_filed(restored):
    world = restored("reports", build)
    round_ = open_2023(world)
    filed = reports_by_app(round_)[world.apps["a"].id]
    with factories.clock_at(EARLY_MARCH):
        filing.save_report(filed, values=full_values(), narrative=NARRATIVE, submit=True,
                           actor=world.users["lead_a"])
        assert rounds.remind_due_reports() == 0
    with factories.clock_at(LAST_WEEK):
        assert rounds.remind_due_reports() > 0
        assert rounds.remind_due_reports() == 0
    reminded = {n.user_id for n in notes("reminder")}
    assert {world.users["lead_b"].id, world.users["lead_c"].id} <= reminded
    assert world.users["lead_a"].id not in reminded


def test_the_deadline_flags_the_reports_not_filed_once_and_a_late_filing_stays_late(restored):
    world = restored("reports", build)
    round_ = open_2023(world)
    by_app = reports_by_app(round_)
    with factories.clock_at(EARLY_MARCH):
        filing.save_report(by_app[world.apps["a"].id], values=full_values(),
                           narrative=NARRATIVE, submit=True, actor=world.users["lead_a"])
    with factories.clock_at(AFTER):
        done = tick.run()
        assert done["reports_late"] == 2
        assert tick.run()["reports_late"] == 0
    late = {app_id for app_id, r in by_app.items() if r.late}
    assert late == {world.apps["b"].id, world.apps["c"].id}
    assert by_app[world.apps["b"].id].late_since == round_.due_at
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "report_late"))
    assert sorted(e.application_id for e in entries) == sorted(late)
    told = {n.user_id for n in notes("report_late")}
    assert {world.users["lead_b"].id, world.users["rec_jinan"].id,
            world.users["rec_qingdao"].id} <= told
    assert world.users["lead_a"].id not in told

    with factories.clock_at(AFTER):
        report = by_app[world.apps["b"].id]
        filing.save_report(report, values=full_values(), narrative=NARRATIVE, submit=True,
                           actor=world.users["lead_b"])
    assert report.late and report.first_filed_at == AFTER


def test_a_report_first_filed_after_the_deadline_is_late_even_before_the_tick(restored):
    world = restored("reports", build)
    round_ = open_2023(world)
    report = reports_by_app(round_)[world.apps["c"].id]
    with factories.clock_at(AFTER):
        filing.save_report(report, values=full_values(), narrative=NARRATIVE, submit=True,
                           actor=world.users["lead_c"])
    assert report.late_since == AFTER
