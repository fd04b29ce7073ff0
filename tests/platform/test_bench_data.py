"""`flask bench-data` fills an empty database with applications in every state, city and
technical field, with panels and sheets, and prints logins that work; bad input changes
nothing."""
import re

import pytest
from sqlalchemy import func, select

from tests import factories
from workflow.accounts.models.users import User
from workflow.calls.models import CallField
from workflow.core.extensions import db
from workflow.core.states import AppState, Role
from workflow.demo.bench_data import ORDER, SCORED, K
from workflow.demo.data import CITIES, FIELDS
from workflow.intake.models import Application
from workflow.review.models import PanelResult, PanelSeat, ScoreSheet

ROLES = ("officer", "leader", "recommender", "expert", "applicant")
# 30 rounds of the 19 states: the odd rounds go through the 15 cities other than Jinan.
ENOUGH = 30 * len(ORDER)  # 30 rounds of the states: Jinan and the 15 other cities


def bench_data(app, *args: str):
    return app.test_cli_runner().invoke(args=["bench-data", *args])


def logins(output: str) -> tuple[str, dict[str, str]]:
    password = re.search(r"with the password (\S+) as:", output).group(1)
    emails = dict(re.findall(r"^  (\w+) +(\S+@\S+)$", output, re.MULTILINE))
    return password, emails


def counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count()).select_from(User)),
            db.session.scalar(select(func.count()).select_from(Application)))


def test_bench_data_makes_every_state_city_and_field_with_panels(app):
    result = bench_data(app, "--applications", str(ENOUGH), "--experts", "40")

    assert result.exit_code == 0, result.output
    assert f"{ENOUGH + 3} applications in {len(AppState)} states, {len(CITIES)} cities " \
           f"and {len(FIELDS)} technical fields of 7 calls" in result.output
    states = dict(db.session.execute(
        select(Application.state, func.count()).group_by(Application.state)).all())
    assert set(states) == {s.value for s in AppState}
    assert set(db.session.scalars(select(Application.region_code).distinct())) == set(CITIES)
    assert db.session.scalar(select(func.count(func.distinct(CallField.term_id))).join(
        Application, Application.field_id == CallField.id)) == len(FIELDS)
    scored = select(Application.id).where(Application.state.in_(SCORED))
    sheets_of_scored = db.session.scalar(select(func.count()).select_from(ScoreSheet).join(
        PanelSeat).where(PanelSeat.application_id.in_(scored)))
    assert sheets_of_scored == K * sum(states[s] for s in SCORED)
    assert db.session.scalar(select(func.count()).select_from(PanelResult).where(
        PanelResult.application_id.in_(scored), PanelResult.final_score.is_not(None),
        PanelResult.chair_confirmed_at.is_not(None))) == sum(states[s] for s in SCORED)


def test_the_printed_logins_log_in_and_their_desks_load(app):
    result = bench_data(app, "--applications", "60", "--experts", "10")
    password, emails = logins(result.output)

    assert sorted(emails) == sorted(ROLES)
    for role, email in emails.items():
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, role
        desk = client.get("/desk")
        assert desk.status_code == 200
        assert f'id="{role}-' in desk.get_data(as_text=True), role
        assert db.session.scalar(select(User).filter_by(email=email)).has_role(Role(role))


@pytest.mark.parametrize(("args", "message"), [
    (("--applications", "-5"), "-5 is not in the range x>=1"),
    (("--applications", "ten"), "'ten' is not a valid integer"),
    (("--experts", "6"), "6 is not in the range x>=7"),
    (("--experts", "-1"), "-1 is not in the range x>=7"),
])
def test_bad_numbers_are_refused_and_nothing_is_made(app, args, message):
    result = bench_data(app, *args)

    assert result.exit_code == 2
    assert message in result.output
    assert counts() == (0, 0)


def test_a_database_with_data_is_refused_unless_forced(app):
    factories.application(factories.call())
    db.session.commit()
    before = counts()

    refused = bench_data(app, "--applications", "20", "--experts", "10")

    assert refused.exit_code == 1
    assert f"holds data already ({before[0]} users, {before[1]} applications)" in refused.output
    assert "--force" in refused.output
    assert counts() == before

    forced = bench_data(app, "--applications", "20", "--experts", "10", "--force")
    again = bench_data(app, "--applications", "20", "--experts", "10", "--force")

    assert forced.exit_code == 0 and again.exit_code == 0, forced.output + again.output
    assert counts() == (before[0] + 10, before[1] + 46)
    assert logins(forced.output)[1]["officer"] == "officer@bench.centerflow.cn"
    assert logins(again.output)[1]["officer"] == "officer2@bench.centerflow.cn"
