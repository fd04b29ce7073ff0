"""Every (URL, role) -> status over all routes of the app; tampering with another
organization's ids is refused without leaking or changing anything; the detail page offers
exactly the buttons can() allows."""
import io
import re
from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlalchemy import func, select

from tests import factories
from workflow.extensions import db
from workflow.models import (
    Application,
    AuditEntry,
    CalendarDay,
    Call,
    FormalReview,
    Notification,
    OutboxMail,
    PlatformType,
    Recommendation,
)
from workflow.permissions import available_actions
from workflow.services import calendar, intake, notifications
from workflow.states import Action, AppState, CallState, Role

S = AppState
ROLES = ("anonymous", "lead", "cobuilder", "other_org", "rec_jinan", "rec_qingdao", "officer",
         "leader")
PUBLIC = {"auth.login", "auth.register", "auth.set_language", "public.index",
          "public.call_detail"}
TITLE, LEAD_NAME = "山东省海光激光技术创新中心", "青岛海光激光股份有限公司"
NEW_PARTNER = factories.credit_code(factories.JINAN)


@dataclass
class World:
    users: dict
    ids: dict
    app: Application | None


def build(state: AppState | None) -> World:
    """An open and a planned call; the roles; an application of the Qingdao lead unit in
    `state` with a Jinan university as co-builder (confirmed once filed); a notification and
    its mail for the lead; an officer's calendar entry. Committed."""
    officer = factories.officer()
    call = factories.call(actor=officer)
    planned = factories.call(CallState.PLANNED, actor=officer)
    lead = factories.user(Role.APPLICANT, organization=factories.org(factories.QINGDAO, LEAD_NAME))
    partner = factories.user(Role.APPLICANT, organization=factories.org(
        factories.JINAN, "山东测试大学", "university"))
    users = {"lead": lead, "cobuilder": partner,
             "other_org": factories.applicant(factories.QINGDAO),
             "rec_jinan": factories.recommender(factories.JINAN),
             "rec_qingdao": factories.recommender(factories.QINGDAO),
             "officer": officer, "leader": factories.leader()}
    notifications.notify([lead], kind="test", subject="测试通知", body="测试")
    calendar.set_day(date(2027, 10, 9), is_workday=True, note="调休", actor=officer)
    ids = {"call": call.id, "planned": planned.id, "field": call.fields[0].id,
           "platform": db.session.scalar(select(PlatformType.id).limit(1)),
           "note": db.session.scalar(select(Notification.id)),
           "mail": db.session.scalar(select(OutboxMail.id)), "day": "2027-10-09"}
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
    db.session.commit()
    return World(users, ids, app)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def fingerprint(world: World) -> tuple:
    """What a request could change: audit rows, calls and their settings, applications, the
    parts of the application under test, findings, recommendations, reads, calendar days."""
    db.session.expire_all()
    rows = (count(AuditEntry), count(Recommendation), count(CalendarDay),
            count(Notification, Notification.read_at.is_not(None)),
            sorted(str(f) for f in db.session.scalars(select(FormalReview.findings))))
    calls = [(c.id, c.state, str(c.eligibility), c.recommend_deadline, c.correction_workdays,
              c.correction_rounds) for c in db.session.scalars(select(Call).order_by(Call.id))]
    apps = db.session.scalar(select(func.count()).select_from(Application))
    app = db.session.get(Application, world.app.id) if world.app else None
    mine = app and (app.state, app.title, app.field_id, app.version_count,
                    sorted((s.key, str(s.data)) for s in app.sections),
                    [(c.credit_code, c.confirmed_at) for c in app.cobuilders],
                    [(a.id, a.replaced_at) for a in app.attachments])
    return rows, calls, apps, mine


def client_for(flask_app, world: World, who: str):
    client = flask_app.test_client()
    if who != "anonymous":
        response = client.post("/login", data={"email": world.users[who].email,
                                               "password": factories.PASSWORD})
        assert response.status_code == 302, f"login of {who} failed"
    return client


def pdf_upload(ids):
    return {"kind": "licence", "file": (io.BytesIO(factories.PDF), "营业执照.pdf")}


def call_form(ids):
    return {"platform_type_id": ids["platform"], "year": 2027, "title": "2027年度技术创新中心",
            "opens_at": "2027-03-01T09:00", "closes_at": "2027-04-30T17:00", "quota": 30,
            "recommender_quota": 5, "fields": "工业软件", "attachments": "licence: 营业执照",
            "recommend_deadline": "2027-05-31T17:00", "correction_workdays": 5,
            "correction_rounds": 1}


@dataclass
class Case:
    endpoint: str
    method: str
    path: str
    state: AppState | None
    statuses: str  # in the order of ROLES
    data: object = field(default=None)

    def expected(self) -> dict:
        return dict(zip(ROLES, map(int, self.statuses.split()), strict=True))


C = Case
CASES = [
    # statuses for: anonymous lead cobuilder other_org rec_jinan rec_qingdao officer leader
    C("auth.login", "GET", "/login", None, "200 200 200 200 200 200 200 200"),
    C("auth.login", "POST", "/login", None, "200 200 200 200 200 200 200 200",
      lambda ids: {"email": "nobody@example.test", "password": "wrong-password"}),
    C("auth.logout", "POST", "/logout", None, "302 302 302 302 302 302 302 302"),
    C("auth.register", "GET", "/register", None, "200 200 200 200 200 200 200 200"),
    C("auth.register", "POST", "/register", None, "200 200 200 200 200 200 200 200",
      lambda ids: {"org_name": ""}),
    C("auth.set_language", "POST", "/language/en", None, "302 302 302 302 302 302 302 302"),
    C("public.index", "GET", "/", None, "200 200 200 200 200 200 200 200"),
    C("public.call_detail", "GET", "/calls/{call}", None, "200 200 200 200 200 200 200 200"),
    C("public.call_detail", "GET", "/calls/{planned}", None, "404 404 404 404 404 404 200 404"),
    C("applicant.home", "GET", "/my", None, "302 200 200 200 403 403 403 403"),
    C("applicant.start", "GET", "/calls/{call}/apply", None, "302 200 200 200 403 403 403 403"),
    C("applicant.start", "POST", "/calls/{call}/apply", None, "302 302 302 302 403 403 403 403",
      lambda ids: {"title": "山东省新申报技术创新中心", "field_id": ids["field"]}),
    C("applicant.edit_basics", "GET", "/applications/{app}/basics", S.DRAFT,
      "302 200 403 403 403 403 403 403"),
    C("applicant.edit_basics", "POST", "/applications/{app}/basics", S.DRAFT,
      "302 302 403 403 403 403 403 403", lambda ids: {"title": "新名称", "field_id": ids["field"]}),
    C("applicant.edit_basics", "GET", "/applications/{app}/basics", S.SUBMITTED,
      "302 403 403 403 403 403 403 403"),
    C("applicant.edit_section", "GET", "/applications/{app}/sections/basic", S.DRAFT,
      "302 200 403 403 403 403 403 403"),
    C("applicant.edit_section", "GET", "/applications/{app}/sections/nosuch", S.DRAFT,
      "302 404 404 404 404 404 404 404"),
    # While corrections are requested, only the listed parts (here section 1) can change.
    C("applicant.edit_section", "GET", "/applications/{app}/sections/basic",
      S.CORRECTION_REQUESTED, "302 200 403 403 403 403 403 403"),
    C("applicant.edit_section", "GET", "/applications/{app}/sections/budget",
      S.CORRECTION_REQUESTED, "302 403 403 403 403 403 403 403"),
    C("applicant.edit_basics", "GET", "/applications/{app}/basics", S.CORRECTION_REQUESTED,
      "302 200 403 403 403 403 403 403"),
    C("applicant.edit_section", "POST", "/applications/{app}/sections/basic", S.DRAFT,
      "302 302 403 403 403 403 403 403", lambda ids: {"project_head": "王五"}),
    C("applicant.add_cobuilder", "POST", "/applications/{app}/cobuilders", S.DRAFT,
      "302 302 403 403 403 403 403 403",
      lambda ids: {"credit_code": NEW_PARTNER, "name": "山东测试研究院", "division": "测试"}),
    C("applicant.remove_cobuilder", "POST", "/applications/{app}/cobuilders/{cob}/remove",
      S.DRAFT, "302 302 403 403 403 403 403 403"),
    C("applicant.confirm_cobuilding", "POST", "/applications/{app}/confirm", S.DRAFT,
      "302 403 302 403 403 403 403 403"),
    C("applicant.upload_attachment", "POST", "/applications/{app}/attachments", S.DRAFT,
      "302 302 403 403 403 403 403 403", pdf_upload),
    C("applicant.upload_attachment", "POST", "/applications/{app}/attachments",
      S.CORRECTION_REQUESTED, "302 403 403 403 403 403 403 403", pdf_upload),
    C("applicant.add_cobuilder", "POST", "/applications/{app}/cobuilders",
      S.CORRECTION_REQUESTED, "302 403 403 403 403 403 403 403",
      lambda ids: {"credit_code": NEW_PARTNER, "name": "山东测试研究院", "division": "测试"}),
    C("applications.detail", "GET", "/applications/{app}", S.DRAFT,
      "302 200 200 403 403 403 200 403"),
    C("applications.detail", "GET", "/applications/{app}", S.SUBMITTED,
      "302 200 200 403 403 200 200 200"),
    C("applications.act", "POST", "/applications/{app}/actions/submit", S.DRAFT,
      "302 302 403 403 403 403 403 403"),
    C("applications.act", "POST", "/applications/{app}/actions/withdraw", S.SUBMITTED,
      "302 302 403 403 403 403 403 403"),
    # Recommending and requesting corrections have their own forms and routes.
    C("applications.act", "POST", "/applications/{app}/actions/recommend", S.SUBMITTED,
      "302 404 404 404 404 404 404 404", lambda ids: {"comment": "同意推荐"}),
    C("applications.act", "POST", "/applications/{app}/actions/request_correction",
      S.RECOMMENDED, "302 404 404 404 404 404 404 404", lambda ids: {"comment": "补正"}),
    C("applications.act", "POST", "/applications/{app}/actions/fail_formal_review",
      S.RECOMMENDED, "302 403 403 403 403 403 302 403", lambda ids: {"comment": "不符合"}),
    C("applications.act", "POST", "/applications/{app}/actions/nosuch", S.SUBMITTED,
      "302 404 404 404 404 404 404 404"),
    C("applications.version", "GET", "/applications/{app}/versions/1", S.SUBMITTED,
      "302 200 200 403 403 200 200 200"),
    C("applications.version", "GET", "/applications/{app}/versions/2", S.SUBMITTED,
      "302 404 404 403 403 404 404 404"),
    C("applications.download", "GET", "/attachments/{att}", S.SUBMITTED,
      "302 200 200 403 403 200 200 200"),
    C("officer.call_list", "GET", "/officer/calls", None, "302 403 403 403 403 403 200 403"),
    C("officer.call_new", "GET", "/officer/calls/new", None, "302 403 403 403 403 403 200 403"),
    C("officer.call_new", "POST", "/officer/calls/new", None, "302 403 403 403 403 403 302 403",
      call_form),
    C("officer.call_advance", "POST", "/officer/calls/{call}/advance/closed", None,
      "302 403 403 403 403 403 302 403"),
    C("officer.call_applications", "GET", "/officer/calls/{call}", None,
      "302 403 403 403 403 403 200 403"),
    C("recommender.index", "GET", "/recommender", None, "302 403 403 403 200 200 403 403"),
    C("recommender.queue", "GET", "/recommender/calls/{call}", S.SUBMITTED,
      "302 403 403 403 200 200 403 403"),
    C("recommender.queue", "GET", "/recommender/calls/{planned}", None,
      "302 403 403 403 404 404 403 403"),
    C("recommender.sheet", "GET", "/recommender/calls/{call}/sheet.xlsx", S.RECOMMENDED,
      "302 403 403 403 200 200 403 403"),
    C("recommender.sheet", "GET", "/recommender/calls/{call}/sheet.pdf", None,
      "302 403 403 403 200 200 403 403"),
    C("recommender.sheet", "GET", "/recommender/calls/{planned}/sheet.xlsx", None,
      "302 403 403 403 404 404 403 403"),
    C("recommender.recommend", "POST", "/recommender/applications/{app}/recommend",
      S.SUBMITTED, "302 403 403 403 403 302 403 403",
      lambda ids: {"rank": "1", "opinion": "同意推荐"}),
    C("recommender.recommend", "POST", "/recommender/applications/{app}/recommend", S.DRAFT,
      "302 403 403 403 403 403 403 403", lambda ids: {"rank": "1", "opinion": "同意推荐"}),
    C("formal_review.queue", "GET", "/officer/calls/{call}/formal-review", S.RECOMMENDED,
      "302 403 403 403 403 403 200 403"),
    C("formal_review.checklist_page", "GET", "/officer/applications/{app}/checklist",
      S.RECOMMENDED, "302 403 403 403 403 403 200 403"),
    C("formal_review.save_checklist", "POST", "/officer/applications/{app}/checklist",
      S.RECOMMENDED, "302 403 403 403 403 403 302 403", lambda ids: {"ok_basic_info": "ok"}),
    C("formal_review.save_checklist", "POST", "/officer/applications/{app}/checklist",
      S.CORRECTION_REQUESTED, "302 403 403 403 403 403 403 403",
      lambda ids: {"ok_basic_info": "ok"}),
    C("formal_review.decide", "POST",
      "/officer/applications/{app}/checklist/fail_formal_review", S.RECOMMENDED,
      "302 403 403 403 403 403 302 403", lambda ids: {"comment": "材料不全"}),
    C("formal_review.decide", "POST",
      "/officer/applications/{app}/checklist/pass_formal_review", S.RECOMMENDED,
      "302 403 403 403 403 403 422 403"),
    C("formal_review.request_correction", "POST",
      "/officer/applications/{app}/checklist/correction", S.RECOMMENDED,
      "302 403 403 403 403 403 422 403", lambda ids: {"working_days": "5"}),
    C("call_settings.edit", "GET", "/officer/calls/{call}/eligibility", None,
      "302 403 403 403 403 403 200 403"),
    C("call_settings.save_rules", "POST", "/officer/calls/{call}/eligibility", None,
      "302 403 403 403 403 403 302 403",
      lambda ids: {"enabled_in_province": "y", "hard_in_province": "y"}),
    C("call_settings.save_checklist", "POST", "/officer/calls/{call}/checklist", None,
      "302 403 403 403 403 403 302 403",
      lambda ids: {"items": "budget | 经费预算合理 | section:budget"}),
    C("call_settings.save_settings", "POST", "/officer/calls/{call}/settings", None,
      "302 403 403 403 403 403 302 403",
      lambda ids: {"correction_workdays": "7", "correction_rounds": "2"}),
    C("calendar.month_view", "GET", "/officer/calendar?year=2027&month=10", None,
      "302 403 403 403 403 403 200 403"),
    C("calendar.set_day", "POST", "/officer/calendar/days", None,
      "302 403 403 403 403 403 302 403",
      lambda ids: {"day": "2027-10-01", "kind": "holiday", "note": "国庆节"}),
    C("calendar.remove_day", "POST", "/officer/calendar/days/{day}/remove", None,
      "302 403 403 403 403 403 302 403"),
    # Expert panels (issue 4): the officer's; the expert's pages refuse every role here.
    C("panels.index", "GET", "/officer/panels", None, "302 403 403 403 403 403 200 403"),
    C("panels.call_panels", "GET", "/officer/calls/{call}/panels", S.FORMAL_PASSED,
      "302 403 403 403 403 403 200 403"),
    C("panels.run_optimal", "POST", "/officer/calls/{call}/panels/optimal", S.FORMAL_PASSED,
      "302 403 403 403 403 403 302 403"),
    C("panels.run_draw", "POST", "/officer/calls/{call}/panels/draw", S.FORMAL_PASSED,
      "302 403 403 403 403 403 302 403", lambda ids: {"seed": "7"}),
    C("panels.compute_exclusions", "POST", "/officer/calls/{call}/panels/exclusions",
      S.FORMAL_PASSED, "302 403 403 403 403 403 302 403"),
    C("panels.open_review", "POST", "/officer/calls/{call}/panels/open-review",
      S.FORMAL_PASSED, "302 403 403 403 403 403 302 403"),
    C("panels.add_seat", "POST", "/officer/applications/{app}/seats", S.FORMAL_PASSED,
      "302 403 403 403 403 403 302 403", lambda ids: {"expert_id": "999999"}),
    C("panels.remove_seat", "POST", "/officer/seats/999999/remove", None,
      "302 404 404 404 404 404 404 404"),
    C("expert_home.home", "GET", "/expert", None, "302 403 403 403 403 403 403 403"),
    C("expert_home.accept", "POST", "/expert/seats/999999/accept", None,
      "302 404 404 404 404 404 404 404"),
    C("expert_home.decline", "POST", "/expert/seats/999999/decline", None,
      "302 404 404 404 404 404 404 404", lambda ids: {"reason": "出差"}),
    C("expert_home.declare_conflict", "POST", "/expert/applications/{app}/conflict",
      S.FORMAL_PASSED, "302 403 403 403 403 403 403 403", lambda ids: {"reason": "亲属"}),
    # Scoring and results (issue 4): no role here holds a seat, so the expert pages refuse.
    C("expert_scoring.sheet", "GET", "/expert/seats/999999/sheet", None,
      "302 404 404 404 404 404 404 404"),
    C("expert_scoring.save_sheet", "POST", "/expert/seats/999999/sheet", None,
      "302 404 404 404 404 404 404 404", lambda ids: {"score_industry_standing": "5"}),
    C("expert_scoring.submit_sheet", "POST", "/expert/seats/999999/sheet/submit", None,
      "302 404 404 404 404 404 404 404"),
    C("expert_scoring.reopen", "POST", "/expert/seats/999999/reopen", None,
      "302 404 404 404 404 404 404 404", lambda ids: {"reason": "复核"}),
    C("expert_scoring.panel", "GET", "/expert/applications/{app}/panel", S.FORMAL_PASSED,
      "302 403 403 403 403 403 403 403"),
    C("expert_scoring.resolve_alarm", "POST", "/expert/applications/{app}/panel/alarm",
      S.FORMAL_PASSED, "302 403 403 403 403 403 403 403", lambda ids: {"note": "已讨论"}),
    C("expert_scoring.confirm", "POST", "/expert/applications/{app}/panel/confirm",
      S.FORMAL_PASSED, "302 403 403 403 403 403 403 403"),
    C("review_results.index", "GET", "/results", None, "302 403 403 403 403 403 200 200"),
    C("review_results.call_results", "GET", "/officer/calls/{call}/results", S.FORMAL_PASSED,
      "302 403 403 403 403 403 200 200"),
    C("review_results.remind", "POST", "/officer/calls/{call}/results/remind", None,
      "302 403 403 403 403 403 302 403"),
    C("review_results.record_stage", "POST", "/officer/applications/{app}/stages/defense",
      S.FORMAL_PASSED, "302 403 403 403 403 403 302 403", lambda ids: {"score": "90"}),
    C("review_results.ranking_xlsx", "GET", "/officer/calls/{call}/ranking.xlsx", None,
      "302 403 403 403 403 403 200 200"),
    C("review_results.ranking_xlsx", "GET", "/officer/calls/{planned}/ranking.xlsx", None,
      "302 403 403 403 403 403 404 404"),
    C("notifications.index", "GET", "/notifications", None, "302 200 200 200 200 200 200 200"),
    C("notifications.mark_read", "POST", "/notifications/{note}/read", None,
      "302 302 403 403 403 403 403 403"),
    C("notifications.mark_all_read", "POST", "/notifications/read-all", None,
      "302 302 302 302 302 302 302 302"),
    C("notifications.outbox", "GET", "/officer/outbox", None, "302 403 403 403 403 403 200 403"),
    C("notifications.outbox_mail", "GET", "/officer/outbox/{mail}", None,
      "302 403 403 403 403 403 200 403"),
]


def test_every_route_has_a_case(app):
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint != "static" for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert {(c.endpoint, c.method) for c in CASES} == routes


@pytest.mark.parametrize("case", CASES,
                         ids=lambda c: f"{c.method}-{c.path}" + (f"-{c.state}" if c.state else ""))
def test_route_answers_each_role(app, case):
    got, world = {}, None
    for who in ROLES:
        if world is None:  # the first role, or the one before changed something
            world = build(case.state)
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


TAMPERING = list(tampering_requests())


@pytest.mark.parametrize(("method", "path", "data"), TAMPERING,
                         ids=[f"{method}-{path}" for method, path, _ in TAMPERING])
def test_other_organization_is_refused_and_learns_nothing(app, method, path, data):
    world = build(S.RETURNED)  # editable, filed once: every kind of object exists
    before = fingerprint(world)
    if data == "upload":
        data = pdf_upload(world.ids)
    elif data:
        data = {k: v.format(**world.ids) for k, v in data.items()}
    response = client_for(app, world, "other_org").open(path.format(**world.ids),
                                                        method=method, data=data)
    assert response.status_code in (403, 404)  # 404: an action the generic route never takes
    body = response.get_data(as_text=True)
    assert TITLE not in body and LEAD_NAME not in body
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
