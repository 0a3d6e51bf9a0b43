"""Spontaneous symmetry breaking with the full K-unit gradient (W* = I_K, d = K).

Gradient descent W ← W − η∇J(W), η = 1/K, on all K² weights (symderive.population_gradient, not the
reduced 2-D flow).  A perfectly symmetric start (all students equal, x = y = 0.1) stays symmetric
and converges to the saddle (x_s, x_s) of the symmetric dynamics; adding a perturbation of size 1e-8
(seeded Gaussian) breaks the symmetry: the run leaves the saddle along its unstable direction and
converges to W* up to a permutation of the students.  Checked for K = 2, 5, 10; the reduced 2-D flow
agrees (the symmetric start goes to (x_s, x_s), a start displaced by 1e-8 off the line goes to
(1, 0)).
"""

from __future__ import annotations

import numpy as np
import sympy

from derivations._critical import SimulationCheck
from symderive.engine.model import Claim, Derivation, Step

REQUIRES: tuple[str, ...] = ("symmetric_dynamics",)

WIDTHS = (2, 5, 10)
START = 0.1
PERTURBATION = 1e-8
MAX_STEPS = 20_000
GRADIENT_TOLERANCE = 1e-13


def gradient_descent(start: np.ndarray, step: float) -> np.ndarray:
    """Gradient descent on the population loss with teacher I_K until max |∇J| < 1e-13."""
    # Imported here: the runtime uses generated code that `symderive build` may be regenerating.
    from symderive import population_gradient

    weights = start.copy()
    teacher = np.eye(start.shape[0])
    for _ in range(MAX_STEPS):
        gradient = population_gradient(weights, teacher)
        weights -= step * gradient
        if np.max(np.abs(gradient)) < GRADIENT_TOLERANCE:
            break
    return weights


def distance_to_permuted_teacher(weights: np.ndarray) -> float:
    """max |W − P| for the permutation matrix P matching each row's largest entry (inf if none)."""
    order = np.argmax(weights, axis=1)
    if len(set(order.tolist())) != weights.shape[0]:
        return float("inf")
    return float(np.max(np.abs(weights - np.eye(weights.shape[0])[order])))


def derive(inputs: dict) -> Derivation:
    exports = inputs["symmetric_dynamics"]
    x_s = sympy.lambdify(exports["K"], exports["x_s"], modules="math")
    x, y, K = exports["x"], exports["y"], exports["K"]
    flow = sympy.lambdify((x, y, K), list(exports["field"]), modules="numpy")
    # On the line x = y all students are parallel: the field's sqrt(1 − cos²) and arccos(cos) terms
    # are evaluated at cos = 1 ± rounding there (NaN).  Substituting y = x symbolically first gives
    # the exact restriction of the derived field to the line.
    diagonal_field = [sympy.simplify(component.subs(y, x)) for component in exports["field"]]
    diagonal_flow = sympy.lambdify((x, K), diagonal_field, modules="numpy")

    def symmetric_run(case: dict) -> float:
        width = case["K"]
        final = gradient_descent(np.full((width, width), START), 1.0 / width)
        return float(np.max(np.abs(final - x_s(width))))

    def perturbed_run(case: dict) -> float:
        width = case["K"]
        rng = np.random.default_rng(case["seed"])
        start = np.full((width, width), START) + PERTURBATION * rng.standard_normal((width, width))
        return distance_to_permuted_teacher(gradient_descent(start, 1.0 / width))

    def reduced_run(case: dict) -> float:
        width = case["K"]
        target = np.array([x_s(width)] * 2 if case["offset"] == 0 else [1.0, 0.0])
        point = np.array([START, START]) if case["offset"] == 0 else np.array(
            [x_s(width) + case["offset"], x_s(width)])
        on_diagonal = case["offset"] == 0
        for _ in range(MAX_STEPS):
            field = (diagonal_flow(point[0], width) if on_diagonal
                     else flow(point[0], point[1], width))
            velocity = np.array([float(v) for v in field])
            point = point + velocity / width
            if np.max(np.abs(velocity)) < GRADIENT_TOLERANCE:
                break
        return float(np.max(np.abs(point - target)))

    cases = [{"K": width, "seed": 100 + width} for width in WIDTHS]
    claim = Claim(
        id="ssb",
        statement=("Full-gradient descent, W* = I_K: the symmetric start converges to the saddle "
                   "(x_s, x_s); a 1e-8 perturbation converges to W* up to a permutation "
                   "(K = 2, 5, 10)"),
        assumptions=("eta = 1/K", f"start x = y = {START}",
                     "perturbation 1e-8 N(0, 1), seeds 100 + K",
                     f"stop when max |grad| < {GRADIENT_TOLERANCE} or after {MAX_STEPS} steps"),
        checks=(
            SimulationCheck(symmetric_run, cases, tolerance=1e-10, error_unit="max |W - x_s|",
                            detail="symmetric start, full K-unit gradient descent: distance to "
                                   "the saddle"),
            SimulationCheck(perturbed_run, cases, tolerance=1e-10, error_unit="max |W - P W*|",
                            detail="perturbed start: distance to the nearest permutation of W*"),
            SimulationCheck(reduced_run, [{"K": w, "offset": o} for w in WIDTHS for o in (0, 1e-8)],
                            tolerance=1e-10, error_unit="max |(x, y) - fixed point|",
                            detail="reduced 2-D flow (Euler, step 1/K): x = y goes to "
                                   "(x_s, x_s), 1e-8 off the line goes to (1, 0)"),
        ),
    )
    steps = (
        Step(sympy.Eq(sympy.Symbol("W_{t+1}"),
                      sympy.Symbol("W_t") - sympy.Symbol("eta") * sympy.Symbol("grad_J")),
             "Gradient descent on all K² weights; symmetric starts stay symmetric exactly.",
             claims=("ssb",)),
    )
    return Derivation(
        title="Spontaneous symmetry breaking",
        paper_reference="Tian (2017), Section 6 (symmetry breaking)",
        summary=__doc__.strip().splitlines()[0],
        steps=steps,
        claims=(claim,),
    )
