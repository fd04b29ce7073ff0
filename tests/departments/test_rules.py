"""What hangs off a call belongs to its department: the years after the notice too (task
book, center, acceptance request), and an evaluation round belongs to the departments that
run calls of its platform type. `can` refuses another department's officer and leader."""
from sqlalchemy import select

from tests.departments.world import department_b
from workflow.centers.models import Center
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.departments import operations as departments
from workflow.departments.rules import department_of, outside_department
from workflow.evaluation.models import EvaluationRound
from workflow.lifecycle.permissions import can
from workflow.task_books.models import TaskBook


def test_the_years_after_the_notice_belong_to_the_calls_department(make):
    home = departments.ensure_home_department()
    officer_a, leader_a = make.officer(home), make.leader(home)
    b = department_b()
    officer_b, leader_b = make.officer(b), make.leader(b)
    app = make.application(state=AppState.UNDER_CONSTRUCTION)
    book = db.session.scalar(select(TaskBook).where(TaskBook.application_id == app.id))
    center = db.session.scalar(select(Center).where(Center.application_id == app.id))
    request = make.acceptance_request(app)
    for obj, permission in ((book, "taskbook.view"), (center, "center.view"),
                            (request, "acceptance.view")):
        assert department_of(obj) == home.id
        assert not outside_department(officer_a, obj) and outside_department(officer_b, obj)
        assert can(officer_a, permission, obj) and can(leader_a, permission, obj)
        assert not can(officer_b, permission, obj) and not can(leader_b, permission, obj)
    round_ = EvaluationRound(platform_type=app.call.platform_type, year=2031)
    assert department_of(round_) == frozenset({home.id})
    assert can(officer_a, "evaluation.view", round_)
    assert not can(officer_b, "evaluation.view", round_)


def test_a_person_holding_another_role_keeps_it_outside_the_department(make):
    """An officer of B who is also the applicant of a unit reads the unit's application in a
    call of A as its applicant, and nothing an officer reads."""
    b = department_b()
    lead = make.applicant()
    app = make.application(lead=lead, state=AppState.SUBMITTED)
    make.officer()  # the installation's department exists
    both = make.user(*lead.roles, make.Role.OFFICER, organization=lead.organization,
                     department=b)
    assert can(both, "application.view", app)
    assert not can(both, "call.list_applications", app.call)
