"""`flask bench-data`: fill the configured database with a world of many applications
(workflow/demo/bench_data.py) to measure the pages with, and print what was made and whom
to log in as."""
import time

import click
import pyotp
from flask import current_app
from sqlalchemy import func, inspect, select
from werkzeug.security import generate_password_hash

from workflow.accounts.models.users import User
from workflow.accounts.operations import accounts, second_factor
from workflow.calls.models import CallField
from workflow.core import clock
from workflow.core.extensions import db
from workflow.demo import bench_data
from workflow.demo.bench_data import EMAIL_DOMAIN, K
from workflow.experts.models import Expert
from workflow.intake.models import Application
from workflow.review.models import PanelSeat, ScoreSheet

PASSWORD = "bench-pass-2024"
BATCH = 2000  # applications per insert and commit


@click.command("bench-data")
@click.option("--applications", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Applications to make, in every state, city and technical field.")
@click.option("--experts", type=click.IntRange(min=K + 2), default=2_120, show_default=True,
              help="Experts in the pool the panels are seated from.")
@click.option("--force", is_flag=True,
              help="Add to a database that holds data already (new calls and people).")
def bench_data_command(applications, experts, force):
    """Fill the configured database (DATABASE_URL) with APPLICATIONS applications, their
    panels, score sheets, announcements and notices, for measuring the pages; prints the
    logins to try. Refuses a database with data in it unless --force is given."""
    where = db.engine.url.render_as_string(hide_password=True)
    if not inspect(db.engine).has_table(Application.__tablename__):
        raise click.ClickException(f"{where} has no tables yet; create them first with "
                                   "`flask --app wsgi db upgrade`")
    users = db.session.scalar(select(func.count()).select_from(User))
    apps = db.session.scalar(select(func.count()).select_from(Application))
    if (users or apps) and not force:
        raise click.ClickException(
            f"{where} holds data already ({users} users, {apps} applications); bench-data "
            "fills an empty database. Give --force to add a world to it anyway.")
    started = time.perf_counter()
    world = bench_data.build(pool=experts, password_hash=generate_password_hash(PASSWORD),
                             tag=_free_tag())
    for done in range(0, applications, BATCH):
        bench_data.add(world, min(BATCH, applications - done))
    secrets = _second_factors(world)
    db.session.commit()
    _report(world, time.perf_counter() - started, where)
    _logins(world, secrets)


def _free_tag() -> str:
    """'' for the first world of a database, then '2', '3', ...: the emails stay unique."""
    n = 1
    while accounts.find_user_by_email(f"officer{n if n > 1 else ''}@{EMAIL_DOMAIN}"):
        n += 1
    return str(n) if n > 1 else ""


def _second_factors(world) -> dict[str, tuple[str, str]]:
    """The officer and the leader get the second factor the configuration requires of them:
    {email: (TOTP secret, a recovery code)}."""
    made = {}
    for person in (world.officer, world.leader):
        user = db.session.get(User, person.id)
        if second_factor.required_for(user):
            secret = second_factor.new_secret()
            codes = second_factor.enable(user, secret, pyotp.TOTP(secret).at(clock.now()))
            made[user.email] = (secret, codes[0])
    return made


def _report(world, seconds: float, where: str) -> None:
    ids = [ref.id for ref in world.calls.values()]
    mine = select(Application).where(Application.call_id.in_(ids)).subquery()
    states = dict(db.session.execute(
        select(mine.c.state, func.count()).group_by(mine.c.state)).all())
    cities = db.session.scalar(select(func.count(func.distinct(mine.c.region_code))))
    fields = db.session.scalar(select(func.count(func.distinct(CallField.term_id))).join(
        mine, CallField.id == mine.c.field_id))
    seats = db.session.scalar(select(func.count()).select_from(PanelSeat).join(
        mine, PanelSeat.application_id == mine.c.id))
    sheets = db.session.scalar(select(func.count()).select_from(ScoreSheet).join(
        PanelSeat, ScoreSheet.seat_id == PanelSeat.id).join(
        mine, PanelSeat.application_id == mine.c.id))
    experts = db.session.scalar(select(func.count()).select_from(Expert).where(
        Expert.id.in_(world.pool)))
    click.echo(f"made in {seconds:.1f} s in {where}:")
    click.echo(f"  {sum(states.values())} applications in {len(states)} states, "
               f"{cities} cities and {fields} technical fields of {len(ids)} calls")
    click.echo(f"  {experts} experts, {seats} panel seats, {sheets} score sheets")
    click.echo("  by state: " + ", ".join(f"{s} {n}" for s, n in sorted(states.items())))


def _logins(world, secrets: dict[str, tuple[str, str]]) -> None:
    base = current_app.config.get("PUBLIC_BASE_URL") or ""
    click.echo(f"log in at {base}/login with the password {PASSWORD} as:")
    for role, person in (("officer", world.officer), ("leader", world.leader),
                         ("recommender", world.recommender), ("expert", world.expert),
                         ("applicant", world.applicant)):
        click.echo(f"  {role:12} {person.email}")
    for email, (secret, recovery) in secrets.items():
        click.echo(f"  {email} also types a code of an authenticator app with the secret "
                   f"{secret}, or the recovery code {recovery} once")
