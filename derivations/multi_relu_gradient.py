"""The population gradient for K student and K* teacher ReLUs.

Per sample, ∇_{w_j} ½(g − g*)² = (g − g*) · 1[w_j·x > 0] · x (relu′ = 1[· > 0]; the Dirac term of
the derivative carries the factor w_j·x and vanishes).  Expanding g − g* and using 1[w_j·x > 0] =
1[e_j·x > 0] for e_j = w_j/‖w_j‖, every term is a gating function, so with Theorem 1

    ∇_{w_j} J = Σ_k E[F(e_j, w_k)] − Σ_k E[F(e_j, w*_k)],
    E[F(e, u)] = ((π − θ) u + ‖u‖ sin θ e)/(2π).

No independence of the ReLU activations is assumed.  K and K* may differ.
"""

from __future__ import annotations

import random

import mpmath
import numpy as np
import sympy
from sympy import DiracDelta, Heaviside, pi, sin

from derivations._common import (
    A_NORM,
    B_NORM,
    THETA,
    W_NORM,
    dot,
    gate,
    mp_function,
    mp_norm,
    mp_population_gradient,
    mp_population_loss,
    network_output,
    np_network_output,
    random_vectors,
)
from symderive.engine.checks import (
    FiniteDifferenceCheck,
    MonteCarloCheck,
    QuadratureCheck,
    SymbolicCheck,
)
from symderive.engine.defining import polar_quadrature, standard_normal
from symderive.engine.model import Claim, Derivation, Step
from symderive.latex.notation import Dot, Equation, Expectation, Gradient, Indicator, Terms, vectors

REQUIRES: tuple[str, ...] = ("arccos_kernel", "expected_gating")


def _per_sample_identity(student_width: int = 2, teacher_width: int = 2):
    """∂/∂w_1 of ½(g − g*)² for one symbolic sample x ∈ R², and
    Σ_k F(e_1, w_k) − Σ_k F(e_1, w*_k)."""
    x = sympy.Matrix(sympy.symbols("x_1:3", real=True))
    student = [sympy.Matrix(sympy.symbols(f"w{j}_1:3", real=True)) for j in range(student_width)]
    teacher = [sympy.Matrix(sympy.symbols(f"v{k}_1:3", real=True)) for k in range(teacher_width)]

    def relu(u):
        return u.dot(x) * Heaviside(u.dot(x))

    residual = sum(relu(u) for u in student) - sum(relu(u) for u in teacher)
    loss = residual**2 / 2
    # z·δ(z) = 0: the Dirac terms of relu′ are multiplied by their own argument.
    derived = sympy.Matrix([sympy.diff(loss, wi) for wi in student[0]]).replace(
        DiracDelta, lambda *args: 0
    )
    gate_1 = Heaviside(student[0].dot(x))  # 1[e_1·x > 0] = 1[w_1·x > 0] since ‖w_1‖ > 0

    def gating(u):
        return x * u.dot(x) * gate_1 * Heaviside(u.dot(x))

    stated = sum((gating(u) for u in student), sympy.zeros(2, 1)) - sum(
        (gating(u) for u in teacher), sympy.zeros(2, 1)
    )
    return derived, stated


def _steps() -> tuple[Step, ...]:
    """The derivation as displayed, for general K and K*."""
    x_, w_j, e_j, w_k, v_k, u_ = vectors("x w_j e_j w_k wstar_k u")
    k = sympy.Symbol("k", integer=True, positive=True)
    width, teacher_width = sympy.symbols("K Kstar", integer=True, positive=True)
    g, gating = sympy.Function("g"), sympy.Function("F")
    residual = g(x_, sympy.Symbol("W")) - g(x_, sympy.Symbol("Wstar"))
    norm_u = sympy.Symbol("n_u", positive=True)
    gradient = Terms(sympy.Sum(Expectation(gating(e_j, w_k)), (k, 1, width)),
                     -sympy.Sum(Expectation(gating(e_j, v_k)), (k, 1, teacher_width)))
    with sympy.evaluate(False):
        per_sample = residual * Indicator(Dot(w_j, x_) > 0) * x_
        theorem = Terms((pi - THETA) / (2 * pi) * u_, norm_u * sin(THETA) / (2 * pi) * e_j)
    return (
        Step(Equation(Gradient(sympy.Rational(1, 2) * residual ** 2, w_j), per_sample),
             "Differentiate ½(g − g*)² in w_j for one sample: σ′(z) = 1[z > 0], and the Dirac term "
             "of the derivative carries the factor w_jᵀx, so it vanishes (z·δ(z) = 0)."),
        Step(Equation(Gradient(sympy.Function("J")(sympy.Symbol("W")), w_j), gradient),
             "Expand g − g* and use 1[w_jᵀx > 0] = 1[e_jᵀx > 0] for e_j = w_j/‖w_j‖: every term is "
             "a gating function; take expectations.  No independence of the ReLU activations is "
             "assumed.", claims=("multi-relu-gradient",)),
        Step(Equation(Expectation(gating(e_j, u_)), theorem),
             "Each expectation by Theorem 1, θ the angle between e_j and the unit u (a student row "
             "w_k or a teacher row w*_k)."),
    )


def derive(inputs: dict) -> Derivation:
    kernel = mp_function(inputs["arccos_kernel"]["kernel"], A_NORM, B_NORM, THETA)
    c_w = mp_function(inputs["expected_gating"]["gating_w_coefficient"], THETA, W_NORM)
    c_e = mp_function(inputs["expected_gating"]["gating_e_coefficient"], THETA, W_NORM)
    per_sample, per_sample_gating = _per_sample_identity()

    rng = random.Random(23)
    plane_points = [
        {"student": random_vectors(rng, 2, 2), "teacher": random_vectors(rng, 3, 2)}
        for _ in range(3)
    ]
    space_points = [
        {"student": random_vectors(rng, 3, 4), "teacher": random_vectors(rng, 2, 4)}
        for _ in range(3)
    ]

    def closed_gradient(point: dict) -> list:
        return mp_population_gradient(point["student"], point["teacher"], c_w, c_e)

    def term_scale(point: dict) -> mpmath.mpf:
        return mpmath.fsum(mp_norm(u) for u in point["student"] + point["teacher"])

    def defining_gradient(point: dict) -> list:
        student, teacher = point["student"], point["teacher"]
        values = []
        for w in student:
            def integrand(x, w=w):
                return [
                    (network_output(student, x) - network_output(teacher, x)) * gate(dot(w, x)) * xi
                    for xi in x
                ]

            values.extend(polar_quadrature(integrand, 2, student + teacher, 2))
        return values

    def loss_at(point: dict, coordinates: list) -> mpmath.mpf:
        d = len(point["student"][0])
        student = [coordinates[i * d:(i + 1) * d] for i in range(len(point["student"]))]
        return mp_population_loss(student, point["teacher"], kernel)

    def monte_carlo_cases(seed: int = 29) -> list:
        generator = np.random.default_rng(seed)
        cases = []
        for _ in range(2):
            student, teacher = generator.standard_normal((3, 6)), generator.standard_normal((2, 6))
            exact = [float(v) for v in closed_gradient(
                {"student": student.tolist(), "teacher": teacher.tolist()})]

            def sampler(g, n, student=student, teacher=teacher):
                x = standard_normal(g, n, 6)
                residual = np_network_output(student, x) - np_network_output(teacher, x)
                gates = (x @ student.T > 0) * residual[:, None]  # (n, K)
                return (gates[:, :, None] * x[:, None, :]).reshape(n, -1)

            cases.append((sampler, exact))
        return cases

    claim = Claim(
        id="multi-relu-gradient",
        statement=("∇_{w_j} J = Σ_k E[F(e_j, w_k)] − Σ_k E[F(e_j, w*_k)], e_j = w_j/‖w_j‖, "
                   "student width K and teacher width K* arbitrary"),
        assumptions=("x ~ N(0, I_d)", "‖w_j‖ > 0 (J is not differentiable in a zero row)",
                     "parallel units allowed: the gating terms are continuous at θ = 0, π"),
        checks=(
            SymbolicCheck(per_sample, per_sample_gating,
                          detail="per sample (K = K* = 2, d = 2): d/dw_1 of (g - g*)^2/2 equals "
                                 "the sum of gating functions once z delta(z) = 0"),
            QuadratureCheck(defining_gradient, closed_gradient, plane_points, dps=40,
                            scale=term_scale, scale_name="sum of row norms",
                            detail="K = 2, K* = 3 in a plane: defining integral by quadrature"),
            MonteCarloCheck(monte_carlo_cases(), detail="K = 3, K* = 2, d = 6: sample mean"),
            FiniteDifferenceCheck(loss_at, closed_gradient,
                                  lambda p: [c for row in p["student"] for c in row], space_points,
                                  detail="K = 3, K* = 2, d = 4: central differences of the "
                                         "closed-form loss vs the gating-sum gradient"),
        ),
        derived=per_sample,
        stated=per_sample_gating,
    )
    steps = _steps()
    return Derivation(
        title="Multi-ReLU gradient",
        paper_reference="Tian (2017), Section 4 (gradient for K ReLUs)",
        summary=__doc__.strip().splitlines()[0],
        steps=steps,
        claims=(claim,),
    )
