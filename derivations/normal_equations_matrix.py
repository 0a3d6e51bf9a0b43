"""The in-plane normal equations M·‖w‖ = M*·‖w*‖ (Tian 2017, Section 5).

Project the gradient of unit j, ∇_{w_j} J = Σ_k E[F(e_j, w_k)] − Σ_k E[F(e_j, w*_k)], on a student
direction e_j′.  With Theorem 1, E[F(e, u)] = c_w(θ) u + c_e(θ, ‖u‖) e, each term is ‖u_k‖ times
2π·(c_w(θ_jk) cos∠(u_k, e_j′) + c_e(θ_jk, 1) cos∠(e_j, e_j′)) / (2π): the paper's matrix entry
divided by 2π.  Stacking the K² projections (rows (j, j′) = (1, 1), (1, 2), ..., (K, K)) gives

    M ‖w‖ − M* ‖w*‖ = 2π (e_j′·∇_{w_j} J)_{(j, j′)},

so at a critical point whose students span the plane of the teachers (in-plane), M ‖w‖ = M* ‖w*‖.
"""

from __future__ import annotations

import random

import mpmath
import sympy
from sympy import cos, pi, sin

from derivations._common import THETA, W_NORM, mp_norm
from derivations._critical import (
    defining_projected_gradients,
    mp_paper_matrices,
    paper_entry,
    plane_vector,
    reduce_on_circle,
)
from symderive.engine.checks import QuadratureCheck, SymbolicCheck
from symderive.engine.model import Claim, Derivation, Step

REQUIRES: tuple[str, ...] = ("expected_gating",)

COS_U = sympy.Symbol("c_{u e'}", real=True)
COS_E = sympy.Symbol("c_{e e'}", real=True)
ANGLES = sympy.symbols("a_1:3", real=True) + sympy.symbols("b_1:3", real=True)


def _two_relu_identity(c_w: sympy.Expr, c_e: sympy.Expr):
    """K = 2 students, 2 teachers in the plane, all angles and norms symbolic.

    derived: 2π e_j′·(Σ_k s_k [c_w(θ_jk) u_k + c_e(θ_jk, ‖u_k‖) e_j]) from the exports of Theorem 1
    in coordinates; stated: (M ‖w‖ − M* ‖w*‖)_{(j, j′)} with the paper's entries.  θ_jk stays a free
    symbol (the identity holds for every value, in particular for the true angle).
    """
    student_angles, teacher_angles = ANGLES[:2], ANGLES[2:]
    norms = sympy.symbols("n_1:3", positive=True) + sympy.symbols("m_1:3", positive=True)
    angles = student_angles + teacher_angles
    signs = (1, 1, -1, -1)
    units = [n * sympy.Matrix([cos(a), sin(a)]) for n, a in zip(norms, angles, strict=True)]
    directions = [sympy.Matrix([cos(a), sin(a)]) for a in student_angles]
    theta = [[sympy.Symbol(f"theta_{j + 1}{k + 1}", real=True) for k in range(4)] for j in range(2)]
    derived, stated = [], []
    for j in range(2):
        gradient = sum(
            (s * (c_w.subs(THETA, theta[j][k]) * units[k]
                  + c_e.subs({THETA: theta[j][k], W_NORM: norms[k]}) * directions[j])
             for k, s in enumerate(signs)),
            sympy.zeros(2, 1),
        )
        for jp in range(2):
            derived.append(2 * pi * gradient.dot(directions[jp]))
            stated.append(sum(
                s * norms[k] * paper_entry(theta[j][k], cos(angles[k] - student_angles[jp]),
                                           cos(student_angles[j] - student_angles[jp]))
                for k, s in enumerate(signs)
            ))
    return sympy.Matrix(derived), sympy.Matrix(stated)


def _quadrature_points(seed: int = 31) -> list[dict]:
    rng = random.Random(seed)
    points = []
    for K in (3, 4):
        angles = [rng.uniform(0, 2 * float(pi)) for _ in range(2 * K)]
        vectors = [plane_vector(mpmath.mpf(rng.uniform(0.3, 2.0)), mpmath.mpf(a)) for a in angles]
        points.append({"student": vectors[:K], "teacher": vectors[K:]})
    return points


def _matrix_form(point: dict) -> list:
    """(M ‖w‖ − M* ‖w*‖) / (2π) with the paper's entries, one value per row (j, j′)."""
    M, M_star = mp_paper_matrices(point["student"], point["teacher"])
    w_norms = mpmath.matrix([mp_norm(w) for w in point["student"]])
    star_norms = mpmath.matrix([mp_norm(w) for w in point["teacher"]])
    residual = M * w_norms - M_star * star_norms
    return [residual[i] / (2 * mpmath.pi) for i in range(residual.rows)]


def derive(inputs: dict) -> Derivation:
    c_w = inputs["expected_gating"]["gating_w_coefficient"]
    c_e = inputs["expected_gating"]["gating_e_coefficient"]
    entry_derived = 2 * pi * (c_w * COS_U + c_e.subs(W_NORM, 1) * COS_E)
    entry_stated = paper_entry(THETA, COS_U, COS_E)
    two_derived, two_stated = _two_relu_identity(c_w, c_e)
    points = _quadrature_points()
    claim = Claim(
        id="normal-equations-matrix",
        statement=(
            "2 pi e_j'.grad_{w_j} J = sum_k M[(j,j'),k] ||w_k|| - sum_k M*[(j,j'),k] ||w*_k||, "
            "M[(j,j'),k] = (pi - theta_jk) cos(u_k, e_j') + sin(theta_jk) cos(e_j, e_j'), rows "
            "(j,j') = (1,1),(1,2),...,(K,K); at an in-plane critical point M ||w|| = M* ||w*||"
        ),
        assumptions=("x ~ N(0, I_d)", "||w_j|| > 0", "theta_jk = angle(e_j, u_k) in [0, pi]",
                     ("in-plane: the e_j span the teachers' plane (else the projections are only "
                      "necessary conditions)")),
        checks=(
            SymbolicCheck(entry_derived, entry_stated,
                          detail="2 pi e_j'.E[F(e_j, u)]/||u|| from Theorem 1's exports - "
                                 "paper's entry = 0"),
            SymbolicCheck(two_derived, two_stated,
                          reduce=lambda e: reduce_on_circle(e, ANGLES),
                          detail="K = 2, general symbolic angles and norms: projected gradient in "
                                 "coordinates - matrix form with the paper's entries = 0"),
            QuadratureCheck(lambda p: defining_projected_gradients(p["student"], p["teacher"]),
                            _matrix_form, points, dps=30, tolerance=1e-25,
                            scale=lambda p: sum(mp_norm(u) for u in p["student"] + p["teacher"]),
                            scale_name="sum of norms",
                            detail="K = 3 and K = 4 in the plane: e_j'.E[(g - g*) 1[w_j.x > 0] x] "
                                   "by quadrature vs (M||w|| - M*||w*||)/(2 pi)"),
        ),
        derived=entry_derived,
        stated=entry_stated,
    )
    steps = (
        Step(sympy.Eq(sympy.Symbol("P_{jj'}"), sympy.Symbol("e_{j'}") * sympy.Symbol("grad_j")),
             "Project the gradient of unit j (a sum of expected gatings) on the student direction "
             "e_j′."),
        Step(sympy.Eq(sympy.Symbol("M_{(j,j'),k}"), entry_derived),
             "Each term is ‖u_k‖ times this entry over 2π: c_w(θ) cos∠(u_k, e_j′) + c_e(θ, 1) "
             "cos∠(e_j, e_j′) from Theorem 1.", claims=("normal-equations-matrix",)),
    )
    return Derivation(
        title="Normal equations in matrix form",
        paper_reference="Tian (2017), Section 5 (critical points, in-plane case)",
        summary=__doc__.strip().splitlines()[0],
        steps=steps,
        claims=(claim,),
        exports={"matrix_entry": entry_stated, "entry_cos_u": COS_U, "entry_cos_e": COS_E},
    )
