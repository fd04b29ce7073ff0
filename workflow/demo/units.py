"""What the demo's further programs share (communities, manufacturing centers, Liaoning):
registering and verifying units and bureaus, filling an application in its call's form,
and carrying a batch through expert review, publicity and its numbered notice, each step
through its service at a moment the clock is frozen at (as workflow.demo.seed does)."""
import io
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select

from workflow import tick
from workflow.accounts.models.users import User
from workflow.accounts.operations import accounts
from workflow.application_forms import schema
from workflow.application_forms.queries import form_of
from workflow.calls.models import PlatformType
from workflow.core import creditcode
from workflow.core.clock import LOCAL, freeze
from workflow.core.extensions import db
from workflow.core.regions import city_of
from workflow.core.states import Action
from workflow.demo import data, review
from workflow.demo.steps import act, licence_pdf, recommend, tiny_pdf, verify_body
from workflow.intake.models import Application
from workflow.intake.operations import attachments, intake
from workflow.lifecycle.transitions import transition
from workflow.notices.documents.specimen import specimen_seal
from workflow.notices.operations import drafts as notices
from workflow.notices.operations import issue as notice_issue
from workflow.notices.operations import numbers
from workflow.notices.settings import notice_settings_of
from workflow.organizations.models import Organization, OrgKind
from workflow.publicity.operations import publicity

# Who fills an application's sections: (section key, field) -> value.
Filler = Callable[[str, schema.FieldDef], object]


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL)


def email(name: str) -> str:
    return f"{name}@{data.DOMAIN}"


def credit_code(prefix: str, region: str, n: int) -> str:
    """A synthetic code; the bodies differ from those of workflow.demo.seed (n from 1000 on
    there would collide only for the same prefix, region and n)."""
    body = ("MA" if prefix == "91" else "0" + prefix[1]) + f"{n * 7919 % 1_000_000:06d}"
    return creditcode.make(prefix, region, body)


# The hard rules of the programs beyond technology innovation centers (no revenue or R&D
# thresholds: a government body or a university leads communities and laboratories).
BASIC_RULES = {"rules": [{"rule": "in_province", "hard": True},
                         {"rule": "legal_person", "hard": True},
                         {"rule": "good_credit", "hard": True}]}


def platform_type(code: str) -> PlatformType:
    return db.session.scalar(select(PlatformType).where(PlatformType.code == code))


def government_body(name: str, region: str, n: int, member_email: str, role, verifier,
                    when: datetime, *, person: str) -> User:
    """A bureau placed in `region` (a county's code for a county bureau) with one account
    of `role`, which uploads the body's certificate; `verifier` verifies it."""
    freeze(when)
    org = accounts.create_organization(name=name, credit_code=credit_code("11", region, n),
                                       region_code=region, kind=OrgKind.GOVERNMENT,
                                       legal_representative=person)
    user = accounts.create_user(email=email(member_email), name=person, roles=[role],
                                password=data.PASSWORD, organization=org)
    verify_body(when + timedelta(minutes=1), org, user, verifier)
    return user


def register_unit(name: str, code: str, kind: str, login: str, n: int, *, phone: str,
                  person: Callable[[int], str] = data.person) -> User:
    """A unit registering itself with its licence and first applicant account."""
    return accounts.register_organization(
        org_name=name, credit_code=code, region_code=None, kind=kind,
        independent_legal_person=True, legal_representative=person(n + 200),
        user_name=person(n), email=email(login), password=data.PASSWORD, phone=phone,
        licence=licence_pdf(code))


def file_application(call, lead: User, title: str, field_name: str, fill: Filler,
                     start: datetime) -> Application:
    """`lead` starts the application, fills every section of its form with `fill`, stores
    each required attachment and submits, over a few days from `start`."""
    freeze(start)
    field_id = next(f.id for f in call.fields if f.name == field_name)
    app = intake.start_application(call, title=title, field_id=field_id, actor=lead)
    freeze(start + timedelta(hours=3))
    for section in form_of(app).sections:
        values = {f.key: fill(section.key, f) for f in section.fields}
        intake.save_section(app, section.key, {f.key: values[f.key] for f in section.fields
                                               if schema.visible(f, values)}, actor=lead)
    freeze(start + timedelta(days=1, hours=2))
    for required in call.required_attachments:
        pdf = tiny_pdf(f"Centerflow demo: {required.code}, {lead.organization.credit_code}, "
                       f"{call.year}")
        attachments.store_attachment(app, kind=required.code, filename=f"{required.label}.pdf",
                                     stream=io.BytesIO(pdf), actor=lead)
    freeze(start + timedelta(days=2))
    transition(app, Action.SUBMIT, actor=lead)
    return app


def expert_review(call, apps: list[Application], officer: User, start: datetime,
                  totals: dict[int, float]) -> None:
    """Panels seated from the pool, accepted, scored around `totals[app.id]` and confirmed
    by their chairs, over about four weeks from `start`."""
    review.assign(call, officer, start)
    for n, app in enumerate(apps):
        review.accept_all(app, start + timedelta(days=1, hours=n))
    for app in apps:
        act(start + timedelta(days=5), app, Action.OPEN_REVIEW, officer)
    for n, app in enumerate(apps):
        review.score(app, review.level_totals(totals[app.id], n),
                     start + timedelta(days=8 + n % 5))
    for n, app in enumerate(apps):
        review.confirm(app, start + timedelta(days=20, minutes=n))


def announce_and_end(call, officer: User, published: datetime, ended: datetime) -> None:
    """The announcement, then `flask tick` after its period with no objection."""
    freeze(published)
    publicity.publish_announcement(call, actor=officer)
    freeze(ended)
    for app_id, action in tick.due_expiries():
        tick.apply_expiry(app_id, action)
    publicity.close_ended_periods()


def issue_batch_notice(call, officer: User, leader: User, office: str, first: int,
                       signed: datetime, texts: dict | None = None) -> str:
    """The call's numbered notice with its letters: numbers from `first` (the office
    numbered earlier documents outside the system), the specimen seal, the leader's
    signature, the officer's issue with every document stored; `texts` replace the default
    texts of the notice and letters. Returns the notice's number."""
    freeze(signed - timedelta(days=2))
    numbers.set_first_number(office, call.year, first, actor=officer)
    if texts:
        notices.save_settings(call, {**notice_settings_of(call).texts(), **texts},
                              actor=officer)
    notices.store_seal(call, stream=io.BytesIO(specimen_seal()), actor=officer)
    freeze(signed)
    notices.sign_notice(call, actor=leader)
    freeze(signed + timedelta(minutes=30))
    notice = notice_issue.issue_notice(call, actor=officer)
    while notice_issue.store_next_document(notice, actor=officer) is not None:
        pass
    notice_issue.finish_issue(notice, actor=officer)
    return notice.number.text


def org_named(name: str) -> Organization:
    return db.session.scalar(select(Organization).where(Organization.name == name))


def recommend_by_city(apps: list, recommenders: dict, first: datetime) -> None:
    """Each city's recommender recommends the applications of its city in their order, ranked
    1, 2, ..., one a day from `first`."""
    ranks: dict[str, int] = {}
    for n, app in enumerate(apps):
        city = city_of(app.region_code)
        ranks[city] = ranks.get(city, 0) + 1
        recommend(first + timedelta(days=n), app, ranks[city], recommenders[city])
