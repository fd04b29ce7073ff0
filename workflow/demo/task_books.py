"""The task books of the 2022 centers (issue 13): each lead unit starts its book in January
2023 from its application, sets a target for each year of 2023-2025 and the final one, and
submits it; its city passes it on, the department agrees, the unit signs and the department
signs with its seal between January and March 2023, which starts the construction period.
One book (the fourth center's) is returned once by its city with reasons first."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from workflow.centers.indicators import INDICATORS
from workflow.core.clock import LOCAL, freeze
from workflow.task_books import operations as task_books
from workflow.task_books.queries import prefilled, years_of
from workflow.task_books.rules import read_content

if TYPE_CHECKING:  # after_approval lists this step: it is imported from there
    from workflow.demo.after_approval import World

# A baseline where the application gives none: the year before construction, for a center
# of this size (money in 10,000 yuan).
BASELINES = {"rd_spending": 1500, "rd_staff": 50, "patents_applied": 10, "patents_granted": 4,
             "standards": 1, "projects_national": 1, "projects_provincial": 2,
             "funds_received": 500, "transfer_revenue": 800, "transfer_profit": 120,
             "incubated_enterprises": 1, "sme_services": 60}
GROWTH = (0.10, 0.15, 0.20, 0.12, 0.25)  # yearly growth of the targets, by center
RETURNED = 3  # the index of the center whose book its city returns once


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL)


def _form(book, n: int, *, low: bool = False) -> dict:
    """The book's form as the lead unit fills it: targets growing from the baseline each
    year (`low`: the patent targets its city finds too low)."""
    years = years_of(book.application)
    growth = GROWTH[n % len(GROWTH)]
    form = {"liability": book.liability}
    for ind in INDICATORS:
        baseline = (book.indicators.get(ind.code) or {}).get("baseline")
        if not baseline:
            baseline = BASELINES[ind.code] * (1 + n % 4 * 0.25)
            baseline = round(baseline, 2) if ind.money else round(baseline)
        baseline = float(baseline)
        form[f"ind-{ind.code}-baseline"] = f"{baseline:g}"
        rate = 0.02 if low and ind.code.startswith("patents") else growth
        for k, year in enumerate(years, start=1):
            value = baseline * (1 + rate) ** k
            form[f"ind-{ind.code}-{year}"] = f"{value:.2f}" if ind.money else f"{round(value)}"
        form[f"ind-{ind.code}-final"] = form[f"ind-{ind.code}-{years[-1]}"]
    tasks = prefilled(book.application)["tasks"] or [
        {"title": "关键共性技术攻关", "content": "", "year": ""}]
    for i, task in enumerate(tasks):
        form[f"task-{i}-title"] = task["title"]
        form[f"task-{i}-content"] = task["content"] or "按年度目标组织实施，形成阶段性成果。"
    for t, (title, year) in enumerate((("中试验证平台建设", years[0]),
                                       ("成果转移转化与企业服务", years[1])),
                                      start=len(tasks)):
        form[f"task-{t}-title"], form[f"task-{t}-year"] = title, str(year)
        form[f"task-{t}-content"] = "建成并对外开放服务。" if t % 2 else "转化成果不少于3项。"
    for key, value in book.budget.items():
        form[f"budget-{key}"] = f"{value:g}" if value is not None else "0"
    if not float(form["budget-provincial_funds"]):
        form["budget-provincial_funds"] = "500"
    return form


def seed(world: World) -> None:
    officer = world.officer
    for n, app in enumerate(world.centers):
        lead, city = world.lead_of[app.id], world.recommender_of(app)
        day = at(2023, 1, 4, 9) + timedelta(days=n * 2)
        freeze(day)
        book = task_books.start_task_book(app, actor=lead)
        years = years_of(app)
        task_books.save_task_book(book, read_content(_form(book, n, low=n == RETURNED), years),
                                  actor=lead)
        task_books.submit_task_book(book, actor=lead)
        if n == RETURNED:
            freeze(day + timedelta(days=3))
            task_books.city_return(book, actor=city, comment=(
                "发明专利申请和授权目标增幅明显低于申报书承诺的水平，请对照建设方案调整各年度"
                "专利目标，并补充中试平台建设任务的年度安排。"))
            freeze(day + timedelta(days=6))
            task_books.save_task_book(book, read_content(_form(book, n), years), actor=lead)
            task_books.submit_task_book(book, actor=lead)
            day += timedelta(days=6)
        freeze(day + timedelta(days=5, hours=2))
        task_books.city_pass(book, actor=city, comment="经审核，同意报送省科技厅。")
        freeze(day + timedelta(days=12, hours=4))
        task_books.department_agree(book, actor=officer, comment="任务书内容符合要求。")
        freeze(day + timedelta(days=18, hours=1))
        task_books.unit_sign(book, actor=lead)
        freeze(day + timedelta(days=24, hours=6))
        task_books.department_sign(book, actor=officer)
