"""flask commands: create-user, stats, seed-demo, tick, lifecycle-doc, architecture-doc,
experts-import."""
import json
from pathlib import Path

import click
from flask import Flask, current_app

from workflow import tick
from workflow.accounts.operations import account_links
from workflow.accounts.operations.accounts import create_user, find_organization
from workflow.core import clock
from workflow.core.errors import ServiceError
from workflow.core.extensions import db
from workflow.core.states import Role
from workflow.demo import seed as demo
from workflow.demo.bench_command import bench_data_command
from workflow.experts.operations.pool import import_experts, read_expert_file
from workflow.jobs import tasks as jobs
from workflow.jobs.worker import worker_command
from workflow.lifecycle.doc import render
from workflow.lifecycle.permissions import SYSTEM
from workflow.notices.operations import issue as notice_issue
from workflow.statistics import queries as center_stats
from workflow.web.queries import lists as queries

LOGIN_ROLES = [r.value for r in Role if r != Role.SYSTEM]


@click.command("create-user")
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(LOGIN_ROLES),
              help="Role to give; repeat for several.")
@click.option("--name", default=None, help="Display name (default: the part before @).")
@click.option("--org", "credit_code", default=None, help="Credit code of the user's organization.")
@click.option("--language", type=click.Choice(["zh_CN", "en"]), default="zh_CN",
              show_default=True, help="Language of the invitation and of the user's mails.")
def create_user_command(email, roles, name, credit_code, language):
    """Create a user with one or more roles and mail them an invitation to set a password.

    The link is printed too, for the first officer of an installation without a mail server."""
    org = None
    if credit_code:
        org = find_organization(credit_code)
        if org is None:
            raise click.BadParameter(f"no verified organization has the credit code "
                                     f"{credit_code}", param_hint="--org")
    if Role.APPLICANT in roles and org is None:
        raise click.BadParameter("an applicant belongs to an organization", param_hint="--org")
    try:
        user = create_user(email=email, name=name or email.split("@")[0], roles=roles,
                           organization=org, locale=language)
        link = account_links.invite(user, actor=SYSTEM)
    except ServiceError as error:
        db.session.rollback()
        raise click.ClickException("; ".join(error.problems)) from error
    db.session.commit()
    click.echo(f"created user {user.email} with roles {', '.join(sorted(roles))}")
    click.echo(f"invitation mailed; the link works once, for "
               f"{current_app.config['INVITATION_DAYS']} days: {link}")


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats_command(as_json):
    """Per call: the number of applications by state, by city and by technical field; then
    the centers after their notice (workflow/statistics/queries.py summary())."""
    data = [queries.call_stats(call) for call in queries.all_calls()]
    if as_json:
        click.echo(json.dumps({"calls": data, "centers": center_stats.summary()},
                              ensure_ascii=False, indent=2))
        return
    for call in data:
        click.echo(f"{call['year']} {call['title']} ({call['state']}): {call['total']}")
        for group in ("by_state", "by_city", "by_field"):
            click.echo("  " + group + ": " + ", ".join(f"{k} {v}" for k, v in call[group].items()))
    click.echo("centers: " + ", ".join(
        f"{k} {v}" for k, v in center_stats.summary()["by_status"].items()))


@click.command("seed-demo")
def seed_demo_command():
    """Load the demo once (Shandong's, or Liaoning's when CENTERFLOW_PROVINCE=210000);
    running it again changes nothing."""
    created = demo.seed()
    db.session.commit()
    click.echo("demo loaded" if created else "demo already present; nothing changed")
    for email, password, roles in demo.logins():
        click.echo(f"  {email:38} {password:16} {roles}")
    secrets = demo.department_secrets()
    if secrets:
        click.echo("The department accounts also type a code from an authenticator app (TOTP). "
                   "Add the secret to the app, or print the current code with "
                   "`.venv/bin/flask --app wsgi demo-code EMAIL`:")
        for email, secret in secrets:
            click.echo(f"  {email:38} {secret}")


@click.command("demo-code")
@click.argument("email")
def demo_code_command(email):
    """Print the current second-factor code of a demo department account (not in production)."""
    import pyotp
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("demo-code is for trying the demo; it is off in production")
    secret = dict(demo.department_secrets()).get(email.strip().lower())
    if secret is None:
        raise click.ClickException(f"{email} is not a department account of the demo")
    click.echo(pyotp.TOTP(secret).at(clock.now()))


@click.command("tick")
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
def tick_command(as_json):
    """Apply what time has made due: expiries, ends of announcement periods, reminders,
    daily digests, waiting mails. Safe to run twice or concurrently. Cron, every 10 minutes:
    */10 * * * * cd /srv/centerflow && .venv/bin/flask --app wsgi tick"""
    done = tick.run()
    click.echo(json.dumps(done) if as_json else
               ", ".join(f"{k}: {v}" for k, v in done.items()))


@click.command("lifecycle-doc")
def lifecycle_doc_command():
    """Print docs/lifecycle.md, generated from the transition table."""
    click.echo(render(), nl=False)


@click.command("architecture-doc")
def architecture_doc_command():
    """Print docs/architecture.md with its diagram generated from the imports of the code."""
    from workflow.architecture_doc import render

    click.echo(render(), nl=False)


@click.command("experts-import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def experts_import_command(path):
    """Import experts from an .xlsx or UTF-8 .csv file, all or nothing; prints every bad row."""
    file = Path(path)
    try:
        experts = import_experts(read_expert_file(file.name, file.read_bytes()), actor=SYSTEM)
    except ServiceError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(problem, err=True)
        raise click.ClickException(f"nothing imported from {file.name}") from error
    db.session.commit()
    click.echo(f"imported {len(experts)} experts from {file.name}")


@click.group("notices")
def notices_group():
    """Approval notices: finish an interrupted issue, export every issued PDF."""


@notices_group.command("resume")
@click.option("--call", "call_id", type=int, required=True, help="Id of the call.")
def notices_resume_command(call_id):
    """Store the documents an interrupted issue left and approve the applications, as the
    officer who issued the notice; safe to run again."""
    try:
        notice = notice_issue.notice_to_resume(call_id)
        done = jobs.issue_documents(notice.id)  # the background job's work, run here
    except ServiceError as error:
        db.session.rollback()
        raise click.ClickException("; ".join(error.problems)) from error
    click.echo(f"{notice.number.text}: {done['stored']} of {done['total']} documents stored, "
               f"{done['state']}")


@notices_group.command("export")
@click.option("--out", "out", required=True, help="Folder to write the PDFs into.")
def notices_export_command(out):
    """Write every issued notice, letter and decision document into a folder, named by
    their numbers."""
    try:
        written = notice_issue.export_documents(Path(out))
    except ServiceError as error:
        raise click.ClickException("; ".join(error.problems)) from error
    click.echo(f"wrote {len(written)} PDFs into {out}")


def register(app: Flask) -> None:
    for command in (create_user_command, stats_command, seed_demo_command, demo_code_command,
                    tick_command,
                    lifecycle_doc_command, architecture_doc_command, experts_import_command,
                    notices_group, worker_command,
                    bench_data_command):
        app.cli.add_command(command)


