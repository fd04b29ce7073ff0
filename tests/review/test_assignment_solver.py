"""The assignment solver on plain data: hand-computed optima (some a greedy choice misses),
shortages reported as unfilled, fixed and forbidden pairs, capacities, agreement with the
LP optimum and with brute force, the seeded draw, and the benchmark's CSV dump."""
import csv
import itertools
import json
import random
from collections import Counter

import pytest

from bench import assignment as bench
from workflow.review.rules.solver import Problem, draw_random, lp_optimum, solve_optimal

A, B, C = 1, 2, 3  # experts
X, Y, Z = 10, 11, 12  # applications


@pytest.fixture(autouse=True)
def _context():
    """Pure functions: no app context and no database needed."""
    yield


def random_problem(seed: int, experts: int = 12, apps: int = 10, density: float = 0.5) -> Problem:
    rng = random.Random(seed)
    return Problem(
        experts={e: rng.randint(0, 4) for e in range(1, experts + 1)},
        applications={a: rng.randint(1, 4) for a in range(101, 101 + apps)},
        affinity={
            (e, a): rng.randint(0, 5)
            for e in range(1, experts + 1) for a in range(101, 101 + apps)
            if rng.random() < density
        },
    )


def assert_valid(problem: Problem, solution, fixed=(), forbidden=()) -> None:
    per_expert = Counter(e for e, _ in solution.pairs)
    per_app = Counter(a for _, a in solution.pairs)
    assert solution.pairs <= problem.affinity.keys()
    assert all(per_expert[e] <= load for e, load in problem.experts.items())
    assert all(per_app[a] <= k for a, k in problem.applications.items())
    assert set(fixed) <= solution.pairs
    assert not set(forbidden) & solution.pairs
    assert solution.total_affinity == sum(problem.affinity[p] for p in solution.pairs)
    missing = {a: k - per_app[a] for a, k in problem.applications.items() if per_app[a] < k}
    assert solution.unfilled == missing


def brute_force(problem: Problem) -> tuple[int, int]:
    """(slots filled, total affinity) of the best assignment, trying every subset of pairs."""
    pairs = sorted(problem.affinity)
    best = (0, 0)
    for chosen in itertools.product((0, 1), repeat=len(pairs)):
        used = [p for p, bit in zip(pairs, chosen, strict=True) if bit]
        per_expert = Counter(e for e, _ in used)
        per_app = Counter(a for _, a in used)
        if all(per_expert[e] <= problem.experts[e] for e in per_expert) and all(
            per_app[a] <= problem.applications[a] for a in per_app
        ):
            best = max(best, (len(used), sum(problem.affinity[p] for p in used)))
    return best


def test_optimal_beats_the_greedy_choice():
    # Greedy takes the best pair A-X (4) and leaves B-Y (0): 4. The optimum is A-Y + B-X: 5.
    problem = Problem({A: 1, B: 1}, {X: 1, Y: 1}, {(A, X): 4, (A, Y): 3, (B, X): 2, (B, Y): 0})
    solution = solve_optimal(problem)
    assert solution.pairs == {(A, Y), (B, X)}
    assert solution.total_affinity == 5 == lp_optimum(problem)
    assert solution.unfilled == {}


def test_optimal_fills_every_slot_before_seeking_affinity():
    # The best affinity alone (A-X, 3) would leave Y empty; filling both gives affinity 0.
    problem = Problem({A: 1, B: 1}, {X: 1, Y: 1}, {(A, X): 3, (A, Y): 0, (B, X): 0})
    solution = solve_optimal(problem)
    assert solution.pairs == {(A, Y), (B, X)}
    assert solution.total_affinity == 0 == lp_optimum(problem)


def test_optimal_spreads_a_panel_over_loads():
    problem = Problem(
        {A: 2, B: 1, C: 1}, {X: 2, Y: 2},
        {(A, X): 3, (A, Y): 3, (B, X): 3, (B, Y): 1, (C, X): 1, (C, Y): 3},
    )
    solution = solve_optimal(problem)
    assert solution.pairs == {(A, X), (A, Y), (B, X), (C, Y)}
    assert solution.total_affinity == 12 == lp_optimum(problem)


@pytest.mark.parametrize(("problem", "unfilled"), [
    (Problem({A: 1, B: 1}, {X: 3}, {(A, X): 3, (B, X): 1}), {X: 1}),
    (Problem({A: 5}, {X: 2, Y: 2}, {(A, X): 3}), {X: 1, Y: 2}),
    (Problem({A: 1}, {X: 1, Y: 1}, {(A, X): 1, (A, Y): 3}), {X: 1}),  # the draw leaves Y
    (Problem({}, {X: 1}, {}), {X: 1}),
    (Problem({A: 0}, {X: 1}, {(A, X): 3}), {X: 1}),
])
def test_shortage_is_reported_as_unfilled(problem, unfilled):
    solution = solve_optimal(problem)
    assert solution.unfilled == unfilled
    assert_valid(problem, solution)
    drawn = draw_random(problem, seed=7)
    assert sum(drawn.unfilled.values()) == sum(unfilled.values())
    assert_valid(problem, drawn)


def test_forbidden_pairs_are_never_used():
    problem = Problem({A: 1, B: 1}, {X: 1, Y: 1}, {(A, X): 4, (A, Y): 3, (B, X): 2, (B, Y): 0})
    forbidden = [(A, Y)]
    solution = solve_optimal(problem, forbidden=forbidden)
    assert solution.pairs == {(A, X), (B, Y)}
    assert solution.total_affinity == 4 == lp_optimum(problem, forbidden=forbidden)
    everyone_declined = [(A, X), (B, X)]
    for solution in (solve_optimal(problem, forbidden=everyone_declined),
                     draw_random(problem, seed=1, forbidden=everyone_declined)):
        assert solution.unfilled == {X: 1}
        assert_valid(problem, solution, forbidden=everyone_declined)


def test_fixed_pairs_are_kept_and_use_capacity():
    problem = Problem({A: 1, B: 1}, {X: 1, Y: 1}, {(A, X): 4, (A, Y): 3, (B, X): 2, (B, Y): 0})
    solution = solve_optimal(problem, fixed=[(A, X)])
    assert solution.pairs == {(A, X), (B, Y)}
    assert solution.total_affinity == 4 == lp_optimum(problem, fixed=[(A, X)])
    drawn = draw_random(problem, seed=3, fixed=[(A, X)])
    assert drawn.pairs == {(A, X), (B, Y)}


@pytest.mark.parametrize(("fixed", "forbidden"), [
    ([(A, Z)], []),  # not assignable
    ([(A, X)], [(A, X)]),  # both
    ([(A, X), (A, Y)], []),  # beyond A's load
    ([(A, X), (B, X)], []),  # beyond X's k
])
def test_impossible_fixed_pairs_are_refused(fixed, forbidden):
    problem = Problem({A: 1, B: 1}, {X: 1, Y: 1, Z: 1}, {(A, X): 1, (A, Y): 1, (B, X): 1})
    for method in (solve_optimal, lp_optimum):
        with pytest.raises(ValueError):
            method(problem, fixed=fixed, forbidden=forbidden)
    with pytest.raises(ValueError):
        draw_random(problem, seed=1, fixed=fixed, forbidden=forbidden)


@pytest.mark.parametrize("problem", [
    Problem({A: -1}, {X: 1}, {}),
    Problem({A: 1}, {X: -1}, {}),
    Problem({A: 1}, {X: 1}, {(A, X): -2}),
    Problem({A: 1}, {X: 1}, {(B, X): 1}),
])
def test_malformed_problems_are_refused(problem):
    with pytest.raises(ValueError):
        solve_optimal(problem)


@pytest.mark.parametrize("seed", range(6))
def test_optimal_matches_brute_force_on_tiny_instances(seed):
    problem = random_problem(seed, experts=3, apps=3, density=0.8)
    solution = solve_optimal(problem)
    assert_valid(problem, solution)
    filled = sum(problem.applications.values()) - sum(solution.unfilled.values())
    assert (filled, solution.total_affinity) == brute_force(problem)


@pytest.mark.parametrize("seed", range(8))
def test_optimal_equals_the_lp_optimum(seed):
    problem = random_problem(seed, experts=30, apps=25)
    solution = solve_optimal(problem)
    assert_valid(problem, solution)
    assert solution.total_affinity == pytest.approx(lp_optimum(problem), abs=1e-6)

    rng = random.Random(seed)
    pairs = sorted(solution.pairs)
    fixed = [p for p in pairs if rng.random() < 0.2]
    forbidden = [p for p in pairs if p not in fixed and rng.random() < 0.3]
    again = solve_optimal(problem, fixed=fixed, forbidden=forbidden)
    assert_valid(problem, again, fixed, forbidden)
    assert again.total_affinity == pytest.approx(
        lp_optimum(problem, fixed=fixed, forbidden=forbidden), abs=1e-6)


def test_optimal_is_deterministic_whatever_the_order_of_the_input():
    problem = random_problem(11, experts=30, apps=25)
    shuffled = list(problem.affinity.items())
    random.Random(1).shuffle(shuffled)
    reordered = Problem(dict(reversed(problem.experts.items())),
                        dict(reversed(problem.applications.items())), dict(shuffled))
    assert solve_optimal(problem) == solve_optimal(problem) == solve_optimal(reordered)


def test_draw_is_reproducible_from_its_seed():
    problem = random_problem(5, experts=40, apps=10, density=0.9)
    first = draw_random(problem, seed=2026)
    assert_valid(problem, first)
    assert draw_random(problem, seed=2026) == first
    assert draw_random(problem, seed=2027).pairs != first.pairs


def test_draw_honours_fixed_forbidden_and_capacities():
    problem = random_problem(9, experts=15, apps=12)
    pairs = sorted(problem.affinity)
    fixed, forbidden = pairs[:3:2], pairs[1:40:3]
    for seed in range(5):
        assert_valid(problem, draw_random(problem, seed=seed, fixed=fixed, forbidden=forbidden),
                     fixed, forbidden)


def read_csv(path) -> list[dict[str, int]]:
    with path.open(newline="") as f:
        return [{key: int(value) for key, value in row.items()} for row in csv.DictReader(f)]


def test_bench_dump_round_trips(tmp_path, capsys):
    bench.main(["--apps", "60", "--experts", "40", "--k", "3", "--max-load", "6",
                "--seed", "4", "--dump", str(tmp_path)])
    result = json.loads(capsys.readouterr().out)
    pairs = read_csv(tmp_path / "pairs.csv")
    experts = read_csv(tmp_path / "experts.csv")
    applications = read_csv(tmp_path / "applications.csv")
    assignment = {(r["expert_id"], r["application_id"])
                  for r in read_csv(tmp_path / "assignment.csv")}

    open_pairs = {(r["expert_id"], r["application_id"]): r["affinity"]
                  for r in pairs if not r["excluded"]}
    assert assignment <= open_pairs.keys()
    assert len(pairs) == result["pairs_considered"]
    assert sum(r["excluded"] for r in pairs) == result["excluded_pairs"] > 0
    assert {r["affinity"] for r in pairs} <= {1, 3}
    assert {r["max_load"] for r in experts} == {6} and len(experts) == 40
    assert {r["k"] for r in applications} == {3} and len(applications) == 60

    problem = Problem({r["expert_id"]: r["max_load"] for r in experts},
                      {r["application_id"]: r["k"] for r in applications}, open_pairs)
    assert sum(open_pairs[p] for p in assignment) == result["total_affinity"]
    assert result["total_affinity"] == solve_optimal(problem).total_affinity
    assert result["optimal"] and result["conflicts_violated"] == 0
    assert result["largest_load"] <= 6


def test_bench_checks_an_assignment_against_the_instance():
    instance = bench.build_instance(apps=30, experts=30, k=3, max_load=5, seed=2)
    table = bench.pair_table(instance)
    excluded = next((e, a) for e, a, _, rule in table.rows(instance) if rule is not None)
    assert bench.check(instance, [excluded])["conflicts_violated"] == 1
    other_industry = next(
        (e.id, a.id) for e in instance.experts for a in instance.applications
        if a.industry not in e.industries
    )
    assert bench.check(instance, [other_industry])["conflicts_violated"] == 1
    assert bench.check(instance, [])["applications_not_filled"] == 30


def test_bench_same_city_rule_is_switchable():
    on = bench.build_instance(apps=200, experts=60, k=3, max_load=10, seed=3)
    off = bench.build_instance(apps=200, experts=60, k=3, max_load=10, seed=3, same_city=False)
    assert "R8" in {rule for *_, rule in bench.pair_table(on).rows(on)}
    assert "R8" not in {rule for *_, rule in bench.pair_table(off).rows(off)}


@pytest.mark.parametrize(("seed", "same_city"), [(2, True), (3, False)])
def test_bench_pair_table_follows_the_rules_pair_by_pair(seed, same_city):
    instance = bench.build_instance(apps=150, experts=120, k=3, max_load=5, seed=seed,
                                    same_city=same_city)
    expected = {
        (e.id, a.id, bench.affinity(e, a), bench.exclusion_rule(instance, e, a))
        for a in instance.applications for e in instance.experts
        if bench.affinity(e, a) is not None
    }
    rows = list(bench.pair_table(instance).rows(instance))
    assert len(rows) == len(expected) and set(rows) == expected
    assert {rule for *_, rule in rows} >= {None, "R1", "R8" if same_city else "R5"}
