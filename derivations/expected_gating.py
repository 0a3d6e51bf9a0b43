"""Theorem 1 of Tian (2017): the expected gating E[F(e, w)], per sample.

F(e, w) = x xᵀ w · 1[e·x > 0] · 1[w·x > 0] for one sample x ~ N(0, I_d) (the paper's
Xᵀ D(e) D(w) X w with N = 1).  Only the plane of e and w matters; in it, e = (1, 0) and
w = ‖w‖(cos θ, sin θ) with θ ∈ [0, π].  The engine integrates the two components of F in polar
coordinates and the result is compared with the paper's statement
E[F(e, w)] = ((π − θ) w + ‖w‖ sin θ e) / (2π).
"""

from __future__ import annotations

import random

import mpmath
import numpy as np
import sympy
from sympy import cos, pi, sin

from derivations._common import THETA, W_NORM, dot, gate, mp_function, np_angle, np_function
from symderive.engine.checks import MonteCarloCheck, QuadratureCheck, SymbolicCheck
from symderive.engine.defining import polar_quadrature, standard_normal
from symderive.engine.gaussian import AngleDomain, PlaneVector, gated_vector_expectation
from symderive.engine.model import Claim, Derivation, Step
from symderive.latex.notation import Dot, Equation, Expectation, Indicator, Terms, vectors

REQUIRES: tuple[str, ...] = ()

E_COEFFICIENT = sympy.Symbol("c_e", real=True)
W_COEFFICIENT = sympy.Symbol("c_w", real=True)


def _quadrature_points(seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    angles = [rng.uniform(0, float(pi)) for _ in range(4)] + [1e-9, float(pi) - 1e-9, 0.0]
    return [
        {"theta": mpmath.mpf(a), "norm": mpmath.mpf(rng.uniform(0.1, 10)),
         "rotation": mpmath.mpf(rng.uniform(0, 2 * float(pi)))}
        for a in angles
    ]


def _plane_frame(point: dict) -> tuple[list, list, list]:
    """e, its in-plane normal e⊥, and w = ‖w‖(cos θ e + sin θ e⊥), all rotated by a random angle."""
    psi = point["rotation"]
    e = [mpmath.cos(psi), mpmath.sin(psi)]
    e_perp = [-mpmath.sin(psi), mpmath.cos(psi)]
    w = [point["norm"] * (mpmath.cos(point["theta"]) * a + mpmath.sin(point["theta"]) * b)
         for a, b in zip(e, e_perp, strict=True)]
    return e, e_perp, w


def _defining_gating(point: dict) -> list:
    e, _, w = _plane_frame(point)
    return polar_quadrature(
        lambda x: [xi * dot(w, x) * gate(dot(e, x)) * gate(dot(w, x)) for xi in x],
        degree=2, gate_directions=[e, w], components=2,
    )


def _monte_carlo_cases(coefficients: tuple, seed: int = 7) -> list:
    """Random (e, w) in R^5: samples of x (w·x) 1[e·x>0] 1[w·x>0] against c_w w + c_e e."""
    c_w, c_e = coefficients
    rng = np.random.default_rng(seed)
    cases = []
    for scale in (1.0, 3.0, 0.2):
        e = rng.standard_normal(5)
        e /= np.linalg.norm(e)
        w = scale * rng.standard_normal(5)
        theta, norm = np_angle(e, w), np.linalg.norm(w)
        exact = c_w(theta, norm) * w + c_e(theta, norm) * e

        def sampler(generator, n, e=e, w=w):
            x = standard_normal(generator, n, 5)
            weight = (x @ w) * (x @ e > 0) * (x @ w > 0)
            return x * weight[:, None]

        cases.append((sampler, exact))
    return cases


def derive(inputs: dict) -> Derivation:
    domain = AngleDomain({THETA: (0, pi)})
    e = PlaneVector(sympy.Integer(1), sympy.Integer(0))
    w = PlaneVector(W_NORM, THETA)
    derived = gated_vector_expectation([w], [e, w], domain)

    e_vec = sympy.Matrix([1, 0])
    w_vec = W_NORM * sympy.Matrix([cos(THETA), sin(THETA)])
    stated = ((pi - THETA) * w_vec + W_NORM * sin(THETA) * e_vec) / (2 * pi)

    # Write the derived vector in the (w, e) basis: solve derived = c_w w + c_e e.
    solution = sympy.solve(
        list(derived - (W_COEFFICIENT * w_vec + E_COEFFICIENT * e_vec)),
        [W_COEFFICIENT, E_COEFFICIENT], dict=True,
    )[0]
    c_w = sympy.simplify(solution[W_COEFFICIENT])
    c_e = sympy.simplify(solution[E_COEFFICIENT])

    closed_mp = mp_function(derived, THETA, W_NORM)

    def closed_form(point: dict) -> list:
        e_axis, e_perp, _ = _plane_frame(point)
        along, across = closed_mp(point["theta"], point["norm"])
        return [along * a + across * b for a, b in zip(e_axis, e_perp, strict=True)]

    np_coefficients = (np_function(c_w, THETA, W_NORM), np_function(c_e, THETA, W_NORM))
    claim = Claim(
        id="expected-gating",
        statement=(
            "E[F(e, w)] = ((π − θ)·w + ‖w‖·sin θ·e)/(2π) for a unit vector e, "
            "θ = ∠(e, w) (Theorem 1, per sample)"
        ),
        assumptions=("x ~ N(0, I_d)", "‖e‖ = 1", "‖w‖ > 0", "0 ≤ θ ≤ π"),
        checks=(
            SymbolicCheck(derived, stated,
                          detail="both components, derived − paper simplifies to 0"),
            QuadratureCheck(_defining_gating, closed_form, _quadrature_points(), dps=60,
                            scale=lambda p: p["norm"], scale_name="||w||"),
            MonteCarloCheck(_monte_carlo_cases(np_coefficients)),
        ),
        derived=derived,
        stated=stated,
    )
    e_, w_, x_ = vectors("e w x")
    gating = sympy.Function("F")(e_, w_)
    x1, x2 = sympy.symbols("x_1 x_2", real=True)
    with sympy.evaluate(False):
        per_sample = Indicator(Dot(e_, x_) > 0) * Indicator(Dot(w_, x_) > 0) * Dot(w_, x_) * x_
        in_plane = sympy.Matrix([x1, x2]) * W_NORM * (x1 * cos(THETA) + x2 * sin(THETA))
        basis_form = Terms(c_w * w_, c_e * e_)
    steps = (
        Step(
            Equation(gating, per_sample),
            "The gating function for one sample x ~ N(0, I_d) (the paper's Xᵀ D(e) D(w) X w "
            "with N = 1).",
        ),
        Step(
            Equation(gating, in_plane * Indicator(x1 > 0)
                     * Indicator(x1 * cos(THETA) + x2 * sin(THETA) > 0)),
            "Only the plane of e and w matters: the part of x orthogonal to it is independent of "
            "the in-plane part and has mean zero.  In that plane take e = (1, 0), "
            "w = ‖w‖(cos θ, sin θ) with θ ∈ [0, π] and x = (x₁, x₂); the gate of w does not "
            "depend on ‖w‖ > 0.",
        ),
        Step(
            Equation(Expectation(gating), derived),
            "Polar coordinates x = r(cos φ, sin φ): the two gates leave the arc θ − π/2 < φ < π/2, "
            "the radial integral is ∫ r³ exp(−r²/2) dr = 2 over (0, ∞), and the density "
            "contributes 1/(2π).  The result is written in the coordinates of the plane.",
            claims=("expected-gating",),
        ),
        Step(
            Equation(Expectation(gating), basis_form),
            "Solving for the coefficients in the basis (w, e) gives Theorem 1 of the paper, per "
            "sample: E[F(e, w)] = ((π − θ) w + ‖w‖ sin θ e)/(2π).",
        ),
    )
    return Derivation(
        title="Expected gating (Theorem 1)",
        paper_reference="Tian (2017), Theorem 1",
        summary=__doc__.strip().splitlines()[0],
        steps=steps,
        claims=(claim,),
        exports={"gating_vector": derived, "gating_w_coefficient": c_w,
                 "gating_e_coefficient": c_e},
    )
