"""The (URL, role) table of acceptance: every route of its blueprint with the status each role
gets, on the world of tests/acceptance/test_access.py. Roles, in order: anonymous, lead (a
user of center A's lead unit), lead_b (of center B's: a unit leads one center of a type),
other_org (an applicant of another unit), city (the science
bureau of the centers' city), other_city, officer, leader, expert (the chair of center B's
panel, invited to center C's), other_expert (in the pool, on no panel)."""
import io
import json

from tests import factories
from tests.access_cases import RouteCase as Case
from workflow.acceptance.rules import DEFAULT_ACCEPTANCE_RUBRIC

ROLES = ("anonymous", "lead", "lead_b", "other_org", "city", "other_city", "officer", "leader",
         "expert", "other_expert")




def _values(ids):
    return {"value_rd_staff": "88", "narrative": "修改后的自评"}


def _upload(ids):
    return {"file": (io.BytesIO(factories.PDF), "补充材料.pdf")}


def _rubric(ids):
    return {"rubric": json.dumps(DEFAULT_ACCEPTANCE_RUBRIC, ensure_ascii=False)}


CASES = (
    Case("acceptance.center", "GET", "/acceptance/centers/{app_b}",
         "302 403 200 403 200 403 200 200 403 403"),
    # The lead unit may apply, but B's request is at work: refused with a message, unchanged.
    Case("acceptance.start", "POST", "/acceptance/centers/{app_b}",
         "302 403 302 403 403 403 403 403 403 403"),
    # No deferral of B has lapsed: the officer is told so, nothing changes.
    Case("acceptance.lapse", "POST", "/acceptance/centers/{app_b}/lapse",
         "302 403 403 403 403 403 302 403 403 403", lambda ids: {"reason": "逾期未申请"}),
    Case("acceptance.edit", "GET", "/acceptance/{request_a}/self-assessment",
         "302 200 403 403 403 403 403 403 403 403"),
    Case("acceptance.save", "POST", "/acceptance/{request_a}/self-assessment",
         "302 302 403 403 403 403 403 403 403 403", _values),
    Case("acceptance.upload", "POST", "/acceptance/{request_a}/attachments",
         "302 302 403 403 403 403 403 403 403 403", _upload),
    Case("acceptance.remove_attachment", "POST",
         "/acceptance/{request_a}/attachments/{attachment_a}/remove",
         "302 302 403 403 403 403 403 403 403 403"),
    Case("acceptance.attachment", "GET", "/acceptance/{request_b}/attachments/{attachment_b}",
         "302 403 200 403 200 403 200 200 200 403"),
    Case("acceptance.submit", "POST", "/acceptance/{request_a}/submit",
         "302 302 403 403 403 403 403 403 403 403"),
    Case("acceptance.request_page", "GET", "/acceptance/{request_b}",
         "302 403 200 403 200 403 200 200 200 403"),
    # B's panel has not confirmed: the officer's outcome is refused with the reason (422).
    Case("acceptance.outcome", "POST", "/acceptance/{request_b}/outcome",
         "302 403 403 403 403 403 422 403 403 403", lambda ids: {"outcome": "pass"}),
    Case("acceptance.index", "GET", "/acceptance", "302 403 403 403 403 403 200 403 403 403"),
    Case("acceptance.assign", "POST", "/acceptance/calls/{call_c}/assign",
         "302 403 403 403 403 403 302 403 403 403", lambda ids: {"method": "optimal"}),
    Case("acceptance.rubric_edit", "GET", "/acceptance/calls/{call_b}/rubric",
         "302 403 403 403 403 403 200 403 403 403"),
    # C's panel has scored nothing yet: its call's rubric may still change.
    Case("acceptance.rubric_save", "POST", "/acceptance/calls/{call_c}/rubric",
         "302 403 403 403 403 403 302 403 403 403", _rubric),
    Case("acceptance.expert_seats", "GET", "/expert/acceptance",
         "302 403 403 403 403 403 403 403 200 200"),
    Case("acceptance.respond", "POST", "/expert/acceptance/{seat_c}/respond",
         "302 403 403 403 403 403 403 403 302 403", lambda ids: {"answer": "accept"}),
    Case("acceptance.sheet", "GET", "/expert/acceptance/{seat_b}/sheet",
         "302 403 403 403 403 403 403 403 200 403"),
    Case("acceptance.save_sheet", "POST", "/expert/acceptance/{seat_b}/sheet",
         "302 403 403 403 403 403 403 403 302 403", lambda ids: {"score_funds_use": "8"}),
    # Not every sheet of B is in: the chair's confirmation is refused with the reason (422).
    Case("acceptance.confirm", "POST", "/acceptance/{request_b}/confirm",
         "302 403 403 403 403 403 403 403 422 403"),
)

ROUTES = {(case.endpoint, case.method) for case in CASES}
