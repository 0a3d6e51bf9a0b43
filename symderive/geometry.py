"""Norms, unit rows and pairwise angles, computed to full accuracy from the vectors.

Angles are never arccos of a clipped cosine.  For unit rows û, v̂ the cosine c = û·v̂ comes from a
matrix product (BLAS); where |c| ≤ 1/2 the angle is θ = atan2(√(1 − c²), c), whose absolute error
is at most about 1.2 times that of c (a few ulps).  Where |c| > 1/2, the pair is near-parallel
or near-antiparallel and c has lost the information about small angles, so the angle is recomputed
from the vectors with Kahan's formula θ = 2·atan2(‖û − v̂‖, ‖û + v̂‖), accurate to a few ulps for
every θ ∈ [0, π] including θ → 0 and θ → π.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

NEAR_PARALLEL_COSINE = 0.5
#: supplement_angles (and the C kernel): |cos θ| above this takes the near-parallel path.  Below it,
#: the error ε of c = û·v̂ gives θ to ε/sin θ ≤ 3.21ε and ψ = π − θ (≥ 0.317) to a relative
#: 10.1ε.
SUPPLEMENT_NEAR_COSINE = 0.95
NEAR_PAIR_ELEMENTS = 1 << 21
#: norms strictly inside this range are computed without rescaling (see row_norms)
SAFE_NORM_RANGE = (1e-145, 1e145)
#: 2^27 + 1, the splitting factor of Veltkamp and Dekker for float64
VELTKAMP_FACTOR = 134217729.0
#: _scaled_rejection tests for exact multiples only where ‖r‖² ≤ EXACT_TEST_SQUARED ‖u‖² (the
#: rounding residue of an exact multiple is about 1e-33 ‖u‖)
EXACT_TEST_SQUARED = 2.0**-160
#: refinements of the orthogonal part in near_parallel_angles
REFINEMENTS = 2
#: teacher_pairs: pair a student with a teacher within this distance relative to its norm
PAIRING_DISTANCE = 0.25
#: no student is within PAIRING_DISTANCE of a teacher unless the cosine of their angle is at
#: least √(1 − PAIRING_DISTANCE²), as ‖w − w*‖ ≥ ‖w‖ sin θ: the C kernel's cheap test, lowered by
#: 2⁻⁴⁰ for rounding
PAIRING_COSINE = (1.0 - PAIRING_DISTANCE**2) ** 0.5 - 2.0**-40
#: teacher_pairs: largest B·K·K*·d for the nearest-teacher search
PAIR_SEARCH_ELEMENTS = 1 << 20


def row_norms(rows: np.ndarray) -> np.ndarray:
    """Euclidean norms of the rows (last axis), without overflow or underflow for 1e-150..1e150.

    √(Σ x²) directly where the sum of squares is safely inside the floating-point range (there
    the squares that underflow are below 1e-18 of the sum); rows outside it are rescaled by their
    largest magnitude first.
    """
    norms = np.asarray(np.sqrt(np.einsum("...i,...i->...", rows, rows)))
    unsafe = ~((norms > SAFE_NORM_RANGE[0]) & (norms < SAFE_NORM_RANGE[1]))
    if np.any(unsafe):
        extreme = rows[unsafe]
        scale = np.max(np.abs(extreme), axis=-1, keepdims=True)
        safe = np.where(scale > 0, scale, 1.0)
        with np.errstate(invalid="ignore", over="ignore"):  # a row with NaN or inf: NaN (rejected)
            norms[unsafe] = (np.sqrt(np.sum((extreme / safe) ** 2, axis=-1, keepdims=True))
                             * scale)[..., 0]
    return norms


def unit_rows(rows: np.ndarray, norms: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """rows / norms, with zero rows left as zero (written to ``out`` if given)."""
    safe = np.where(norms > 0, norms, 1.0)
    return np.divide(rows, safe[..., None], out=out)


def pairwise_angles(left: np.ndarray, right: np.ndarray, cosine: np.ndarray | None = None,
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """θ, cos θ, sin θ between every unit row of left (..., K, d) and of right (..., M, d).

    Both must have the same leading (batch) shape.  Returns three arrays of shape (..., K, M).  Rows
    must be unit vectors (zero rows give θ = π/2, a value that callers multiply by a zero norm).
    Where |c| ≤ 1/2, sin θ = √(1 − c²) has a relative error of a few ulps (c² ≤ 1/4); the
    near-parallel pairs take θ from Kahan's formula and cos θ = (b² − a²)/(a² + b²),
    sin θ = 2ab/(a² + b²) from its half-angle legs a = ‖û − v̂‖, b = ‖û + v̂‖.  ``cosine``, if
    given, must be left @ rightᵀ (from a larger matrix product, say) and is overwritten with cos θ.
    Extra memory: a few (..., K, M) arrays and at most NEAR_PAIR_ELEMENTS vector entries for the
    near-parallel pairs.
    """
    if cosine is None:
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
        minus, plus = np.linalg.norm(u - v, axis=-1), np.linalg.norm(u + v, axis=-1)
        legs = minus * minus + plus * plus
        theta[index] = 2.0 * np.arctan2(minus, plus)
        cosine[index] = (plus - minus) * (plus + minus) / legs
        sine[index] = 2.0 * minus * plus / legs
    return theta, cosine, sine


def exactly_scaled(rows: np.ndarray) -> np.ndarray:
    """Each row times the power of two that brings its largest magnitude into [1/2, 1) (no
    rounding)."""
    return np.ldexp(rows, -_scale_exponents(rows))


def _scale_exponents(rows: np.ndarray) -> np.ndarray:
    """The exponents k (..., 1) with max |row| in [2^(k−1), 2^k)."""
    return np.frexp(np.max(np.abs(rows), axis=-1, keepdims=True))[1]


def _split(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Veltkamp's split: values = high + low exactly, each with at most 26 significant bits."""
    scaled = VELTKAMP_FACTOR * values
    high = scaled - (scaled - values)
    return high, values - high


def two_product(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dekker's product: a·b = product + error exactly (no overflow or underflow assumed)."""
    product = a * b
    a_high, a_low = _split(a)
    b_high, b_low = _split(b)
    error = ((a_high * b_high - product) + a_high * b_low + a_low * b_high) + a_low * b_low
    return product, error


class NearParallel(NamedTuple):
    """σ = min(θ, π − θ), cos σ, sin σ, sign(u·v) and the part of u orthogonal to v, per pair."""

    sigma: np.ndarray
    cos: np.ndarray
    sin: np.ndarray
    sign: np.ndarray
    rejection: np.ndarray


def exact_multiples(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """For non-zero rows u, v (n, d): whether u = c·v for a real c, decided exactly.

    u = c·v iff u_i v_m = u_m v_i for every i, with m the largest entry of v; each product is
    compared as Dekker's exact pair (product, error), unique for a given real value.  (Where the
    products underflow the test may say yes for rows whose angle is below about 1e-300.)
    """
    rows = np.arange(len(v))
    anchor = np.argmax(np.abs(v), axis=-1)
    left = two_product(u, v[rows, anchor][:, None])
    right = two_product(u[rows, anchor][:, None], v)
    return np.all((left[0] == right[0]) & (left[1] == right[1]), axis=-1)


def near_parallel_angles(u: np.ndarray, v: np.ndarray) -> NearParallel:
    """For non-zero rows u, v (n, d) with |cos θ| > 1/2: σ = min(θ, π − θ), cos σ, sin σ, sign(u·v)
    and r = u − αv, α = u·v / v·v, the part of u orthogonal to v (:func:`_scaled_rejection`).

    σ = atan2(‖r‖, |α|‖v‖), computed from the rows scaled by powers of two; it keeps the relative
    accuracy of r (the rounding of unit vectors, as in Kahan's formula, would limit it to about
    1e-16/σ), and is exactly 0 for exact multiples.  That relative accuracy is what keeps the
    terms of a pair near θ = π accurate.
    """
    residual, along, v_squared, exponents = _scaled_rejection(u, v)
    height = np.linalg.norm(residual, axis=-1)
    base = np.abs(along) * np.sqrt(v_squared)
    radius = np.hypot(height, base)
    return NearParallel(np.arctan2(height, base), base / radius, height / radius, np.sign(along),
                        np.ldexp(residual, exponents))


def rejections(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """u − (u·v / v·v) v for rows u (n, d) and non-zero rows v (n, d), at any angle: see
    :func:`_scaled_rejection` (exactly zero when u is a multiple of v, as in one dimension)."""
    residual, _, _, exponents = _scaled_rejection(u, v)
    return np.ldexp(residual, exponents)


def _scaled_rejection(u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, ...]:
    """r = u − αv, α = u·v / v·v, for u and v scaled by powers of two (exact; u by 2^-k, k returned
    (n, 1)): r, α, v·v of the scaled rows, and k.

    r is formed with the exact products α·v_i (Dekker) and refined twice by its own projection on v,
    again subtracted with exact products (each refinement divides what is left of the part along v
    by about 1e16; a rounded product would leave a residue of about 1e-33 ‖u‖).  Rows that are
    exact multiples (:func:`exact_multiples`; in one dimension always) get r = 0: their rounding
    residue stays of order 1e-32 ‖u‖.
    """
    exponents = _scale_exponents(u)
    u, v = np.ldexp(u, -exponents), exactly_scaled(v)
    v_squared = np.einsum("ij,ij->i", v, v)
    along = np.einsum("ij,ij->i", u, v) / v_squared
    product, error = two_product(along[:, None], v)
    residual = (u - product) - error
    for _ in range(REFINEMENTS):
        product, error = two_product((np.einsum("ij,ij->i", residual, v) / v_squared)[:, None], v)
        residual = (residual - product) - error
    # only a residual below 2^-80 ‖u‖ can be the rounding residue of an exact multiple
    candidates = np.nonzero(np.einsum("ij,ij->i", residual, residual)
                            <= EXACT_TEST_SQUARED * np.einsum("ij,ij->i", u, u))[0]
    residual[candidates[exact_multiples(u[candidates], v[candidates])]] = 0.0
    return residual, along, v_squared, exponents


def supplement_angles(left: np.ndarray, right: np.ndarray, left_rows: np.ndarray,
                      right_rows: np.ndarray, cosine: np.ndarray | None = None,
                      self_offset: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ψ = π − θ, cos θ, sin θ between every row of left (..., K, d) and right (..., M, d).

    ``left``/``right`` are the unit rows and ``left_rows``/``right_rows`` the rows themselves (for
    the near-parallel pairs).  Where |c| ≤ SUPPLEMENT_NEAR_COSINE = 0.95: ψ = atan2(√(1 − c²), −c)
    from the cosine of the unit rows (``cosine``, if given, must be left @ rightᵀ and is
    overwritten).  Beyond :func:`near_parallel_angles` gives σ with relative accuracy and
    ψ = π − σ (near-parallel) or ψ = σ (near-antiparallel), so ψ, and sin θ, keep their relative
    accuracy as θ → π.
    ``self_offset``: left row i is right row i + self_offset (a unit with itself: θ = 0 exactly).
    """
    if cosine is None:
        cosine = left @ np.swapaxes(right, -1, -2)
    sine = np.multiply(cosine, cosine)
    np.subtract(1.0, sine, out=sine)
    with np.errstate(invalid="ignore"):  # |c| > 1 by rounding: a near-parallel pair, redone below
        np.sqrt(sine, out=sine)
    supplement = np.negative(cosine)
    np.arctan2(sine, supplement, out=supplement)
    near_mask = np.abs(cosine) > SUPPLEMENT_NEAR_COSINE
    if self_offset is not None:
        for values, value in ((near_mask, False), (supplement, np.pi), (cosine, 1.0), (sine, 0.0)):
            own_pairs(values, self_offset)[...] = value
    if not near_mask.any():
        return supplement, cosine, sine
    near = np.nonzero(near_mask)
    chunk = max(1, NEAR_PAIR_ELEMENTS // left.shape[-1])
    for begin in range(0, near[0].size, chunk):
        index = tuple(axis[begin:begin + chunk] for axis in near)
        batch, i, j = index[:-2], index[-2], index[-1]
        small, cos_small, sin_small, sign, _ = near_parallel_angles(left_rows[(*batch, i)],
                                                                    right_rows[(*batch, j)])
        supplement[index] = np.where(sign > 0, np.pi - small, small)
        cosine[index] = sign * cos_small
        sine[index] = sin_small
    return supplement, cosine, sine


def own_pairs(pairs: np.ndarray, offset: int) -> np.ndarray:
    """The writable view of pairs[..., i, i + offset] for every row i that has that column."""
    count = max(0, min(pairs.shape[-2], pairs.shape[-1] - offset))
    return np.einsum("...ii->...i", pairs[..., :count, offset:offset + count])


def teacher_pairs(student: np.ndarray, teacher: np.ndarray,
                  norms: np.ndarray | None = None) -> np.ndarray | None:
    """For students (B, K, d) and teachers (B, K*, d): the teacher paired with each student, or −1.

    Student k (in order) takes the nearest teacher not taken yet if
    ‖w_k − w*_t‖ ≤ PAIRING_DISTANCE·‖w_k‖.
    Above PAIR_SEARCH_ELEMENTS (B·K·K*·d) only teacher k is considered for student k.  None when no
    student is paired.  Pairing is what lets the gradient near the teacher be evaluated as sums of
    small differences (see the kernels); it never changes the value, only the rounding.
    ``norms``, if given, must be row_norms(student).
    """
    networks, K, d = student.shape
    teachers = teacher.shape[1]
    norms = row_norms(student) if norms is None else norms
    pairs = np.full((networks, K), -1, dtype=np.int64)
    if networks * K * teachers * d <= PAIR_SEARCH_ELEMENTS:
        distances = row_norms(student[:, :, None, :] - teacher[:, None, :, :])
        taken = np.zeros((networks, teachers), dtype=bool)
        network = np.arange(networks)
        for k in range(K):
            candidates = np.where(taken, np.inf, distances[:, k])
            nearest = np.argmin(candidates, axis=-1)
            close = ((candidates[network, nearest] <= PAIRING_DISTANCE * norms[:, k])
                     & (norms[:, k] > 0))
            pairs[close, k] = nearest[close]
            taken[network[close], nearest[close]] = True
    else:
        own = min(K, teachers)
        # ‖w − w*‖ ≤ D‖w‖ implies w·w* = ‖w‖² − w·(w − w*) ≥ (1 − D)‖w‖² (Cauchy–Schwarz): only
        # the students that pass this cheap test (with room for the rounding of the dot product)
        # are measured
        with np.errstate(over="ignore"):  # an overflow (inf) only keeps a student as a candidate
            dots = np.einsum("bkd,bkd->bk", student[:, :own], teacher[:, :own])
            batch, k = np.nonzero(~(dots < (1.0 - PAIRING_DISTANCE - 1e-6) * norms[:, :own] ** 2))
        distances = row_norms(student[batch, k] - teacher[batch, k])
        close = (distances <= PAIRING_DISTANCE * norms[batch, k]) & (norms[batch, k] > 0)
        pairs[batch[close], k[close]] = k[close]
    return pairs if np.any(pairs >= 0) else None
