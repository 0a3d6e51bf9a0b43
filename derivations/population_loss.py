"""The population loss J(W) = ½ E[(g(x; W) − g(x; W*))²] as a double sum of the arc-cosine kernel.

With the student rows w_j (sign s = +1) and the teacher rows w*_k (sign s = −1) as one list of
signed units u_a, g − g* = Σ_a s_a relu(u_a·x).  Squaring and using linearity of expectation,

    J = ½ Σ_a Σ_b s_a s_b k(u_a, u_b)
      = ½ Σ_{j,j′} k(w_j, w_j′) − Σ_{j,k} k(w_j, w*_k) + ½ Σ_{k,k′} k(w*_k, w*_k′),

with k the arc-cosine kernel (k(w, w) = ‖w‖²/2).  Student width K and teacher width K* may differ.
"""

from __future__ import annotations

import random

import numpy as np
import sympy

from derivations._common import (
    A_NORM,
    B_NORM,
    THETA,
    mp_function,
    mp_population_loss,
    network_output,
    np_network_output,
    random_vectors,
)
from symderive.engine.checks import MonteCarloCheck, QuadratureCheck, SymbolicCheck
from symderive.engine.defining import polar_quadrature, standard_normal
from symderive.engine.model import Claim, Derivation, Step
from symderive.latex.notation import Dot, Equation, Expectation, Relu, Terms, vectors

REQUIRES: tuple[str, ...] = ("arccos_kernel",)


def _signed_square_expansion(student_width: int,
                             teacher_width: int) -> tuple[sympy.Expr, sympy.Expr]:
    """½(Σ_j r_j − Σ_k r*_k)² expanded, and the double sum ½ Σ_a Σ_b s_a s_b r_a r_b."""
    r = sympy.symbols(f"r_1:{student_width + 1}", real=True)
    r_star = sympy.symbols(f"rstar_1:{teacher_width + 1}", real=True)
    square = sympy.expand((sum(r) - sum(r_star)) ** 2 / 2)
    signed = [(ri, 1) for ri in r] + [(ri, -1) for ri in r_star]
    double_sum = sum(s * t * ra * rb for ra, s in signed for rb, t in signed) / 2
    return square, sympy.expand(double_sum)


def _steps(square: sympy.Expr, double_sum: sympy.Expr) -> tuple[Step, ...]:
    """The derivation as displayed: the loss, the expanded square (K = 2, K* = 3), the kernel
    sum."""
    x_, u_a, u_b, w_j, w_l, v_k, v_m = vectors("x u_a u_b w_j w_l wstar_k wstar_m")
    a, b, j, l_, k, m = sympy.symbols("a b j l k m", integer=True, positive=True)
    width, teacher_width = sympy.symbols("K Kstar", integer=True, positive=True)
    units = width + teacher_width
    sign = sympy.IndexedBase("s")
    kernel = sympy.Function("k")
    loss = sympy.Function("J")(sympy.Symbol("W"))
    r = sympy.symbols("r_1:3", real=True)
    r_star = sympy.symbols("rstar_1:4", real=True)
    half = sympy.Rational(1, 2)
    with sympy.evaluate(False):
        signed_term = sign[a] * Relu(Dot(u_a, x_))
        kernel_term = sign[a] * sign[b] * kernel(u_a, u_b)
    signed_sum = sympy.Sum(signed_term, (a, 1, units))
    difference = sum(r) - sum(r_star)
    kernel_sum = sympy.Sum(kernel_term, (a, 1, units), (b, 1, units))
    blocks = (sympy.Sum(kernel(w_j, w_l), (j, 1, width), (l_, 1, width)),
              sympy.Sum(kernel(w_j, v_k), (j, 1, width), (k, 1, teacher_width)),
              sympy.Sum(kernel(v_k, v_m), (k, 1, teacher_width), (m, 1, teacher_width)))
    with sympy.evaluate(False):
        squared = half * difference ** 2
        by_blocks = Terms(half * blocks[0], -blocks[1], half * blocks[2])
        kernel_sum = half * kernel_sum
        loss_definition = half * Expectation(signed_sum ** 2)
    return (
        Step(Equation(loss, loss_definition),
             "The student rows w_j (sign s = +1) and the teacher rows w*_k (sign s = −1) form one "
             "list of K + K* signed units u_a, so that g(x; W) − g(x; W*) = Σ_a s_a σ(u_aᵀx)."),
        Step(Equation(squared, double_sum),
             "Expanding the square, shown for K = 2, K* = 3 with r_a = σ(u_aᵀx): the expanded "
             "square is the signed double sum."),
        Step(Equation(loss, kernel_sum, by_blocks),
             "Linearity of expectation: each product σ(u_aᵀx) σ(u_bᵀx) has expectation "
             "k(u_a, u_b), the arc-cosine kernel; k(w, w) = ‖w‖²/2.", claims=("population-loss",)),
    )


def derive(inputs: dict) -> Derivation:
    kernel = mp_function(inputs["arccos_kernel"]["kernel"], A_NORM, B_NORM, THETA)
    square, double_sum = _signed_square_expansion(2, 3)

    rng = random.Random(5)
    plane_points = [
        {"student": random_vectors(rng, 2, 2), "teacher": random_vectors(rng, 3, 2)}
        for _ in range(4)
    ]

    def defining_loss(point: dict) -> list:
        student, teacher = point["student"], point["teacher"]

        def integrand(x):
            return [(network_output(student, x) - network_output(teacher, x)) ** 2 / 2]

        return polar_quadrature(integrand, 2, student + teacher, 1)

    def closed_loss(point: dict) -> list:
        return [mp_population_loss(point["student"], point["teacher"], kernel)]

    def monte_carlo_cases(seed: int = 13) -> list:
        generator = np.random.default_rng(seed)
        cases = []
        for _ in range(3):
            student, teacher = generator.standard_normal((3, 6)), generator.standard_normal((2, 6))
            exact = [float(closed_loss({"student": student.tolist(),
                                        "teacher": teacher.tolist()})[0])]

            def sampler(g, n, student=student, teacher=teacher):
                x = standard_normal(g, n, 6)
                residual = np_network_output(student, x) - np_network_output(teacher, x)
                return (residual ** 2 / 2)[:, None]

            cases.append((sampler, exact))
        return cases

    claim = Claim(
        id="population-loss",
        statement=("J(W) = ½·Σ_a Σ_b s_a·s_b·k(u_a, u_b) over the signed units u_a "
                   "(student rows with s = +1, teacher rows with s = −1)"),
        assumptions=("x ~ N(0, I_d)", "student width K and teacher width K* arbitrary",
                     "zero rows contribute nothing"),
        checks=(
            SymbolicCheck(square, double_sum,
                          detail="K = 2, K* = 3: the expanded square equals the signed double sum"),
            QuadratureCheck(defining_loss, closed_loss, plane_points, dps=40,
                            detail="K = 2, K* = 3 in a plane: defining integral by quadrature"),
            MonteCarloCheck(monte_carlo_cases(), detail="K = 3, K* = 2, d = 6: sample mean"),
        ),
        derived=double_sum,
        stated=square,
    )
    steps = _steps(square, double_sum)
    return Derivation(
        title="Population loss",
        paper_reference="Tian (2017), Section 3 (the loss J)",
        summary=__doc__.strip().splitlines()[0],
        steps=steps,
        claims=(claim,),
    )
