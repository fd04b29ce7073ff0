"""The (URL, role) table of the evaluation: every route of its blueprints (the rectification
page, the officer's rounds, the public results) with the status each role gets, on the world
of tests/evaluation/test_access.py: center A graded unqualified in a round whose results were
announced (one organization's objection, dismissed), are final and issued, so that A
rectifies, its plan filed; a second round of another platform type rates, B in it not
rated yet. Roles, in order: anonymous, lead (a user of A's lead unit), other_org (an
applicant of another unit), city (the science bureau of A's city), other_city, officer,
leader."""
import io

from tests import factories
from tests.access_cases import RouteCase as Case

ROLES = ("anonymous", "lead", "other_org", "city", "other_city", "officer", "leader")




def _document(ids):
    return {"text": "整改报告", "document": (io.BytesIO(factories.PDF), "报告.pdf")}


def _review(ids):
    """A review the officer's form takes; its score is out of range, so nothing is kept."""
    return {"score": "101", "reviewer": "第三方", "opinion": "意见",
            "report": (io.BytesIO(factories.PDF), "评估报告.pdf")}


def _objection(ids):
    return {"entry_id": ids["evaluation"], "filer_kind": "person", "person_name": "王建国",
            "phone": "13906418827", "content": "评估等级偏低"}


CASES = (
    Case("evaluation.page", "GET", "/rectifications/{rect}", "302 200 403 403 403 200 200"),
    Case("evaluation.page", "GET", "/rectifications/{missing}", "302 404 404 404 404 404 404"),
    Case("evaluation.document", "GET", "/rectifications/{rect}/plan.pdf",
         "302 200 403 403 403 200 200"),
    Case("evaluation.document", "GET", "/rectifications/{rect}/report.pdf",
         "302 404 403 403 403 404 404"),
    # The plan is filed: the report is not due yet.
    Case("evaluation.file", "POST", "/rectifications/{rect}/file", "302 422 403 403 403 403 403",
         _document),
    Case("evaluation.return_document", "POST", "/rectifications/{rect}/return",
         "302 403 403 403 403 302 403", lambda ids: {"reason": "措施不具体"}),
    Case("evaluation.accept", "POST", "/rectifications/{rect}/accept",
         "302 403 403 403 403 302 403"),
    # The re-evaluation follows the report, not the plan.
    Case("evaluation.reevaluate", "POST", "/rectifications/{rect}/reevaluate",
         "302 403 403 403 403 422 403", lambda ids: {"score": "70", "opinion": "整改到位"}),
    # The officer's rounds: leaders read them, nobody else.
    Case("evaluation_rounds.index", "GET", "/officer/evaluations", "302 403 403 403 403 200 200"),
    # A round of A's type again in the same year is refused: the page again with the reason.
    Case("evaluation_rounds.open_round", "POST", "/officer/evaluations",
         "302 403 403 403 403 422 403",
         lambda ids: {"platform_type_id": ids["platform"], "year": ids["year"],
                      "every_years": 3, "excellent_from": 90, "good_from": 80,
                      "qualified_from": 60, "rectification_years": 1, "plan_days": 30}),
    Case("evaluation_rounds.round_page", "GET", "/officer/evaluations/{round}",
         "302 403 403 403 403 200 200"),
    Case("evaluation_rounds.round_page", "GET", "/officer/evaluations/{missing}",
         "302 404 404 404 404 404 404"),
    Case("evaluation_rounds.center", "GET", "/officer/evaluations/{round}/centers/{evaluation}",
         "302 403 403 403 403 200 200"),
    # An evaluation asked under another round's id is not found.
    Case("evaluation_rounds.center", "GET",
         "/officer/evaluations/{rating}/centers/{evaluation}", "302 403 403 403 403 404 404"),
    Case("evaluation_rounds.rate", "POST", "/officer/evaluations/{rating}/centers/{pending}",
         "302 403 403 403 403 422 403", _review),
    # A's round is closed: its reviews stand.
    Case("evaluation_rounds.rate", "POST", "/officer/evaluations/{round}/centers/{evaluation}",
         "302 403 403 403 403 422 403",
         lambda ids: {**_review(ids), "score": "80"}),
    Case("evaluation_rounds.report", "GET",
         "/officer/evaluations/{round}/centers/{evaluation}/report.pdf",
         "302 403 403 403 403 200 200"),
    Case("evaluation_rounds.report", "GET",
         "/officer/evaluations/{rating}/centers/{pending}/report.pdf",
         "302 403 403 403 403 404 404"),
    # Closing a round that still has a center to rate is refused (back to its page).
    Case("evaluation_rounds.close", "POST", "/officer/evaluations/{rating}/close",
         "302 403 403 403 403 302 403"),
    Case("evaluation_rounds.publish", "POST", "/officer/evaluations/{round}/publish",
         "302 403 403 403 403 422 403",
         lambda ids: {"workdays": 5, "objection_address": "地址", "business_phone": "1",
                      "supervision_phone": "2"}),
    Case("evaluation_rounds.issue", "POST", "/officer/evaluations/{round}/issue",
         "302 403 403 403 403 302 403"),
    Case("evaluation_rounds.objections", "GET", "/officer/evaluations/{round}/objections",
         "302 403 403 403 403 200 200"),
    # The round still rating has no announcement.
    Case("evaluation_rounds.objections", "GET", "/officer/evaluations/{rating}/objections",
         "302 403 403 403 403 404 404"),
    # The results are final: the objection stays decided.
    Case("evaluation_rounds.decide", "POST", "/officer/evaluation-objections/{objection}/decide",
         "302 403 403 403 403 422 403",
         lambda ids: {"outcome": "upheld", "grade": "qualified", "reason": "复核"}),
    Case("evaluation_rounds.letter", "GET",
         "/officer/evaluation-objections/{objection}/letter.pdf", "302 403 403 403 403 200 200"),
    # The announced results are public; the period is over, so an objection is refused.
    Case("evaluation_results.index", "GET", "/evaluation-results", "200 200 200 200 200 200 200"),
    Case("evaluation_results.detail", "GET", "/evaluation-results/{announcement}",
         "200 200 200 200 200 200 200"),
    Case("evaluation_results.detail", "GET", "/evaluation-results/{missing}",
         "404 404 404 404 404 404 404"),
    Case("evaluation_results.file_objection", "POST",
         "/evaluation-results/{announcement}/objections", "422 422 422 422 422 422 422",
         _objection),
)
ROUTES = {(c.endpoint, c.method) for c in CASES}
# Routes anyone may ask without logging in.
PUBLIC = {"evaluation_results.index", "evaluation_results.detail",
          "evaluation_results.file_objection"}
