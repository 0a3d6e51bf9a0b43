"""Distance between two sets of hidden units up to a permutation of the units.

The student's units can match the teacher's in any order (g(x; W) is symmetric under permuting the
rows of W), so the distance to W* is min over permutations P of ‖W − P·W*‖_F, an assignment problem
solved exactly by the Hungarian algorithm.
"""

from __future__ import annotations

import numpy as np


def min_cost_assignment(cost: np.ndarray) -> np.ndarray:
    """The permutation p minimising Σ_i cost[i, p[i]] for a square cost matrix, in O(n³).

    Hungarian algorithm in its shortest-augmenting-path form with row/column potentials u, v
    (Kuhn 1955; Jonker & Volgenant 1987): rows are inserted one at a time and each augmenting path
    is found Dijkstra-style on the reduced costs cost[i, j] − u[i] − v[j] ≥ 0.
    """
    cost = np.asarray(cost, dtype=float)
    n = cost.shape[0]
    if cost.ndim != 2 or cost.shape[1] != n or not np.all(np.isfinite(cost)):
        raise ValueError(f"cost must be a finite square matrix, got shape {cost.shape}")
    # index 0 is a virtual column that holds the row being inserted; columns are 1..n
    u, v = np.zeros(n + 1), np.zeros(n + 1)
    row_of = np.zeros(n + 1, dtype=int)  # row_of[j]: row (1-based) matched to column j, 0 if none
    for row in range(1, n + 1):
        row_of[0] = row
        column = 0
        slack = np.full(n + 1, np.inf)
        previous = np.zeros(n + 1, dtype=int)
        used = np.zeros(n + 1, dtype=bool)
        while row_of[column] != 0:
            used[column] = True
            current = row_of[column]
            reduced = cost[current - 1] - u[current] - v[1:]
            better = ~used[1:] & (reduced < slack[1:])
            slack[1:][better] = reduced[better]
            previous[1:][better] = column
            free = np.flatnonzero(~used[1:]) + 1
            nearest = free[np.argmin(slack[free])]
            delta = slack[nearest]
            u[row_of[used]] += delta
            v[used] -= delta
            slack[~used] -= delta
            column = nearest
        while column != 0:
            row_of[column] = row_of[previous[column]]
            column = previous[column]
    permutation = np.empty(n, dtype=int)
    permutation[row_of[1:] - 1] = np.arange(n)
    return permutation


def distance_up_to_permutation(W: np.ndarray, W_star: np.ndarray) -> float:
    """min_P ‖W − P·W*‖_F for two (K, d) arrays with the same K (rows are units)."""
    cost = np.sum((W[:, None, :] - W_star[None, :, :]) ** 2, axis=-1)
    permutation = min_cost_assignment(cost)
    return float(np.sqrt(np.sum(cost[np.arange(len(cost)), permutation])))
