"""The demo's reports step (workflow/demo/reports.py) on seven centers of one call: both
rounds opened, every report filed, one returned by its city and one by the department in
2023, one filed late, and the accepted values summed for the statistics."""
from sqlalchemy import select

from tests import factories
from tests.reports.world import TARGETS, signed_book
from workflow.core import clock
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.regions import city_of
from workflow.core.states import Action, AppState
from workflow.demo import reports as report_demo
from workflow.demo.after_approval import World
from workflow.reports import queries
from workflow.reports.models import AnnualReport, ReportRound, ReportState


def test_the_demo_step_files_both_years_with_returns_and_one_late():
    officer = factories.officer()
    call = factories.call(fields=[f"演示领域{n}" for n in range(7)])
    apps = factories.approval_pending_batch(call, 7, officer)
    factories.issue_notice(call, officer)
    for app in apps:
        factories.step_through(app, Action.SIGN_TASK_BOOK, officer)
        signed_book(app, TARGETS)
    assert {a.state for a in apps} == {AppState.UNDER_CONSTRUCTION}
    lead_of = {a.id: factories.user(organization=a.lead_org) for a in apps}
    world = World(call=call, centers=apps, lead_of=lead_of, officer=officer,
                  leader=factories.leader(),
                  recommenders={city_of(apps[0].region_code): factories.recommender(
                      apps[0].region_code)})
    try:
        report_demo.seed(world)
    finally:
        clock.freeze(None)
    assert [r.year for r in db.session.scalars(select(ReportRound).order_by(ReportRound.year))
            ] == [2023, 2024]
    reports = db.session.scalars(select(AnnualReport)).all()
    assert len(reports) == 14 and {r.state for r in reports} == {ReportState.ACCEPTED}
    late = [r for r in reports if r.late]
    assert len(late) == 1 and late[0].application_id == apps[6].id and late[0].round.year == 2023
    actions = [e.action for e in db.session.scalars(select(AuditEntry))]
    assert actions.count("city_return_report") == 1 and actions.count("officer_return_report") == 1
    totals = queries.totals_by_year()
    assert set(totals) == {2023, 2024} and totals[2024]["rd_spending"] > totals[2023]["rd_spending"]
    assert any(m.missed for r in reports for m in queries.report_measures(r))
