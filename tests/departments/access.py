"""The (URL, role) table of the departments' administration: every route of its blueprint with
the status each role gets, on the world of tests/departments/test_admin.py. Roles, in order:
anonymous, officer (of the installation's department, which manages departments), leader
(of the same department), officer_b (of department B), applicant."""

from tests.access_cases import RouteCase as Case

ROLES = ("anonymous", "officer", "leader", "officer_b", "applicant")




def new_department(ids):
    return {"name": "锦州市科学技术局", "short_name": "锦州市科技局", "office_code": "锦科发",
            "agency_name": "锦州市科学技术局", "level": "city", "region_code": "370100",
            "active": "y"}


def edited_department(ids):
    return {**new_department(ids), "name": "山东省工业和信息化厅", "office_code": "鲁工信技",
            "level": "province", "region_code": "370000",
            "agency_name": "山东省工业和信息化厅（改）"}


CASES = (
    Case("departments.department_list", "GET", "/admin/departments", "302 200 403 403 403"),
    Case("departments.department_new", "GET", "/admin/departments/new", "302 200 403 403 403"),
    Case("departments.department_new", "POST", "/admin/departments/new", "302 302 403 403 403",
         new_department),
    Case("departments.department_edit", "GET", "/admin/departments/{department_b}",
         "302 200 403 403 403"),
    Case("departments.department_edit", "POST", "/admin/departments/{department_b}",
         "302 302 403 403 403", edited_department),
    Case("departments.staff", "GET", "/admin/departments/staff", "302 200 403 403 403"),
    Case("departments.assign", "POST", "/admin/departments/staff/{leader_b}",
         "302 302 403 403 403", lambda ids: {"department_id": str(ids["department_a"])}),
)

ROUTES = {(case.endpoint, case.method) for case in CASES}
