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
import resource
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from workflow.core.reference import PRIORITY_INDUSTRIES
from workflow.demo.data import CITIES
from workflow.review.rules import flow
from workflow.review.rules.solver import Problem, draw_random, lp_optimum

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
LP_LIMIT = 2000 * 500  # the LP, a second solve from scratch, is only run up to this size


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


RULES = ("", "R1", "R2", "R4", "R5", "R6", "R7", "R8")  # code 0: not excluded
RULE_CODE = {rule: code for code, rule in enumerate(RULES)}
FIELD_INDEX = {field: i for i, field in enumerate(INDUSTRY_OF)}


@dataclass(frozen=True)
class PairTable:
    """Every same-industry pair, sorted by application then expert: indices into the
    instance's lists, the affinity, and the code in RULES of the first rule excluding it."""
    expert: np.ndarray  # int32
    app: np.ndarray  # int32
    affinity: np.ndarray  # int8
    rule: np.ndarray  # int8

    def __len__(self) -> int:
        return len(self.expert)

    def rows(self, instance: Instance):
        """(expert_id, application_id, affinity, rule or None) per pair."""
        expert_ids = [e.id for e in instance.experts]
        app_ids = [a.id for a in instance.applications]
        for e, a, value, code in zip(self.expert.tolist(), self.app.tolist(),
                                     self.affinity.tolist(), self.rule.tolist(), strict=True):
            yield expert_ids[e], app_ids[a], value, RULES[code] or None


def pair_table(instance: Instance) -> PairTable:
    """The pairs, built with numpy one industry at a time: an application meets every
    expert of its industry at once (the same rules as exclusion_rule and affinity)."""
    apps, experts = instance.applications, instance.experts
    industry_index = {industry: i for i, industry in enumerate(PRIORITY_INDUSTRIES)}
    app_industry = np.array([industry_index[a.industry] for a in apps], dtype=np.int64)
    app_field = np.array([FIELD_INDEX[a.field] for a in apps], dtype=np.int64)
    app_lead = np.array([a.lead for a in apps], dtype=np.int64)
    app_units = _padded([(a.lead, *sorted(a.co_builders)) for a in apps], fill=-1)
    app_city = np.array([CITY_CODES.index(a.city) for a in apps], dtype=np.int64)
    field_mask = np.array([sum(1 << FIELD_INDEX[f] for f in e.fields) for e in experts],
                          dtype=np.int64)
    industry_mask = np.array([sum(1 << industry_index[i] for i in e.industries)
                              for e in experts], dtype=np.int64)
    employer = np.array([e.employer for e in experts], dtype=np.int64)
    past = _padded([sorted(e.past_employers) for e in experts], fill=-2)
    invested = _padded([sorted(e.invested) for e in experts], fill=-2)
    expert_city = np.array([CITY_CODES.index(e.city) for e in experts], dtype=np.int64)
    app_position = {a.id: i for i, a in enumerate(apps)}
    declared = np.array([(i, app_position[app_id], RULE_CODE[rule])
                         for i, e in enumerate(experts) for app_id, rule in e.declared.items()
                         if app_id in app_position], dtype=np.int64).reshape(-1, 3)

    in_industry = [np.flatnonzero(industry_mask >> g & 1) for g in range(len(industry_index))]
    width = np.array([len(in_industry[g]) for g in app_industry], dtype=np.int64)
    app_start = np.concatenate([[0], np.cumsum(width)])
    size = int(app_start[-1])
    table = PairTable(np.empty(size, np.int32), np.empty(size, np.int32),
                      np.empty(size, np.int8), np.empty(size, np.int8))
    for g, members in enumerate(in_industry):
        rows = np.flatnonzero(app_industry == g)
        if not len(rows) or not len(members):
            continue
        rule = np.zeros((len(rows), len(members)), dtype=np.int8)
        if instance.same_city:
            rule[app_city[rows, None] == expert_city[None, members]] = RULE_CODE["R8"]
        for column in invested[members].T:
            rule[app_lead[rows, None] == column[None, :]] = RULE_CODE["R7"]
        _mark_declared(rule, declared, rows, members, app_industry, g)
        for past_column in past[members].T:
            rule[(app_units[rows, :, None] == past_column[None, None, :]).any(axis=1)] = \
                RULE_CODE["R2"]
        rule[(app_units[rows, :, None] == employer[None, None, members]).any(axis=1)] = \
            RULE_CODE["R1"]
        exact = (field_mask[None, members] >> app_field[rows, None]) & 1
        target = (app_start[rows, None] + np.arange(len(members))[None, :]).ravel()
        table.expert[target] = np.broadcast_to(members[None, :], rule.shape).ravel()
        table.app[target] = np.repeat(rows, len(members))
        table.affinity[target] = np.where(exact, 3, 1).ravel()
        table.rule[target] = rule.ravel()
    return table


def _padded(groups: list, *, fill: int) -> np.ndarray:
    """Sets of unequal size as the rows of one array, padded with `fill` (never a unit; the
    units' and the experts' padding differ so that they never match each other)."""
    out = np.full((len(groups), max((len(g) for g in groups), default=0)), fill, np.int64)
    for i, group in enumerate(groups):
        out[i, :len(group)] = group
    return out


def _mark_declared(rule, declared, rows, members, app_industry, industry) -> None:
    """The declared relations (R4-R7) that fall in this industry's block."""
    here = declared[app_industry[declared[:, 1]] == industry]
    row_of = np.full(len(app_industry), -1)
    row_of[rows] = np.arange(len(rows))
    column_of = np.full(int(members.max()) + 1 if len(members) else 0, -1)
    column_of[members] = np.arange(len(members))
    here = here[here[:, 0] < len(column_of)]
    here = here[column_of[here[:, 0]] >= 0]
    rule[row_of[here[:, 1]], column_of[here[:, 0]]] = here[:, 2]


def to_pairs(instance: Instance, table: PairTable) -> tuple[flow.Pairs, np.ndarray]:
    """The solver's input, the pairs no rule excludes, and their positions in the table."""
    open_rows = np.flatnonzero(table.rule == 0)
    pairs = flow.Pairs(
        loads=np.full(len(instance.experts), instance.max_load, dtype=np.int64),
        slots=np.full(len(instance.applications), instance.k, dtype=np.int64),
        expert=table.expert[open_rows], app=table.app[open_rows],
        affinity=table.affinity[open_rows],
    )
    return pairs, open_rows


def to_problem(instance: Instance, table: PairTable) -> Problem:
    return Problem(
        experts={e.id: instance.max_load for e in instance.experts},
        applications={a.id: instance.k for a in instance.applications},
        affinity={(e, a): value for e, a, value, rule in table.rows(instance) if rule is None},
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


def dump(directory: Path, instance: Instance, table: PairTable, pairs) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    expert_ids = np.array([e.id for e in instance.experts])
    app_ids = np.array([a.id for a in instance.applications])

    def pair_rows():
        for start in range(0, len(table), 1 << 20):
            part = slice(start, start + (1 << 20))
            yield from zip(expert_ids[table.expert[part]].tolist(),
                           app_ids[table.app[part]].tolist(), table.affinity[part].tolist(),
                           (table.rule[part] != 0).astype(int).tolist(), strict=True)

    _write(directory / "pairs.csv", ("expert_id", "application_id", "affinity", "excluded"),
           pair_rows())
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


def _peak_memory_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run(argv: list[str] | None = None) -> dict:
    args = _parser().parse_args(argv)
    started = time.perf_counter()
    instance = build_instance(apps=args.apps, experts=args.experts, k=args.k,
                              max_load=args.max_load, seed=args.seed,
                              same_city=args.same_city)
    table = pair_table(instance)
    pairs, _open_rows = to_pairs(instance, table)
    build_seconds = time.perf_counter() - started

    started = time.perf_counter()
    problem, certificate, solved = None, None, {}
    if args.draw:
        problem = to_problem(instance, table)
        chosen = sorted(draw_random(problem, seed=args.seed).pairs)
    else:
        assignment = flow.solve(pairs)
        expert_ids = np.array([e.id for e in instance.experts])
        app_ids = np.array([a.id for a in instance.applications])
        chosen = sorted(zip(expert_ids[pairs.expert[assignment.chosen]].tolist(),
                            app_ids[pairs.app[assignment.chosen]].tolist(), strict=True))
        solved = {"flow_solves": assignment.rounds, "candidate_pairs": assignment.candidates}
    seconds = time.perf_counter() - started
    if not args.draw:
        started = time.perf_counter()
        # From the solution alone: its potentials, checked against every pair of the table.
        certificate = flow.certify(pairs, assignment.chosen, assignment.expert_potential,
                                   assignment.app_potential)
        solved["certificate_seconds"] = round(time.perf_counter() - started, 3)
    peak_memory_mb = _peak_memory_mb()

    total_affinity = int(pairs.affinity[assignment.chosen].sum()) if certificate else sum(
        problem.affinity[p] for p in chosen)
    lp = {}
    run_lp = args.lp if args.lp is not None else args.apps * args.experts <= LP_LIMIT
    if run_lp:
        started = time.perf_counter()
        optimum = lp_optimum(problem or to_problem(instance, table))
        lp = {"lp_optimum": optimum, "lp_seconds": round(time.perf_counter() - started, 3),
              "lp_agrees": abs(total_affinity - optimum) <= 1e-6,
              "peak_memory_mb_with_lp": _peak_memory_mb()}
    if args.dump:
        dump(Path(args.dump), instance, table, chosen)
    excluded = np.bincount(table.rule, minlength=len(RULES))
    return {
        "apps": args.apps, "experts": args.experts, "k": args.k, "max_load": args.max_load,
        "seed": args.seed, "method": "draw" if args.draw else "optimal",
        "build_seconds": round(build_seconds, 3), "seconds": round(seconds, 3), **solved,
        "peak_memory_mb": peak_memory_mb,
        "total_affinity": total_affinity,
        "optimal": bool(certificate and certificate.optimal and lp.get("lp_agrees", True)),
        **({"certificate": {"feasible": certificate.feasible, "primal": certificate.primal,
                            "dual": certificate.dual, "filled": certificate.filled}}
           if certificate else {}),
        **lp,
        **check(instance, chosen),
        "pairs_considered": len(table),
        "excluded_pairs": int(excluded[1:].sum()),
        "excluded_by_rule": {RULES[code]: int(n) for code, n in enumerate(excluded)
                             if code and n},
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
    parser.add_argument("--lp", action=argparse.BooleanOptionalAction, default=None,
                        help="also solve the LP with GLOP and compare (default: only up to "
                             "2,000 applications x 500 experts)")
    return parser


def main(argv: list[str] | None = None) -> None:
    print(json.dumps(run(argv), ensure_ascii=False))


if __name__ == "__main__":
    main()
