"""The C kernel's lane path (LANES small networks at once, one per vector lane) against the
per-network path and against the derived terms in mpmath (issue 4, item 7(b)).

A batch of B >= LANES small networks runs through the lane path, except the networks where a
student may be paired with a teacher (they, and the B mod LANES networks left over, take the
per-network path); a single network always takes the per-network path.  Both evaluate the same
operations in the same order, so the gradients must agree bit for bit; the mpmath reference
(tests/test_population_accuracy.py) bounds them independently, with the same tolerance as there.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_population_accuracy import BOUND, reference_gradient

from symderive.kernels import c_backend
from symderive.population import gradient_descent, population_gradient


def _near(rng, row: np.ndarray, angle: float) -> np.ndarray:
    """A row at the given angle from row (in a random plane), with a random norm."""
    unit = row / np.linalg.norm(row)
    other = rng.standard_normal(row.size)
    other -= (other @ unit) * unit
    other /= np.linalg.norm(other)
    return rng.uniform(0.5, 2.0) * (np.cos(angle) * unit + np.sin(angle) * other)


def mixed_batch(networks: int, K: int, K_star: int, d: int, seed: int = 7):
    """Networks of every kind the lane path must handle, cycled through the batch: ordinary,
    student pairs within 1e-9 of 0 and pi (near-parallel, patched per network), a student within
    1e-12 of a teacher (paired: per-network path), student-teacher pairs near 0 and pi but too far
    to pair, zero rows, norms 1e-150 and 1e150."""
    rng = np.random.default_rng(seed)
    W, W_star = rng.standard_normal((networks, K, d)), rng.standard_normal((networks, K_star, d))
    for n in range(networks):
        kind = n % 7
        if kind == 1:
            W[n, 1] = _near(rng, W[n, 0], 1e-9)
            W[n, K - 1] = _near(rng, W[n, 0], np.pi - 1e-9)
        elif kind == 2:
            W[n, 0] = W_star[n, K_star - 1] * (1.0 + 1e-12 * rng.standard_normal(d))
        elif kind == 3:
            W_star[n, 0] = 3.0 * _near(rng, W[n, 1], 1e-9)
            W_star[n, 1] = _near(rng, W[n, 0], np.pi - 1e-9)
        elif kind == 4:
            W[n, 1] = 0.0
            W_star[n, 0] = 0.0
        elif kind == 5:
            W[n, 0] *= 1e-150
            W_star[n, 1] *= 1e150
        elif kind == 6:
            W[n, 2] = -2.0 * W[n, 0]
    return W, W_star


def per_network(W: np.ndarray, W_star: np.ndarray) -> np.ndarray:
    """Each network alone (a batch of one never takes the lane path)."""
    return np.stack([population_gradient(w, w_star, backend="c")
                     for w, w_star in zip(W, W_star, strict=True)])


@pytest.mark.parametrize("networks, K, K_star, d", [
    (3 * c_backend.LANES + 5, 4, 3, 5),   # K != K*, B not a multiple of LANES
    (2 * c_backend.LANES, 3, 5, 8),       # K < K*, d = SMALL_DIMENSION
    (c_backend.LANES + 1, 6, 6, 6),       # the size of benchmark (b)
])
def test_lane_path_equals_the_per_network_path(networks, K, K_star, d):
    W, W_star = mixed_batch(networks, K, K_star, d)
    batched = population_gradient(W, W_star, backend="c")
    assert np.array_equal(batched, per_network(W, W_star))
    assert np.all(batched[4::7, 1] == 0.0)  # the zero rows


def test_lane_path_with_a_shared_teacher_equals_the_per_network_path():
    rng = np.random.default_rng(8)
    W_star = rng.standard_normal((3, 4))
    W = rng.standard_normal((2 * c_backend.LANES + 3, 5, 4))
    W[1, 2] = W_star[0] * (1.0 + 1e-12)   # paired with the shared teacher
    W[2, 0] = -0.5 * W_star[2]             # antiparallel to it
    batched = population_gradient(W, W_star, backend="c")
    assert np.array_equal(batched, per_network(W, np.broadcast_to(W_star, (W.shape[0], 3, 4))))


def test_lane_path_against_mpmath(reference):
    """Every network of a mixed batch within BOUND of its term sums (the paired ones within 1e-12 of
    their own norm, as in test_gradient_near_the_teacher_relative_to_itself)."""
    W, W_star = mixed_batch(2 * c_backend.LANES + 3, 4, 3, 5, seed=9)
    gradient = population_gradient(W, W_star, backend="c")
    for n in range(W.shape[0]):
        kept = np.linalg.norm(W[n], axis=1) > 0
        expected, scales = reference_gradient(reference, W[n][kept], W_star[n])
        error = np.max(np.abs(gradient[n][kept] - expected), axis=1)
        assert np.all(error <= BOUND * scales), (n, error / scales)
        if n % 7 == 2:
            relative = np.linalg.norm(gradient[n][kept] - expected) / np.linalg.norm(expected)
            assert relative <= 1e-12, (n, relative)


def test_lane_descent_equals_one_network_at_a_time():
    """gradient_descent on a batch (LANES networks at a time; the paired ones take per-network
    gradients) against each network alone, without a tolerance and with one that stops about half
    of the networks early, each at its own step."""
    W, W_star = mixed_batch(2 * c_backend.LANES + 3, 4, 3, 5, seed=12)
    full = gradient_descent(W, W_star, lr=0.05, steps=40, backend="c")
    for tol in (0.0, float(np.median(full.gradient_norm))):
        batched = gradient_descent(W, W_star, lr=0.05, steps=40, tol=tol, backend="c")
        alone = [gradient_descent(w, w_star, lr=0.05, steps=40, tol=tol, backend="c")
                 for w, w_star in zip(W, W_star, strict=True)]
        for field in ("weights", "loss", "steps", "gradient_norm"):
            expected = np.stack([getattr(one, field) for one in alone])
            assert np.array_equal(getattr(batched, field), expected)
    assert len(set(batched.steps.tolist())) > 2
