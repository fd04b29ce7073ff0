"""The numbers of the department's statistics, each from one aggregate statement (GROUP BY in
the database; Python only adds up the few grouped rows, ranks them and fills in the zeros),
and the public list of centers.

Every count is of applications whose approval notice was issued (NOTICE_ISSUED_STATES) in
calls of the reader's Scope, unless a function says otherwise."""
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Float, and_, case, cast, func, literal, select
from sqlalchemy.orm import aliased

from workflow.application_forms.models import ApplicationForm
from workflow.calls.models import Call, CallField, PlatformType
from workflow.centers.indicators import INDICATORS
from workflow.centers.models import PREPARATORY_MARK, PREPARATORY_STATES, Center
from workflow.core import reference, regions
from workflow.core.extensions import db
from workflow.core.states import CENTER_STATES, NOTICE_ISSUED_STATES, CallState
from workflow.evaluation.models import Evaluation, EvaluationRound, Grade, RoundStatus
from workflow.intake.models import Application, ApplicationSection
from workflow.organizations.models import Organization
from workflow.reports.queries import totals_by_year
from workflow.statistics.rules import (
    ACADEMIC_KINDS,
    CENTER_STATUS_ORDER,
    FUNNEL_STAGES,
    PUBLIC_STATUS,
    Scope,
)
from workflow.task_books.models import TaskBook, TaskBookState
from workflow.vocabulary.models import FieldTerm
from workflow.web.queries.lists import Page

ISSUED = [s.value for s in NOTICE_ISSUED_STATES]
ACTIVE = [s.value for s in CENTER_STATES]


def _in_scope(stmt, scope: Scope, *, from_start: bool = False):
    """`stmt`, which reads Call, limited to the scope's calls (from the first year on when
    `from_start`: a cumulative count starts with the first approval)."""
    stmt = stmt.where(Call.year <= scope.year_to)
    if not from_start:
        stmt = stmt.where(Call.year >= scope.year_from)
    if scope.platform_type_id:
        stmt = stmt.where(Call.platform_type_id == scope.platform_type_id)
    return stmt


def _approved():
    return select().select_from(Application).join(Call, Application.call_id == Call.id) \
        .where(Application.state.in_(ISSUED))


def _active_count():
    return func.sum(case((Application.state.in_(ACTIVE), 1), else_=0))


def year_span() -> tuple[int, int] | None:
    """The first and last year of the calls, None before the first call."""
    first, last = db.session.execute(select(func.min(Call.year), func.max(Call.year))).one()
    return None if first is None else (first, last)


def platform_types() -> list[PlatformType]:
    return list(db.session.scalars(select(PlatformType).order_by(PlatformType.id)))


@dataclass(frozen=True)
class Batch:
    year: int
    call_id: int
    title: str
    approved: int
    cumulative: int


def approvals_by_batch(scope: Scope) -> list[Batch]:
    """Each call of the scope (a batch) with its approvals and the count approved so far, from
    the first call of the platform type on. Calls still being planned are left out."""
    approved = func.count(Application.id)
    rows = db.session.execute(_in_scope(
        select(Call.year, Call.id, Call.title, approved)
        .outerjoin(Application, and_(Application.call_id == Call.id,
                                     Application.state.in_(ISSUED)))
        .where(Call.state != CallState.PLANNED)
        .group_by(Call.year, Call.id, Call.title).order_by(Call.year, Call.id),
        scope, from_start=True)).all()
    batches, total = [], 0
    for year, call_id, title, n in rows:
        total += n
        if year >= scope.year_from:
            batches.append(Batch(year, call_id, title, n, total))
    return batches


@dataclass(frozen=True)
class CityRow:
    code: str
    name: str
    approved: int
    active: int
    rank: int


def by_city(scope: Scope) -> list[CityRow]:
    """Every city of the installation's province with its approvals and its centers still
    active (neither failed nor revoked), ranked by approvals (equal counts share a rank, as 1,
    2, 2, 4). A county's approvals count for its city (the region tree); a code of no city of
    today keeps a row of its own."""
    counted = dict.fromkeys(reference.cities(), (0, 0))
    for region, n, active in db.session.execute(
            _in_scope(_approved().add_columns(Application.region_code, func.count(),
                                              _active_count()), scope)
            .group_by(Application.region_code)):
        city = regions.city_of(region) or region
        before = counted.get(city, (0, 0))
        counted[city] = (before[0] + n, before[1] + int(active or 0))
    rows = [CityRow(code, regions.city_name(code), n, active,
                    1 + sum(1 for other, _a in counted.values() if other > n))
            for code, (n, active) in counted.items()]
    return sorted(rows, key=lambda r: (r.rank, r.code))


@dataclass(frozen=True)
class GroupRow:
    key: str
    approved: int
    active: int


def by_field(scope: Scope) -> list[GroupRow]:
    """Approvals by technical field (the vocabulary's term), the most first."""
    name = func.coalesce(FieldTerm.name, literal(""))
    rows = db.session.execute(_in_scope(
        _approved().add_columns(name, func.count(), _active_count())
        .outerjoin(CallField, Application.field_id == CallField.id)
        .outerjoin(FieldTerm, CallField.term_id == FieldTerm.id), scope)
        .group_by(name).order_by(func.count().desc(), name))
    return [GroupRow(key, n, int(active or 0)) for key, n, active in rows]


LEAD_KINDS = ("enterprise", "academic", "other")


def by_lead_kind(scope: Scope) -> list[GroupRow]:
    """Approvals by the kind of the center's lead unit (the current one, after a change):
    enterprises, universities and institutes, other units."""
    lead = aliased(Organization)
    kind = case((lead.kind == "enterprise", "enterprise"),
                (lead.kind.in_(ACADEMIC_KINDS), "academic"), else_="other")
    rows = {key: (n, int(active or 0)) for key, n, active in db.session.execute(_in_scope(
        _approved().add_columns(kind, func.count(), _active_count())
        .outerjoin(Center, Center.application_id == Application.id)
        .join(lead, lead.id == func.coalesce(Center.lead_org_id, Application.lead_org_id)),
        scope).group_by(kind))}
    return [GroupRow(key, *rows.get(key, (0, 0))) for key in LEAD_KINDS]


@dataclass(frozen=True)
class FundsRow:
    year: int
    centers: int
    from_task_book: int
    own: float
    provincial: float
    local: float

    @property
    def total(self) -> float:
        return self.own + self.provincial + self.local


def _number(column, key: str):
    """A figure of a JSON column in the database, 0 when missing or empty."""
    return func.coalesce(cast(func.nullif(column[key].as_string(), ""), Float), 0.0)


BUDGET_NAMES = ("total_budget", "own_funds", "local_match")


def _budget_places() -> tuple[dict[int, str], dict[str, dict[int, str]]]:
    """Where each form the active centers were filed in keeps its budget: the section holding
    the field named total_budget, and the key of each named figure (application_forms: a
    form names its fields for the statistics). Forms are few; read in one statement."""
    used = select(Application.form_id).where(Application.state.in_(ACTIVE)).distinct()
    sections: dict[int, str] = {}
    keys: dict[str, dict[int, str]] = {name: {} for name in BUDGET_NAMES}
    for row in db.session.scalars(select(ApplicationForm).where(ApplicationForm.id.in_(used))):
        total = row.form.by_name("total_budget")
        if total is None:
            continue
        section = row.form.section_of(total.key)
        sections[row.id] = section.key
        for name in BUDGET_NAMES:
            field = row.form.by_name(name)
            if field is not None and field in section.fields:
                keys[name][row.id] = field.key
    return sections, keys


def _by_form(places: dict[int, object], default):
    """`default`, or the form's own value where the application's form has one."""
    if not places:
        return default
    return case(*[(Application.form_id == form_id, value)
                  for form_id, value in places.items()], else_=default)


def committed_funds(scope: Scope) -> list[FundsRow]:
    """Per year: the funds committed to the active centers (10,000 yuan), by source. A signed
    task book's budget where there is one, else the application's budget as its form names
    it (_budget_places), whose total beyond own funds and local match counts as provincial
    and other funds."""
    book = aliased(TaskBook)
    section = aliased(ApplicationSection)
    signed = book.id.is_not(None)
    sections, keys = _budget_places()

    def figure(name: str):
        return _by_form({f: _number(section.data, k) for f, k in keys[name].items()},
                        _number(section.data, name))

    app_own, app_local = figure("own_funds"), figure("local_match")
    app_total = figure("total_budget")
    own = case((signed, _number(book.budget, "own_funds")), else_=app_own)
    provincial = case((signed, _number(book.budget, "provincial_funds")),
                      else_=app_total - app_own - app_local)
    local = case((signed, _number(book.budget, "local_match")), else_=app_local)
    rows = db.session.execute(_in_scope(
        select(Call.year, func.count(), func.sum(case((signed, 1), else_=0)), func.sum(own),
               func.sum(provincial), func.sum(local))
        .select_from(Application).join(Call, Application.call_id == Call.id)
        .outerjoin(book, and_(book.application_id == Application.id,
                              book.state == TaskBookState.SIGNED))
        .outerjoin(section, and_(section.application_id == Application.id,
                                 section.key == _by_form(sections, literal("budget"))))
        .where(Application.state.in_(ACTIVE)), scope)
        .group_by(Call.year).order_by(Call.year))
    return [FundsRow(year, n, int(books or 0), round(o or 0, 2), round(p or 0, 2),
                     round(lo or 0, 2)) for year, n, books, o, p, lo in rows]


def by_status(scope: Scope) -> list[tuple[str, int]]:
    """The centers of the scope by their state, in the order of a center's years."""
    counted = dict(db.session.execute(_in_scope(
        _approved().add_columns(Application.state, func.count()), scope)
        .group_by(Application.state)).all())
    return [(state.value, counted.get(state.value, 0)) for state in CENTER_STATUS_ORDER]


def funnel_calls(scope: Scope) -> list:
    """The calls whose funnel can be shown, newest first, as rows (id, year, title): the
    announced calls of the scope's platform type (of every year: the current call may be
    younger than the range)."""
    stmt = select(Call.id, Call.year, Call.title).where(Call.state != CallState.PLANNED)
    if scope.platform_type_id:
        stmt = stmt.where(Call.platform_type_id == scope.platform_type_id)
    return db.session.execute(stmt.order_by(Call.year.desc(), Call.id.desc())).all()


def funnel(call) -> list[tuple[str, int]]:
    """How many of the call's applications reached each stage, from filing to approval."""
    counted = dict(db.session.execute(
        select(Application.state, func.count()).where(Application.call_id == call.id)
        .group_by(Application.state)).all())
    return [(stage, sum(n for state, n in counted.items() if state in states))
            for stage, states in FUNNEL_STAGES]


@dataclass(frozen=True)
class PublicCenter:
    id: int
    name: str
    lead_unit: str
    city: str
    field: str
    year: int
    status: str


def _public_centers():
    lead = aliased(Organization)
    name = func.coalesce(Center.name, Application.title)
    return (select(Application.id, name, lead.name, Application.region_code,
                   func.coalesce(FieldTerm.name, literal("")), Call.year, Application.state)
            .select_from(Application).join(Call, Application.call_id == Call.id)
            .outerjoin(Center, Center.application_id == Application.id)
            .join(lead, lead.id == func.coalesce(Center.lead_org_id, Application.lead_org_id))
            .outerjoin(CallField, Application.field_id == CallField.id)
            .outerjoin(FieldTerm, CallField.term_id == FieldTerm.id)
            .where(Application.state.in_(ACTIVE))
            .order_by(Call.year.desc(), Application.region_code, Application.id))


def _public_row(row) -> PublicCenter:
    app_id, name, lead_name, region, field, year, state = row
    if state in PREPARATORY_STATES:
        name += PREPARATORY_MARK
    return PublicCenter(app_id, name, lead_name, regions.city_name(region), field,
                        year, PUBLIC_STATUS[state])


def all_public_centers() -> list[PublicCenter]:
    """The centers approved and neither failed nor revoked, the newest batch first, with their
    current name, lead unit, city, field, year of approval and whether they are being built
    or operating."""
    return [_public_row(r) for r in db.session.execute(_public_centers())]


def public_centers_page(page: int, per_page: int = 50) -> Page:
    """One page of `all_public_centers()`: two statements."""
    total = db.session.scalar(select(func.count()).select_from(Application)
                              .where(Application.state.in_(ACTIVE)))
    page = min(max(1, page), max(1, -(-total // per_page)))
    rows = db.session.execute(_public_centers().limit(per_page).offset((page - 1) * per_page))
    return Page(items=[_public_row(r) for r in rows], total=total, page=page, per_page=per_page)


def summary(scope: Scope | None = None) -> dict:
    """The centers as `flask stats --json` prints them, from the queries of the statistics
    page (every year and type unless `scope` says otherwise): by status after the notice
    (every state, 0 included), approvals per year, by city (with rank), field and kind of
    lead unit, the grades of the closed evaluation rounds per year, the committed funds per
    year, and the indicators of the accepted annual reports summed per year reported on."""
    if scope is None:
        first, last = year_span() or (0, 0)
        scope = Scope(first, last)
    years: dict[int, int] = {}
    for batch in approvals_by_batch(scope):
        years[batch.year] = years.get(batch.year, 0) + batch.approved
    return {
        "by_status": dict(by_status(scope)),
        "approved_by_year": {str(year): n for year, n in years.items()},
        "by_city": {r.name: {"approved": r.approved, "active": r.active, "rank": r.rank}
                    for r in by_city(scope) if r.approved},
        "by_field": {r.key: r.approved for r in by_field(scope)},
        "by_lead_kind": {r.key: r.approved for r in by_lead_kind(scope)},
        "by_grade": {str(year): counts for year, counts in by_grade(scope)},
        "funds": {str(r.year): {"centers": r.centers, "own": r.own, "provincial": r.provincial,
                                "local": r.local, "total": round(r.total, 2)}
                  for r in committed_funds(scope)},
        "indicators": {str(year): {code: float(total) for code, total in sorted(codes.items())}
                       for year, codes in sorted(totals_by_year(
                           platform_type_id=scope.platform_type_id).items())},
    }


def by_grade(scope: Scope) -> list[tuple[int, dict[str, int]]]:
    """The grades of the closed evaluation rounds (every center graded) of the scope's years
    and platform type, per round year: [(year, {grade: count})], oldest first."""
    rows = db.session.execute(
        select(EvaluationRound.year, Evaluation.grade, func.count())
        .join(EvaluationRound, Evaluation.round_id == EvaluationRound.id)
        .where(Evaluation.grade.is_not(None), EvaluationRound.status == RoundStatus.CLOSED,
               EvaluationRound.year.between(scope.year_from, scope.year_to),
               *([EvaluationRound.platform_type_id == scope.platform_type_id]
                 if scope.platform_type_id else []))
        .group_by(EvaluationRound.year, Evaluation.grade).order_by(EvaluationRound.year))
    years: dict[int, dict[str, int]] = {}
    for year, grade, n in rows:
        years.setdefault(year, {g.value: 0 for g in Grade})[grade] = n
    return list(years.items())


@dataclass(frozen=True)
class IndicatorRow:
    code: str
    totals: dict  # {year: Decimal} for the years shown that have accepted reports
    change: Decimal | None  # the last year shown against the year before it
    percent: float | None


def indicator_changes(scope: Scope) -> tuple[list[int], list[IndicatorRow]]:
    """The indicators of the accepted annual reports summed per year reported on (the years
    of the scope; workflow/reports/queries.py, one aggregate statement), and the change of
    the last of those years on the year before. Returns (years shown, one row per indicator
    that has a value)."""
    totals = totals_by_year(first_year=scope.year_from - 1, last_year=scope.year_to,
                            platform_type_id=scope.platform_type_id)
    years = sorted(y for y in totals if y >= scope.year_from)
    rows = []
    for indicator in INDICATORS:
        if not any(indicator.code in totals[y] for y in years):
            continue
        last = totals[years[-1]].get(indicator.code)
        before = totals.get(years[-1] - 1, {}).get(indicator.code)
        change = None if last is None or before is None else last - before
        percent = (None if change is None or not before
                   else round(float(change) * 100 / float(before), 1))
        rows.append(IndicatorRow(indicator.code, {y: totals[y].get(indicator.code)
                                                  for y in years}, change, percent))
    return years, rows
