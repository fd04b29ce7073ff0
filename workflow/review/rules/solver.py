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

from ortools.graph.python import min_cost_flow
from ortools.linear_solver import pywraplp

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
    gives the same answer.
    """
    fixed, forbidden = _validated(problem, fixed, forbidden)
    load_left, slots_left = _capacity_left(problem, fixed)
    open_pairs = sorted(p for p in problem.affinity if p not in fixed and p not in forbidden)
    to_fill = sum(slots_left.values())
    if not open_pairs or not to_fill:
        return _solution(problem, fixed)

    source, sink = 0, 1
    expert_node = {e: 2 + i for i, e in enumerate(sorted(problem.experts))}
    app_node = {a: 2 + len(expert_node) + i for i, a in enumerate(sorted(problem.applications))}
    top = max(problem.affinity[p] for p in open_pairs)
    tails = [source] * len(expert_node) + [expert_node[e] for e, _ in open_pairs]
    heads = list(expert_node.values()) + [app_node[a] for _, a in open_pairs]
    capacities = [load_left[e] for e in expert_node] + [1] * len(open_pairs)
    costs = [0] * len(expert_node) + [top - problem.affinity[p] for p in open_pairs]
    tails += list(app_node.values())
    heads += [sink] * len(app_node)
    capacities += [slots_left[a] for a in app_node]
    costs += [0] * len(app_node)

    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    flow.set_node_supply(source, to_fill)
    flow.set_node_supply(sink, -to_fill)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    first = len(expert_node)
    used = flow.flows(arcs[first:first + len(open_pairs)])
    chosen = {p for p, units in zip(open_pairs, used, strict=True) if units > 0}
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
    _solve_lp(solver)
    covered = round(objective.Value())

    coverage = solver.Constraint(covered, solver.infinity())
    for pair, var in x.items():
        coverage.SetCoefficient(var, 1)
        objective.SetCoefficient(var, problem.affinity[pair])
    _solve_lp(solver)
    return objective.Value()


def _solve_lp(solver: pywraplp.Solver) -> None:
    status = solver.Solve()
    if status != pywraplp.Solver.OPTIMAL:
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
