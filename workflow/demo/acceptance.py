"""Acceptance of the 2022 centers in 2025 (issue 13): every lead unit applies in October
with its self-assessment against the signed task book and its acceptance report; in November
the officer fills the panels from the demo's expert pool by the optimal assignment, the
experts accept and score with the acceptance rubric, each chair confirms, and the officer
records the outcomes: most pass, three with conditions, one is deferred (to apply again by
the end of March 2027) and one fails. Each outcome is a numbered decision document."""
from __future__ import annotations

import io
from datetime import date, datetime
from typing import TYPE_CHECKING

from workflow.acceptance import queries
from workflow.acceptance.models import Outcome
from workflow.acceptance.operations import outcomes, panels, requests, scoring
from workflow.core.clock import LOCAL, freeze
from workflow.core.extensions import db
from workflow.demo.steps import tiny_pdf
from workflow.review.rules.rubric import items

if TYPE_CHECKING:  # after_approval lists this step: it is imported from there
    from workflow.demo.after_approval import World

CONDITIONS = {5: "一年内引进高层次研发人才不少于3名，补齐人才队伍指标。",
              11: "半年内完善开放共享制度，服务中小企业次数达到任务书目标。",
              17: "一年内完成两项行业标准的立项，补齐标准制定指标。"}
DEFERRED, FAILED = 23, 24  # indexes in world.centers
# The share of each final target reached, and the panel's level, by outcome.
REACHED = {Outcome.PASS: 1.06, Outcome.PASS_WITH_CONDITIONS: 0.93, Outcome.DEFER: 0.82,
           Outcome.FAIL: 0.58}
LEVEL = {Outcome.PASS: 86, Outcome.PASS_WITH_CONDITIONS: 75, Outcome.DEFER: 65,
         Outcome.FAIL: 52}
OPINIONS = {Outcome.DEFER: "研发投入和成果转化指标未达到任务书目标，专家组建议整改后重新验收。",
            Outcome.FAIL: "主要考核指标完成不足六成，运行管理机制不健全，专家组建议不予通过。"}


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL)


def outcome_of(n: int) -> Outcome:
    if n == FAILED:
        return Outcome.FAIL
    if n == DEFERRED:
        return Outcome.DEFER
    return Outcome.PASS_WITH_CONDITIONS if n in CONDITIONS else Outcome.PASS


def _apply(world: World, n: int, app) -> None:
    """The lead unit's request: each final target reached to its outcome's share (a few
    indicators a little above or below), the narrative and the acceptance report."""
    lead = world.lead_of[app.id]
    freeze(at(2025, 10, 8 + n % 10, 10))
    row = requests.start_request(app, actor=lead)
    share = REACHED[outcome_of(n)]
    values = {}
    for k, line in enumerate(queries.self_assessment(row)):
        wobble = ((n * 5 + k * 3) % 7 - 3) / 100
        values[line.indicator.code] = f"{line.target * (share + wobble):.2f}" \
            if line.indicator.money else f"{round(line.target * (share + wobble))}"
    requests.save_self_assessment(
        row, values, f"{app.title}三年建设期内围绕任务书确定的目标任务，建成研发与中试平台，"
                     "组织关键共性技术攻关，开展成果转移转化和中小企业服务。", actor=lead)
    requests.add_attachment(row, filename="建设期满验收报告.pdf", actor=lead,
                            stream=io.BytesIO(tiny_pdf(f"Acceptance report {app.id}")))
    freeze(at(2025, 10, 20 + n % 8, 15))
    requests.submit_request(row, actor=lead)


def _sheet(rubric: dict, total: float, n: int) -> dict[str, float]:
    return {item["code"]: min(item["max"], max(0.0, round(
        item["max"] * total / 100 * 2 + ((n + k) % 3 - 1)) / 2))
        for k, (_d, item) in enumerate(items(rubric))}


def _score(row, n: int) -> None:
    """Each accepted expert scores near the outcome's level and submits; the chair confirms."""
    rubric = queries.rubric_of(row.application.call)
    level = LEVEL[outcome_of(n)]
    for k, seat in enumerate(s for s in row.seats if s.status == "accepted"):
        freeze(at(2025, 11, 10 + k, 9 + n % 8))
        scoring.save_sheet(seat, _sheet(rubric, level + (k * 3 + n) % 5 - 2, n + k), {}, [],
                           OPINIONS.get(outcome_of(n), "建设目标基本完成，同意通过验收。"),
                           actor=seat.expert.user)
        scoring.submit_sheet(seat, actor=seat.expert.user)
    chair = next(s for s in row.seats if s.is_chair)
    freeze(at(2025, 11, 17, 10 + n % 6))
    scoring.confirm_result(row, note="专家组经讨论形成一致意见。" if row.dispersion_alarm else "",
                           actor=chair.expert.user)


def seed(world: World) -> None:
    for n, app in enumerate(world.centers):
        _apply(world, n, app)
    freeze(at(2025, 11, 3, 9))
    panels.assign_panels(world.call, method="optimal", actor=world.officer)
    rows = [queries.open_request(app) for app in world.centers]
    for n, row in enumerate(rows):
        for k, seat in enumerate(row.seats):
            freeze(at(2025, 11, 4, 9 + k, n))
            panels.respond(seat, accept=True, actor=seat.expert.user)
        _score(row, n)
    for n, row in enumerate(rows):
        outcome = outcome_of(n)
        freeze(at(2025, 11, 28, 10, n))
        outcomes.record_outcome(row, outcome, conditions=CONDITIONS.get(n, ""),
                                rectify_by=date(2027, 3, 31) if outcome == Outcome.DEFER
                                else None, opinion=OPINIONS.get(outcome, ""),
                                actor=world.officer)
    db.session.flush()
    world.notes["acceptance"] = {"deferred": world.centers[DEFERRED].id,
                                 "failed": world.centers[FAILED].id}

