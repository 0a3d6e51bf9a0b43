"""\
Symmetric dynamics: W* = I_K (d = K), w_j = x e_j + y Σ_{k≠j} e_k, reduced to a 2-D flow in (x, y).

All students have norm n = √(x² + (K−1)y²); the angles are θ_ss between two students
(cos θ_ss = (2xy + (K−2)y²)/n², and 1 − cos θ_ss = (x − y)²/n²), θ_x = ∠(w_j, e_j)
(cos θ_x = x/n) and θ_y = ∠(w_j, e_k), k ≠ j (cos θ_y = y/n).  Summing Theorem 1 over the units,
E[F(e, u)] = c_w(θ) u + c_e(θ, ‖u‖) e, the coordinate j of ∇_{w_j}J is

    g_1 = c_w(0) x + (K−1)[c_w(θ_ss) y + c_e(θ_ss, n) x/n] − c_w(θ_x)
          − [c_e(θ_x, 1) + (K−1) c_e(θ_y, 1)] x/n,

and every other coordinate k ≠ j is

    g_2 = c_w(0) y + c_w(θ_ss)(x + (K−2) y) + (K−1) c_e(θ_ss, n) y/n − c_w(θ_y)
          − [c_e(θ_x, 1) + (K−1) c_e(θ_y, 1)] y/n,

the same for every j: the family is invariant and dx/dt = −g_1, dy/dt = −g_2.

Fixed points: (1, 0) (W = W*) and, on the line x = y where all students coincide (θ_ss = 0),
(x_s, x_s) with x_s = (√(K−1) − arccos(1/√K) + π)/(πK), as the paper states.

Jacobians.  At both fixed points one angle vanishes (θ_ss at (x_s, x_s), θ_x at (1, 0)) and is only
Lipschitz there (θ ∝ distance), so differentiating the field naively meets 0/0.  Write the field as
F(x, y, t) with that angle replaced by a free t.  F depends on t through (π − t) and sin t; if
∂_t F(x, y, 0) vanishes at the fixed point, then F(x, y, θ(x, y)) − F(x, y, 0) = ∂_t F(x, y, 0)·θ
+ O(θ²) = O(distance²), so the Jacobian is that of the smooth F(x, y, 0).  With it:

* at (x_s, x_s): eigenvalues −K/2 (eigenvector (1, 1), along the symmetric line) and
  K²/(2√(K−1)(√(K−1) − arccos(1/√K) + π)) > 0: a saddle, attracting along x = y;
* at (1, 0): J = [[−(K−1+π)/(2π), −(K−1)/4], [−1/4, −(πK+2)/(4π)]], trace < 0, det > 0 and a
  positive product of the off-diagonal entries (real eigenvalues): a stable node for every K ≥ 2.
"""

from __future__ import annotations

import random

import mpmath
import numpy as np
import sympy
from sympy import acos, pi, sqrt

from derivations._common import (
    THETA,
    W_NORM,
    dot,
    gate,
    mp_population_gradient,
    network_output,
    np_network_output,
)
from symderive.engine.algebra import reduce_modulo_radicals
from symderive.engine.checks import MonteCarloCheck, QuadratureCheck, SymbolicCheck
from symderive.engine.defining import polar_quadrature, standard_normal
from symderive.engine.model import Claim, Derivation, Step

REQUIRES: tuple[str, ...] = ("expected_gating",)

X, Y = sympy.symbols("x y", real=True)
S = sympy.Symbol("s", positive=True)
K = sympy.Symbol("K", positive=True, integer=True)
T_SS, T_X, T_Y = sympy.symbols("t_ss t_x t_y", real=True)
NORM = sqrt(X**2 + (K - 1) * Y**2)
ANGLES = {T_SS: acos((2 * X * Y + (K - 2) * Y**2) / NORM**2), T_X: acos(X / NORM),
          T_Y: acos(Y / NORM)}


def _field(c_w, c_e, t_ss, t_x, t_y) -> sympy.Matrix:
    """(dx/dt, dy/dt) = −(g_1, g_2) with the three angles given (symbols or expressions)."""
    def cw(t):
        return c_w.subs(THETA, t)

    def ce(t, norm):
        return c_e.subs({THETA: t, W_NORM: norm})

    teacher_e = ce(t_x, 1) + (K - 1) * ce(t_y, 1)
    g1 = (cw(0) * X + ce(0, NORM) * X / NORM + (K - 1) * (cw(t_ss) * Y + ce(t_ss, NORM) * X / NORM)
          - cw(t_x) - teacher_e * X / NORM)
    g2 = (cw(0) * Y + ce(0, NORM) * Y / NORM + cw(t_ss) * (X + (K - 2) * Y)
          + (K - 1) * ce(t_ss, NORM) * Y / NORM - cw(t_y) - teacher_e * Y / NORM)
    return sympy.Matrix([-g1, -g2])


def family_weights(width: int, x, y) -> list:
    """Rows w_j = x e_j + y Σ_{k≠j} e_k as lists."""
    return [[x if k == j else y for k in range(width)] for j in range(width)]


def _family_vector(width: int, first, other) -> list:
    """The flattened K×K matrix with ``first`` on the diagonal and ``other`` elsewhere."""
    return [c for row in family_weights(width, first, other) for c in row]


def _explicit_gradient(c_w, c_e, width: int) -> sympy.Matrix:
    """The full gradient of all K = width units (W* = I), each angle acos of the normalized dot."""
    student = [sympy.Matrix(row) for row in family_weights(width, X, Y)]
    teacher = [sympy.Matrix([1 if k == j else 0 for k in range(width)]) for j in range(width)]
    rows = []
    for w in student:
        e = w / sqrt(w.dot(w))
        total = sympy.zeros(width, 1)
        for units, sign in ((student, 1), (teacher, -1)):
            for u in units:
                norm = sqrt(u.dot(u))
                theta = acos(sympy.cancel(e.dot(u) / norm))
                total += sign * (c_w.subs(THETA, theta) * u
                                 + c_e.subs({THETA: theta, W_NORM: norm}) * e)
        rows.extend(total)
    return sympy.Matrix(rows)


def _singular_part_jacobian(field_t, angle, point):
    """(∂_t F at t = 0 and the point, Jacobian of F(x, y, 0) at the point)."""
    at_zero = field_t.subs(angle, 0)
    return (sympy.diff(field_t, angle).subs(angle, 0).subs(point),
            at_zero.jacobian([X, Y]).subs(point))


def derive(inputs: dict) -> Derivation:
    c_w = inputs["expected_gating"]["gating_w_coefficient"]
    c_e = inputs["expected_gating"]["gating_e_coefficient"]
    field = _field(c_w, c_e, *ANGLES.values())

    # Invariance and the reduced field against the explicit K-unit gradient (K = 3, symbolic).
    explicit = _explicit_gradient(c_w, c_e, 3)
    reduced = field.subs(K, 3)
    family_form = sympy.Matrix(_family_vector(3, -reduced[0], -reduced[1]))

    # Fixed points.
    symmetric_angle = acos(1 / sqrt(K))
    on_line = _field(c_w, c_e, 0, symmetric_angle, symmetric_angle).subs({X: S, Y: S})
    x_s = sympy.solve(on_line[0], S)[0]
    x_s_paper = (sqrt(K - 1) - acos(1 / sqrt(K)) + pi) / (pi * K)
    at_teacher = field.subs({X: 1, Y: 0})

    # Jacobians via the smooth part.
    field_ss = _field(c_w, c_e, T_SS, ANGLES[T_X], ANGLES[T_Y])
    dt_sym, J_sym = _singular_part_jacobian(field_ss, T_SS, {X: S, Y: S})
    field_x = _field(c_w, c_e, ANGLES[T_SS], T_X, ANGLES[T_Y])
    dt_teacher, J_teacher = _singular_part_jacobian(field_x, T_X, {X: 1, Y: 0})
    lam_line = sympy.simplify(J_sym[0, 0] + J_sym[0, 1])
    lam_other = sympy.simplify(J_sym[1, 1] - J_sym[0, 1]).subs(S, x_s)
    eigen_stated = sympy.Matrix(
        [-K / 2, K**2 / (2 * sqrt(K - 1) * (sqrt(K - 1) - acos(1 / sqrt(K)) + pi))])
    J_teacher_stated = sympy.Matrix([[-(K - 1 + pi) / (2 * pi), -(K - 1) / 4],
                                     [-sympy.Rational(1, 4), -(pi * K + 2) / (4 * pi)]])
    det_teacher = J_teacher_stated.det()
    det_decomposition = ((K - 1) * (2 * pi * K + 4) + pi**2 * (K + 1) + 4 * pi) / (16 * pi**2)

    field_mp = sympy.lambdify((X, Y, K), field, modules="mpmath")
    field_np = sympy.lambdify((X, Y, K), field, modules="numpy")
    x_s_mp = sympy.lambdify(K, x_s_paper, modules="mpmath")
    eigen_mp = sympy.lambdify(K, eigen_stated, modules="mpmath")
    J_teacher_mp = sympy.lambdify(K, J_teacher_stated, modules="mpmath")
    J_sym_mp = sympy.lambdify(K, J_sym.subs(S, x_s), modules="mpmath")
    c_w_mp = sympy.lambdify((THETA, W_NORM), c_w, modules="mpmath")
    c_e_mp = sympy.lambdify((THETA, W_NORM), c_e, modules="mpmath")

    def identity(width: int) -> list:
        return [[mpmath.mpf(1) if k == j else mpmath.mpf(0) for k in range(width)]
                for j in range(width)]

    def defining_gradient_2(point: dict) -> list:
        student = family_weights(2, point["x"], point["y"])
        teacher = identity(2)
        values = []
        for w in student:
            values.extend(polar_quadrature(
                lambda v, w=w: [(network_output(student, v) - network_output(teacher, v))
                                * gate(dot(w, v)) * vi for vi in v],
                degree=2, gate_directions=student + teacher, components=2))
        return values

    def reduced_gradient(point: dict) -> list:
        flow = field_mp(point["x"], point["y"], point["K"])
        return _family_vector(point["K"], -flow[0], -flow[1])

    def monte_carlo_cases(seed: int = 43) -> list:
        cases, width = [], 5
        for x, y in ((0.7, 0.2), (1.3, -0.4)):
            student = np.array(family_weights(width, x, y), dtype=float)
            flow = np.asarray(field_np(x, y, width), dtype=float).ravel()
            exact = np.array(_family_vector(width, -flow[0], -flow[1]), dtype=float)

            def sampler(g, n, student=student, width=width):
                v = standard_normal(g, n, width)
                residual = np_network_output(student, v) - np_network_output(np.eye(width), v)
                gates = (v @ student.T > 0) * residual[:, None]
                return (gates[:, :, None] * v[:, None, :]).reshape(n, -1)

            cases.append((sampler, exact))
        return cases

    def full_gradient(point: dict) -> list:
        width = point["K"]
        return mp_population_gradient(family_weights(width, point["x"], point["y"]),
                                      identity(width), c_w_mp, c_e_mp)

    def fixed_point_cases() -> list:
        return [{"K": width, "x": x, "y": y} for width in (2, 5, 10)
                for x, y in ((1, 0), ("x_s", "x_s"))]

    def at_fixed_point(point: dict) -> dict:
        if point["x"] == "x_s":
            value = x_s_mp(point["K"])
            return {"K": point["K"], "x": value, "y": value}
        return {"K": point["K"], "x": mpmath.mpf(point["x"]), "y": mpmath.mpf(point["y"])}

    def finite_difference_jacobian(point: dict) -> list:
        width, (x0, y0) = point["K"], (
            (x_s_mp(point["K"]),) * 2 if point["at"] == "symmetric"
            else (mpmath.mpf(1), mpmath.mpf(0)))
        step = mpmath.mpf(10) ** -20
        columns = []
        for dx, dy in ((step, 0), (0, step)):
            plus = field_mp(x0 + dx, y0 + dy, width)
            minus = field_mp(x0 - dx, y0 - dy, width)
            columns.append([(plus[i] - minus[i]) / (2 * step) for i in range(2)])
        jacobian = [columns[0][0], columns[1][0], columns[0][1], columns[1][1]]
        eigen = sorted(
            mpmath.eig(mpmath.matrix([[jacobian[0], jacobian[1]], [jacobian[2], jacobian[3]]]))[0],
            key=lambda z: mpmath.re(z))
        return jacobian + [mpmath.re(z) for z in eigen] + [mpmath.im(z) for z in eigen]

    def closed_jacobian(point: dict) -> list:
        width = point["K"]
        J = J_sym_mp(width) if point["at"] == "symmetric" else J_teacher_mp(width)
        if point["at"] == "symmetric":
            eigen = list(eigen_mp(width))
        else:
            trace, det = J[0, 0] + J[1, 1], J[0, 0] * J[1, 1] - J[0, 1] * J[1, 0]
            root = mpmath.sqrt(trace**2 - 4 * det)
            eigen = [(trace - root) / 2, (trace + root) / 2]
        return [J[0, 0], J[0, 1], J[1, 0], J[1, 1]] + eigen + [mpmath.mpf(0), mpmath.mpf(0)]

    rng = random.Random(47)
    planar_points = [{"K": 2, "x": mpmath.mpf(rng.uniform(0.2, 1.5)),
                      "y": mpmath.mpf(rng.uniform(-0.8, 0.8))}
                     for _ in range(2)]
    jacobian_points = [{"K": width, "at": at} for width in (2, 3, 5, 10)
                       for at in ("symmetric", "teacher")]

    claims = (
        Claim(
            id="symmetric-dynamics",
            statement=("W* = I_K, w_j = x e_j + y sum_{k!=j} e_k: the gradient keeps this form "
                       "(the family is invariant) and the flow is dx/dt = -g_1, dy/dt = -g_2 as in "
                       "the summary, symbolic K"),
            assumptions=("d = K >= 2", "x^2 + (K-1) y^2 > 0",
                         "students not parallel to a teacher except where stated"),
            checks=(
                SymbolicCheck(explicit, family_form, reduce=reduce_modulo_radicals,
                              detail="K = 3: full gradient of the 3 units (symbolic x, y) = (g_1 "
                                     "on the diagonal, g_2 elsewhere) of the symbolic-K field"),
                QuadratureCheck(defining_gradient_2, reduced_gradient, planar_points, dps=30,
                                tolerance=1e-25, scale=lambda p: abs(p["x"]) + abs(p["y"]) + 1,
                                scale_name="|x| + |y| + 1",
                                detail="K = 2: defining integral of the gradient by quadrature "
                                       "vs the field"),
                MonteCarloCheck(monte_carlo_cases(), samples=100_000,
                                detail="K = 5: sample mean of the per-sample gradient "
                                       "(25 coordinates) vs the family form of the field"),
            ),
            derived=field,
        ),
        Claim(
            id="symmetric-fixed-points",
            statement=("(1, 0) and (x_s, x_s), x_s = (sqrt(K-1) - arccos(1/sqrt K) + pi)/(pi K), "
                       "are fixed points of the symmetric flow (the paper's x_s is correct)"),
            assumptions=("K >= 2",),
            checks=(
                SymbolicCheck(sympy.Matrix([x_s, *at_teacher]), sympy.Matrix([x_s_paper, 0, 0]),
                              detail="x_s solved from the flow on x = y equals the paper's; the "
                                     "flow vanishes at (1, 0)"),
                QuadratureCheck(lambda p: defining_gradient_2(at_fixed_point(p)),
                                lambda p: [0] * 4,
                                [p for p in fixed_point_cases() if p["K"] == 2], dps=30,
                                tolerance=1e-25, scale=lambda p: mpmath.mpf(1), scale_name="1",
                                detail="K = 2: defining integral of the gradient at both fixed "
                                       "points = 0"),
                QuadratureCheck(lambda p: full_gradient(at_fixed_point(p)),
                                lambda p: [0] * p["K"] ** 2,
                                fixed_point_cases(), dps=30,
                                tolerance=1e-25, scale=lambda p: mpmath.mpf(1), scale_name="1",
                                method="numeric",
                                detail="K = 2, 5, 10: full K-unit gradient (Theorem 1 summed) = 0"),
            ),
            derived=x_s,
            stated=x_s_paper,
        ),
        Claim(
            id="symmetric-jacobian",
            statement=("Jacobian eigenvalues at (x_s, x_s): -K/2 (along x = y) and "
                       "K^2/(2 sqrt(K-1)(sqrt(K-1) - arccos(1/sqrt K) + pi)) > 0: a saddle; "
                       "at (1, 0): J = [[-(K-1+pi)/(2pi), -(K-1)/4], [-1/4, -(pi K+2)/(4pi)]], "
                       "two real negative eigenvalues: a stable node; K >= 2 symbolic"),
            assumptions=("K >= 2",),
            checks=(
                SymbolicCheck(
                    sympy.Matrix([*dt_sym, *dt_teacher, lam_line,
                                  J_sym[1, 0] + J_sym[1, 1] - lam_line, lam_other, *J_teacher,
                                  det_teacher]),
                    sympy.Matrix([0, 0, 0, 0, eigen_stated[0], 0, eigen_stated[1],
                                  *J_teacher_stated, det_decomposition]),
                    detail="d/dt of the field in the vanishing angle is 0 at both points; (1,1) is "
                           "an eigenvector; eigenvalues and J(1,0) equal the stated forms; "
                           "16 pi^2 det J(1,0) = (K-1)(2 pi K + 4) + pi^2 (K+1) + 4 pi > 0",
                ),
                QuadratureCheck(finite_difference_jacobian, closed_jacobian, jacobian_points,
                                dps=60, tolerance=1e-15, scale=lambda p: mpmath.mpf(p["K"]),
                                scale_name="K", method="finite-difference",
                                detail="K = 2, 3, 5, 10: central differences (h = 1e-20) of the "
                                       "exact flow (arccos angles) vs the closed-form Jacobian and "
                                       "eigenvalues"),
            ),
            derived=sympy.Matrix([lam_line, lam_other]),
            stated=eigen_stated,
        ),
    )
    steps = (
        Step(sympy.Eq(sympy.Symbol("F"), field),
             "Sum Theorem 1 over the K students and K teachers of the family; coordinate j and "
             "k ≠ j.",
             claims=("symmetric-dynamics",)),
        Step(sympy.Eq(sympy.Symbol("x_s"), x_s),
             "On x = y all students coincide (θ_ss = 0) and θ_x = θ_y = arccos(1/√K).",
             claims=("symmetric-fixed-points",)),
        Step(sympy.Eq(sympy.Symbol("lambda"), eigen_stated),
             "Replace the vanishing angle by t; ∂_t F = 0 there, so the Jacobian is that of "
             "F(x, y, 0).",
             claims=("symmetric-jacobian",)),
    )
    return Derivation(
        title="Symmetric dynamics and its fixed points",
        paper_reference="Tian (2017), Section 6 (symmetric initialization, K ReLUs)",
        summary=__doc__.strip().splitlines()[0],
        steps=steps,
        claims=claims,
        exports={"field": field, "x": X, "y": Y, "K": K, "x_s": x_s_paper,
                 "eigenvalues_symmetric": eigen_stated, "jacobian_teacher": J_teacher_stated},
    )
