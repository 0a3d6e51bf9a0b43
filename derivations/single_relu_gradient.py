"""The paper's corollary: the population gradient for a single ReLU (K = K* = 1).

J(w) = ½[k(w, w) − 2 k(w, w*) + k(w*, w*)] (population_loss with one unit each).  The engine
differentiates this closed form in the coordinates of w ∈ R³ and compares it with the paper's
statement

    ∇J(w) = (w − w*)/2 + (θ w* − (‖w*‖/‖w‖) sin θ · w) / (2π),   θ = angle(w, w*),

per sample (the paper's factor N dropped).  Gradient descent moves against it.
"""

from __future__ import annotations

import random

import mpmath
import numpy as np
import sympy
from sympy import acos, pi, sin, sqrt

from derivations._common import A_NORM, B_NORM, THETA, dot, gate, random_vectors, relu
from symderive.engine.algebra import reduce_modulo_radicals
from symderive.engine.checks import MonteCarloCheck, QuadratureCheck, SymbolicCheck
from symderive.engine.defining import polar_quadrature, standard_normal
from symderive.engine.model import Claim, Derivation, Step
from symderive.latex.notation import Equation, Gradient, Terms, vectors

REQUIRES: tuple[str, ...] = ("arccos_kernel",)
DIMENSION = 3


def derive(inputs: dict) -> Derivation:
    kernel = inputs["arccos_kernel"]["kernel"]
    w = sympy.Matrix(sympy.symbols(f"w_1:{DIMENSION + 1}", real=True))
    w_star = sympy.Matrix(sympy.symbols(f"wstar_1:{DIMENSION + 1}", real=True))

    def k(a: sympy.Matrix, b: sympy.Matrix) -> sympy.Expr:
        norm_a, norm_b = sqrt(a.dot(a)), sqrt(b.dot(b))
        return kernel.subs({A_NORM: norm_a, B_NORM: norm_b,
                            THETA: acos(a.dot(b) / (norm_a * norm_b))})

    loss = (k(w, w) - 2 * k(w, w_star) + k(w_star, w_star)) / 2
    derived = sympy.Matrix([sympy.diff(loss, wi) for wi in w])

    norm_w, norm_star = sqrt(w.dot(w)), sqrt(w_star.dot(w_star))
    theta = acos(w.dot(w_star) / (norm_w * norm_star))
    stated = (w - w_star) / 2 + (theta * w_star - norm_star / norm_w * sin(theta) * w) / (2 * pi)

    variables = [*w, *w_star]
    derived_mp = sympy.lambdify(variables, derived, modules="mpmath")
    derived_np = sympy.lambdify(variables, derived, modules="numpy")

    rng = random.Random(17)
    points = []
    for _ in range(4):
        (w2, s2) = random_vectors(rng, 2, 2)
        points.append({"w": w2, "w_star": s2})
    points.append({"w": [mpmath.mpf(1), mpmath.mpf("1e-9")],
                   "w_star": [mpmath.mpf(2), mpmath.mpf(0)]})

    def defining_gradient(point: dict) -> list:
        w_, s_ = point["w"], point["w_star"]

        def integrand(x):
            return [(relu(dot(w_, x)) - relu(dot(s_, x))) * gate(dot(w_, x)) * xi for xi in x]

        return polar_quadrature(integrand, 2, [w_, s_], 2)

    def closed_gradient(point: dict) -> list:
        values = derived_mp(*point["w"], 0, *point["w_star"], 0)
        return [values[0], values[1]]

    def monte_carlo_cases(seed: int = 19) -> list:
        generator = np.random.default_rng(seed)
        cases = []
        for _ in range(3):
            w_, s_ = generator.standard_normal(3), generator.standard_normal(3)
            exact = np.asarray(derived_np(*w_, *s_), dtype=float).ravel()

            def sampler(g, n, w_=w_, s_=s_):
                x = standard_normal(g, n, 3)
                residual = (np.maximum(x @ w_, 0) - np.maximum(x @ s_, 0)) * (x @ w_ > 0)
                return x * residual[:, None]

            cases.append((sampler, exact))
        return cases

    claim = Claim(
        id="single-relu-gradient",
        statement=("∇J(w) = (w − w*)/2 + (θ·w* − (‖w*‖/‖w‖)·sin θ·w)/(2π), "
                   "θ = ∠(w, w*) (the paper's corollary, per sample)"),
        assumptions=("K = K* = 1", "‖w‖, ‖w*‖ > 0",
                     "the coordinate proof needs w not parallel to w*; both sides are continuous "
                     "in θ, so the identity extends to θ = 0, π"),
        checks=(
            SymbolicCheck(derived, stated, reduce=reduce_modulo_radicals,
                          detail="gradient of the closed-form loss − paper reduces to 0 (in R^3)"),
            QuadratureCheck(defining_gradient, closed_gradient, points, dps=40,
                            scale=lambda p: (mpmath.sqrt(dot(p["w"], p["w"]))
                                             + mpmath.sqrt(dot(p["w_star"], p["w_star"]))),
                            scale_name="||w|| + ||w*||",
                            detail="E[(relu(w.x) - relu(w*.x)) 1[w.x>0] x] by quadrature"),
            MonteCarloCheck(monte_carlo_cases(),
                            detail="d = 3: sample mean of the per-sample gradient"),
        ),
        derived=derived,
        stated=stated,
    )
    w_, v_ = vectors("w wstar")
    k_, loss_ = sympy.Function("k"), sympy.Function("J")(w_)
    w_norm, v_norm = sympy.symbols("n_w n_wstar", positive=True)
    half = sympy.Rational(1, 2)
    with sympy.evaluate(False):
        loss_terms = Terms(half * k_(w_, w_), -k_(w_, v_), half * k_(v_, v_))
        loss_closed = Terms(w_norm ** 2 / 4, -k_(w_, v_), v_norm ** 2 / 4)
        paper = Terms((w_ - v_) / 2, (THETA * v_ - v_norm / w_norm * sin(THETA) * w_) / (2 * pi))
    steps = (
        Step(Equation(loss_, loss_terms, loss_closed),
             "The population loss with one student unit w and one teacher unit w*; "
             "k(w, w) = ‖w‖²/2 (the arc-cosine kernel at θ = 0)."),
        Step(Equation(Gradient(loss_, w_), paper),
             "Differentiate the closed form in the coordinates of w ∈ R³, θ the angle between w "
             "and w*: the result equals the paper's corollary (per sample) modulo the radical "
             "relations of ‖w‖, ‖w*‖ and arccos.", claims=("single-relu-gradient",)),
    )
    return Derivation(
        title="Single-ReLU gradient (corollary)",
        paper_reference="Tian (2017), corollary of Theorem 1",
        summary=__doc__.strip().splitlines()[0],
        steps=steps,
        claims=(claim,),
    )
