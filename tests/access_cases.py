"""The (URL, role) table of tests/lifecycle/test_views_access.py: every route with the status
each role gets, and the form data a POST needs."""
import importlib
import io
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from tests import factories
from workflow.core.extensions import db
from workflow.core.states import AppState
from workflow.demo.steps import tiny_pdf
from workflow.notices.documents.specimen import specimen_seal
from workflow.notices.models import OfficialDocument
from workflow.notices.settings import NoticeSettings

S = AppState
ROLES = ("anonymous", "lead", "cobuilder", "other_org", "unverified", "rec_jinan", "rec_qingdao",
         "officer", "leader")
NEW_PARTNER = factories.credit_code(factories.JINAN)
EXPERT_EMPLOYER = factories.credit_code(factories.JINAN, "12")


def pdf_upload(ids):
    return {"kind": "licence", "file": (io.BytesIO(factories.PDF), "营业执照.pdf")}


def licence_upload(ids):
    return {"licence": (io.BytesIO(tiny_pdf("Business licence, a clearer scan")), "营业执照.pdf")}


def expert_csv(ids):
    """A pool file of one good expert (the import adds it for an officer)."""
    text = ("name,employer,employer_credit_code,city,title,fields,birth_year,phone,email\n"
            f"王教授,山东大学,{EXPERT_EMPLOYER},济南,教授,工业软件,1970,,wang@example.com\n")
    return {"file": (io.BytesIO(text.encode()), "experts.csv")}


def publicity_settings(ids):
    return {"workdays": 7, "title": "关于2027年度山东省技术创新中心拟建设名单的公示",
            "basis": "根据有关规定，", "procedure": "经评审，现予以公示。",
            "list_title": "拟建设名单", "objection_address": "山东省科学技术厅",
            "business_phone": "0531-51751234", "supervision_phone": "0531-51751000"}


def objection_form(ids):
    return {"filer_kind": "person", "entry_id": ids["entry"], "person_name": "王五",
            "phone": "13800000000", "content": "申报材料与事实不符"}


def review_settings_form(ids):
    return {"k": "3", "max_load": "8", "expert_max_age": "65", "same_city_conflict": "y",
            "aggregation": "trimmed", "trim_from": "5", "alarm_range": "20",
            "alarm_stdev": "10", "weight_review": "1", "weight_defense": "0",
            "weight_site_visit": "0", "tie_break_1": "innovation", "tie_break_2": "industry"}


def one_item_rubric(ids):
    return {"dimensions-0-code": "all", "dimensions-0-label": "综合",
            "items-0-dimension": "all", "items-0-code": "overall", "items-0-label": "综合评价",
            "items-0-max": "100"}


def notice_ids(app) -> dict:
    """Once `app` is approved: its letter, the notice (row and PDF), the number and the
    letter's verification code; zeros before."""
    letter = app and db.session.scalar(select(OfficialDocument).where(
        OfficialDocument.application_id == app.id))
    if letter is None:
        return {"notice": 0, "letter": 0, "notice_doc": 0, "number": 0, "code": "NONE"}
    return {"notice": letter.notice_id, "letter": letter.id, "number": letter.notice.number_id,
            "notice_doc": letter.notice.documents[0].id, "code": letter.verification_code}


def notice_texts(ids):
    return NoticeSettings(agency="山东省科学技术厅").texts()


def call_form(ids):
    return {"platform_type_id": ids["platform"], "year": 2027, "title": "2027年度技术创新中心",
            "opens_at": "2027-03-01T09:00", "closes_at": "2027-04-30T17:00", "quota": 30,
            "recommender_quota": 5, "fields": ids["term"], "attachments": "licence: 营业执照",
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


@dataclass(frozen=True)
class RouteCase:
    """A route of a feature's own (URL, role) table (tests/<feature>/access.py): the status
    each of that table's ROLES gets, on that feature's world."""
    endpoint: str
    method: str
    path: str  # formatted with the world's ids
    statuses: str  # one per role, in the table's ROLES order
    data: Callable[[dict], dict] | None = None


def feature_routes() -> set[tuple[str, str]]:
    """The (endpoint, method) pairs the features after the approval notice check in their own
    (URL, role) tables: `ROUTES` of each `tests/<feature>/access.py`, whose own test asks
    every route of it as every role of its world."""
    routes = set()
    for package in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if package.ispkg and (Path(__file__).parent / package.name / "access.py").exists():
            routes |= set(importlib.import_module(f"tests.{package.name}.access").ROUTES)
    return routes
CASES = [
    # statuses for: anonymous lead cobuilder other_org unverified rec_jinan rec_qingdao officer
    # leader
    C("auth.login", "GET", "/login", None, "200 200 200 200 200 200 200 200 200"),
    C("auth.login", "POST", "/login", None, "200 200 200 200 200 200 200 200 200",
      lambda ids: {"email": "nobody@example.test", "password": "wrong-password"}),
    C("auth.logout", "POST", "/logout", None, "302 302 302 302 302 302 302 302 302"),
    # Half-way logins and one-time links (issue 9): without a pending login, back to the login
    # page; an unknown link is gone (410) whoever opens it.
    C("auth.second_factor_step", "GET", "/login/code", None,
      "302 302 302 302 302 302 302 302 302"),
    C("auth.second_factor_step", "POST", "/login/code", None,
      "302 302 302 302 302 302 302 302 302", lambda ids: {"code": "123456"}),
    C("auth.enrol_step", "GET", "/login/enrol", None, "302 302 302 302 302 302 302 302 302"),
    C("auth.enrol_step", "POST", "/login/enrol", None, "302 302 302 302 302 302 302 302 302",
      lambda ids: {"code": "123456"}),
    C("auth.reset_request", "GET", "/account/reset", None,
      "200 200 200 200 200 200 200 200 200"),
    C("auth.reset_request", "POST", "/account/reset", None,
      "200 200 200 200 200 200 200 200 200", lambda ids: {"email": "nobody@example.test"}),
    C("auth.activate", "GET", "/account/activate/no-such-token", None,
      "410 410 410 410 410 410 410 410 410"),
    C("auth.activate", "POST", "/account/activate/no-such-token", None,
      "410 410 410 410 410 410 410 410 410",
      lambda ids: {"password": "lantern-quarry-velvet", "confirm": "lantern-quarry-velvet"}),
    C("auth.reset", "GET", "/account/reset/no-such-token", None,
      "410 410 410 410 410 410 410 410 410"),
    C("auth.reset", "POST", "/account/reset/no-such-token", None,
      "410 410 410 410 410 410 410 410 410",
      lambda ids: {"password": "lantern-quarry-velvet", "confirm": "lantern-quarry-velvet"}),
    C("auth.register", "GET", "/register", None, "200 200 200 200 200 200 200 200 200"),
    C("auth.register", "POST", "/register", None, "422 422 422 422 422 422 422 422 422",
      lambda ids: {"org_name": ""}),
    C("auth.set_language", "POST", "/language/en", None, "302 302 302 302 302 302 302 302 302"),
    C("public.index", "GET", "/", None, "200 200 200 200 200 200 200 200 200"),
    # The desk (issue 10): everyone logged in has one, listing what waits for them.
    C("desk.home", "GET", "/desk", None, "302 200 200 200 200 200 200 200 200"),
    C("desk.home", "GET", "/desk", S.SUBMITTED, "302 200 200 200 200 200 200 200 200"),
    C("public.call_detail", "GET", "/calls/{call}", None, "200 200 200 200 200 200 200 200 200"),
    C("public.call_detail", "GET", "/calls/{planned}", None, "404 404 404 404 404 404 404 200 404"),
    C("applicant.home", "GET", "/my", None, "302 200 200 200 200 403 403 403 403"),
    C("applicant.start", "GET", "/calls/{call}/apply", None, "302 200 200 200 200 403 403 403 403"),
    C("applicant.start", "POST", "/calls/{call}/apply", None, "302 302 302 302 302 403 403 403 403",
      lambda ids: {"title": "山东省新申报技术创新中心", "field_id": ids["field"]}),
    C("applicant.edit_basics", "GET", "/applications/{app}/basics", S.DRAFT,
      "302 200 403 403 403 403 403 403 403"),
    C("applicant.edit_basics", "POST", "/applications/{app}/basics", S.DRAFT,
      "302 302 403 403 403 403 403 403 403",
      lambda ids: {"title": "新名称", "field_id": ids["field"]}),
    C("applicant.edit_basics", "GET", "/applications/{app}/basics", S.SUBMITTED,
      "302 403 403 403 403 403 403 403 403"),
    C("applicant.edit_section", "GET", "/applications/{app}/sections/basic", S.DRAFT,
      "302 200 403 403 403 403 403 403 403"),
    C("applicant.edit_section", "GET", "/applications/{app}/sections/nosuch", S.DRAFT,
      "302 404 404 404 404 404 404 404 404"),
    # While corrections are requested, only the listed parts (here section 1) can change.
    C("applicant.edit_section", "GET", "/applications/{app}/sections/basic",
      S.CORRECTION_REQUESTED, "302 200 403 403 403 403 403 403 403"),
    C("applicant.edit_section", "GET", "/applications/{app}/sections/budget",
      S.CORRECTION_REQUESTED, "302 403 403 403 403 403 403 403 403"),
    C("applicant.edit_basics", "GET", "/applications/{app}/basics", S.CORRECTION_REQUESTED,
      "302 200 403 403 403 403 403 403 403"),
    C("applicant.edit_section", "POST", "/applications/{app}/sections/basic", S.DRAFT,
      "302 302 403 403 403 403 403 403 403", lambda ids: {"project_head": "王五"}),
    C("applicant.add_cobuilder", "POST", "/applications/{app}/cobuilders", S.DRAFT,
      "302 302 403 403 403 403 403 403 403",
      lambda ids: {"credit_code": NEW_PARTNER, "name": "山东测试研究院", "division": "测试"}),
    C("applicant.remove_cobuilder", "POST", "/applications/{app}/cobuilders/{cob}/remove",
      S.DRAFT, "302 302 403 403 403 403 403 403 403"),
    C("applicant.confirm_cobuilding", "POST", "/applications/{app}/confirm", S.DRAFT,
      "302 403 302 403 403 403 403 403 403"),
    C("applicant.upload_attachment", "POST", "/applications/{app}/attachments", S.DRAFT,
      "302 302 403 403 403 403 403 403 403", pdf_upload),
    C("applicant.upload_attachment", "POST", "/applications/{app}/attachments",
      S.CORRECTION_REQUESTED, "302 403 403 403 403 403 403 403 403", pdf_upload),
    C("applicant.add_cobuilder", "POST", "/applications/{app}/cobuilders",
      S.CORRECTION_REQUESTED, "302 403 403 403 403 403 403 403 403",
      lambda ids: {"credit_code": NEW_PARTNER, "name": "山东测试研究院", "division": "测试"}),
    C("applications.detail", "GET", "/applications/{app}", S.DRAFT,
      "302 200 200 403 403 403 403 200 403"),
    C("applications.detail", "GET", "/applications/{app}", S.SUBMITTED,
      "302 200 200 403 403 403 200 200 200"),
    C("applications.act", "POST", "/applications/{app}/actions/submit", S.DRAFT,
      "302 302 403 403 403 403 403 403 403"),
    C("applications.act", "POST", "/applications/{app}/actions/withdraw", S.SUBMITTED,
      "302 302 403 403 403 403 403 403 403"),
    # Recommending and requesting corrections have their own forms and routes.
    C("applications.act", "POST", "/applications/{app}/actions/recommend", S.SUBMITTED,
      "302 404 404 404 404 404 404 404 404", lambda ids: {"comment": "同意推荐"}),
    C("applications.act", "POST", "/applications/{app}/actions/request_correction",
      S.RECOMMENDED, "302 404 404 404 404 404 404 404 404", lambda ids: {"comment": "补正"}),
    C("applications.act", "POST", "/applications/{app}/actions/fail_formal_review",
      S.RECOMMENDED, "302 403 403 403 403 403 403 302 403", lambda ids: {"comment": "不符合"}),
    C("applications.act", "POST", "/applications/{app}/actions/nosuch", S.SUBMITTED,
      "302 404 404 404 404 404 404 404 404"),
    C("applications.version", "GET", "/applications/{app}/versions/1", S.SUBMITTED,
      "302 200 200 403 403 403 200 200 200"),
    C("applications.version", "GET", "/applications/{app}/versions/2", S.SUBMITTED,
      "302 404 404 403 403 403 404 404 404"),
    C("applications.download", "GET", "/attachments/{att}", S.SUBMITTED,
      "302 200 200 403 403 403 200 200 200"),
    C("officer.call_list", "GET", "/officer/calls", None, "302 403 403 403 403 403 403 200 403"),
    C("officer.call_new", "GET", "/officer/calls/new", None, "302 403 403 403 403 403 403 200 403"),
    C("officer.call_new", "POST", "/officer/calls/new", None, "302 403 403 403 403 403 403 302 403",
      call_form),
    # Closing filing before its end asks for a confirmation first (web/views/confirm.py).
    C("officer.call_advance", "POST", "/officer/calls/{call}/advance/closed", None,
      "302 403 403 403 403 403 403 200 403"),
    C("officer.call_applications", "GET", "/officer/calls/{call}", None,
      "302 403 403 403 403 403 403 200 403"),
    C("officer.call_applications", "GET", "/officer/calls/{call}?q=%25_测试", S.RECOMMENDED,
      "302 403 403 403 403 403 403 200 403"),
    # Bulk actions on a list (issue 10): the checklist is not done, so the officer's pass is
    # refused by its guard (and said); a recommender returns only its region's applications.
    C("officer.bulk_action", "POST", "/officer/calls/{call}/applications", S.RECOMMENDED,
      "302 403 403 403 403 403 403 302 403",
      lambda ids: {"app_id": ids["app"], "action": "pass_formal_review"}),
    C("recommender.index", "GET", "/recommender", None, "302 403 403 403 403 200 200 403 403"),
    C("recommender.queue", "GET", "/recommender/calls/{call}", S.SUBMITTED,
      "302 403 403 403 403 200 200 403 403"),
    C("recommender.queue", "GET", "/recommender/calls/{call}?q=测试", S.SUBMITTED,
      "302 403 403 403 403 200 200 403 403"),
    C("recommender.bulk_action", "POST", "/recommender/calls/{call}", S.SUBMITTED,
      "302 403 403 403 403 422 302 403 403",
      lambda ids: {"app_id": ids["app"], "action": "return", "comment": "请补充盖章页"}),
    C("recommender.queue", "GET", "/recommender/calls/{planned}", None,
      "302 403 403 403 403 404 404 403 403"),
    C("recommender.sheet", "GET", "/recommender/calls/{call}/sheet.xlsx", S.RECOMMENDED,
      "302 403 403 403 403 200 200 403 403"),
    C("recommender.sheet", "GET", "/recommender/calls/{call}/sheet.pdf", None,
      "302 403 403 403 403 200 200 403 403"),
    C("recommender.sheet", "GET", "/recommender/calls/{planned}/sheet.xlsx", None,
      "302 403 403 403 403 404 404 403 403"),
    C("recommender.recommend", "POST", "/recommender/applications/{app}/recommend",
      S.SUBMITTED, "302 403 403 403 403 403 302 403 403",
      lambda ids: {"rank": "1", "opinion": "同意推荐"}),
    C("recommender.recommend", "POST", "/recommender/applications/{app}/recommend", S.DRAFT,
      "302 403 403 403 403 403 403 403 403", lambda ids: {"rank": "1", "opinion": "同意推荐"}),
    # A county bureau passes up in a county, city chain only (tests/recommendation/
    # test_multilevel.py); here the call is city only, or the county already passed it up
    # (the city, which sees it, is told the page was out of date).
    C("recommender.pass_up", "POST", "/recommender/applications/{app}/pass-up", S.SUBMITTED,
      "302 403 403 403 403 403 403 403 403", lambda ids: {"rank": "1", "opinion": "同意上报"}),
    C("recommender.pass_up", "POST", "/recommender/applications/{app}/pass-up",
      S.COUNTY_PASSED, "302 403 403 403 403 403 302 403 403",
      lambda ids: {"rank": "1", "opinion": "同意上报"}),
    C("recommendation_settings.chain", "GET", "/officer/calls/{call}/recommendation-chain",
      None, "302 403 403 403 403 403 403 200 403"),
    C("recommendation_settings.save_chain", "POST",
      "/officer/calls/{call}/recommendation-chain", None, "302 403 403 403 403 403 403 302 403",
      lambda ids: {"chain": "city", "county_quota": "3"}),
    C("recommendation_settings.supervisor", "GET", "/organization/supervising-department",
      None, "302 200 200 200 200 403 403 403 403"),
    C("recommendation_settings.save_supervisor", "POST",
      "/organization/supervising-department", None, "302 302 302 302 302 403 403 403 403",
      lambda ids: {"supervisor_id": "0"}),
    C("formal_review.queue", "GET", "/officer/calls/{call}/formal-review", S.RECOMMENDED,
      "302 403 403 403 403 403 403 200 403"),
    C("formal_review.bulk_pass", "POST", "/officer/calls/{call}/formal-review", S.RECOMMENDED,
      "302 403 403 403 403 403 403 302 403",
      lambda ids: {"app_id": ids["app"], "action": "pass_formal_review"}),
    C("formal_review.checklist_page", "GET", "/officer/applications/{app}/checklist",
      S.RECOMMENDED, "302 403 403 403 403 403 403 200 403"),
    C("formal_review.save_checklist", "POST", "/officer/applications/{app}/checklist",
      S.RECOMMENDED, "302 403 403 403 403 403 403 302 403", lambda ids: {"ok_basic_info": "ok"}),
    C("formal_review.save_checklist", "POST", "/officer/applications/{app}/checklist",
      S.CORRECTION_REQUESTED, "302 403 403 403 403 403 403 403 403",
      lambda ids: {"ok_basic_info": "ok"}),
    C("formal_review.decide", "POST",
      "/officer/applications/{app}/checklist/fail_formal_review", S.RECOMMENDED,
      "302 403 403 403 403 403 403 302 403", lambda ids: {"comment": "材料不全"}),
    C("formal_review.decide", "POST",
      "/officer/applications/{app}/checklist/pass_formal_review", S.RECOMMENDED,
      "302 403 403 403 403 403 403 422 403"),
    C("formal_review.request_correction", "POST",
      "/officer/applications/{app}/checklist/correction", S.RECOMMENDED,
      "302 403 403 403 403 403 403 422 403", lambda ids: {"working_days": "5"}),
    C("call_settings.edit", "GET", "/officer/calls/{call}/eligibility", None,
      "302 403 403 403 403 403 403 200 403"),
    C("call_settings.save_rules", "POST", "/officer/calls/{call}/eligibility", None,
      "302 403 403 403 403 403 403 302 403",
      lambda ids: {"enabled_in_province": "y", "hard_in_province": "y"}),
    C("call_settings.save_checklist", "POST", "/officer/calls/{call}/checklist", None,
      "302 403 403 403 403 403 403 302 403",
      lambda ids: {"items": "budget | 经费预算合理 | section:budget"}),
    C("call_settings.save_settings", "POST", "/officer/calls/{call}/settings", None,
      "302 403 403 403 403 403 403 302 403",
      lambda ids: {"correction_workdays": "7", "correction_rounds": "2"}),
    C("call_settings.save_stage", "POST", "/officer/calls/{call}/stage", None,
      "302 403 403 403 403 403 403 302 403",
      lambda ids: {"stage": "cultivation", "prerequisite_call_id": "0",
                   "prerequisite_state": ""}),
    C("calendar.month_view", "GET", "/officer/calendar?year=2027&month=10", None,
      "302 403 403 403 403 403 403 200 403"),
    C("calendar.set_day", "POST", "/officer/calendar/days", None,
      "302 403 403 403 403 403 403 302 403",
      lambda ids: {"day": "2027-10-01", "kind": "holiday", "note": "国庆节"}),
    C("calendar.remove_day", "POST", "/officer/calendar/days/{day}/remove", None,
      "302 403 403 403 403 403 403 302 403"),
    # Expert panels (issue 4): the officer's; the expert's pages refuse every role here.
    C("panels.index", "GET", "/officer/panels", None, "302 403 403 403 403 403 403 200 403"),
    C("panels.call_panels", "GET", "/officer/calls/{call}/panels", S.FORMAL_PASSED,
      "302 403 403 403 403 403 403 200 403"),
    C("panels.run_optimal", "POST", "/officer/calls/{call}/panels/optimal", S.FORMAL_PASSED,
      "302 403 403 403 403 403 403 302 403"),
    C("panels.run_draw", "POST", "/officer/calls/{call}/panels/draw", S.FORMAL_PASSED,
      "302 403 403 403 403 403 403 302 403", lambda ids: {"seed": "7"}),
    C("panels.compute_exclusions", "POST", "/officer/calls/{call}/panels/exclusions",
      S.FORMAL_PASSED, "302 403 403 403 403 403 403 302 403"),
    C("panels.open_review", "POST", "/officer/calls/{call}/panels/open-review",
      S.FORMAL_PASSED, "302 403 403 403 403 403 403 302 403"),
    C("panels.choose_experts", "GET", "/officer/applications/{app}/seats?q=%25&scope=all",
      S.FORMAL_PASSED, "302 403 403 403 403 403 403 200 403"),
    C("panels.add_seat", "POST", "/officer/applications/{app}/seats", S.FORMAL_PASSED,
      "302 403 403 403 403 403 403 422 403", lambda ids: {"expert_id": "999999"}),
    C("panels.remove_seat", "POST", "/officer/seats/999999/remove", None,
      "302 404 404 404 404 404 404 404 404"),
    # Releasing an excluded expert's seat (issue 4): with a real seat,
    # tests/review/test_seat_release.py.
    C("panels.release_seat", "POST", "/officer/seats/999999/release/refill", None,
      "302 404 404 404 404 404 404 404 404"),
    C("panels.release_seat", "POST", "/officer/seats/999999/release/by_hand", None,
      "302 404 404 404 404 404 404 404 404"),
    C("expert_home.home", "GET", "/expert", None, "302 403 403 403 403 403 403 403 403"),
    C("expert_home.accept", "POST", "/expert/seats/999999/accept", None,
      "302 404 404 404 404 404 404 404 404"),
    C("expert_home.decline", "POST", "/expert/seats/999999/decline", None,
      "302 404 404 404 404 404 404 404 404", lambda ids: {"reason": "出差"}),
    C("expert_home.declare_conflict", "POST", "/expert/applications/{app}/conflict",
      S.FORMAL_PASSED, "302 403 403 403 403 403 403 403 403", lambda ids: {"reason": "亲属"}),
    # Scoring and results (issue 4): no role here holds a seat, so the expert pages refuse.
    C("expert_scoring.sheet", "GET", "/expert/seats/999999/sheet", None,
      "302 404 404 404 404 404 404 404 404"),
    C("expert_scoring.save_sheet", "POST", "/expert/seats/999999/sheet", None,
      "302 404 404 404 404 404 404 404 404", lambda ids: {"score_industry_standing": "5"}),
    C("expert_scoring.submit_sheet", "POST", "/expert/seats/999999/sheet/submit", None,
      "302 404 404 404 404 404 404 404 404"),
    C("expert_scoring.reopen", "POST", "/expert/seats/999999/reopen", None,
      "302 404 404 404 404 404 404 404 404", lambda ids: {"reason": "复核"}),
    C("expert_scoring.panel", "GET", "/expert/applications/{app}/panel", S.FORMAL_PASSED,
      "302 403 403 403 403 403 403 403 403"),
    C("expert_scoring.resolve_alarm", "POST", "/expert/applications/{app}/panel/alarm",
      S.FORMAL_PASSED, "302 403 403 403 403 403 403 403 403", lambda ids: {"note": "已讨论"}),
    C("expert_scoring.confirm", "POST", "/expert/applications/{app}/panel/confirm",
      S.FORMAL_PASSED, "302 403 403 403 403 403 403 403 403"),
    # The expert pool and profiles (issue 4): the pool is the officer's; no role here is an
    # expert, so one's own profile is refused to all, and no expert 999999 exists.
    C("expert_pool.pool_list", "GET", "/officer/experts?q=王&city=370100&active=yes", None,
      "302 403 403 403 403 403 403 200 403"),
    # The vocabulary of technical fields (issue 10): the officers'.
    C("vocabulary.index", "GET", "/officer/fields", None, "302 403 403 403 403 403 403 200 403"),
    C("vocabulary.add", "POST", "/officer/fields", None, "302 403 403 403 403 403 403 302 403",
      lambda ids: {"name": "柔性电子", "parent_id": ids["industry"]}),
    C("vocabulary.term", "GET", "/officer/fields/{term}", None,
      "302 403 403 403 403 403 403 200 403"),
    C("vocabulary.edit", "POST", "/officer/fields/{term}", None,
      "302 403 403 403 403 403 403 302 403",
      lambda ids: {"name": "半导体激光器", "parent_id": ids["industry"]}),
    C("vocabulary.merge", "POST", "/officer/fields/{term}/merge", None,
      "302 403 403 403 403 403 403 200 403", lambda ids: {"into_id": ids["industry"]}),
    C("vocabulary.set_retired", "POST", "/officer/fields/{term}/retire", None,
      "302 403 403 403 403 403 403 302 403"),
    C("vocabulary.set_retired", "POST", "/officer/fields/{term}/restore", None,
      "302 403 403 403 403 403 403 422 403"),
    C("expert_pool.import_file", "GET", "/officer/experts/import", None,
      "302 403 403 403 403 403 403 200 403"),
    C("expert_pool.import_file", "POST", "/officer/experts/import", None,
      "302 403 403 403 403 403 403 302 403", expert_csv),
    C("expert_pool.import_file", "POST", "/officer/experts/import", None,
      "302 403 403 403 403 403 403 422 403",
      lambda ids: {"file": (io.BytesIO(b"name"), "experts.txt")}),
    C("expert_pool.template", "GET", "/officer/experts/template.xlsx", None,
      "302 403 403 403 403 403 403 200 403"),
    C("expert_pool.detail", "GET", "/officer/experts/999999", None,
      "302 403 403 403 403 403 403 404 403"),
    C("expert_pool.set_active", "POST", "/officer/experts/999999/active", None,
      "302 403 403 403 403 403 403 404 403", lambda ids: {"active": "0"}),
    C("expert_profile.my_profile", "GET", "/expert/profile", None,
      "302 403 403 403 403 403 403 403 403"),
    C("expert_profile.edit", "GET", "/experts/999999/profile", None,
      "302 404 404 404 404 404 404 404 404"),
    C("expert_profile.edit", "POST", "/experts/999999/profile", None,
      "302 404 404 404 404 404 404 404 404",
      lambda ids: {"title": "教授", "fields-0": "工业软件", "email": "x@example.com"}),
    C("expert_profile.add_employment", "POST", "/experts/999999/employments", None,
      "302 404 404 404 404 404 404 404 404",
      lambda ids: {"job-org_name": "山东大学", "job-credit_code": EXPERT_EMPLOYER,
                   "job-role": "employee", "job-start_date": "2020-01-01"}),
    C("expert_profile.remove_employment", "POST", "/experts/employments/999999/remove", None,
      "302 404 404 404 404 404 404 404 404"),
    C("expert_profile.add_relation", "POST", "/experts/999999/relations", None,
      "302 404 404 404 404 404 404 404 404",
      lambda ids: {"rel-kind": "kin", "rel-person_name": "张三"}),
    C("expert_profile.remove_relation", "POST", "/experts/relations/999999/remove", None,
      "302 404 404 404 404 404 404 404 404"),
    C("review_results.index", "GET", "/results", None, "302 403 403 403 403 403 403 200 200"),
    C("review_results.call_results", "GET", "/officer/calls/{call}/results", S.FORMAL_PASSED,
      "302 403 403 403 403 403 403 200 200"),
    C("review_results.remind", "POST", "/officer/calls/{call}/results/remind", None,
      "302 403 403 403 403 403 403 302 403"),
    C("review_results.record_stage", "POST", "/officer/applications/{app}/stages/defense",
      S.FORMAL_PASSED, "302 403 403 403 403 403 403 302 403", lambda ids: {"score": "90"}),
    C("review_results.ranking_xlsx", "GET", "/officer/calls/{call}/ranking.xlsx", None,
      "302 403 403 403 403 403 403 200 200"),
    C("review_results.ranking_xlsx", "GET", "/officer/calls/{planned}/ranking.xlsx", None,
      "302 403 403 403 403 403 403 404 404"),
    # Review settings and rubric editor (issue 4, "review").
    C("review_settings.edit", "GET", "/officer/calls/{call}/review-settings", None,
      "302 403 403 403 403 403 403 200 403"),
    C("review_settings.edit", "GET", "/officer/calls/999999/review-settings", None,
      "302 404 404 404 404 404 404 404 404"),
    C("review_settings.save_settings", "POST", "/officer/calls/{call}/review-settings", None,
      "302 403 403 403 403 403 403 302 403", review_settings_form),
    C("review_settings.save_settings", "POST", "/officer/calls/{call}/review-settings", None,
      "302 403 403 403 403 403 403 422 403", lambda ids: {"k": "4"}),
    C("review_settings.save_rubric", "POST", "/officer/calls/{call}/rubric", None,
      "302 403 403 403 403 403 403 302 403", one_item_rubric),
    # The experts' deadline (issue 10): a day to come, or nothing; a day gone is refused.
    C("review_settings.save_deadline", "POST", "/officer/calls/{call}/review-deadline", None,
      "302 403 403 403 403 403 403 302 403", lambda ids: {"deadline": ""}),
    C("review_settings.save_deadline", "POST", "/officer/calls/{call}/review-deadline", None,
      "302 403 403 403 403 403 403 422 403", lambda ids: {"deadline": "2000-01-01"}),
    C("review_settings.reset_rubric", "POST", "/officer/calls/{call}/rubric/reset", None,
      "302 403 403 403 403 403 403 302 403"),
    C("notifications.index", "GET", "/notifications", None, "302 200 200 200 200 200 200 200 200"),
    # Following a notification's link marks it read: only one's own (the lead's here).
    C("notifications.open_note", "GET", "/notifications/{note}/open", None,
      "302 302 403 403 403 403 403 403 403"),
    C("notifications.open_note", "GET", "/notifications/999999/open", None,
      "302 404 404 404 404 404 404 404 404"),
    C("notifications.mark_read", "POST", "/notifications/{note}/read", None,
      "302 302 403 403 403 403 403 403 403"),
    C("notifications.mark_all_read", "POST", "/notifications/read-all", None,
      "302 302 302 302 302 302 302 302 302"),
    C("notifications.outbox", "GET", "/officer/outbox", None,
      "302 403 403 403 403 403 403 200 403"),
    C("notifications.outbox_mail", "GET", "/officer/outbox/{mail}", None,
      "302 403 403 403 403 403 403 200 403"),
    C("notifications.outbox", "GET", "/officer/outbox?status=failed", None,
      "302 403 403 403 403 403 403 200 403"),
    # Retrying a mail that is only waiting is refused with a message (a redirect).
    C("notifications.retry_mail", "POST", "/officer/outbox/{mail}/retry", None,
      "302 403 403 403 403 403 403 302 403"),
    C("notifications.retry_mail", "POST", "/officer/outbox/999999/retry", None,
      "302 404 404 404 404 404 404 404 404"),
    C("notifications.retry_given_up", "POST", "/officer/outbox/retry-given-up", None,
      "302 403 403 403 403 403 403 302 403"),
    # Selection, announcement and objections (issue 5, publicity). The leader selects; the
    # officer publishes and handles objections; the announcements and the objection form are
    # public (filing is open to every role during the period).
    C("selection.index", "GET", "/leader/selection", None, "302 403 403 403 403 403 403 403 200"),
    C("selection.call_page", "GET", "/leader/calls/{call}/selection", S.REVIEWED,
      "302 403 403 403 403 403 403 403 200"),
    C("selection.decide", "POST", "/leader/applications/{app}/shortlist", S.REVIEWED,
      "302 403 403 403 403 403 403 403 302", lambda ids: {"reason": ""}),
    C("selection.decide", "POST", "/leader/applications/{app}/not_select", S.REVIEWED,
      "302 403 403 403 403 403 403 403 302", lambda ids: {"reason": "领域布局已满"}),
    C("selection.decide", "POST", "/leader/applications/{app}/not_select", S.REVIEWED,
      "302 403 403 403 403 403 403 403 422", lambda ids: {"reason": ""}),
    C("selection.decide", "POST", "/leader/applications/{app}/shortlist", S.SUBMITTED,
      "302 403 403 403 403 403 403 403 422"),
    # Reconsidering a decision (reconsider): back to reviewed, only with a reason.
    C("selection.decide", "POST", "/leader/applications/{app}/reconsider_selection", S.PROPOSED,
      "302 403 403 403 403 403 403 403 302", lambda ids: {"reason": "误点，需重新研究"}),
    C("selection.decide", "POST", "/leader/applications/{app}/reconsider_selection",
      S.NOT_SELECTED, "302 403 403 403 403 403 403 403 422", lambda ids: {"reason": ""}),
    C("publicity.index", "GET", "/officer/publicity", None, "302 403 403 403 403 403 403 200 403"),
    C("publicity.call_page", "GET", "/officer/calls/{call}/publicity", S.PROPOSED,
      "302 403 403 403 403 403 403 200 403"),
    C("publicity.save_settings", "POST", "/officer/calls/{call}/publicity/settings", None,
      "302 403 403 403 403 403 403 302 403", publicity_settings),
    C("publicity.save_settings", "POST", "/officer/calls/{call}/publicity/settings", None,
      "302 403 403 403 403 403 403 422 403",
      lambda ids: {**publicity_settings(ids), "workdays": 0}),
    C("publicity.publish", "POST", "/officer/calls/{call}/publicity/publish", S.PROPOSED,
      "302 403 403 403 403 403 403 302 403"),
    C("publicity.objections_page", "GET", "/officer/publicity/{publicity}/objections",
      S.OBJECTION_REVIEW, "302 403 403 403 403 403 403 200 200"),
    C("publicity.handle", "POST", "/officer/objections/{objection}/handle", S.OBJECTION_REVIEW,
      "302 403 403 403 403 403 403 302 403",
      lambda ids: {"notes": "补充核查材料", "outcome": "admissible"}),
    C("publicity.letter", "GET", "/officer/objections/{objection}/letter", S.OBJECTION_REVIEW,
      "302 403 403 403 403 403 403 200 200"),
    C("public_publicity.index", "GET", "/publicity", None, "200 200 200 200 200 200 200 200 200"),
    C("public_publicity.detail", "GET", "/publicity/{publicity}", S.PUBLICITY,
      "200 200 200 200 200 200 200 200 200"),
    C("public_publicity.detail", "GET", "/publicity/{publicity}", None,
      "404 404 404 404 404 404 404 404 404"),
    C("public_publicity.document", "GET", "/publicity/{publicity}/announcement.pdf",
      S.PUBLICITY, "200 200 200 200 200 200 200 200 200"),
    C("public_publicity.file_objection", "POST", "/publicity/{publicity}/objections",
      S.PUBLICITY, "302 302 302 302 302 302 302 302 302", objection_form),
    C("public_publicity.file_objection", "POST", "/publicity/{publicity}/objections",
      S.PUBLICITY, "422 422 422 422 422 422 422 422 422",
      lambda ids: {**objection_form(ids), "person_name": ""}),
    # The approval notice, the letters and the document numbers (issue 5, notices).
    C("notices.index", "GET", "/officer/notices", None, "302 403 403 403 403 403 403 200 200"),
    C("notices.notice_page", "GET", "/officer/calls/{call}/notice", None,
      "302 403 403 403 403 403 403 200 200"),
    C("notices.notice_page", "GET", "/officer/calls/{call}/notice", S.APPROVED,
      "302 403 403 403 403 403 403 200 200"),
    C("notices.edit_texts", "GET", "/officer/calls/{call}/notice/texts", None,
      "302 403 403 403 403 403 403 200 403"),
    C("notices.edit_texts", "POST", "/officer/calls/{call}/notice/texts", None,
      "302 403 403 403 403 403 403 302 403", notice_texts),
    C("notices.edit_texts", "POST", "/officer/calls/{call}/notice/texts", None,
      "302 403 403 403 403 403 403 422 403", lambda ids: {**notice_texts(ids), "title": "{x}"}),
    C("notices.edit_texts", "GET", "/officer/calls/{call}/notice/texts", S.APPROVED,
      "302 403 403 403 403 403 403 403 403"),
    C("notices.upload_seal", "POST", "/officer/calls/{call}/notice/seal", None,
      "302 403 403 403 403 403 403 302 403",
      lambda ids: {"image": (io.BytesIO(specimen_seal()), "seal.png")}),
    C("notices.remove_seal", "POST", "/officer/calls/{call}/notice/seal/remove", None,
      "302 403 403 403 403 403 403 302 403"),
    C("notices.preview", "GET", "/officer/calls/{call}/notice/preview.pdf", None,
      "302 403 403 403 403 403 403 200 200"),
    C("notices.sign", "POST", "/officer/calls/{call}/notice/sign", None,
      "302 403 403 403 403 403 403 403 302"),
    C("notices.issue", "POST", "/officer/calls/{call}/notice/issue", None,
      "302 403 403 403 403 403 403 302 403"),
    # The world's call decides as a batch: the officer is refused with the reason (302).
    C("notices.recognise", "POST", "/officer/applications/{app}/recognise", S.PROPOSED,
      "302 403 403 403 403 403 403 302 403"),
    C("notices.step", "POST", "/officer/notices/{notice}/step", S.APPROVED,
      "302 403 403 403 403 403 403 302 403"),
    # Without a reason (a revocation would approve a second center of the field when the
    # world is built again for the next role; tests/notices/test_notices.py revokes for real).
    C("notices.revoke", "POST", "/officer/documents/{letter}/revoke", S.APPROVED,
      "302 403 403 403 403 403 403 302 403", lambda ids: {"reason": ""}),
    C("notices.download", "GET", "/documents/{letter}", S.APPROVED,
      "302 200 200 403 403 403 403 200 200"),
    C("notices.download", "GET", "/documents/{notice_doc}", S.APPROVED,
      "302 200 200 403 403 403 403 200 200"),
    C("notices.registry", "GET", "/officer/numbers", None, "302 403 403 403 403 403 403 200 403"),
    C("notices.set_first", "POST", "/officer/numbers/first", None,
      "302 403 403 403 403 403 403 302 403",
      lambda ids: {"office": "鲁科函", "year": 2031, "first": 12}),
    C("notices.reserve", "POST", "/officer/numbers/reserve", None,
      "302 403 403 403 403 403 403 302 403",
      lambda ids: {"office": "鲁科函", "year": 2031, "title": "关于开展调研的函"}),
    C("notices.void", "POST", "/officer/numbers/{number}/void", S.APPROVED,
      "302 403 403 403 403 403 403 302 403", lambda ids: {"reason": "作废"}),
    C("verify.lookup", "GET", "/verify", None, "200 200 200 200 200 200 200 200 200"),
    C("verify.document", "GET", "/verify/{code}", S.APPROVED,
      "200 200 200 200 200 200 200 200 200"),
    C("verify.document", "POST", "/verify/{code}", S.APPROVED,
      "200 200 200 200 200 200 200 200 200",
      lambda ids: {"file": (io.BytesIO(factories.PDF), "通知.pdf")}),
    # Accounts (issue 9): everyone's own account page; the officers' user administration.
    C("account.overview", "GET", "/account", None, "302 200 200 200 200 200 200 200 200"),
    C("account.change_password", "POST", "/account/password", None,
      "302 422 422 422 422 422 422 422 422",
      lambda ids: {"current": "wrong-password", "password": "lantern-quarry-velvet",
                   "confirm": "lantern-quarry-velvet"}),
    C("account.change_mail_delivery", "POST", "/account/mail", None,
      "302 302 302 302 302 302 302 302 302", lambda ids: {"delivery": "daily"}),
    C("account.change_mail_delivery", "POST", "/account/mail", None,
      "302 422 422 422 422 422 422 422 422", lambda ids: {"delivery": "hourly"}),
    C("account.enrol", "GET", "/account/second-factor", None,
      "302 200 200 200 200 200 200 200 200"),
    C("account.enrol", "POST", "/account/second-factor", None,
      "302 422 422 422 422 422 422 422 422", lambda ids: {"code": "000000"}),
    C("account.new_recovery_codes", "POST", "/account/second-factor/recovery-codes", None,
      "302 302 302 302 302 302 302 302 302", lambda ids: {"password": "wrong-password"}),
    C("account.disable_second_factor", "POST", "/account/second-factor/disable", None,
      "302 302 302 302 302 302 302 302 302", lambda ids: {"password": "wrong-password"}),
    C("account.end_other_sessions", "POST", "/account/sessions/end-others", None,
      "302 302 302 302 302 302 302 302 302"),
    C("users.user_list", "GET", "/officer/users?q=测试&role=applicant&status=active", None,
      "302 403 403 403 403 403 403 200 403"),
    C("users.invite", "GET", "/officer/users/new", None, "302 403 403 403 403 403 403 200 403"),
    C("users.invite", "POST", "/officer/users/new", None, "302 403 403 403 403 403 403 302 403",
      lambda ids: {"name": "新科员", "email": "new.officer@example.com", "roles": ["officer"]}),
    C("users.invite", "POST", "/officer/users/new", None, "302 403 403 403 403 403 403 422 403",
      lambda ids: {"name": "", "email": "not-an-address", "roles": ["officer"]}),
    C("users.detail", "GET", "/officer/users/{lead_user}", None,
      "302 403 403 403 403 403 403 200 403"),
    C("users.detail", "GET", "/officer/users/999999", None,
      "302 403 403 403 403 403 403 404 403"),
    C("users.grant_role", "POST", "/officer/users/{lead_user}/roles/grant", None,
      "302 403 403 403 403 403 403 302 403", lambda ids: {"role": "leader"}),
    C("users.revoke_role", "POST", "/officer/users/{lead_user}/roles/revoke", None,
      "302 403 403 403 403 403 403 302 403", lambda ids: {"role": "leader"}),
    C("users.set_active", "POST", "/officer/users/{lead_user}/active", None,
      "302 403 403 403 403 403 403 302 403", lambda ids: {"active": "0"}),
    C("users.resend_invitation", "POST", "/officer/users/{lead_user}/invitation", None,
      "302 403 403 403 403 403 403 302 403"),
    C("users.reset_second_factor", "POST", "/officer/users/{lead_user}/second-factor/reset",
      None, "302 403 403 403 403 403 403 302 403"),
    # Verified organizations (issue 9). The unverified Qingdao unit ("pending_org") waits with
    # its licence; nobody disputes its code, so the Qingdao recommender decides it too. No
    # unit here is rejected, so nobody corrects one
    # (tests/organizations/test_organization_verification.py).
    C("organizations.own", "GET", "/my/organization", None,
      "302 200 200 200 200 200 200 403 403"),
    C("organizations.upload_licence", "POST", "/my/organization/licence", None,
      "302 403 403 403 302 403 403 403 403", licence_upload),
    C("organizations.upload_licence", "POST", "/my/organization/licence", None,
      "302 403 403 403 422 403 403 403 403",
      lambda ids: {"licence": (io.BytesIO(b"<html>not a pdf</html>"), "营业执照.pdf")}),
    C("organizations.correct", "POST", "/my/organization/correct", None,
      "302 403 403 403 403 403 403 403 403",
      lambda ids: {"org_name": "更正后的名称", "credit_code": ids["pending_code"],
                   "kind": "enterprise", "legal_representative": "张三"}),
    C("organizations.queue", "GET", "/verification?q=测试&disputed=1&page=2", None,
      "302 403 403 403 403 200 200 200 403"),
    C("organizations.review", "GET", "/verification/{pending_org}", None,
      "302 403 403 403 403 403 200 200 403"),
    C("organizations.review", "GET", "/verification/{lead_org}", None,
      "302 403 403 403 403 403 403 200 403"),
    C("organizations.review", "GET", "/verification/999999", None,
      "302 404 404 404 404 404 404 404 404"),
    C("organizations.verify", "POST", "/verification/{pending_org}/verify", None,
      "302 403 403 403 403 403 302 302 403", lambda ids: {"licence_id": ids["licence"]}),
    C("organizations.verify", "POST", "/verification/{lead_org}/verify", None,
      "302 403 403 403 403 403 403 403 403", lambda ids: {"licence_id": ids["lead_licence"]}),
    C("organizations.reject", "POST", "/verification/{pending_org}/reject", None,
      "302 403 403 403 403 403 302 302 403",
      lambda ids: {"licence_id": ids["licence"], "reason": "营业执照与登记名称不一致"}),
    C("organizations.reject", "POST", "/verification/{pending_org}/reject", None,
      "302 403 403 403 403 403 422 422 403",
      lambda ids: {"licence_id": ids["licence"], "reason": ""}),
    C("organizations.licence", "GET", "/licences/{licence}", None,
      "302 403 403 403 200 403 200 200 403"),
    C("organizations.licence", "GET", "/licences/{lead_licence}", None,
      "302 200 403 403 403 403 403 200 403"),
    C("organizations.download_licence", "GET", "/licences/{licence}/download", None,
      "302 403 403 403 200 403 200 200 403"),
    C("organizations.download_licence", "GET", "/licences/999999/download", None,
      "302 404 404 404 404 404 404 404 404"),
]
