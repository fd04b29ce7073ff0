"""Assign experts to applications: an exact optimum, a seeded random draw, and an LP check.

The caller lists every assignable (expert, application) pair with its field affinity; a pair
excluded by a conflict rule or a field mismatch is simply absent. Both methods honour `fixed`
pairs (accepted invitations, manual choices: kept, and they use capacity) and `forbidden`
pairs (declined invitations: never used). An application that cannot get its k experts is
reported in `Solution.unfilled`, never an error.
"""
import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

Pair = tuple[int, int]  # (expert_id, application_id)


@dataclass(frozen=True)
class Problem:
    experts: dict[int, int]  # expert_id -> max_load
    applications: dict[int, int]  # application_id -> k, the experts it needs
    affinity: dict[Pair, int]  # every assignable pair -> affinity >= 0


@dataclass(frozen=True)
class Solution:
    pairs: frozenset[Pair]
    total_affinity: int
    unfilled: dict[int, int]  # application_id -> experts missing; empty when all are filled


def solve_optimal(
    problem: Problem, *, fixed: Iterable[Pair] = (), forbidden: Iterable[Pair] = ()
) -> Solution:
    """The assignment that fills the most slots and, among those, has the most affinity.

    Exact: a maximum flow of minimum cost, source -> expert (capacity: load left) -> application
    (capacity 1 per assignable pair) -> sink (capacity: slots left). A pair costs
    `top - affinity`; every maximum flow carries the same number of units, so the cheapest
    one has the highest total affinity. Arcs are added in sorted order, so the same input
    gives the same answer. A large problem is solved on candidates and priced (flow.solve);
    the result is always checked against its optimality certificate.
    """
    # numpy and OR-Tools load here, so a web worker that never assigns does not pay for them.
    from workflow.review.rules import flow

    fixed, forbidden = _validated(problem, fixed, forbidden)
    load_left, slots_left = _capacity_left(problem, fixed)
    open_pairs = sorted(p for p in problem.affinity if p not in fixed and p not in forbidden)
    if not open_pairs or not sum(slots_left.values()):
        return _solution(problem, fixed)
    experts, apps = sorted(problem.experts), sorted(problem.applications)
    expert_index = {e: i for i, e in enumerate(experts)}
    app_index = {a: i for i, a in enumerate(apps)}
    pairs = flow.Pairs.of(
        loads=[load_left[e] for e in experts], slots=[slots_left[a] for a in apps],
        expert=[expert_index[e] for e, _ in open_pairs], app=[app_index[a] for _, a in open_pairs],
        affinity=[problem.affinity[p] for p in open_pairs],
    )
    assignment = flow.solve(pairs)
    if not flow.certify(pairs, assignment.chosen, assignment.expert_potential,
                        assignment.app_potential).optimal:
        raise RuntimeError("the assignment failed its optimality certificate")
    chosen = {p for p, used in zip(open_pairs, assignment.chosen.tolist(), strict=True) if used}
    return _solution(problem, fixed | chosen)


def draw_random(
    problem: Problem, *, seed: int, fixed: Iterable[Pair] = (), forbidden: Iterable[Pair] = ()
) -> Solution:
    """An auditable draw: applications in id order, each filling its open slots uniformly at
    random (random.Random(seed)) from the eligible experts, by id, that have load left.
    The same problem and seed always give the same draw."""
    fixed, forbidden = _validated(problem, fixed, forbidden)
    load_left, slots_left = _capacity_left(problem, fixed)
    candidates = defaultdict(list)
    for expert_id, app_id in sorted(problem.affinity):
        if (expert_id, app_id) not in fixed and (expert_id, app_id) not in forbidden:
            candidates[app_id].append(expert_id)
    rng = random.Random(seed)
    chosen = set(fixed)
    for app_id in sorted(problem.applications):
        eligible = [e for e in candidates[app_id] if load_left[e] > 0]
        for expert_id in rng.sample(eligible, min(slots_left[app_id], len(eligible))):
            chosen.add((expert_id, app_id))
            load_left[expert_id] -= 1
    return _solution(problem, chosen)


def lp_optimum(
    problem: Problem, *, fixed: Iterable[Pair] = (), forbidden: Iterable[Pair] = ()
) -> float:
    """The total affinity of a maximum-coverage assignment, found independently of
    solve_optimal: the LP relaxation of the transportation problem, solved by the GLOP simplex.
    Its constraint matrix is totally unimodular, so the LP optimum is the integer optimum.
    Two phases: the most slots that can be filled, then the most affinity filling that many."""
    from ortools.linear_solver import pywraplp  # heavy; the benchmark and tests use it

    fixed, forbidden = _validated(problem, fixed, forbidden)
    solver = pywraplp.Solver.CreateSolver("GLOP")
    pairs = sorted(p for p in problem.affinity if p not in forbidden)
    x = {p: solver.NumVar(1.0 if p in fixed else 0.0, 1.0, "") for p in pairs}
    per_expert = {e: solver.Constraint(0.0, load) for e, load in problem.experts.items()}
    per_app = {a: solver.Constraint(0.0, k) for a, k in problem.applications.items()}
    objective = solver.Objective()
    objective.SetMaximization()
    for (expert_id, app_id), var in x.items():
        per_expert[expert_id].SetCoefficient(var, 1)
        per_app[app_id].SetCoefficient(var, 1)
        objective.SetCoefficient(var, 1)
    _solve_lp(solver, pywraplp.Solver.OPTIMAL)
    covered = round(objective.Value())

    coverage = solver.Constraint(covered, solver.infinity())
    for pair, var in x.items():
        coverage.SetCoefficient(var, 1)
        objective.SetCoefficient(var, problem.affinity[pair])
    _solve_lp(solver, pywraplp.Solver.OPTIMAL)
    return objective.Value()


def _solve_lp(solver, optimal: int) -> None:
    status = solver.Solve()
    if status != optimal:
        raise RuntimeError(f"LP ended with status {status}")


def _validated(problem: Problem, fixed: Iterable[Pair], forbidden: Iterable[Pair]):
    """The fixed and forbidden pairs as sets; ValueError on data no assignment can honour."""
    fixed, forbidden = set(fixed), set(forbidden)
    if any(v < 0 for v in problem.experts.values()) or any(
        v < 0 for v in problem.applications.values()
    ):
        raise ValueError("max_load and k must be >= 0")
    for (expert_id, app_id), value in problem.affinity.items():
        if expert_id not in problem.experts or app_id not in problem.applications:
            raise ValueError(f"pair {(expert_id, app_id)} names an unknown expert or application")
        if value < 0:
            raise ValueError(f"pair {(expert_id, app_id)} has a negative affinity")
    if fixed - problem.affinity.keys():
        raise ValueError(f"fixed pairs not assignable: {sorted(fixed - problem.affinity.keys())}")
    if fixed & forbidden:
        raise ValueError(f"pairs both fixed and forbidden: {sorted(fixed & forbidden)}")
    load_left, slots_left = _capacity_left(problem, fixed)
    if any(v < 0 for v in load_left.values()) or any(v < 0 for v in slots_left.values()):
        raise ValueError("fixed pairs exceed an expert's max_load or an application's k")
    return fixed, forbidden


def _capacity_left(problem: Problem, fixed: set[Pair]) -> tuple[dict[int, int], dict[int, int]]:
    per_expert = Counter(e for e, _ in fixed)
    per_app = Counter(a for _, a in fixed)
    load_left = {e: load - per_expert[e] for e, load in problem.experts.items()}
    slots_left = {a: k - per_app[a] for a, k in problem.applications.items()}
    return load_left, slots_left


def _solution(problem: Problem, pairs: set[Pair]) -> Solution:
    per_app = Counter(a for _, a in pairs)
    unfilled = {a: k - per_app[a] for a, k in sorted(problem.applications.items())}
    return Solution(
        pairs=frozenset(pairs),
        total_affinity=sum(problem.affinity[p] for p in pairs),
        unfilled={a: missing for a, missing in unfilled.items() if missing > 0},
    )
