"""The optimality certificate of the assignment: potentials taken from the flow's residual
graph, checked by weak duality on every pair. It accepts the optimum, refuses every worse
feasible assignment (fewer slots filled or less affinity), and the priced solve on candidates
reaches the same optimum as the LP."""
import numpy as np
import pytest

from bench import assignment as bench
from workflow.review.rules import flow
from workflow.review.rules.solver import Problem, lp_optimum


@pytest.fixture(autouse=True)
def _context():
    """Pure functions: no app context and no database needed."""
    yield


def random_pairs(seed: int, experts: int = 30, apps: int = 40, density: float = 0.4
                 ) -> flow.Pairs:
    rng = np.random.default_rng(seed)
    grid = rng.random((experts, apps)) < density
    expert, app = np.nonzero(grid)
    return flow.Pairs.of(loads=rng.integers(0, 6, experts), slots=rng.integers(0, 4, apps),
                         expert=expert, app=app, affinity=rng.integers(0, 6, len(expert)))


def as_problem(pairs: flow.Pairs) -> Problem:
    return Problem(
        experts=dict(enumerate(pairs.loads.tolist())),
        applications=dict(enumerate(pairs.slots.tolist())),
        affinity={(e, a): value for e, a, value in zip(
            pairs.expert.tolist(), pairs.app.tolist(), pairs.affinity.tolist(), strict=True)},
    )


def certificate_of(pairs: flow.Pairs, chosen: np.ndarray) -> flow.Certificate:
    u, v = flow.potentials(pairs, chosen)
    return flow.certify(pairs, chosen, u, v)


def worse_by_swap(pairs: flow.Pairs, chosen: np.ndarray) -> np.ndarray | None:
    """The optimum with one used pair traded for an unused one of lower affinity that fits
    in the capacity it frees: feasible, as many slots filled, less affinity."""
    by_expert = np.bincount(pairs.expert[chosen], minlength=len(pairs.loads))
    by_app = np.bincount(pairs.app[chosen], minlength=len(pairs.slots))
    for i in np.flatnonzero(chosen):
        for j in np.flatnonzero(~chosen):
            e, a = pairs.expert[j], pairs.app[j]
            fits = ((by_expert[e] < pairs.loads[e] or e == pairs.expert[i])
                    and (by_app[a] < pairs.slots[a] or a == pairs.app[i]))
            if fits and pairs.affinity[j] < pairs.affinity[i]:
                worse = chosen.copy()
                worse[i], worse[j] = False, True
                return worse
    return worse_by_exchange(pairs, chosen)


def worse_by_exchange(pairs: flow.Pairs, chosen: np.ndarray) -> np.ndarray | None:
    """The optimum with two used pairs (e1, a1), (e2, a2) exchanged for (e1, a2), (e2, a1)
    of lower total affinity: loads and slots unchanged."""
    index = {(e, a): i for i, (e, a) in enumerate(zip(pairs.expert.tolist(),
                                                      pairs.app.tolist(), strict=True))}
    used = np.flatnonzero(chosen).tolist()
    for i in used:
        for j in used:
            e1, a1, e2, a2 = pairs.expert[i], pairs.app[i], pairs.expert[j], pairs.app[j]
            k, m = index.get((e1, a2)), index.get((e2, a1))
            if k is None or m is None or chosen[k] or chosen[m]:
                continue
            if pairs.affinity[k] + pairs.affinity[m] < pairs.affinity[i] + pairs.affinity[j]:
                worse = chosen.copy()
                worse[[i, j]], worse[[k, m]] = False, True
                return worse
    return None


@pytest.mark.parametrize("seed", range(6))
def test_certificate_accepts_the_optimum_and_matches_the_lp(seed):
    pairs = random_pairs(seed)
    assignment = flow.solve(pairs)
    certificate = flow.certify(pairs, assignment.chosen, assignment.expert_potential,
                               assignment.app_potential)
    assert certificate.optimal
    assert certificate.primal == certificate.dual
    assert certificate.total_affinity == pytest.approx(lp_optimum(as_problem(pairs)), abs=1e-6)


@pytest.mark.parametrize("seed", range(6))
def test_certificate_refuses_an_assignment_with_less_affinity(seed):
    pairs = random_pairs(seed)
    assignment = flow.solve(pairs)
    worse = worse_by_swap(pairs, assignment.chosen)
    assert worse is not None
    stale = flow.certify(pairs, worse, assignment.expert_potential, assignment.app_potential)
    assert stale.feasible and stale.filled == assignment.chosen.sum()
    assert not stale.optimal and stale.primal < stale.dual
    with pytest.raises(flow.NotOptimal):
        certificate_of(pairs, worse)


@pytest.mark.parametrize("seed", range(6))
def test_certificate_refuses_an_assignment_that_leaves_a_slot_empty(seed):
    pairs = random_pairs(seed)
    assignment = flow.solve(pairs)
    fewer = assignment.chosen.copy()
    fewer[np.flatnonzero(fewer)[0]] = False
    assert not flow.certify(pairs, fewer, assignment.expert_potential,
                            assignment.app_potential).optimal
    with pytest.raises(flow.NotOptimal):
        certificate_of(pairs, fewer)


def test_certificate_refuses_potentials_that_do_not_bound_the_assignment():
    pairs = random_pairs(1)
    assignment = flow.solve(pairs)
    u, v = assignment.expert_potential, assignment.app_potential
    assert not flow.certify(pairs, assignment.chosen, np.zeros_like(u), np.zeros_like(v)).optimal
    assert not flow.certify(pairs, assignment.chosen, u - u.max() - 1, v).optimal


def test_certificate_refuses_an_infeasible_assignment():
    pairs = flow.Pairs.of(loads=[1, 1], slots=[1, 1], expert=[0, 0, 1], app=[0, 1, 0],
                          affinity=[3, 3, 3])
    twice = np.array([True, True, False])  # expert 0 over its load of 1
    generous = np.full(2, 10**6)
    assert not flow.certify(pairs, twice, generous, generous).feasible
    with pytest.raises(ValueError):
        flow.potentials(pairs, twice)


@pytest.mark.parametrize("seed", range(4))
def test_priced_solve_on_candidates_reaches_the_optimum(seed):
    # Two candidates per application force several rounds of pricing.
    pairs = random_pairs(seed, experts=40, apps=60, density=0.6)
    whole = flow.solve(pairs, candidates_per_app=10**6)
    priced = flow.solve(pairs, candidates_per_app=2)
    assert whole.rounds == 1 and whole.candidates == len(pairs)
    assert priced.rounds > 1 and priced.candidates < len(pairs)
    certificate = flow.certify(pairs, priced.chosen, priced.expert_potential,
                               priced.app_potential)
    assert certificate.optimal
    assert (certificate.filled, certificate.total_affinity) == (
        whole.chosen.sum(), pairs.affinity[whole.chosen].sum())


def test_bench_reports_the_certificate_and_the_lp(capsys):
    result = bench.run(["--apps", "120", "--experts", "80", "--k", "3", "--max-load", "5",
                        "--seed", "6"])
    assert result["optimal"] and result["lp_agrees"]
    assert result["certificate"]["primal"] == result["certificate"]["dual"]
    assert result["total_affinity"] == result["lp_optimum"]
    assert result["peak_memory_mb"] > 0
    without_lp = bench.run(["--apps", "120", "--experts", "80", "--k", "3", "--max-load", "5",
                            "--seed", "6", "--no-lp"])
    assert "lp_optimum" not in without_lp and without_lp["optimal"]
