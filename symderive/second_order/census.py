"""The spurious-minima census of Safran & Shamir (ICML 2018, §4), refined and certified.

Teacher W* = I_k (d = k), student width n = k or k + 1.  Each run starts from a Xavier
initialisation (entries standard normal / √d) and does gradient descent on the population loss with
step ``lr`` (halved and restarted when a batch diverges) until ‖∇J‖_F ≤ ``tol``, ``max_steps``, or
J ≤ GLOBAL_LOSS (see descend).  Every end point is then classified, refined by Newton's method
(refine_critical_point) unless it is already global:

* ``global``: J ≤ GLOBAL_LOSS (J ≥ 0 vanishes exactly at the global minima);
* ``spurious``: J ≥ SPURIOUS_LOSS, ‖∇J‖_F ≤ ``tol`` and the float64 Hessian positive definite;
* ``other``, with a reason: ``saddle`` (a negative Hessian eigenvalue), ``degenerate`` (a zero
  eigenvalue, or a row of norm ≤ DEAD_ROW, where J has no Hessian), ``unconverged``, or
  ``intermediate`` (GLOBAL_LOSS < J < SPURIOUS_LOSS).

Families: end points related by a permutation of the units (rows) and of the teacher's coordinates
(columns, which maps W* = I to itself) have the same loss and the same sorted list of entries; two
spurious end points are put in one family when these invariants agree to FAMILY_TOLERANCE.  The
invariants are necessary, not sufficient, for equivalence (a canonical form under both permutation
groups is a graph-isomorphism problem).  One representative per spurious family is certified by
certify_critical_point; a family counts as certified when the certificate proves a strict minimum.
"""

from __future__ import annotations

import numpy as np

from symderive.population import gradient_descent, population_loss
from symderive.second_order.certify import CertificationError, certify_critical_point
from symderive.second_order.hessian import population_hessian
from symderive.second_order.refine import refine_critical_point

GLOBAL_LOSS = 1e-10
SPURIOUS_LOSS = 1e-3
FAMILY_TOLERANCE = 1e-6
EIGENVALUE_TOLERANCE = 1e-9
DEAD_ROW = 1e-6
ROUND_STEPS = 2000
REASONS = ("saddle", "degenerate", "unconverged", "intermediate")


def xavier_starts(rng: np.random.Generator, runs: int, units: int, dim: int) -> np.ndarray:
    """runs × (units, dim) starts with independent N(0, 1)/√dim entries."""
    return rng.standard_normal((runs, units, dim)) / np.sqrt(dim)


def descend(starts: np.ndarray, teacher: np.ndarray, lr: float, tol: float,
            max_steps: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Gradient descent on every start; the step is halved (and the batch restarted) on divergence.

    A run stops when ‖∇J‖_F ≤ tol, after max_steps, or, checked every ROUND_STEPS steps, when
    J ≤ GLOBAL_LOSS: its class (global) is then decided, and near a global minimum with parallel
    units (student width k + 1) the gradient decays only sublinearly (the θ³ cusp of J), so waiting
    for ‖∇J‖_F ≤ tol would take millions of steps.  Returns the end points, their gradient norms
    and the step used.
    """
    while True:
        try:
            return (*_descend_in_rounds(starts, teacher, lr, tol, max_steps), lr)
        except ValueError as error:
            if "diverged" not in str(error) or lr < 1e-6:
                raise
            lr /= 2


def _descend_in_rounds(starts: np.ndarray, teacher: np.ndarray, lr: float, tol: float,
                       max_steps: int) -> tuple[np.ndarray, np.ndarray]:
    weights = np.array(starts, dtype=float)
    gradient_norms = np.full(len(weights), np.inf)
    active, done = np.arange(len(weights)), 0
    while active.size and done < max_steps:
        steps = min(ROUND_STEPS, max_steps - done)
        result = gradient_descent(weights[active], teacher, lr=lr, steps=steps, tol=tol)
        weights[active] = result.weights
        gradient_norms[active] = np.atleast_1d(result.gradient_norm)
        finished = (gradient_norms[active] <= tol) | (np.atleast_1d(result.loss) <= GLOBAL_LOSS)
        active, done = active[~finished], done + steps
    return weights, gradient_norms


def classify(end_point: np.ndarray, teacher: np.ndarray, tol: float) -> dict:
    """Refine one end point and classify it (module doc); returns kind, reason, loss, weights."""
    loss = float(population_loss(end_point, teacher))
    if loss <= GLOBAL_LOSS:
        return {"kind": "global", "reason": None, "loss": loss, "weights": end_point}
    rows = np.linalg.norm(end_point, axis=1)
    if np.min(rows) <= DEAD_ROW * max(1.0, float(np.max(rows))):
        return {"kind": "other", "reason": "degenerate", "loss": loss, "weights": end_point}
    point = refine_critical_point(end_point, teacher)
    refined = point.weights
    loss = float(population_loss(refined, teacher))
    if loss <= GLOBAL_LOSS:
        return {"kind": "global", "reason": None, "loss": loss, "weights": refined}
    hessian = population_hessian(refined, teacher)
    smallest = float(np.linalg.eigvalsh((hessian + hessian.T) / 2)[0])
    if point.gradient_norm > tol:
        reason = "unconverged"
    elif loss < SPURIOUS_LOSS:
        reason = "intermediate"
    elif smallest < -EIGENVALUE_TOLERANCE:
        reason = "saddle"
    elif smallest <= EIGENVALUE_TOLERANCE:
        reason = "degenerate"
    else:
        return {"kind": "spurious", "reason": None, "loss": loss, "weights": refined}
    return {"kind": "other", "reason": reason, "loss": loss, "weights": refined}


def invariants(weights: np.ndarray, loss: float) -> np.ndarray:
    """Loss and sorted entries: unchanged by permuting rows (units) and columns (coordinates)."""
    return np.concatenate([[loss], np.sort(np.asarray(weights).ravel())])


def add_to_families(families: list[dict], loss: float, weights: np.ndarray, count: int = 1) -> None:
    """Add ``count`` end points with this representative to the matching family, or open one."""
    key = invariants(weights, loss)
    for family in families:
        known = invariants(np.array(family["weights"]), family["loss"])
        if np.max(np.abs(known - key)) <= FAMILY_TOLERANCE:
            family["count"] += count
            return
    families.append({"loss": loss, "count": count, "weights": np.asarray(weights).tolist()})


def census_chunk(k: int, units: int, runs: int, lr: float, tol: float, max_steps: int,
                 seed: tuple[int, ...]) -> dict:
    """One chunk of runs for one k: counts per kind and reason, spurious families, steps used."""
    teacher = np.eye(k)
    starts = xavier_starts(np.random.default_rng(seed), runs, units, k)
    ends, _, lr_used = descend(starts, teacher, lr, tol, max_steps)
    counts = {"global": 0, "spurious": 0, **{reason: 0 for reason in REASONS}}
    families: list[dict] = []
    for end in ends:
        outcome = classify(end, teacher, tol)
        counts[outcome["reason"] or outcome["kind"]] += 1
        if outcome["kind"] == "spurious":
            add_to_families(families, outcome["loss"], outcome["weights"])
    return {"counts": counts, "families": families, "lr": lr_used}


def certify_family(k: int, weights: list) -> dict:
    """The certificate of one representative, as JSON-ready fields (certified: a proved minimum)."""
    try:
        certificate = certify_critical_point(np.array(weights), np.eye(k))
    except CertificationError as error:
        return {"certified": False, "reason": str(error)}
    fields = certificate.as_dict()
    del fields["centre"]
    return {"certified": bool(certificate.is_minimum), "certificate": fields}


def merge_chunks(chunks: list[dict]) -> tuple[dict, list[dict], float]:
    """Summed counts, merged families (sorted by loss) and the smallest step any chunk used."""
    counts: dict[str, int] = {}
    families: list[dict] = []
    for chunk in chunks:
        for key, value in chunk["counts"].items():
            counts[key] = counts.get(key, 0) + value
        for family in chunk["families"]:
            add_to_families(families, family["loss"], np.array(family["weights"]), family["count"])
    families.sort(key=lambda family: family["loss"])
    return counts, families, min(chunk["lr"] for chunk in chunks)

