"""Shared helpers of the critical-point derivations (normal equations, L_jj′, symmetric dynamics).

The paper's normal equations (Tian 2017, Section 5): projecting ∇_{w_j} J on the student direction
e_j′ gives, in the paper's normalization (the 1/(2π) of Theorem 1 dropped),

    Σ_k M[(j, j′), k] ‖w_k‖ − Σ_k M*[(j, j′), k] ‖w*_k‖ = 2π e_j′·∇_{w_j} J,
    M[(j, j′), k] = (π − θ_jk) cos∠(u_k, e_j′) + sin θ_jk cos∠(e_j, e_j′),   θ_jk = ∠(e_j, u_k),

with u_k = w_k for M and w*_k for M*.  Rows are ordered (j, j′) = (1, 1), (1, 2), ..., (K, K).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import mpmath
import sympy

from derivations._common import dot, gate, mp_angle, mp_norm, network_output
from symderive.engine.checks import measured_record
from symderive.engine.defining import polar_quadrature
from symderive.engine.model import CheckRecord


def paper_entry(theta, cos_u_ejp, cos_ej_ejp, lib=sympy):
    """The paper's entry (π − θ_jk) cos∠(u_k, e_j′) + sin θ_jk cos∠(e_j, e_j′) (SymPy or mpmath)."""
    return (lib.pi - theta) * cos_u_ejp + lib.sin(theta) * cos_ej_ejp


def reduce_on_circle(expr: sympy.Expr, angles: Sequence[sympy.Symbol]) -> sympy.Expr:
    """Sound zero test for trigonometric polynomials in the given angles.

    Expand sums of angles (expand_trig), write cos a = c_a, sin a = s_a and reduce the numerator
    modulo the relations c_a² + s_a² − 1 (a Gröbner basis, one relation per angle): 0 proves
    expr ≡ 0.
    """
    expanded = sympy.expand(sympy.expand_trig(expr))
    circle = {a: (sympy.Dummy(f"c_{a}"), sympy.Dummy(f"s_{a}")) for a in angles}
    replaced = expanded.subs({sympy.cos(a): c for a, (c, _) in circle.items()}).subs(
        {sympy.sin(a): s for a, (_, s) in circle.items()}
    )
    numerator = sympy.expand(sympy.fraction(sympy.together(replaced))[0])
    if numerator == 0:
        return sympy.Integer(0)
    relations = [c**2 + s**2 - 1 for c, s in circle.values()]
    generators = [g for pair in circle.values() for g in pair]
    _, remainder = sympy.reduced(numerator, relations, *generators, order="grevlex")
    return sympy.expand(remainder)


def diagonal_rows(K: int) -> list[int]:
    """Indices of the rows (j, j) among the K² rows ordered (1, 1), (1, 2), ..., (K, K)."""
    return [j * K + j for j in range(K)]


def off_diagonal_rows(K: int) -> list[int]:
    """Indices of the rows (j, j′), j ≠ j′, in the same order."""
    return [j * K + jp for j in range(K) for jp in range(K) if jp != j]


def mp_paper_matrices(student: Sequence, teacher: Sequence) -> tuple[mpmath.matrix, mpmath.matrix]:
    """M (K²×K) and M* (K²×K*) from the paper's entries, in mpmath, for vectors given as lists."""
    directions = [[c / mp_norm(w) for c in w] for w in student]
    K = len(student)

    def matrix(units: Sequence) -> mpmath.matrix:
        result = mpmath.matrix(K * K, len(units))
        for j, e_j in enumerate(directions):
            for jp, e_jp in enumerate(directions):
                for k, u in enumerate(units):
                    result[j * K + jp, k] = paper_entry(
                        mp_angle(e_j, u), dot(u, e_jp) / mp_norm(u), dot(e_j, e_jp), lib=mpmath
                    )
        return result

    return matrix(student), matrix(teacher)


def select_rows(matrix: mpmath.matrix, rows: Sequence[int]) -> mpmath.matrix:
    result = mpmath.matrix(len(rows), matrix.cols)
    for i, row in enumerate(rows):
        for k in range(matrix.cols):
            result[i, k] = matrix[row, k]
    return result


def mp_separable_l(M: mpmath.matrix, M_star: mpmath.matrix, K: int) -> mpmath.matrix:
    """L = M*_off − M_off M_r⁻¹ M*_r (M_r, M*_r: the rows (j, j); M_off, M*_off: the others)."""
    diag, off = diagonal_rows(K), off_diagonal_rows(K)
    M_r, M_off = select_rows(M, diag), select_rows(M, off)
    return select_rows(M_star, off) - M_off * mpmath.inverse(M_r) * select_rows(M_star, diag)


def defining_projected_gradients(student: Sequence, teacher: Sequence) -> list:
    """e_j′·E[(g − g*) 1[w_j·x > 0] x] for all (j, j′), by quadrature of the defining integral
    (d = 2).

    Every quadrature uses the same kinks (all units), hence the same nodes, so the residual g − g*
    is memoized per node.
    """
    units = list(student) + list(teacher)
    residuals: dict = {}

    def residual(x) -> mpmath.mpf:
        key = (x[0], x[1])
        if key not in residuals:
            residuals[key] = network_output(student, x) - network_output(teacher, x)
        return residuals[key]

    values = []
    for w in student:
        gradient = polar_quadrature(
            lambda x, w=w: [residual(x) * gate(dot(w, x)) * xi for xi in x],
            degree=2, gate_directions=units, components=2,
        )
        values.extend(dot(gradient, [c / mp_norm(v) for c in v]) for v in student)
    return values


def plane_vector(norm, angle) -> list:
    """norm·(cos angle, sin angle) in mpmath."""
    return [norm * mpmath.cos(angle), norm * mpmath.sin(angle)]


@dataclass(frozen=True)
class SimulationCheck:
    """A simulation (fixed seeds) whose outcome ``run_case(case)`` is a distance that must be small.

    Used for dynamical claims (gradient descent ends at a predicted point); ``max_error`` is the
    largest distance over the cases.
    """

    run_case: Callable[[dict], float]
    cases: Sequence[dict]
    tolerance: float
    error_unit: str
    detail: str
    method: str = "simulation"

    def run(self) -> CheckRecord:
        start = time.perf_counter()
        distances = [float(self.run_case(case)) for case in self.cases]
        return measured_record(self.method, len(self.cases), distances, self.tolerance,
                               self.error_unit, self.detail, start)
