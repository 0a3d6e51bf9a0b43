"""The arc-cosine kernel of degree one (Cho & Saul, 2009), derived by the same machinery.

k(a, b) = E[relu(a·x) relu(b·x)] = E[(a·x)(b·x) 1[a·x > 0] 1[b·x > 0]] for x ~ N(0, I_d), since
relu(z) = z·1[z > 0].  In the plane of a and b: a = ‖a‖(1, 0), b = ‖b‖(cos t, sin t), t ∈ [0, π].
Cho & Saul state k(a, b) = ‖a‖‖b‖ (sin t + (π − t) cos t) / (2π).  It is the pair term of the
population loss.
"""

from __future__ import annotations

import random

import mpmath
import numpy as np
import sympy
from sympy import cos, pi, sin

from derivations._common import A_NORM, B_NORM, THETA, dot, mp_function, np_angle, np_function, relu
from symderive.engine.checks import MonteCarloCheck, QuadratureCheck, SymbolicCheck
from symderive.engine.defining import polar_quadrature, standard_normal
from symderive.engine.gaussian import AngleDomain, PlaneVector, gated_expectation
from symderive.engine.model import Claim, Derivation, Step
from symderive.latex.notation import Dot, Equation, Expectation, Indicator, Relu, vectors

REQUIRES: tuple[str, ...] = ()


def _quadrature_points(seed: int = 2) -> list[dict]:
    rng = random.Random(seed)
    angles = ([rng.uniform(0, float(pi)) for _ in range(4)]
              + [1e-9, float(pi) - 1e-9, 0.0, float(pi)])
    return [
        {"t": mpmath.mpf(t), "a": mpmath.mpf(rng.uniform(0.1, 10)),
         "b": mpmath.mpf(rng.uniform(0.1, 10)), "rotation": mpmath.mpf(rng.uniform(0, 6.28))}
        for t in angles
    ]


def _vectors(point: dict) -> tuple[list, list]:
    psi, t = point["rotation"], point["t"]
    a = [point["a"] * mpmath.cos(psi), point["a"] * mpmath.sin(psi)]
    b = [point["b"] * mpmath.cos(psi + t), point["b"] * mpmath.sin(psi + t)]
    return a, b


def _defining_kernel(point: dict) -> list:
    a, b = _vectors(point)
    return polar_quadrature(
        lambda x: [relu(dot(a, x)) * relu(dot(b, x))], degree=2, gate_directions=[a, b],
        components=1,
    )


def _monte_carlo_cases(kernel, seed: int = 11) -> list:
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(3):
        a, b = rng.standard_normal(6), 2.0 * rng.standard_normal(6)
        exact = [kernel(np.linalg.norm(a), np.linalg.norm(b), np_angle(a, b))]

        def sampler(generator, n, a=a, b=b):
            x = standard_normal(generator, n, 6)
            return (np.maximum(x @ a, 0) * np.maximum(x @ b, 0))[:, None]

        cases.append((sampler, exact))
    return cases


def derive(inputs: dict) -> Derivation:
    domain = AngleDomain({THETA: (0, pi)})
    a, b = PlaneVector(A_NORM, sympy.Integer(0)), PlaneVector(B_NORM, THETA)
    derived = gated_expectation([a, b], [a, b], domain)
    stated = A_NORM * B_NORM * (sin(THETA) + (pi - THETA) * cos(THETA)) / (2 * pi)
    closed = mp_function(derived, A_NORM, B_NORM, THETA)
    claim = Claim(
        id="arccos-kernel",
        statement="E[relu(a·x)·relu(b·x)] = ‖a‖‖b‖·(sin t + (π − t)·cos t)/(2π), t = ∠(a, b)",
        assumptions=("x ~ N(0, I_d)", "‖a‖, ‖b‖ > 0", "0 ≤ t ≤ π"),
        checks=(
            SymbolicCheck(derived, stated, detail="derived − Cho & Saul's form simplifies to 0"),
            QuadratureCheck(
                _defining_kernel, lambda p: [closed(p["a"], p["b"], p["t"])], _quadrature_points(),
                dps=60, scale=lambda p: p["a"] * p["b"], scale_name="||a|| ||b||",
            ),
            MonteCarloCheck(_monte_carlo_cases(np_function(derived, A_NORM, B_NORM, THETA))),
        ),
        derived=derived,
        stated=stated,
    )
    a_, b_, x_ = vectors("a b x")
    kernel = sympy.Function("k")(a_, b_)
    x1, x2 = sympy.symbols("x_1 x_2", real=True)
    with sympy.evaluate(False):
        gated = Expectation(Indicator(Dot(a_, x_) > 0) * Indicator(Dot(b_, x_) > 0)
                            * Dot(a_, x_) * Dot(b_, x_))
        in_plane = Expectation(Indicator(x1 > 0) * Indicator(x1 * cos(THETA) + x2 * sin(THETA) > 0)
                               * A_NORM * B_NORM * x1 * (x1 * cos(THETA) + x2 * sin(THETA)))
    steps = (
        Step(
            Equation(kernel, Expectation(Relu(Dot(a_, x_)) * Relu(Dot(b_, x_))), gated),
            "The kernel of two units for x ~ N(0, I_d); since σ(z) = z·1[z > 0], it is a gated "
            "expectation of the two linear forms.",
        ),
        Step(
            Equation(kernel, in_plane),
            "Only the plane of a and b matters: take a = ‖a‖(1, 0) and b = ‖b‖(cos θ, sin θ), "
            "where θ ∈ [0, π] is the angle between a and b (t in the claim).",
        ),
        Step(
            Equation(kernel, derived),
            "Polar coordinates: the gates leave the arc θ − π/2 < φ < π/2 and the radial moment is "
            "2; this is Cho & Saul's form, (π − θ) cos θ + sin θ in the bracket.",
            claims=("arccos-kernel",),
        ),
    )
    return Derivation(
        title="Arc-cosine kernel",
        paper_reference="Cho & Saul (2009); the pair term of Tian (2017)'s loss",
        summary=__doc__.strip().splitlines()[0],
        steps=steps,
        claims=(claim,),
        exports={"kernel": derived},
    )
