"""Norms, unit rows and pairwise angles, computed to full accuracy from the vectors.

Angles are never arccos of a clipped cosine.  For unit rows û, v̂ the cosine c = û·v̂ comes from a
matrix product (BLAS); where |c| ≤ 1/2 the angle is θ = atan2(√(1 − c²), c), whose absolute error
is at most about 1.2 times that of c (a few ulps).  Where |c| > 1/2, the pair is near-parallel
or near-antiparallel and c has lost the information about small angles, so the angle is recomputed
from the vectors with Kahan's formula θ = 2·atan2(‖û − v̂‖, ‖û + v̂‖), accurate to a few ulps for every
θ ∈ [0, π] including θ → 0 and θ → π.
"""

from __future__ import annotations

import numpy as np

NEAR_PARALLEL_COSINE = 0.5
NEAR_PAIR_ELEMENTS = 1 << 21


def row_norms(rows: np.ndarray) -> np.ndarray:
    """Euclidean norms of the rows (last axis), without overflow or underflow for 1e-150..1e150."""
    scale = np.max(np.abs(rows), axis=-1, keepdims=True)
    safe = np.where(scale > 0, scale, 1.0)
    return (np.sqrt(np.sum((rows / safe) ** 2, axis=-1, keepdims=True)) * scale)[..., 0]


def unit_rows(rows: np.ndarray, norms: np.ndarray) -> np.ndarray:
    """rows / norms, with zero rows left as zero."""
    safe = np.where(norms > 0, norms, 1.0)
    return rows / safe[..., None]


def pairwise_angles(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """θ, cos θ, sin θ between every unit row of left (..., K, d) and of right (..., M, d).

    Both must have the same leading (batch) shape.  Returns three arrays of shape (..., K, M).  Rows
    must be unit vectors (zero rows give θ = π/2, a value that callers multiply by a zero norm).
    Where |c| ≤ 1/2, sin θ = √(1 − c²) has a relative error of a few ulps (c² ≤ 1/4); the near-parallel
    pairs take θ from Kahan's formula and cos θ, sin θ from θ.  Extra memory: a few (..., K, M)
    arrays and at most NEAR_PAIR_ELEMENTS vector entries for the near-parallel pairs.
    """
    cosine = left @ np.swapaxes(right, -1, -2)
    np.clip(cosine, -1.0, 1.0, out=cosine)
    sine = np.square(cosine)
    np.subtract(1.0, sine, out=sine)
    np.sqrt(sine, out=sine)
    theta = np.arctan2(sine, cosine)
    near = np.nonzero(np.abs(cosine) > NEAR_PARALLEL_COSINE)
    chunk = max(1, NEAR_PAIR_ELEMENTS // left.shape[-1])
    for begin in range(0, near[0].size, chunk):
        index = tuple(axis[begin:begin + chunk] for axis in near)
        batch, i, j = index[:-2], index[-2], index[-1]
        u, v = left[(*batch, i)], right[(*batch, j)]
        angle = 2.0 * np.arctan2(np.linalg.norm(u - v, axis=-1), np.linalg.norm(u + v, axis=-1))
        theta[index] = angle
        cosine[index] = np.cos(angle)
        sine[index] = np.sin(angle)
    return theta, cosine, sine
