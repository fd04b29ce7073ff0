"""The (URL, role) table of the form builder: every route of its blueprint with the status each
role gets on the world of tests/application_forms/world.py (a call of department A). Roles, in
order: anonymous, officer (of A), leader (of A), officer_b (of department B), applicant,
recommender, expert. Only A's officer builds A's call's form."""
from tests.access_cases import RouteCase as Case

ROLES = ("anonymous", "officer", "leader", "officer_b", "applicant", "recommender", "expert")
OFFICER_ONLY_GET = "302 200 403 403 403 403 403"
OFFICER_ONLY_POST = "302 302 403 403 403 403 403"
FORM = "/officer/calls/{call}/form"


def a_field(ids) -> dict:
    return {"key": "unit_kind", "label_zh": "单位类型", "label_en": "Kind of unit",
            "kind": "choice", "required": "y",
            "choices": "enterprise|企业|Enterprise\nuniversity|高校|University"}


def a_section(ids) -> dict:
    return {**a_field(ids), "section_key": "members", "section_title_zh": "成员单位",
            "section_title_en": "Member units"}


def an_attachment(ids) -> dict:
    return {"key": "member_list", "label_zh": "成员单位名单", "label_en": "List of members",
            "required": "y", "max_pages": "10"}


CASES = (
    Case("application_forms.builder", "GET", FORM, OFFICER_ONLY_GET),
    Case("application_forms.preview", "GET", FORM + "/preview", OFFICER_ONLY_GET),
    Case("application_forms.version", "GET", FORM + "/versions/1", OFFICER_ONLY_GET),
    Case("application_forms.export", "GET", FORM + "/applications.xlsx", OFFICER_ONLY_GET),
    Case("application_forms.start", "POST", FORM + "/start", OFFICER_ONLY_POST,
         lambda ids: {"source": "template:key_laboratory"}),
    Case("application_forms.section_new", "GET", FORM + "/sections/new", OFFICER_ONLY_GET),
    Case("application_forms.section_new", "POST", FORM + "/sections/new", OFFICER_ONLY_POST,
         a_section),
    Case("application_forms.section_edit", "GET", FORM + "/sections/basic/edit",
         OFFICER_ONLY_GET),
    Case("application_forms.section_edit", "POST", FORM + "/sections/basic/edit",
         OFFICER_ONLY_POST, lambda ids: {"key": "basic", "title_zh": "基本情况"}),
    Case("application_forms.field_new", "GET", FORM + "/sections/basic/fields/new",
         OFFICER_ONLY_GET),
    Case("application_forms.field_new", "POST", FORM + "/sections/basic/fields/new",
         OFFICER_ONLY_POST, a_field),
    Case("application_forms.field_edit", "GET", FORM + "/fields/project_head/edit",
         OFFICER_ONLY_GET),
    Case("application_forms.field_edit", "POST", FORM + "/fields/project_head/edit",
         OFFICER_ONLY_POST, lambda ids: {"key": "project_head", "label_zh": "负责人",
                                         "kind": "text", "required": "y", "limit": "40"}),
    Case("application_forms.attachment_edit", "GET", FORM + "/attachments/new",
         OFFICER_ONLY_GET),
    Case("application_forms.attachment_edit", "POST", FORM + "/attachments/new",
         OFFICER_ONLY_POST, an_attachment),
    Case("application_forms.attachment_edit", "GET", FORM + "/attachments/licence/edit",
         OFFICER_ONLY_GET),
    Case("application_forms.attachment_edit", "POST", FORM + "/attachments/licence/edit",
         OFFICER_ONLY_POST, lambda ids: {**an_attachment(ids), "key": "licence"}),
    Case("application_forms.remove", "POST", FORM + "/fields/collaboration/delete",
         OFFICER_ONLY_POST),
    Case("application_forms.move", "POST", FORM + "/sections/basic/down", OFFICER_ONLY_POST),
)

ROUTES = {(case.endpoint, case.method) for case in CASES}
