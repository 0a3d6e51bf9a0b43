"""A second route to Theorem 1: the gradient of the arc-cosine kernel is the expected gating.

Differentiating under the expectation, ∇_a E[relu(a·x) relu(b·x)] = E[x 1[a·x > 0] relu(b·x)]
= E[F(a/‖a‖, b)].  Here the engine differentiates the *closed form* of the kernel (derived in
arccos_kernel) with respect to the coordinates of a ∈ R³, and compares the result with the closed
form of the expected gating (derived in expected_gating) with e = a/‖a‖ — two independent
derivations that must agree.  SymPy's simplify does not close this identity (sin(acos z) becomes
sqrt(1 − z²)); it is decided by reduction modulo the radical relations (symderive.engine.algebra).
"""

from __future__ import annotations

import random

import mpmath
import sympy
from sympy import acos, sqrt

from derivations._common import (
    A_NORM,
    B_NORM,
    THETA,
    W_NORM,
    mp_angle,
    mp_function,
    mp_norm,
    random_vectors,
)
from symderive.engine.algebra import reduce_modulo_radicals
from symderive.engine.checks import FiniteDifferenceCheck, SymbolicCheck
from symderive.engine.model import Claim, Derivation, Step
from symderive.latex.notation import (
    Dot,
    Equation,
    Expectation,
    Gradient,
    Indicator,
    Relu,
    Terms,
    vectors,
)

REQUIRES: tuple[str, ...] = ("arccos_kernel", "expected_gating")
DIMENSION = 3


def derive(inputs: dict) -> Derivation:
    kernel = inputs["arccos_kernel"]["kernel"]
    c_w = inputs["expected_gating"]["gating_w_coefficient"]
    c_e = inputs["expected_gating"]["gating_e_coefficient"]

    a = sympy.Matrix(sympy.symbols(f"a_1:{DIMENSION + 1}", real=True))
    b = sympy.Matrix(sympy.symbols(f"b_1:{DIMENSION + 1}", real=True))
    norm_a, norm_b = sqrt(a.dot(a)), sqrt(b.dot(b))
    angle = acos(a.dot(b) / (norm_a * norm_b))
    kernel_ab = kernel.subs({A_NORM: norm_a, B_NORM: norm_b, THETA: angle})
    derived = sympy.Matrix([sympy.diff(kernel_ab, ai) for ai in a])
    gating = c_w.subs({THETA: angle, W_NORM: norm_b}) * b + c_e.subs(
        {THETA: angle, W_NORM: norm_b}
    ) * a / norm_a

    kernel_mp = mp_function(kernel, A_NORM, B_NORM, THETA)
    c_w_mp, c_e_mp = mp_function(c_w, THETA, W_NORM), mp_function(c_e, THETA, W_NORM)
    rng = random.Random(3)
    points = [{"a": a_, "b": b_} for a_, b_ in zip(random_vectors(rng, 5, 4),
                                                   random_vectors(rng, 5, 4), strict=True)]

    def kernel_at(point: dict, coordinates: list) -> mpmath.mpf:
        return kernel_mp(mp_norm(coordinates), mp_norm(point["b"]),
                         mp_angle(coordinates, point["b"]))

    def gating_at(point: dict) -> list:
        a_, b_ = point["a"], point["b"]
        theta, nb = mp_angle(a_, b_), mp_norm(b_)
        return [c_w_mp(theta, nb) * bi + c_e_mp(theta, nb) * ai / mp_norm(a_)
                for ai, bi in zip(a_, b_, strict=True)]

    claim = Claim(
        id="kernel-gradient-identity",
        statement="∇_a k(a, b) = E[F(a/‖a‖, b)]: the kernel's gradient is the expected gating",
        assumptions=("‖a‖, ‖b‖ > 0",
                     "the coordinate proof needs a, b not parallel (the derivative of arccos is "
                     "singular there); both sides are continuous in t, so the identity extends to "
                     "t = 0, π"),
        checks=(
            SymbolicCheck(
                derived, gating, reduce=reduce_modulo_radicals,
                detail=f"in R^{DIMENSION}: difference reduces to 0 modulo the radical relations",
            ),
            FiniteDifferenceCheck(kernel_at, gating_at, lambda p: p["a"], points,
                                  detail="central differences of the kernel in R^4 vs the gating"),
        ),
        derived=derived,
        stated=gating,
    )
    a_, b_, x_ = vectors("a b x")
    kernel_ab_ = sympy.Function("k")(a_, b_)
    gating_ab = sympy.Function("F")(a_ / A_NORM, b_)
    along_b, along_a = c_w.subs(W_NORM, B_NORM), c_e.subs(W_NORM, B_NORM) / A_NORM
    with sympy.evaluate(False):
        under = Expectation(Indicator(Dot(a_, x_) > 0) * Relu(Dot(b_, x_)) * x_)
        closed = Terms(along_b * b_, along_a * a_)
    steps = (
        Step(
            Equation(Gradient(kernel_ab_, a_), under, Expectation(gating_ab)),
            "Differentiating under the expectation (σ′(z) = 1[z > 0]; 1[a·x > 0] = 1[e·x > 0] for "
            "e = a/‖a‖): the kernel's gradient is an expected gating function.",
        ),
        Step(
            Equation(Gradient(kernel_ab_, a_), closed),
            "Differentiate the closed form of k (arc-cosine kernel) in the coordinates of a ∈ R³ "
            "and compare with the closed form of Theorem 1 at e = a/‖a‖, θ the angle between a and "
            "b.  SymPy's simplify does not close this identity (sin(arccos z) becomes √(1 − z²)); "
            "reduction modulo the radical relations does.",
            claims=("kernel-gradient-identity",),
        ),
    )
    return Derivation(
        title="Kernel gradient = expected gating",
        paper_reference="Tian (2017), Theorem 1 (second route)",
        summary=__doc__.strip().splitlines()[0],
        steps=steps,
        claims=(claim,),
    )
