"""The demo's expert review (used by workflow.demo.seed): the expert pool with its accounts, the
panels of the 2022 call scored and confirmed, and the current call's panels under way.

Every step goes through its service (`import_experts`, `assign_optimal`, `respond`,
`save_sheet`, `submit_sheet`, `confirm_panel`) at a moment the clock is frozen at.
"""
from datetime import datetime, timedelta

from sqlalchemy import select

from workflow.accounts.models.users import User
from workflow.core import creditcode, regions
from workflow.core.clock import freeze
from workflow.core.extensions import db
from workflow.demo import data
from workflow.demo.data import CITIES
from workflow.experts.models import Expert
from workflow.experts.operations import pool as experts
from workflow.intake.models import Application
from workflow.review.models import PanelSeat
from workflow.review.operations import assignment, results, scoring
from workflow.review.queries import panel_seats
from workflow.review.rules.rubric import items, rubric_of

POOL_SIZE = 120
MAX_LOAD = 10
TITLES = ("教授", "研究员", "正高级工程师", "教授级高级工程师", "副教授")
EMPLOYERS = ("{city}产业技术研究院", "{city}科技大学", "{city}高新技术创业服务中心")
# The demo expert@ login works in the fields of the current call's two panels.
EXPERT_FIELDS = ("人工智能", "数控机床")
# Totals of the current call's scored panel: more than 20 points apart, so the dispersion
# alarm is raised and waits for the chair (expert@).
DISPERSED_TOTALS = (91.0, 86.0, 80.0, 76.0, 66.0)


def _fields_of(i: int, fields: list[str]) -> list[str]:
    """Expert i's fields: three neighbouring ones of the calls' list (mostly of one industry).
    The fields of expert@ (EXPERT_FIELDS) only as the primary one or in the first third, so
    that exactly five experts, expert@ among them, can sit on those panels."""
    p = i % len(fields)
    names = [fields[(p + d) % len(fields)] for d in range(3)]
    return [f for d, f in enumerate(names)
            if d == 0 or f not in EXPERT_FIELDS or (d == 1 and i < len(fields))]


def lead_cities() -> dict[str, set[str]]:
    """The cities of the demo's lead units by field, over both calls: an expert lives
    elsewhere, so that the same-city rule R8 never keeps one from a panel of their field."""
    found: dict[str, set[str]] = {}
    for region, _name, field_name, *_rest in data.LEADS:
        found.setdefault(field_name, set()).add(regions.city_of(region))
    for index, field_name, _state, _partners in data.CURRENT:
        found.setdefault(field_name, set()).add(regions.city_of(_region_of(index)))
    return found


def _region_of(index: int) -> str:
    leads = data.LEADS
    return leads[index][0] if index < len(leads) else data.NEW_LEADS[index - len(leads)][0]


def _row(n: int, name: str, city: str, fields: list[str], email: str) -> dict:
    kind = n % len(EMPLOYERS)
    return {
        "name": name, "employer": EMPLOYERS[kind].format(city=CITIES[city].removesuffix("市")),
        "employer_credit_code": data_code(city, kind),
        "city": CITIES[city], "title": TITLES[n % len(TITLES)], "fields": "；".join(fields),
        "birth_year": str(1963 + n * 7 % 22), "phone": data.phone(city, 700 + n),
        "email": email,
    }


def data_code(city: str, kind: int) -> str:
    """A synthetic credit code of an invented employer (one per city and kind)."""
    n = 500 + list(data.CITY_SLUGS).index(city) * len(EMPLOYERS) + kind
    return creditcode.make("12", city, "0" + "2" + f"{n * 7919 % 1_000_000:06d}")


def pool_rows(expert_email: str, expert_name: str) -> list[dict]:
    """The pool file as rows: expert@'s own expert first (under the login's name), then
    POOL_SIZE - 1 others spread over the fields of both calls and the 16 cities."""
    fields = [name for name, _industry in data.FIELDS + data.NEW_FIELDS]
    cities, avoid = list(data.CITY_SLUGS), lead_cities()

    def home(i: int, its_fields: list[str]) -> str:
        bad = set().union(*(avoid.get(f, set()) for f in its_fields))
        at = i + i // len(fields) * 5
        return next(cities[(at + d) % len(cities)] for d in range(len(cities))
                    if cities[(at + d) % len(cities)] not in bad)

    rows = [_row(0, expert_name, home(0, list(EXPERT_FIELDS)), list(EXPERT_FIELDS),
                 expert_email)]
    seen = {(rows[0]["name"], rows[0]["employer"])}
    for i in range(1, POOL_SIZE):
        its_fields = _fields_of(i, fields)
        n = 700 + i
        row = _row(i, data.person(n), home(i, its_fields), its_fields,
                   f"expert{i:03d}@{data.DOMAIN}")
        while (row["name"], row["employer"]) in seen:
            n += 1000
            row["name"] = data.person(n)
        seen.add((row["name"], row["employer"]))
        rows.append(row)
    return rows


def import_pool(officer: User, expert_user: User) -> list[Expert]:
    """The officer imports the pool: expert@ keeps its own account, every other expert gets
    one and an invitation mail to set its password (waiting in the outbox)."""
    pool = experts.import_experts(pool_rows(expert_user.email, expert_user.name),
                                 actor=officer)
    db.session.flush()
    return pool


def seats_of(app: Application) -> list[PanelSeat]:
    return list(db.session.scalars(select(PanelSeat).where(
        PanelSeat.application_id == app.id, PanelSeat.status != "declined")
        .order_by(PanelSeat.id)))


def assign(call, officer: User, when: datetime) -> None:
    """The officer allows up to MAX_LOAD panels per expert and seats every waiting panel."""
    freeze(when)
    call.review_settings = {**(call.review_settings or {}), "k": 5, "max_load": MAX_LOAD}
    db.session.flush()
    assignment.assign_optimal(call, actor=officer)


def accept_all(app: Application, when: datetime, *, except_user: User | None = None) -> None:
    for n, seat in enumerate(seats_of(app)):
        user = seat.expert.user
        if except_user is not None and user.id == except_user.id:
            continue
        freeze(when + timedelta(hours=2 * n))
        assignment.respond(seat, accept=True, reason="", actor=user)


def sheet_scores(app: Application, total: float) -> dict[str, float]:
    """Item scores near the same share `total` of every item's maximum, in half points."""
    scores = {}
    for n, (_dimension, item) in enumerate(items(rubric_of(app.call))):
        wobble = ((app.id * 7 + n * 3) % 5 - 2) / 2
        scores[item["code"]] = min(item["max"], max(0.0, round(
            item["max"] * total / 100 * 2 + wobble) / 2))
    return scores


def score(app: Application, totals, when: datetime) -> None:
    """Every accepted expert saves and submits a sheet, a day apart; totals per seat."""
    comment = {"plan_tasks": "技术路线清晰，任务分解合理。"}
    for n, (seat, total) in enumerate(zip(panel_seats.accepted_seats(app), totals, strict=True)):
        user = seat.expert.user
        freeze(when + timedelta(days=n, hours=n % 3))
        scoring.save_sheet(seat, sheet_scores(app, total), comment, [],
                           "总体方案可行，建议支持。" if total >= 75 else "方案基础一般。",
                           actor=user)
        scoring.submit_sheet(seat, actor=user)


def confirm(app: Application, when: datetime) -> None:
    """The chair confirms the panel's result, which closes the review."""
    freeze(when)
    chair = next(s for s in panel_seats.accepted_seats(app) if s.is_chair)
    results.confirm_panel(app, actor=chair.expert.user)


def level_totals(level: float, app_number: int) -> list[float]:
    """Five totals around `level`, a few points apart (no dispersion alarm)."""
    return [level + ((app_number * 5 + seat * 3) % 7 - 3) for seat in range(5)]
