"""Every (URL, role) -> status over all routes of the app; tampering with another
organization's ids is refused without leaking or changing anything; the detail page offers
exactly the buttons can() allows."""
import re
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.access_cases import (
    CASES,
    NEW_PARTNER,
    ROLES,
    feature_routes,
    notice_ids,
    pdf_upload,
)
from workflow.accounts.models.credentials import LoginThrottle
from workflow.accounts.models.users import User, UserRole
from workflow.calendar import operations as calendar
from workflow.calendar.models import CalendarDay
from workflow.calls.models import Call, PlatformType
from workflow.core.extensions import db
from workflow.core.models import AuditEntry
from workflow.core.states import Action, AppState, CallState, Role
from workflow.formal_review.models import FormalReview
from workflow.inbox import notifications
from workflow.inbox.models import Notification, OutboxMail
from workflow.intake.models import Application
from workflow.intake.operations import intake
from workflow.lifecycle.permissions import available_actions
from workflow.organizations.models import Licence, Organization
from workflow.publicity.models import Objection
from workflow.publicity.operations import publicity
from workflow.recommendation.models import Recommendation

S = AppState
PUBLIC = {"auth.login", "auth.logout", "auth.register", "auth.set_language", "public.index",
          "auth.second_factor_step", "auth.enrol_step", "auth.reset_request", "auth.activate",
          "auth.reset",
          "public.call_detail", "public_publicity.index", "public_publicity.detail",
          "public_publicity.document", "public_publicity.file_objection",
          "verify.lookup", "verify.document"}
TITLE, LEAD_NAME = "山东省海光激光技术创新中心", "青岛海光激光股份有限公司"


@dataclass
class World:
    users: dict
    ids: dict
    app: Application | None


def build(state: AppState | None) -> World:
    """An open and a planned call; the roles; an application of the Qingdao lead unit in
    `state` with a Jinan university as co-builder (confirmed once filed); a notification and
    its mail for the lead; an officer's calendar entry; the business licences of the lead
    unit and of the unverified one, which waits for its verification. Committed."""
    officer = factories.officer()
    call = factories.call(actor=officer)
    planned = factories.call(CallState.PLANNED, actor=officer)
    lead = factories.user(Role.APPLICANT, organization=factories.org(factories.QINGDAO, LEAD_NAME))
    partner = factories.user(Role.APPLICANT, organization=factories.org(
        factories.JINAN, "山东测试大学", "university"))
    users = {"lead": lead, "cobuilder": partner,
             "other_org": factories.applicant(factories.QINGDAO),
             "unverified": factories.user(Role.APPLICANT, organization=factories.org(
                 factories.QINGDAO, status="unverified")),
             "rec_jinan": factories.recommender(factories.JINAN),
             "rec_qingdao": factories.recommender(factories.QINGDAO),
             "officer": officer, "leader": factories.leader()}
    notifications.notify([lead], kind="test", compose=lambda user: ("测试通知", "测试"))
    calendar.set_day(date(2027, 10, 9), is_workday=True, note="调休", actor=officer)
    pending = users["unverified"].organization
    licences = (factories.licence(pending, users["unverified"]),
                factories.licence(lead.organization, lead))
    ids = {"call": call.id, "planned": planned.id, "field": call.fields[0].id,
           "term": call.fields[0].term_id, "industry": factories.term("新一代信息技术").id,
           "platform": db.session.scalar(select(PlatformType.id).limit(1)),
           "note": db.session.scalar(select(Notification.id).where(Notification.kind == "test")),
           "mail": db.session.scalar(select(OutboxMail.id)), "day": "2027-10-09",
           "lead_user": lead.id, "pending_org": pending.id, "pending_code": pending.credit_code,
           "lead_org": lead.organization_id, "licence": licences[0].id,
           "lead_licence": licences[1].id}
    app = None
    if state is not None:
        app = factories.application(call, lead, complete=state != S.DRAFT)
        intake.update_basics(app, title=TITLE, field_id=call.fields[0].id, actor=lead)
        cob = intake.add_cobuilder(app, credit_code=partner.organization.credit_code, name="",
                                   division="联合研发", actor=lead)
        if state != S.DRAFT:
            intake.confirm_cobuilding(app, actor=partner)
        factories.drive(app, state, lead=lead)
        ids.update(app=app.id, cob=cob.id,
                   att=app.current_attachments()[0].id if app.attachments else 0)
    ids.update(announcement_ids(app), **notice_ids(app))
    db.session.commit()
    return World(users, ids, app)


def announcement_ids(app: Application | None) -> dict:
    """The announcement listing `app`, its entry and the objection against it (0: none)."""
    entry = app and publicity.entry_of(app)
    objection = entry and db.session.scalar(select(Objection.id).where(
        Objection.entry_id == entry.id))
    return {"publicity": entry.publicity_id if entry else 0, "entry": entry.id if entry else 0,
            "objection": objection or 0}


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def fingerprint(world: World) -> tuple:
    """What a request could change: audit rows, calls and their settings, applications, the
    parts of the application under test, findings, recommendations, reads, calendar days,
    organizations' registrations and their licences."""
    db.session.expire_all()
    rows = (count(AuditEntry), count(Recommendation), count(CalendarDay),
            count(Notification, Notification.read_at.is_not(None)),
            sorted(str(f) for f in db.session.scalars(select(FormalReview.findings))),
            count(Licence), db.session.execute(select(
                Organization.id, Organization.status, Organization.name,
                Organization.credit_code).order_by(Organization.id)).all())
    calls = [(c.id, c.state, str(c.eligibility), c.recommend_deadline, c.correction_workdays,
              c.correction_rounds) for c in db.session.scalars(select(Call).order_by(Call.id))]
    apps = db.session.scalar(select(func.count()).select_from(Application))
    app = db.session.get(Application, world.app.id) if world.app else None
    mine = app and (app.state, app.title, app.field_id, app.version_count,
                    sorted((s.key, str(s.data)) for s in app.sections),
                    [(c.credit_code, c.confirmed_at) for c in app.cobuilders],
                    [(a.id, a.replaced_at) for a in app.attachments])
    return rows, calls, apps, mine


def kept_world(kept, state: AppState | None) -> World:
    """build(state), or the rows an earlier test built for the same state (conftest's `kept`)
    while what a request could change is as built, no address is locked and no mail was
    queued since, and the users are as they were."""
    def built() -> dict:
        world = build(state)
        return {"users": {who: user.id for who, user in world.users.items()}, "ids": world.ids,
                "as_built": as_built(world)}

    def as_built(world) -> tuple:
        return (fingerprint(world), count(OutboxMail), db.session.execute(select(
                    User.id, User.email, User.active, User.password_hash, User.organization_id)
                    .order_by(User.id)).all(),
                sorted(db.session.execute(select(UserRole.user_id, UserRole.role)).all()),
                count(LoginThrottle, LoginThrottle.failures > 0),
                count(LoginThrottle, LoginThrottle.locked_until.is_not(None)))

    def loaded(value) -> World:
        ids = dict(value["ids"])
        return World({who: db.session.get(User, id_) for who, id_ in value["users"].items()},
                     ids, db.session.get(Application, ids["app"]) if state is not None else None)

    return loaded(kept(("views_access", state), built,
                       lambda value: as_built(loaded(value)) == value["as_built"]))


def client_for(flask_app, world: World, who: str):
    client = flask_app.test_client()
    if who != "anonymous":
        response = client.post("/login", data={"email": world.users[who].email,
                                               "password": factories.PASSWORD})
        assert response.status_code == 302, f"login of {who} failed"
    return client




def test_every_route_has_a_case(app):
    """Here, or in the (URL, role) table of a feature after the approval notice, which keeps
    its own table and world beside its tests: `tests/<feature>/access.py` with `ROUTES`."""
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint != "static" for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert {(c.endpoint, c.method) for c in CASES} | feature_routes() == routes


# Cases of the same state one after the other, so that they share the world they read.
@pytest.mark.parametrize("case", sorted(CASES, key=lambda c: str(c.state or "")),
                         ids=lambda c: f"{c.method}-{c.path}" + (f"-{c.state}" if c.state else ""))
def test_route_answers_each_role(app, case, kept):
    got, world = {}, None
    for who in ROLES:
        if world is None:  # the first role, or the one before changed something
            world = kept_world(kept, case.state)
            before = fingerprint(world)
        data = case.data(world.ids) if case.data else None
        response = client_for(app, world, who).open(case.path.format(**world.ids),
                                                    method=case.method, data=data)
        got[who] = response.status_code
        refused = response.status_code in (403, 404)
        if who == "anonymous" and case.endpoint not in PUBLIC:
            assert response.location.startswith("/login"), case.path
            refused = True
        after = fingerprint(world)
        assert not refused or after == before, f"a refused {who} changed data"
        if after != before:
            world = None
    assert got == case.expected()


def tampering_requests():
    yield "GET", "/applications/{app}", None
    yield "GET", "/applications/{app}/basics", None
    yield "POST", "/applications/{app}/basics", {"title": "篡改", "field_id": "{field}"}
    yield "GET", "/applications/{app}/sections/basic", None
    yield "POST", "/applications/{app}/sections/basic", {"project_head": "篡改"}
    yield "POST", "/applications/{app}/cobuilders", {"credit_code": NEW_PARTNER, "name": "篡改"}
    yield "POST", "/applications/{app}/cobuilders/{cob}/remove", None
    yield "POST", "/applications/{app}/attachments", "upload"
    yield "POST", "/applications/{app}/confirm", None
    for action in Action:
        yield "POST", f"/applications/{{app}}/actions/{action}", {"comment": "篡改"}
    yield "GET", "/attachments/{att}", None
    yield "GET", "/applications/{app}/versions/1", None
    yield "GET", "/applications/{app}/versions/99", None
    yield "POST", "/recommender/applications/{app}/recommend", {"rank": "1", "opinion": "篡改"}
    yield "GET", "/officer/applications/{app}/checklist", None
    yield "POST", "/officer/applications/{app}/checklist", {"ok_basic_info": "ok"}
    yield "POST", "/officer/applications/{app}/checklist/pass_formal_review", None
    yield "POST", "/officer/applications/{app}/checklist/correction", {"working_days": "5"}
    yield "GET", "/verification/{lead_org}", None
    yield "POST", "/verification/{lead_org}/verify", {"licence_id": "{lead_licence}"}
    yield "POST", "/verification/{lead_org}/reject", {"licence_id": "{lead_licence}",
                                                     "reason": "篡改"}
    yield "GET", "/licences/{lead_licence}", None
    yield "GET", "/licences/{lead_licence}/download", None
    yield "GET", "/notifications/{note}/open", None
    yield "POST", "/notifications/{note}/read", None


TAMPERING = list(tampering_requests())


@pytest.mark.parametrize("who", ["other_org", "unverified"])
@pytest.mark.parametrize(("method", "path", "data"), TAMPERING,
                         ids=[f"{method}-{path}" for method, path, _ in TAMPERING])
def test_other_organization_is_refused_and_learns_nothing(app, kept, method, path, data, who):
    """A verified unit and a unit waiting for its verification, each with the other unit's
    ids: the application, its parts and files, the lead unit's registration and licence."""
    world = kept_world(kept, S.RETURNED)  # editable, filed once: every kind of object exists
    before = fingerprint(world)
    if data == "upload":
        data = pdf_upload(world.ids)
    elif data:
        data = {k: v.format(**world.ids) for k, v in data.items()}
    response = client_for(app, world, who).open(path.format(**world.ids),
                                                method=method, data=data)
    assert response.status_code in (403, 404)  # 404: an action the generic route never takes
    body = response.get_data(as_text=True)
    assert TITLE not in body and LEAD_NAME not in body
    assert b"%PDF" not in response.data
    assert fingerprint(world) == before


@pytest.mark.parametrize("path", ["/applications/999999", "/applications/999999/basics",
                                  "/attachments/999999", "/applications/{app}/versions/99"])
def test_nonexistent_ids_are_404(app, path):
    world = build(S.SUBMITTED)
    client = client_for(app, world, "lead")
    assert client.get(path.format(**world.ids)).status_code == 404
    assert client.post("/applications/999999/actions/withdraw").status_code == 404


def test_lead_cannot_remove_another_applications_cobuilder_through_its_own(app, login_as):
    theirs = build(S.DRAFT)
    mine = build(S.DRAFT)
    before = fingerprint(theirs)
    response = login_as(mine.users["lead"]).post(
        f"/applications/{mine.ids['app']}/cobuilders/{theirs.ids['cob']}/remove")
    assert response.status_code == 302
    assert fingerprint(theirs) == before


def rendered_actions(html: str) -> set[str]:
    return set(re.findall(r'data-action="([a-z_]+)"', html))


@pytest.mark.parametrize(("state", "who", "buttons"), [
    (S.DRAFT, "lead", {"submit"}),
    (S.DRAFT, "cobuilder", set()),
    (S.DRAFT, "officer", set()),
    (S.SUBMITTED, "lead", {"withdraw"}),
    (S.SUBMITTED, "cobuilder", set()),
    (S.SUBMITTED, "rec_qingdao", {"return", "recommend", "decline"}),
    (S.SUBMITTED, "officer", set()),
    (S.SUBMITTED, "leader", set()),
    (S.RETURNED, "lead", {"resubmit"}),
    (S.RECOMMENDED, "lead", set()),
    (S.RECOMMENDED, "rec_qingdao", set()),
    (S.RECOMMENDED, "officer", {"request_correction", "pass_formal_review",
                                "fail_formal_review"}),
    (S.CORRECTION_REQUESTED, "lead", {"resubmit_correction"}),
    (S.REVIEWED, "officer", {"record_defense", "record_site_visit"}),
    (S.REVIEWED, "leader", {"shortlist", "not_select"}),
    (S.PROPOSED, "leader", {"reconsider_selection"}),
    (S.NOT_SELECTED, "leader", {"reconsider_selection"}),
    (S.NOT_SELECTED, "officer", set()),
    (S.OBJECTION_REVIEW, "leader", {"dismiss_objection", "uphold_objection"}),
])
def test_detail_page_renders_exactly_the_allowed_buttons(app, state, who, buttons):
    world = build(state)
    html = client_for(app, world, who).get(f"/applications/{world.ids['app']}").get_data(
        as_text=True)
    assert rendered_actions(html) == buttons
    assert {str(a) for a in available_actions(world.app, world.users[who])} == buttons
    app_id = world.ids["app"]
    own_form = {"recommend": f'action="/recommender/applications/{app_id}/recommend"',
                "request_correction": f'href="/officer/applications/{app_id}/checklist"'}
    for action in buttons:
        assert own_form.get(action, f'action="/applications/{app_id}/actions/{action}"') in html


@pytest.mark.parametrize(("state", "who", "edits", "confirms"), [
    (S.DRAFT, "lead", True, False),
    (S.DRAFT, "cobuilder", False, True),
    (S.DRAFT, "officer", False, False),
    (S.SUBMITTED, "lead", False, False),
])
def test_detail_page_offers_editing_and_confirming_only_when_allowed(app, state, who, edits,
                                                                     confirms):
    world = build(state)
    html = client_for(app, world, who).get(f"/applications/{world.ids['app']}").get_data(
        as_text=True)
    app_id = world.ids["app"]
    assert (f"/applications/{app_id}/sections/" in html) is edits
    assert (f"/applications/{app_id}/basics" in html) is edits
    assert (f"/applications/{app_id}/attachments" in html) is edits
    assert (f"/applications/{app_id}/cobuilders" in html) is edits
    assert (f"/applications/{app_id}/confirm" in html) is confirms
