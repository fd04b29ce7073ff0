"""The exact assignment on numpy arrays, at the scale of a national round, and the
certificate that proves it optimal.

The assignment that fills the most slots and, among those, has the most affinity is the
optimum of the linear program

    maximise  sum_p w_p x_p    with  w_p = big + affinity_p,  big = top * slots + 1
    subject to  sum of x_p at expert e <= load_e,  at application a <= slots_a,  0 <= x_p <= 1

(`big` makes one more filled slot worth more than any amount of affinity). Its dual gives
every expert a potential u_e >= 0 and every application a potential v_a >= 0; with
z_p = max(0, w_p - u_e - v_a), any such (u, v, z) bounds every assignment from above by
    sum_e load_e u_e + sum_a slots_a v_a + sum_p z_p.
An assignment whose total weight reaches that bound is therefore optimal: `certify` checks
exactly this, on every pair, trusting nothing the solver said.

The potentials are the node potentials of the minimum-cost flow: shortest distances in its
residual graph (`potentials`, by Bellman-Ford rounds). A residual graph with a negative cycle,
an assignment that is not optimal, has none, and the rounds say so.

`solve` never hands the whole pair list to the flow solver: it solves on a few candidates per
application (the best affinities first), takes the potentials, prices every other pair with
them, adds the pairs whose reduced cost is negative and solves again. When none is left, the
potentials are dual feasible for the whole problem, so the assignment is optimal for it.
"""
from dataclasses import dataclass

import numpy as np

CANDIDATES_PER_APP = 40
CHUNK = 1 << 22  # pairs priced at a time, to bound the temporaries


@dataclass(frozen=True)
class Pairs:
    """An assignment problem: experts and applications are indices into `loads` and `slots`;
    pair i joins expert[i] and app[i] with affinity[i] >= 0. No pair appears twice."""
    loads: np.ndarray  # per expert: assignments it may still take
    slots: np.ndarray  # per application: experts it still needs
    expert: np.ndarray
    app: np.ndarray
    affinity: np.ndarray

    @classmethod
    def of(cls, *, loads, slots, expert, app, affinity) -> "Pairs":
        return cls(np.asarray(loads, dtype=np.int64), np.asarray(slots, dtype=np.int64),
                   np.asarray(expert, dtype=np.int32), np.asarray(app, dtype=np.int32),
                   np.asarray(affinity, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.expert)

    @property
    def top(self) -> int:
        return int(self.affinity.max()) if len(self) else 0

    @property
    def big(self) -> int:
        return self.top * int(self.slots.sum()) + 1

    def weights(self, start: int = 0, stop: int | None = None) -> np.ndarray:
        return self.affinity[start:stop].astype(np.int64) + self.big


@dataclass(frozen=True)
class Assignment:
    chosen: np.ndarray  # bool per pair
    expert_potential: np.ndarray  # u, int64 per expert
    app_potential: np.ndarray  # v, int64 per application
    rounds: int  # flow solves
    candidates: int  # pairs in the last flow solve


@dataclass(frozen=True)
class Certificate:
    feasible: bool
    primal: int  # total weight of the assignment
    dual: int  # the bound of the potentials
    filled: int
    total_affinity: int

    @property
    def optimal(self) -> bool:
        return self.feasible and self.primal == self.dual


class NotOptimal(ValueError):
    """The residual graph of the assignment has a negative cycle: it has no potentials."""


def solve(pairs: Pairs, *, candidates_per_app: int = CANDIDATES_PER_APP) -> Assignment:
    """The optimal assignment and its potentials. Deterministic: the same arrays give the same
    answer. A problem with no more than `candidates_per_app` pairs per application on average
    is solved in one piece, its arcs in the order of the pairs."""
    subset = _candidates(pairs, candidates_per_app)
    rounds = 0
    while True:
        rounds += 1
        chosen = np.zeros(len(pairs), dtype=bool)
        chosen[subset[_max_flow_min_cost(pairs, subset)]] = True
        u, v = potentials(pairs, chosen, among=subset)
        missing = _underpriced(pairs, chosen, u, v)
        if not len(missing):
            return Assignment(chosen, u, v, rounds, len(subset))
        limit = max(candidates_per_app * len(pairs.slots), 1)
        if len(missing) > limit:
            reduced = _reduced_costs(pairs, missing, u, v)
            missing = np.sort(missing[np.argpartition(reduced, limit)[:limit]])
        subset = np.union1d(subset, missing)


def potentials(pairs: Pairs, chosen: np.ndarray, *, among: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """Expert and application potentials (u, v) of the assignment `chosen`, from the shortest
    distances in the residual graph of its flow restricted to the pairs `among` (default:
    all). Source and sink are one node r; its arcs: r -> e while e has load left, e -> r
    when e is used, a -> r while a has slots left, r -> a when a is used; a pair is an arc
    e -> a of length -w when unused, a -> e of length w when used. Then u_e = d_e - d_r and
    v_a = d_r - d_a. Raises NotOptimal on a negative cycle."""
    among = np.arange(len(pairs)) if among is None else among
    used = among[chosen[among]]
    unused = among[~chosen[among]]
    by_expert = np.bincount(pairs.expert[used], minlength=len(pairs.loads))
    by_app = np.bincount(pairs.app[used], minlength=len(pairs.slots))
    if (by_expert > pairs.loads).any() or (by_app > pairs.slots).any():
        raise ValueError("the assignment exceeds a load or a slot count")
    unused_e, unused_a = pairs.expert[unused], pairs.app[unused]
    unused_w = pairs.affinity[unused].astype(np.int64) + pairs.big
    used_e, used_a = pairs.expert[used], pairs.app[used]
    used_w = pairs.affinity[used].astype(np.int64) + pairs.big
    expert_open, expert_used = by_expert < pairs.loads, by_expert > 0
    app_open, app_used = by_app < pairs.slots, by_app > 0

    d_e = np.zeros(len(pairs.loads), dtype=np.int64)
    d_a = np.zeros(len(pairs.slots), dtype=np.int64)
    d_r = 0
    for _ in range(len(pairs.loads) + len(pairs.slots) + 2):
        new_a = d_a.copy()
        np.minimum.at(new_a, unused_a, d_e[unused_e] - unused_w)
        new_a[app_used] = np.minimum(new_a[app_used], d_r)
        new_e = d_e.copy()
        np.minimum.at(new_e, used_e, new_a[used_a] + used_w)
        new_e[expert_open] = np.minimum(new_e[expert_open], d_r)
        new_r = min(d_r, int(new_e[expert_used].min(initial=d_r)),
                    int(new_a[app_open].min(initial=d_r)))
        if new_r == d_r and np.array_equal(new_a, d_a) and np.array_equal(new_e, d_e):
            break
        d_a, d_e, d_r = new_a, new_e, new_r
    else:
        raise NotOptimal("the residual graph has a negative cycle")
    # An unused expert or application may sit below zero; raising it to zero keeps every
    # reduced cost (it has no used arc) and makes the potential a dual solution.
    u, v = np.maximum(d_e - d_r, 0), np.maximum(d_r - d_a, 0)
    # Nothing may be assigned to an expert without load or an application without slots:
    # the highest potential prices all their pairs out and costs nothing in the bound.
    top_weight = pairs.top + pairs.big
    u[pairs.loads == 0] = np.maximum(u[pairs.loads == 0], top_weight)
    v[pairs.slots == 0] = np.maximum(v[pairs.slots == 0], top_weight)
    return u, v


def certify(pairs: Pairs, chosen: np.ndarray, u: np.ndarray, v: np.ndarray) -> Certificate:
    """Check, independently of any solver, that `chosen` is an optimal assignment: feasible,
    with potentials u, v >= 0 whose dual bound equals its weight (weak duality then leaves no
    better assignment). `optimal` is False otherwise."""
    chosen = np.asarray(chosen, dtype=bool)
    by_expert = np.bincount(pairs.expert[chosen], minlength=len(pairs.loads))
    by_app = np.bincount(pairs.app[chosen], minlength=len(pairs.slots))
    feasible = bool(
        len(chosen) == len(pairs) and len(u) == len(pairs.loads) and len(v) == len(pairs.slots)
        and (by_expert <= pairs.loads).all() and (by_app <= pairs.slots).all()
        and (u >= 0).all() and (v >= 0).all()
    )
    filled = int(chosen.sum())
    total_affinity = int(pairs.affinity[chosen].sum(dtype=np.int64))
    primal = pairs.big * filled + total_affinity
    dual = int(pairs.loads.astype(np.int64) @ u) + int(pairs.slots.astype(np.int64) @ v)
    for start in range(0, len(pairs), CHUNK):
        stop = start + CHUNK
        slack = pairs.weights(start, stop) - u[pairs.expert[start:stop]] \
            - v[pairs.app[start:stop]]
        dual += int(np.maximum(slack, 0).sum())
    return Certificate(feasible, primal, dual, filled, total_affinity)


def _candidates(pairs: Pairs, per_app: int) -> np.ndarray:
    """Indices of the pairs the first flow solve sees: all of them for a small problem; else
    about `per_app` per application with slots, the best affinities first, ties drawn by a
    hash of the pair so that every expert of a crowded field gets candidates."""
    if len(pairs) <= per_app * max(len(pairs.slots), 1):
        return np.arange(len(pairs))
    levels = pairs.top + 1
    if levels * len(pairs.slots) > 4 * len(pairs) + 1024:  # sparse affinities: rank them
        values, level = np.unique(pairs.affinity, return_inverse=True)
        levels, level = len(values), level.astype(np.int64)
    else:
        level = pairs.affinity
    cell = pairs.app.astype(np.int64) * levels + level
    count = np.bincount(cell, minlength=len(pairs.slots) * levels)
    count = count.reshape(len(pairs.slots), levels)[:, ::-1]  # best level first
    better = np.cumsum(count, axis=1) - count
    share = np.clip(per_app - better, 0, count) / np.maximum(count, 1)
    share[pairs.slots == 0] = 0
    # The threshold of each cell, on the scale of the 32-bit hash.
    threshold = (share[:, ::-1].ravel() * 2.0**32).astype(np.uint64)
    keep = _hash32(pairs) < threshold[cell]
    if (pairs.loads == 0).any():
        keep &= pairs.loads[pairs.expert] > 0
    return np.flatnonzero(keep)


def _hash32(pairs: Pairs) -> np.ndarray:
    """A 32-bit number per pair that depends only on the pair (a multiply-xorshift mix)."""
    x = pairs.expert.astype(np.uint32) * np.uint32(0x9E3779B1)
    x += pairs.app.astype(np.uint32) * np.uint32(0x85EBCA77)
    x ^= x >> np.uint32(15)
    x *= np.uint32(0x2C1B3C6D)
    x ^= x >> np.uint32(12)
    return x


def _max_flow_min_cost(pairs: Pairs, subset: np.ndarray) -> np.ndarray:
    """Which pairs of `subset` a maximum flow of minimum cost uses: source -> expert (its
    load) -> application (1 per pair, cost top - affinity) -> sink (its slots)."""
    from ortools.graph.python import min_cost_flow  # heavy; only where an assignment is made

    experts, apps = len(pairs.loads), len(pairs.slots)
    to_fill = int(pairs.slots.sum())
    if not len(subset) or not to_fill:
        return np.zeros(len(subset), dtype=bool)
    expert_node = np.arange(2, 2 + experts, dtype=np.int32)
    app_node = np.arange(2 + experts, 2 + experts + apps, dtype=np.int32)
    tails = np.concatenate([np.zeros(experts, np.int32), expert_node[pairs.expert[subset]],
                            app_node])
    heads = np.concatenate([expert_node, app_node[pairs.app[subset]],
                            np.ones(apps, np.int32)])
    capacities = np.concatenate([pairs.loads, np.ones(len(subset)), pairs.slots])
    costs = np.zeros(len(tails), dtype=np.int64)
    top = int(pairs.affinity[subset].max())
    costs[experts:experts + len(subset)] = top - pairs.affinity[subset].astype(np.int64)

    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads,
                                                     capacities.astype(np.int64), costs)
    flow.set_node_supply(0, to_fill)
    flow.set_node_supply(1, -to_fill)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    return np.asarray(flow.flows(arcs[experts:experts + len(subset)])) > 0


def _underpriced(pairs: Pairs, chosen: np.ndarray, u: np.ndarray, v: np.ndarray
                 ) -> np.ndarray:
    """Unused pairs whose reduced cost under the potentials is negative (u_e + v_a < w_p)."""
    found = []
    for start in range(0, len(pairs), CHUNK):
        stop = start + CHUNK
        short = u[pairs.expert[start:stop]] + v[pairs.app[start:stop]] \
            < pairs.weights(start, stop)
        found.append(np.flatnonzero(short & ~chosen[start:stop]) + start)
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _reduced_costs(pairs: Pairs, index: np.ndarray, u: np.ndarray, v: np.ndarray
                   ) -> np.ndarray:
    weights = pairs.affinity[index].astype(np.int64) + pairs.big
    return u[pairs.expert[index]] + v[pairs.app[index]] - weights
