"""Newton refinement of critical points of J, in float64 and optionally in mpmath.

Float64: Newton's method on ∇J(W) = 0 with the derived Hessian (population_hessian), with a
backtracking line search on the merit ‖∇J‖ (Frobenius norm): the step H⁻¹∇J is halved until the
gradient norm decreases by the factor 1 − 10⁻⁴·t.  The merit is the gradient norm, not the loss, so
the method converges to the nearest critical point of any index (a minimum or a saddle).

mpmath: the chord method W ← W − Y ∇J(W) with Y the inverse of the float64 Hessian at the end point
and ∇J evaluated in mpmath (symderive.second_order.exact).  It contracts at the rate ‖I − Y H‖,
about the float64 unit roundoff times the condition number, so each step gains roughly that many
digits.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import numpy as np

from symderive.population import population_gradient
from symderive.second_order import exact
from symderive.second_order.hessian import population_hessian
from symderive.validation import weights_pair

ARMIJO = 1e-4
SMALLEST_STEP = 2.0**-30


@dataclass(frozen=True)
class RefinedPoint:
    """The end point of refine_critical_point.

    ``weights`` (K, d) float64 and its gradient norm; ``converged`` says whether the norm reached
    the tolerance.  With ``digits``, ``exact_weights`` holds the mpmath rows (at digits + 10 working
    digits) and ``exact_gradient_norm`` their gradient norm evaluated in mpmath.
    """

    weights: np.ndarray
    gradient_norm: float
    iterations: int
    converged: bool
    exact_weights: list | None = None
    exact_gradient_norm: mpmath.mpf | None = None


def _newton_step(weights: np.ndarray, teacher: np.ndarray, gradient: np.ndarray) -> np.ndarray:
    hessian = population_hessian(weights, teacher)
    try:
        step = np.linalg.solve(hessian, gradient.ravel())
    except np.linalg.LinAlgError:
        step = np.linalg.lstsq(hessian, gradient.ravel(), rcond=None)[0]
    return step.reshape(weights.shape)


def _float_newton(weights: np.ndarray, teacher: np.ndarray, tol: float, max_iterations: int):
    gradient = population_gradient(weights, teacher)
    norm = float(np.linalg.norm(gradient))
    iterations = 0
    while norm > tol and iterations < max_iterations:
        step = _newton_step(weights, teacher, gradient)
        t = 1.0
        while True:
            trial = weights - t * step
            trial_gradient = population_gradient(trial, teacher)
            trial_norm = float(np.linalg.norm(trial_gradient))
            if trial_norm <= (1 - ARMIJO * t) * norm or t < SMALLEST_STEP:
                break
            t /= 2
        if not trial_norm < norm:
            break  # no decrease at any step length: the rounding floor of the gradient
        weights, gradient, norm = trial, trial_gradient, trial_norm
        iterations += 1
    return weights, norm, iterations


def _mp_chord(weights: np.ndarray, teacher: np.ndarray, digits: int):
    inverse = np.linalg.inv(population_hessian(weights, teacher))
    target = mpmath.mpf(10) ** (-digits)
    with mpmath.workdps(digits + 10):
        rows = [[mpmath.mpf(float(x)) for x in row] for row in weights]
        teacher_rows = [[mpmath.mpf(float(x)) for x in row] for row in teacher]
        gradient_norm = mpmath.inf
        for _ in range(4 + digits // 8):
            gradient = exact.gradient(mpmath.mp, rows, teacher_rows)
            gradient_norm = mpmath.sqrt(mpmath.fsum(g**2 for g in gradient))
            if gradient_norm <= target:
                break
            correction = [mpmath.fdot(row, gradient) for row in inverse.tolist()]
            d = len(rows[0])
            rows = [[x - correction[j * d + c] for c, x in enumerate(row)]
                    for j, row in enumerate(rows)]
        return rows, +gradient_norm


def refine_critical_point(W, W_star, tol: float = 1e-14, max_iterations: int = 50,
                          digits: int | None = None) -> RefinedPoint:
    """Refine an approximate critical point W (K, d) of J for the teacher W_star (K*, d).

    Newton in float64 until ‖∇J‖_F ≤ tol (or no further decrease, or max_iterations); then, if
    ``digits`` is given, the chord method in mpmath until ‖∇J‖_F ≤ 10^-digits.  Raises ValueError
    for a zero row (no Hessian there), batched input or bad options.
    """
    student, teacher = weights_pair(W, W_star)
    if student.ndim != 2 or teacher.ndim != 2:
        raise ValueError("refine_critical_point takes one network: W (K, d) and W_star (K*, d)")
    if not (np.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a positive finite number, got {tol!r}")
    if (isinstance(max_iterations, bool) or not isinstance(max_iterations, int)
            or max_iterations < 0):
        raise ValueError(f"max_iterations must be a non-negative integer, got {max_iterations!r}")
    if digits is not None and (isinstance(digits, bool) or not isinstance(digits, int)
                               or digits < 1):
        raise ValueError(f"digits must be a positive integer or None, got {digits!r}")
    weights, norm, iterations = _float_newton(student.copy(), teacher, tol, max_iterations)
    exact_rows = exact_norm = None
    if digits is not None:
        exact_rows, exact_norm = _mp_chord(weights, teacher, digits)
    return RefinedPoint(weights, norm, iterations, norm <= tol, exact_rows, exact_norm)
