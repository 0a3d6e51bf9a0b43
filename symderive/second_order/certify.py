"""Computer-assisted proofs that a ball contains a critical point of J, and that it is a minimum.

Let F = ∇J on R^N (N = K·d), x̃ the centre and X = {x : ‖x − x̃‖_∞ ≤ r}.  All enclosures over X are
interval extensions in mpmath.iv (symderive.second_order.exact); float64 matrix algebra is made
rigorous with the a-priori rounding bound |fl(AB) − AB| ≤ γ_n |A||B|, γ_n = n u/(1 − n u)
(Higham, *Accuracy and Stability of Numerical Algorithms*, §3.5), assuming IEEE round-to-nearest.

1. **Existence and uniqueness (Krawczyk).**  With Y ≈ H(x̃)⁻¹, the Krawczyk operator
   K(X) = x̃ − Y F(x̃) + (I − Y H(X))(X − x̃) satisfies ‖K(X) − x̃‖_∞ ≤ ‖|Y| |F(x̃)|‖_∞ + Z r with
   Z ≥ ‖|I − Y H(X)|‖_∞.  If that is < r, then K(X) ⊂ int X and X holds exactly one zero of F
   (Krawczyk 1969; Moore 1977).  F is C¹ on X because J is C² wherever every student row is
   non-zero (derivation hessian); the enclosure also proves every row non-zero on X and every pair
   non-parallel (sin θ > 0), so no non-differentiable point and no singular formula lies in X.
2. **Positive definiteness.**  A = sym(mid H(X)); every Hessian on X is within ρ of A in the
   2-norm (ρ from ‖R‖₂ ≤ √(‖R‖₁‖R‖_∞) for the radius matrix R plus rounding).  λ_min(A) > μ is
   proved by a floating-point Cholesky factorisation of A − μI shifted by Rump's bound (Rump 2006,
   "Verification of positive definiteness", BIT 46): λ_min ≥ μ − ρ on all of X.  If that is > 0, the
   unique critical point in X is a strict local minimum.
3. **Loss.**  Taylor's theorem at x̃: |J(x*) − J(x̃)| ≤ Σ_i |F_i(x̃)| r + ½ r² Σ_il |H(X)|_il for the
   critical point x* ∈ X, with J(x̃) enclosed by interval evaluation at the centre.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from mpmath import iv

from symderive.second_order import exact
from symderive.second_order.hessian import population_hessian
from symderive.second_order.midrad import (
    SMALLEST_SUBNORMAL,
    UNIT_ROUNDOFF,
    MidRad,
    bounds,
    gamma,
    upper,
)
from symderive.validation import weights_pair

INTERVAL_BITS = 106
RADIUS_FACTORS = (8.0, 1e3)
#: largest Newton step (relative to the weights) at which a certificate is attempted
MAX_NEWTON_STEP = 1e-6


class CertificationError(ValueError):
    """The computer-assisted proof did not go through at this centre (named step in the message)."""


@dataclass(frozen=True)
class Certificate:
    """A proved statement about J near ``centre`` (K, d).

    The ball {W : max |W − centre| ≤ radius} contains exactly one critical point of J; on the
    ball every Hessian has smallest eigenvalue ≥ ``hessian_min_eigenvalue_lower_bound``; J at the
    critical point lies in ``loss_interval``.  ``is_minimum`` is True when the eigenvalue bound is
    positive.
    """

    centre: np.ndarray
    radius: float
    hessian_min_eigenvalue_lower_bound: float
    loss_interval: tuple[float, float]
    is_minimum: bool
    krawczyk_contraction: float
    min_row_norm_lower_bound: float
    min_pair_sine_lower_bound: float

    def as_dict(self) -> dict:
        """JSON-ready fields (floats printed with repr, exact)."""
        return {
            "centre": self.centre.tolist(),
            "radius": self.radius,
            "hessian_min_eigenvalue_lower_bound": self.hessian_min_eigenvalue_lower_bound,
            "loss_interval": list(self.loss_interval),
            "is_minimum": self.is_minimum,
            "krawczyk_contraction": self.krawczyk_contraction,
            "min_row_norm_lower_bound": self.min_row_norm_lower_bound,
            "min_pair_sine_lower_bound": self.min_pair_sine_lower_bound,
        }


def _magnitude(x) -> float:
    lo, hi = bounds(x)
    return max(abs(lo), abs(hi))


def _points(rows: np.ndarray) -> list:
    return [[iv.mpf(float(x)) for x in row] for row in rows]


def _box(centre: np.ndarray, radius: float) -> list:
    spread = iv.mpf([-radius, radius])
    return [[iv.mpf(float(x)) + spread for x in row] for row in centre]


def _hessian_enclosure(box: list, teacher: list) -> tuple[np.ndarray, np.ndarray, float, float]:
    """(mid, rad) enclosing every Hessian on the box, and lower bounds over the box of min ‖w_j‖ and
    of min sin θ over the student–student/teacher pairs.

    The pair frames and coefficients are intervals (exact.hessian_terms, mpmath.iv); the d × d
    blocks c_I I + c_ee e eᵀ + c_en e nᵀ + c_ne n eᵀ + c_nn n nᵀ are assembled in rigorous
    midpoint-radius arithmetic (symderive.second_order.midrad).
    """
    count, d = len(box), len(box[0])
    norms = [bounds(unit.norm)[0] for unit in exact.units(iv, box, [])]
    blocks = {(j, a): MidRad(np.eye(d) / 2 if j == a else np.zeros((d, d)), np.zeros((d, d)))
              for j in range(count) for a in range(count)}
    sines, directions = [], {}
    for term in exact.hessian_terms(iv, box, teacher):
        if term.j not in directions:  # e is the student's direction, the same in all its pairs
            directions[term.j] = MidRad.from_intervals(term.e)
        e, n = directions[term.j], MidRad.from_intervals(term.n)
        sines.append(bounds(term.sine)[0])
        blocks[term.j, term.j] = blocks[term.j, term.j] + _block(term.self_coefficients, e, n)
        if term.cross_coefficients is not None:
            blocks[term.j, term.a] = _block(term.cross_coefficients, e, n)
    mid = np.block([[blocks[j, a].mid for a in range(count)] for j in range(count)])
    rad = np.block([[blocks[j, a].rad for a in range(count)] for j in range(count)])
    return mid, rad, min(norms), min(sines) if sines else 1.0


def _block(coefficients: dict, e: MidRad, n: MidRad) -> MidRad:
    """The pair's d × d block (exact.frame_block) from interval coefficients, enclosed."""
    d = len(e.mid)
    return exact.frame_block({name: MidRad.from_intervals(value)
                              for name, value in coefficients.items()},
                             e, n, MidRad.outer, MidRad(np.eye(d), np.zeros((d, d))))


def _row_sum_bound(matrix: np.ndarray) -> float:
    return upper(float(np.max(matrix.sum(axis=1))), matrix.shape[1])


def _spectral_radius_bound(matrix: np.ndarray) -> float:
    """‖M‖₂ ≤ √(‖M‖₁ ‖M‖_∞) for a non-negative matrix M, rounded up."""
    return upper(math.sqrt(_row_sum_bound(matrix) * _row_sum_bound(matrix.T)), 2)


def _cholesky_proves_positive(shifted: np.ndarray) -> bool:
    """Rump's test: floating-point Cholesky of B − αI succeeds ⇒ B is positive definite."""
    n = shifted.shape[0]
    diagonal = np.diag(shifted)
    if np.any(diagonal < 0):
        return False
    gamma_n = gamma(n + 1)
    alpha = upper(gamma_n / (1 - gamma_n) * float(diagonal.sum()), n) + upper(
        4 * (n + 1) * (2 * (n + 2) + float(diagonal.max())) * SMALLEST_SUBNORMAL, 4)
    factored = shifted - alpha * np.eye(n)
    # The theorem needs every factored diagonal entry <= B_ii − α exactly; fl(B_ii − α) may round
    # up, so step it one ulp down (off the diagonal nothing is subtracted).
    factored[np.diag_indices(n)] = np.nextafter(np.diag(factored), -np.inf)
    if not np.all(np.isfinite(factored)):
        return False
    try:
        factor = np.linalg.cholesky(factored)
    except np.linalg.LinAlgError:
        return False
    return bool(np.all(np.isfinite(factor)))  # LAPACK does not flag NaN


def _eigenvalue_lower_bound(mid: np.ndarray, radius: np.ndarray) -> float:
    """A proved lower bound of λ_min over the symmetric matrices in [mid ± radius], or −inf."""
    n = mid.shape[0]
    symmetric = (mid + mid.T) / 2
    # A true Hessian H = Hᵀ on the box has |H − (mid + midᵀ)/2| ≤ (rad + radᵀ)/2 ≤ max(rad, radᵀ).
    rho = _spectral_radius_bound(np.maximum(radius, radius.T) + UNIT_ROUNDOFF * np.abs(symmetric))
    estimate = float(np.linalg.eigvalsh(symmetric)[0])
    scale = float(np.max(np.abs(symmetric)))
    mu = estimate - 1e-9 * scale
    shifted = symmetric - mu * np.eye(n)
    # The shift itself is rounded: |fl(A_ii − μ) − (A_ii − μ)| ≤ u |fl(A_ii − μ)|.
    rho += upper(UNIT_ROUNDOFF * float(np.max(np.abs(np.diag(shifted)))), 2)
    if not _cholesky_proves_positive(shifted):
        return -math.inf
    bound = mu - rho
    return bound - 2 * UNIT_ROUNDOFF * abs(bound) - SMALLEST_SUBNORMAL


def _krawczyk(centre: np.ndarray, teacher_points: list, inverse: np.ndarray, radius: float):
    """Z for the box of this radius, its Hessian enclosure (mid, rad) and the geometry bounds."""
    mid, rad, row_norm, pair_sine = _hessian_enclosure(_box(centre, radius), teacher_points)
    if not (row_norm > 0 and pair_sine > 0):
        raise CertificationError(
            f"the ball of radius {radius:.3g} may contain a zero row or parallel rows "
            f"(min row norm ≥ {row_norm:.3g}, min pair sine ≥ {pair_sine:.3g})")
    n = mid.shape[0]
    abs_inverse = np.abs(inverse)
    residual = np.abs(np.eye(n) - inverse @ mid)
    rounding = gamma(n) * (abs_inverse @ np.abs(mid)) + UNIT_ROUNDOFF * np.eye(n)
    contraction = _row_sum_bound(residual + upper(1, n) * rounding + abs_inverse @ rad)
    return contraction, mid, rad, row_norm, pair_sine


def certify_critical_point(W, W_star) -> Certificate:
    """Prove that a ball around W (K, d) holds a unique critical point of J, and whether it is a
    strict local minimum; see the module doc for the method.  Raises CertificationError (a
    ValueError) when a step of the proof fails, naming it, and ValueError for bad input.
    """
    student, teacher = weights_pair(W, W_star)
    if student.ndim != 2 or teacher.ndim != 2:
        raise ValueError("certify_critical_point takes one network: W (K, d) and W_star (K*, d)")
    try:
        inverse = np.linalg.inv(population_hessian(student, teacher))
    except np.linalg.LinAlgError:
        raise CertificationError("the Hessian at the centre is singular") from None
    saved = iv.prec
    iv.prec = INTERVAL_BITS
    try:
        teacher_points = _points(teacher)
        gradient = exact.gradient(iv, _points(student), teacher_points)
        magnitudes = np.array([_magnitude(g) for g in gradient])
        residual_bound = _row_sum_bound(np.abs(inverse) * magnitudes[None, :])
        if not residual_bound <= MAX_NEWTON_STEP * max(1.0, float(np.max(np.abs(student)))):
            raise CertificationError(
                f"the centre is not close to a critical point: the Newton step is up to "
                f"{residual_bound:.3g} (refine_critical_point first)")
        for factor in RADIUS_FACTORS:
            radius = max(factor * residual_bound, 2.0**-1000)
            contraction, mid, rad, row_norm, pair_sine = _krawczyk(
                student, teacher_points, inverse, radius)
            if residual_bound + contraction * radius < radius:
                break
        else:
            raise CertificationError(
                f"Krawczyk test failed: {residual_bound:.3g} + {contraction:.3g}·r ≥ r = "
                f"{radius:.3g}")
        eigenvalue = _eigenvalue_lower_bound(mid, rad)
        centre_loss = bounds(exact.loss(iv, _points(student), teacher_points))
        spread = upper(float(magnitudes.sum()) * radius
                        + radius**2 / 2 * float((np.abs(mid) + rad).sum()), mid.size + 4)
    finally:
        iv.prec = saved
    low, high = centre_loss[0] - spread, centre_loss[1] + spread
    loss = (low - 2 * UNIT_ROUNDOFF * abs(low) - SMALLEST_SUBNORMAL,
            high + 2 * UNIT_ROUNDOFF * abs(high) + SMALLEST_SUBNORMAL)
    return Certificate(student.copy(), radius, eigenvalue, loss, eigenvalue > 0, contraction,
                       row_norm, pair_sine)
