"""Benchmark the expert assignment on a realistic seeded instance; prints one JSON object.

    python -m bench.assignment --apps 2000 --experts 500 --k 5 --max-load 25 --seed 1 --dump DIR

The instance has ~30 technical fields in the ten priority industries, experts with 1-3 fields,
a city and an employer from a pool of 300 organizations (some of which lead or co-build
applications), past employers, declared relations and investments. Exclusions follow
DOMAIN.md section 6: R1 employer is the lead unit or a co-builder, R2 past employer in the
last 3 years, R4-R7 declared relations, R8 same city as the lead unit (off with
--no-same-city). Affinity: 3 for the same field, 1 for the same industry; experts of another
industry cannot be assigned. The assignment is then checked against the instance itself,
not against the solver's input.
"""
import argparse
import csv
import json
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from workflow.core.reference import CITIES, PRIORITY_INDUSTRIES
from workflow.review.rules.solver import Problem, draw_random, lp_optimum, solve_optimal

FIELDS: dict[str, tuple[str, ...]] = dict(zip(PRIORITY_INDUSTRIES, (
    ("人工智能", "集成电路", "工业互联网"),
    ("数控机床", "智能机器人", "轨道交通装备"),
    ("氢能", "储能电池", "先进高分子材料"),
    ("海洋工程装备", "海洋生物医药", "海水淡化"),
    ("创新药", "高端医疗器械", "现代中医药"),
    ("精细化工", "化工新材料", "炼化一体化"),
    ("现代种业", "智慧农业", "食品精深加工"),
    ("数字创意", "工业设计", "影视动漫"),
    ("智慧旅游", "文旅融合", "康养旅游"),
    ("金融科技", "绿色金融", "供应链金融"),
), strict=True))
INDUSTRY_OF = {field: industry for industry, fields in FIELDS.items() for field in fields}
# Share of applications per industry, in the order of PRIORITY_INDUSTRIES.
INDUSTRY_SHARE = (0.16, 0.14, 0.14, 0.08, 0.12, 0.10, 0.09, 0.06, 0.04, 0.07)
# Applications crowd into each industry's first (hot) field; experts spread evenly, so the
# hot fields run short of exact matches and the solver has to trade affinity between them.
FIELD_SHARE = (0.55, 0.3, 0.15)
CITY_CODES = tuple(CITIES)
CITY_WEIGHTS = tuple(3 if code in ("370100", "370200") else 1 for code in CITY_CODES)
EMPLOYER_POOL = 300  # organizations 0..299 employ experts; all organizations may apply


@dataclass(frozen=True)
class Application:
    id: int
    field: str
    lead: int
    co_builders: frozenset[int]
    city: str  # the lead unit's

    @property
    def industry(self) -> str:
        return INDUSTRY_OF[self.field]


@dataclass(frozen=True)
class Expert:
    id: int
    fields: frozenset[str]
    city: str
    employer: int
    past_employers: frozenset[int]  # in the last 3 years
    declared: dict[int, str]  # application_id -> rule of a declared relation (R4-R7)
    invested: frozenset[int]

    @property
    def industries(self) -> frozenset[str]:
        return frozenset(INDUSTRY_OF[field] for field in self.fields)


@dataclass(frozen=True)
class Instance:
    experts: list[Expert]
    applications: list[Application]
    k: int
    max_load: int
    same_city: bool


def build_instance(
    *, apps: int, experts: int, k: int, max_load: int, seed: int, same_city: bool = True
) -> Instance:
    """A seeded instance whose experts follow the applications' demand per industry, so that
    each industry has about 25% more capacity than it needs at the default sizes."""
    rng = random.Random(seed)
    org_count = EMPLOYER_POOL + max(apps // 2, 1)
    org_city = rng.choices(CITY_CODES, CITY_WEIGHTS, k=org_count)
    applications = [_application(rng, app_id, org_city) for app_id in range(1, apps + 1)]
    by_industry = defaultdict(list)
    for app in applications:
        by_industry[app.industry].append(app.id)
    industries = _primary_industries(experts, Counter(a.industry for a in applications))
    rng.shuffle(industries)
    pool = [
        _expert(rng, expert_id, industry, org_city, by_industry, apps)
        for expert_id, industry in enumerate(industries, start=1)
    ]
    return Instance(pool, applications, k, max_load, same_city)


def _application(rng: random.Random, app_id: int, org_city: list[str]) -> Application:
    industry = rng.choices(PRIORITY_INDUSTRIES, INDUSTRY_SHARE)[0]
    lead = _applicant_unit(rng, len(org_city), from_pool=0.35)
    wanted, co_builders = rng.randint(1, 3), set()
    while len(co_builders) < wanted:
        unit = _applicant_unit(rng, len(org_city), from_pool=0.5)
        if unit != lead:
            co_builders.add(unit)
    field = rng.choices(FIELDS[industry], FIELD_SHARE)[0]
    return Application(app_id, field, lead, frozenset(co_builders), org_city[lead])


def _applicant_unit(rng: random.Random, org_count: int, *, from_pool: float) -> int:
    if rng.random() < from_pool:
        return rng.randrange(EMPLOYER_POOL)
    return rng.randrange(EMPLOYER_POOL, org_count)


def _primary_industries(count: int, demand: Counter) -> list[str]:
    """`count` industries in proportion to demand (plus one), by largest remainder."""
    weights = {industry: demand[industry] + 1 for industry in PRIORITY_INDUSTRIES}
    quota = {industry: count * w / sum(weights.values()) for industry, w in weights.items()}
    seats = {industry: int(q) for industry, q in quota.items()}
    by_remainder = sorted(PRIORITY_INDUSTRIES, key=lambda i: seats[i] - quota[i])
    for industry in by_remainder[: count - sum(seats.values())]:
        seats[industry] += 1
    return [industry for industry in PRIORITY_INDUSTRIES for _ in range(seats[industry])]


def _expert(rng, expert_id, industry, org_city, apps_by_industry, app_count) -> Expert:
    fields = {rng.choice(FIELDS[industry])}
    for _ in range(rng.choices((0, 1, 2), (0.5, 0.35, 0.15))[0]):
        other = industry if rng.random() < 0.5 else rng.choice(PRIORITY_INDUSTRIES)
        fields.add(rng.choice(FIELDS[other]))
    employer = rng.randrange(EMPLOYER_POOL)
    city = org_city[employer] if rng.random() < 0.9 else rng.choice(CITY_CODES)
    past = {rng.randrange(len(org_city))} if rng.random() < 0.3 else set()
    declared = {}
    if app_count and rng.random() < 0.03:
        declared[rng.randint(1, app_count)] = "R4"  # kin of a project head, any field
    peers = apps_by_industry[industry]
    for rule, chance, most in (("R5", 0.4, 3), ("R6", 0.15, 2), ("R7", 0.05, 1)):
        if peers and rng.random() < chance:
            for app_id in rng.sample(peers, min(rng.randint(1, most), len(peers))):
                declared.setdefault(app_id, rule)
    invested = {rng.randrange(len(org_city))} if rng.random() < 0.05 else set()
    return Expert(expert_id, frozenset(fields), city, employer, frozenset(past), declared,
                  frozenset(invested))


def exclusion_rule(instance: Instance, expert: Expert, app: Application) -> str | None:
    """The first conflict rule that excludes the pair, or None."""
    units = app.co_builders | {app.lead}
    if expert.employer in units:
        return "R1"
    if expert.past_employers & units:
        return "R2"
    if app.id in expert.declared:
        return expert.declared[app.id]
    if app.lead in expert.invested:
        return "R7"
    if instance.same_city and expert.city == app.city:
        return "R8"
    return None


def affinity(expert: Expert, app: Application) -> int | None:
    """3 for the same field, 1 for the same industry, None (not assignable) otherwise."""
    if app.field in expert.fields:
        return 3
    return 1 if app.industry in expert.industries else None


def pair_table(instance: Instance) -> list[tuple[int, int, int, str | None]]:
    """(expert_id, application_id, affinity, rule or None) for every same-industry pair."""
    by_industry = defaultdict(list)
    for expert in instance.experts:
        for industry in expert.industries:
            by_industry[industry].append(expert)
    return [
        (expert.id, app.id, affinity(expert, app), exclusion_rule(instance, expert, app))
        for app in instance.applications
        for expert in by_industry[app.industry]
    ]


def to_problem(instance: Instance, table) -> Problem:
    return Problem(
        experts={e.id: instance.max_load for e in instance.experts},
        applications={a.id: instance.k for a in instance.applications},
        affinity={(e, a): value for e, a, value, rule in table if rule is None},
    )


def check(instance: Instance, pairs) -> dict:
    """Conflicts, unfilled applications and the largest load, recomputed from the instance."""
    experts = {e.id: e for e in instance.experts}
    apps = {a.id: a for a in instance.applications}
    violated = sum(
        1 for e, a in pairs
        if affinity(experts[e], apps[a]) is None
        or exclusion_rule(instance, experts[e], apps[a]) is not None
    )
    per_app = Counter(a for _, a in pairs)
    per_expert = Counter(e for e, _ in pairs)
    return {
        "conflicts_violated": violated,
        "applications_not_filled": sum(1 for a in apps if per_app[a] < instance.k),
        "largest_load": max(per_expert.values(), default=0),
    }


def dump(directory: Path, instance: Instance, table, pairs) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    _write(directory / "pairs.csv", ("expert_id", "application_id", "affinity", "excluded"),
           [(e, a, value, int(rule is not None)) for e, a, value, rule in table])
    _write(directory / "experts.csv", ("expert_id", "max_load"),
           [(e.id, instance.max_load) for e in instance.experts])
    _write(directory / "applications.csv", ("application_id", "k"),
           [(a.id, instance.k) for a in instance.applications])
    _write(directory / "assignment.csv", ("expert_id", "application_id"), sorted(pairs))


def _write(path: Path, header, rows) -> None:
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def run(argv: list[str] | None = None) -> dict:
    args = _parser().parse_args(argv)
    started = time.perf_counter()
    instance = build_instance(apps=args.apps, experts=args.experts, k=args.k,
                              max_load=args.max_load, seed=args.seed,
                              same_city=args.same_city)
    table = pair_table(instance)
    problem = to_problem(instance, table)
    build_seconds = time.perf_counter() - started

    started = time.perf_counter()
    if args.draw:
        solution = draw_random(problem, seed=args.seed)
    else:
        solution = solve_optimal(problem)
    seconds = time.perf_counter() - started

    optimum = lp_optimum(problem)
    if args.dump:
        dump(Path(args.dump), instance, table, solution.pairs)
    return {
        "apps": args.apps, "experts": args.experts, "k": args.k, "max_load": args.max_load,
        "seed": args.seed, "method": "draw" if args.draw else "optimal",
        "seconds": round(seconds, 3), "build_seconds": round(build_seconds, 3),
        "total_affinity": solution.total_affinity, "lp_optimum": optimum,
        "optimal": abs(solution.total_affinity - optimum) <= 1e-6,
        **check(instance, solution.pairs),
        "pairs_considered": len(table),
        "excluded_pairs": sum(1 for *_, rule in table if rule is not None),
        "excluded_by_rule": dict(sorted(Counter(r for *_, r in table if r).items())),
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.assignment", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--apps", type=int, default=2000)
    parser.add_argument("--experts", type=int, default=500)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--max-load", type=int, default=25)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dump", metavar="DIR", help="write the instance and assignment as CSV")
    parser.add_argument("--no-same-city", dest="same_city", action="store_false",
                        help="do not apply R8 (same city as the lead unit)")
    parser.add_argument("--draw", action="store_true",
                        help="run the seeded random draw instead of the optimal solver")
    return parser


def main(argv: list[str] | None = None) -> None:
    print(json.dumps(run(argv), ensure_ascii=False))


if __name__ == "__main__":
    main()
