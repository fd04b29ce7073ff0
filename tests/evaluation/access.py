"""The (URL, role) table of the rectification page: every route of the evaluation blueprint
with the status each role gets, on the world of tests/evaluation/test_access.py (center A
rectifying, its plan filed). Roles, in order: anonymous, lead (a user of A's lead unit),
other_org (an applicant of another unit), city (the science bureau of A's city),
other_city, officer, leader."""
import io
from collections.abc import Callable
from dataclasses import dataclass

from tests import factories

ROLES = ("anonymous", "lead", "other_org", "city", "other_city", "officer", "leader")


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    path: str  # formatted with the world's ids
    statuses: str  # one per role, in ROLES order
    data: Callable[[dict], dict] | None = None


def _document(ids):
    return {"text": "整改报告", "document": (io.BytesIO(factories.PDF), "报告.pdf")}


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
)
ROUTES = {(c.endpoint, c.method) for c in CASES}
