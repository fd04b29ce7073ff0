"""Read-only checks of the task book: who may do what with it (granted here, asked with
`can()`), the construction years it sets targets for, and the checks of its content (every
number non-negative, a target for every year, the tasks, the budget, the liability)."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workflow.centers.indicators import BY_CODE, INDICATORS
from workflow.core.states import AppState
from workflow.lifecycle.permissions import (
    grant,
    is_applicant,
    is_lead_member,
    is_leader,
    is_officer,
    is_recommender,
    is_region_recommender,
)
from workflow.task_books.models import TaskBook, TaskBookState

# The budget's sources, in the order the book lists them (amounts in 10,000 yuan).
BUDGET_SOURCES: tuple[tuple[str, object], ...] = (
    ("own_funds", _l("Own funds")),
    ("provincial_funds", _l("Provincial funds")),
    ("local_match", _l("Local government match")),
)
BUDGET_LABELS = dict(BUDGET_SOURCES)
# The signed document is Chinese whatever the signer's language (official content is data,
# as the notice's texts are): the indicators' and sources' names as the book prints them.
DOCUMENT_NAMES = {
    "rd_spending": ("研发经费支出", "万元"), "rd_staff": ("研发人员", "人"),
    "patents_applied": ("发明专利申请", "件"), "patents_granted": ("发明专利授权", "件"),
    "standards": ("制定标准", "项"), "projects_national": ("承担国家级项目", "项"),
    "projects_provincial": ("承担省级项目", "项"), "funds_received": ("获得项目经费", "万元"),
    "transfer_revenue": ("成果转化收入", "万元"), "transfer_profit": ("成果转化利润", "万元"),
    "incubated_enterprises": ("孵化企业", "家"), "sme_services": ("服务中小企业", "次"),
}
DOCUMENT_SOURCES = {"own_funds": "自筹资金", "provincial_funds": "省级财政资金",
                    "local_match": "地方配套资金"}
BOOK_STATE_LABELS = {
    TaskBookState.DRAFTING: _l("Being drafted by the lead unit"),
    TaskBookState.SUBMITTED: _l("With the city"),
    TaskBookState.CITY_PASSED: _l("With the department"),
    TaskBookState.AGREED: _l("Agreed: the lead unit signs"),
    TaskBookState.UNIT_SIGNED: _l("Signed by the lead unit: the department signs"),
    TaskBookState.SIGNED: _l("Signed by both sides"),
}
STEP_LABELS = {
    "task_book_start": _l("Started from the application"),
    "task_book_submit": _l("Submitted to the city"),
    "task_book_city_pass": _l("Passed on by the city"),
    "task_book_city_return": _l("Returned by the city"),
    "task_book_agree": _l("Agreed by the department"),
    "task_book_department_return": _l("Returned by the department"),
    "task_book_unit_sign": _l("Signed by the lead unit"),
    "task_book_sign": _l("Signed by the department, frozen and stored"),
    "sign_task_book": _l("Construction started"),
}
NUMBER_MAX = Decimal(100_000_000)  # like the application's MONEY_MAX: beyond any center
MAX_TASKS = 30
TITLE_MAX, CONTENT_MAX, LIABILITY_MAX = 200, 2000, 4000
DEFAULT_LIABILITY = (
    "未完成年度目标的，牵头单位应说明原因并提出整改措施；建设期满未完成主要考核指标的，"
    "按照《山东省技术创新中心管理办法》作验收不通过处理，省科技厅可视情况收回或停止拨付"
    "省级资金，并取消相应资格。")


def construction_years(first_year: int, years: int) -> list[int]:
    """The years the book sets a target for: `years` of them from `first_year`."""
    return [first_year + n for n in range(max(years, 1))]


def construction_dates(first_year: int, years: int, signed_on: date) -> tuple[date, date]:
    """Construction runs from the department's signature to the end of its last year."""
    return signed_on, date(first_year + max(years, 1) - 1, 12, 31)


# Permissions: the lead unit writes and signs it; its city passes it on or returns it; the
# officers agree or return it and sign for the department; the leaders read it.
def _book_app(book):
    return book.application if isinstance(book, TaskBook) else None


def _in(book, state: str) -> bool:
    return isinstance(book, TaskBook) and book.state == state


def can_start(user, app) -> bool:
    return is_lead_member(user, app) and app.state == AppState.APPROVED


def can_edit(user, book) -> bool:
    return (_in(book, TaskBookState.DRAFTING) and is_lead_member(user, _book_app(book))
            and book.application.state == AppState.APPROVED)


def can_view(user, book) -> bool:
    app = _book_app(book)
    return app is not None and (is_lead_member(user, app) or is_region_recommender(user, app)
                                or is_officer(user) or is_leader(user))


def can_city_review(user, book) -> bool:
    return _in(book, TaskBookState.SUBMITTED) and is_region_recommender(user, _book_app(book))


def can_department_review(user, book) -> bool:
    return _in(book, TaskBookState.CITY_PASSED) and is_officer(user)


def can_unit_sign(user, book) -> bool:
    return _in(book, TaskBookState.AGREED) and is_lead_member(user, _book_app(book))


def can_department_sign(user, book) -> bool:
    return (_in(book, TaskBookState.UNIT_SIGNED) and is_officer(user)
            and book.application.state == AppState.APPROVED)


def can_download(user, book) -> bool:
    return _in(book, TaskBookState.SIGNED) and bool(book.stored_name) and can_view(user, book)


grant("taskbook.start", can_start)
grant("taskbook.edit", can_edit)
grant("taskbook.view", can_view)
grant("taskbook.city_review", can_city_review)
grant("taskbook.department_review", can_department_review)
grant("taskbook.unit_sign", can_unit_sign)
grant("taskbook.department_sign", can_department_sign)
grant("taskbook.download", can_download)
grant("taskbook.list", lambda u, o=None: (is_officer(u) or is_leader(u) or is_recommender(u)
                                           or is_applicant(u)))


# The content: numbers as typed are read here; what is kept is a float (or None when blank).
def number(raw) -> tuple[float | None, str | None]:
    """(value, None) for a blank (None) or a non-negative number; (None, problem) else."""
    text = str(raw if raw is not None else "").strip().replace(",", "")
    if not text:
        return None, None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, _("“%(value)s” is not a number.", value=text[:20])
    if not value.is_finite():
        return None, _("“%(value)s” is not a number.", value=text[:20])
    if value < 0:
        return None, _("A number here cannot be negative.")
    if value > NUMBER_MAX:
        return None, _("This number is too large.")
    return float(value), None


@dataclass
class Checked:
    """A book's content as read from a form: the values to keep and the problems, each
    under the name of the field it is about (the form shows it there)."""
    indicators: dict
    tasks: list
    budget: dict
    liability: str
    problems: dict

    def messages(self) -> list[str]:
        return list(self.problems.values())


def read_content(form, years: list[int]) -> Checked:
    """The book's content from the form's fields (names as the edit page writes them:
    `ind-<code>-baseline`, `ind-<code>-<year>`, `ind-<code>-final`, `task-<n>-title|content|
    year`, `budget-<source>`, `liability`). Blanks are allowed here (a draft); wrong numbers
    are problems."""
    problems: dict[str, str] = {}

    def read(name: str, label: str):
        value, problem = number(form.get(name))
        if problem:
            problems[name] = f"{label}: {problem}"
        return value

    indicators = {}
    for ind in INDICATORS:
        label = str(ind.label)
        indicators[ind.code] = {
            "baseline": read(f"ind-{ind.code}-baseline", f"{label} ({_('baseline')})"),
            "yearly": {str(y): read(f"ind-{ind.code}-{y}", f"{label} ({y})") for y in years},
            "final": read(f"ind-{ind.code}-final", f"{label} ({_('final target')})"),
        }
    tasks = []
    for n in range(MAX_TASKS):
        title = (form.get(f"task-{n}-title") or "").strip()
        content = (form.get(f"task-{n}-content") or "").strip()
        year = (form.get(f"task-{n}-year") or "").strip()
        if not (title or content):
            continue
        if not title:
            problems[f"task-{n}-title"] = _("Task %(n)d: give it a title.", n=n + 1)
        elif len(title) > TITLE_MAX:
            problems[f"task-{n}-title"] = _("Task %(n)d: the title is longer than %(max)d "
                                            "characters.", n=n + 1, max=TITLE_MAX)
        if len(content) > CONTENT_MAX:
            problems[f"task-{n}-content"] = _("Task %(n)d: the content is longer than %(max)d "
                                              "characters.", n=n + 1, max=CONTENT_MAX)
        if year and year not in {str(y) for y in years}:
            problems[f"task-{n}-year"] = _("Task %(n)d: choose one of the construction years.",
                                           n=n + 1)
        tasks.append({"title": title[:TITLE_MAX], "content": content[:CONTENT_MAX],
                      "year": year})
    budget = {key: read(f"budget-{key}", str(label)) for key, label in BUDGET_SOURCES}
    liability = (form.get("liability") or "").strip()
    if len(liability) > LIABILITY_MAX:
        problems["liability"] = _("The liability is longer than %(max)d characters.",
                                  max=LIABILITY_MAX)
    return Checked(indicators, tasks, budget, liability[:LIABILITY_MAX], problems)


def submission_problems(book: TaskBook, years: list[int]) -> list[str]:
    """What stops the book going to the city: every indicator needs its baseline, a target
    for every construction year and a final target; at least one task; each budget source;
    the liability."""
    problems = []
    for code in BY_CODE:
        row = (book.indicators or {}).get(code) or {}
        label = str(BY_CODE[code].label)
        if row.get("baseline") is None:
            problems.append(_("%(indicator)s: give the baseline.", indicator=label))
        missing = [str(y) for y in years if (row.get("yearly") or {}).get(str(y)) is None]
        if missing:
            problems.append(_("%(indicator)s: give the target for %(years)s.", indicator=label,
                              years=", ".join(missing)))
        if row.get("final") is None:
            problems.append(_("%(indicator)s: give the final target.", indicator=label))
    if not book.tasks:
        problems.append(_("List at least one task."))
    for key, label in BUDGET_SOURCES:
        if (book.budget or {}).get(key) is None:
            problems.append(_("Budget: give the amount of %(source)s (0 when none).",
                              source=str(label)))
    if not (book.liability or "").strip():
        problems.append(_("State the liability for targets that are missed."))
    return problems
