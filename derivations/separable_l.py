"""The separable form of the normal equations: L·‖w*‖ = 0 with L = M*_off − M_off·M_r⁻¹·M*_r.

Split the K² rows of M‖w‖ = M*‖w*‖ into the K diagonal rows (j, j) (M_r, M*_r) and the K(K−1)
off-diagonal rows (M_off, M*_off).  Where M_r is invertible the diagonal rows give
‖w‖ = M_r⁻¹M*_r‖w*‖; substituting into the others leaves L‖w*‖ = 0.  Column k of M* (hence of L)
only involves the teacher direction e*_k, so the condition reads Σ_k ‖w*_k‖·L(e*_k) = 0.

For K = 2 students e_1 = (1, 0), e_2 = (cos α, sin α), α ∈ (0, π], and a unit teacher at angles
θ_1 = ∠(e_1, e*), θ_2 = ∠(e_2, e*), write f = (π − α) cos α + sin α (the off-diagonal of M_r),
g = π − α + sin α cos α, h_i = (π − θ_i) cos θ_i + sin θ_i (the rows (i, i) of M*).  Then

    L_12 = (π − θ_1) cos θ_2 + sin θ_1 cos α
           − [π cos α (π h_1 − f h_2) + g (π h_2 − f h_1)] / (π² − f²),
    L_21 = (π − θ_2) cos θ_1 + sin θ_2 cos α
           − [g (π h_1 − f h_2) + π cos α (π h_2 − f h_1)] / (π² − f²).

M_r is 2π times the Gram matrix of the features relu(e_j·x) (the arc-cosine kernel), so it is
positive semidefinite and singular exactly when these features are linearly dependent: for K = 2
only for parallel students (α = 0); in the plane, for K ≥ 6, also for three antipodal pairs of
directions.
"""

from __future__ import annotations

import random

import mpmath
import sympy
from sympy import cos, pi, sin

from derivations._common import A_NORM, B_NORM, THETA, dot, gate, mp_angle, mp_norm, relu
from derivations._critical import (
    defining_projected_gradients,
    diagonal_rows,
    mp_paper_matrices,
    mp_separable_l,
    off_diagonal_rows,
    plane_vector,
    select_rows,
)
from symderive.engine.checks import IntervalCheck, QuadratureCheck, SymbolicCheck
from symderive.engine.defining import polar_quadrature
from symderive.engine.model import Claim, Derivation, Step

REQUIRES: tuple[str, ...] = ("arccos_kernel", "normal_equations_matrix")

ALPHA = sympy.Symbol("alpha", real=True)
THETA_1 = sympy.Symbol("theta_1", real=True)
THETA_2 = sympy.Symbol("theta_2", real=True)


def _generic_split(K: int):
    """Generic symbolic M, M* (K² × K); with ‖w‖ = M_r⁻¹M*_r‖w*‖ the residual M‖w‖ − M*‖w*‖
    (derived) and the vector with 0 on the rows (j, j) and −L‖w*‖ on the others (stated)."""
    M = sympy.Matrix(K * K, K, lambda i, k: sympy.Symbol(f"m_{i}_{k}"))
    M_star = sympy.Matrix(K * K, K, lambda i, k: sympy.Symbol(f"p_{i}_{k}"))
    star = sympy.Matrix(sympy.symbols(f"v_1:{K + 1}"))
    diag, off = diagonal_rows(K), off_diagonal_rows(K)
    M_r, M_off = M.extract(diag, list(range(K))), M.extract(off, list(range(K)))
    S_r, S_off = M_star.extract(diag, list(range(K))), M_star.extract(off, list(range(K)))
    inverse = M_r.adjugate() / M_r.det()
    norms = inverse * S_r * star
    derived = M * norms - M_star * star
    L = S_off - M_off * inverse * S_r
    stated = sympy.zeros(K * K, 1)
    for i, row in enumerate(off):
        stated[row] = -(L * star)[i]
    return derived, stated


def _two_relu_matrices(entry):
    """M (4×2) for e_1 = (1, 0), e_2 = (cos α, sin α), and the column of M* for one unit teacher."""
    student_angle = [[0, ALPHA], [ALPHA, 0]]  # θ_jk between students
    cos_students = [[1, cos(ALPHA)], [cos(ALPHA), 1]]
    M = sympy.Matrix(4, 2, lambda i, k: entry(student_angle[i // 2][k], cos_students[k][i % 2],
                                               cos_students[i // 2][i % 2]))
    teacher_angle, cos_teacher = [THETA_1, THETA_2], [cos(THETA_1), cos(THETA_2)]
    column = sympy.Matrix(4, 1, lambda i, _: entry(teacher_angle[i // 2], cos_teacher[i % 2],
                                                   cos_students[i // 2][i % 2]))
    return M, column


def _stated_l():
    f = (pi - ALPHA) * cos(ALPHA) + sin(ALPHA)
    g = pi - ALPHA + sin(ALPHA) * cos(ALPHA)
    h1 = (pi - THETA_1) * cos(THETA_1) + sin(THETA_1)
    h2 = (pi - THETA_2) * cos(THETA_2) + sin(THETA_2)
    det = pi**2 - f**2
    l12 = (pi - THETA_1) * cos(THETA_2) + sin(THETA_1) * cos(ALPHA) - (
        pi * cos(ALPHA) * (pi * h1 - f * h2) + g * (pi * h2 - f * h1)) / det
    l21 = (pi - THETA_2) * cos(THETA_1) + sin(THETA_2) * cos(ALPHA) - (
        g * (pi * h1 - f * h2) + pi * cos(ALPHA) * (pi * h2 - f * h1)) / det
    return sympy.Matrix([l12, l21]), f


def _quadrature_l(point: dict) -> list:
    """L_12, L_21 with M, M* assembled from quadratures of the defining gating integrals."""
    alpha, beta = point["alpha"], point["beta"]
    students = [plane_vector(1, 0), plane_vector(1, alpha)]
    teacher = plane_vector(1, beta)
    # Entry ((j, j'), k) is 2π e_j'·E[F(e_j, u_k)] for the unit vector u_k (defining integral).
    columns = []
    for unit in students + [teacher]:
        column = []
        for e_j in students:
            vector = polar_quadrature(
                lambda x, e_j=e_j, unit=unit: [relu(dot(unit, x)) * gate(dot(e_j, x)) * xi
                                               for xi in x],
                degree=2, gate_directions=[e_j, unit], components=2,
            )
            column.extend(2 * mpmath.pi * dot(vector, e_jp) for e_jp in students)
        columns.append(column)
    M = mpmath.matrix([[columns[0][i], columns[1][i]] for i in range(4)])
    M_star = mpmath.matrix([[columns[2][i]] for i in range(4)])
    L = mp_separable_l(M, M_star, 2)
    return [L[0], L[1]]


def _quadrature_points(seed: int = 37) -> list[dict]:
    rng = random.Random(seed)
    return [{"alpha": mpmath.mpf(rng.uniform(0.2, 3.1)), "beta": mpmath.mpf(rng.uniform(0, 6.28))}
            for _ in range(3)]


def _split_points(seed: int = 41) -> list[dict]:
    """Random planar configurations (K = 2, 3) whose norms M_r⁻¹M*_r‖w*‖ are all positive."""
    rng = random.Random(seed)
    points = []
    for K in (2, 3, 3):
        while True:
            directions = [plane_vector(1, mpmath.mpf(rng.uniform(0, 6.28))) for _ in range(K)]
            teacher = [plane_vector(mpmath.mpf(rng.uniform(0.5, 2)),
                                    mpmath.mpf(rng.uniform(0, 6.28)))
                       for _ in range(K)]
            norms = _diagonal_norms(directions, teacher)
            if all(n > 0 for n in norms):
                break
        points.append({"directions": directions, "teacher": teacher})
    return points


def _split_student(point: dict) -> list:
    """The students n_j e_j with n = M_r⁻¹M*_r‖w*‖ computed at the working precision."""
    norms = _diagonal_norms(point["directions"], point["teacher"])
    return [[n * c / mp_norm(e) for c in e]
            for n, e in zip(norms, point["directions"], strict=True)]


def _diagonal_norms(directions: list, teacher: list) -> list:
    """‖w‖ = M_r⁻¹M*_r‖w*‖ for the given student directions."""
    K = len(directions)
    M, M_star = mp_paper_matrices(directions, teacher)
    rows = diagonal_rows(K)
    star = mpmath.matrix([mpmath.sqrt(dot(t, t)) for t in teacher])
    return list(mpmath.lu_solve(select_rows(M, rows), select_rows(M_star, rows) * star))


def _antipodal_gram_det(_point: dict) -> list:
    """det of the Gram matrix E[relu(e_i·x) relu(e_j·x)] for ±e_1, ±e_2, ±(e_1 + e_2)/√2, by
    quadrature."""
    directions = [plane_vector(s, a) for a in (0, mpmath.pi / 2, mpmath.pi / 4) for s in (1, -1)]
    gram = mpmath.matrix(6, 6)
    for i, a in enumerate(directions):
        for j, b in enumerate(directions):
            gram[i, j] = polar_quadrature(lambda x, a=a, b=b: [relu(dot(a, x)) * relu(dot(b, x))],
                                          2, [a, b], 1)[0]
    return [mpmath.det(gram)]


def derive(inputs: dict) -> Derivation:
    entry_expr = inputs["normal_equations_matrix"]["matrix_entry"]
    cos_u = inputs["normal_equations_matrix"]["entry_cos_u"]
    cos_e = inputs["normal_equations_matrix"]["entry_cos_e"]

    def entry(theta, c_u, c_e):
        return entry_expr.subs({THETA: theta, cos_u: c_u, cos_e: c_e}, simultaneous=True)

    kernel = inputs["arccos_kernel"]["kernel"]
    M, column = _two_relu_matrices(entry)
    diag, off = diagonal_rows(2), off_diagonal_rows(2)
    M_r = M.extract(diag, [0, 1])
    derived_l = (column.extract(off, [0])
                 - M.extract(off, [0, 1]) * M_r.inv() * column.extract(diag, [0]))
    stated_l, f = _stated_l()
    mr_entry = entry(THETA, cos(THETA), 1)
    det_mr = sympy.factor(M_r.det())
    derived_l_mp = sympy.lambdify((ALPHA, THETA_1, THETA_2), derived_l, modules="mpmath")

    def closed_l(point: dict) -> list:
        e1, e2 = plane_vector(1, 0), plane_vector(1, point["alpha"])
        star = plane_vector(1, point["beta"])
        values = derived_l_mp(point["alpha"], mp_angle(e1, star), mp_angle(e2, star))
        return [values[0], values[1]]

    def split_defining(point: dict) -> list:
        """2π times the projected gradients, by quadrature of the defining integral."""
        gradients = defining_projected_gradients(_split_student(point), point["teacher"])
        return [2 * mpmath.pi * v for v in gradients]

    def split_closed(point: dict) -> list:
        """0 on the rows (j, j), −L‖w*‖ on the others."""
        student, teacher = _split_student(point), point["teacher"]
        K = len(student)
        M_num, S_num = mp_paper_matrices(student, teacher)
        L = mp_separable_l(M_num, S_num, K) * mpmath.matrix(
            [mpmath.sqrt(dot(t, t)) for t in teacher])
        values = [mpmath.mpf(0)] * (K * K)
        for i, row in enumerate(off_diagonal_rows(K)):
            values[row] = -L[i]
        return values

    iv = mpmath.iv
    claims = (
        Claim(
            id="separable-L",
            statement=("If M_r is invertible, M||w|| = M*||w*|| iff ||w|| = M_r^-1 M*_r ||w*|| and "
                       "L||w*|| = 0, L = M*_off - M_off M_r^-1 M*_r; column k of L depends on e*_k "
                       "only, so the condition is sum_k ||w*_k|| L(e*_k) = 0"),
            assumptions=("M_r invertible", "rows ordered (1,1),(1,2),...,(K,K)"),
            checks=tuple(
                SymbolicCheck(*_generic_split(K), reduce=sympy.cancel,
                              detail=f"generic symbolic K^2 x K matrices, K = {K}: residual at "
                                     "||w|| = M_r^-1 M*_r ||w*|| is 0 on rows (j,j) and "
                                     "-L||w*|| elsewhere")
                for K in (2,)
            ) + (
                QuadratureCheck(split_defining, split_closed, _split_points(), dps=30,
                                tolerance=1e-24,
                                scale=lambda p: sum(mpmath.sqrt(dot(t, t)) for t in p["teacher"]),
                                scale_name="sum of teacher norms",
                                detail="K = 2, 3 in the plane, norms ||w|| = M_r^-1 M*_r ||w*|| "
                                       "(> 0): 2 pi times the projected gradient by quadrature vs "
                                       "(0 | -L||w*||)"),
            ),
        ),
        Claim(
            id="two-relu-L-closed-form",
            statement=("K = 2, e_1 = (1,0), e_2 = (cos a, sin a), unit teacher at angles theta_1, "
                       "theta_2 to e_1, e_2: L_12 and L_21 as in the summary"),
            assumptions=("0 < alpha <= pi", "theta_i = angle(e_i, e*) in [0, pi]"),
            checks=(
                SymbolicCheck(derived_l, stated_l, reduce=sympy.cancel,
                              detail="L from the matrix entries by SymPy's inverse - hand-written "
                                     "form = 0"),
                QuadratureCheck(_quadrature_l, closed_l, _quadrature_points(), dps=30,
                                tolerance=1e-24, scale=lambda p: 1, scale_name="1 (L is O(1))",
                                detail="M, M* from quadratures of the defining gating integrals, "
                                       "L by mpmath linear algebra, vs the closed form"),
            ),
            derived=derived_l,
            stated=stated_l,
        ),
        Claim(
            id="m-r-singular",
            statement=("M_r = 2 pi [k(e_i, e_j)] (arc-cosine kernel Gram matrix of relu(e_j.x)): "
                       "positive semidefinite, singular iff the relu(e_j.x) are linearly "
                       "dependent. K = 2: det M_r = pi^2 - f(alpha)^2 > 0 for 0 < alpha <= pi "
                       "since f' = -(pi - alpha) sin(alpha) < 0, f(0) = pi, f(pi) = 0; singular "
                       "only at alpha = 0. In the plane three antipodal pairs (K = 6) make it "
                       "singular with distinct directions"),
            assumptions=("unit student directions",),
            checks=(
                SymbolicCheck(sympy.Matrix([mr_entry, sympy.diff(f, ALPHA), det_mr]),
                              sympy.Matrix([2 * pi * kernel.subs({A_NORM: 1, B_NORM: 1}),
                                            -(pi - ALPHA) * sin(ALPHA), (pi - f) * (pi + f)]),
                              reduce=lambda e: sympy.simplify(sympy.expand(e)),
                              detail="row (i,i), column j entry = 2 pi k(theta_ij); "
                                     "f' = -(pi - alpha) sin(alpha); det M_r = (pi - f)(pi + f)"),
                IntervalCheck(lambda a: iv.pi**2 - ((iv.pi - a) * iv.cos(a) + iv.sin(a)) ** 2,
                              [[(mpmath.mpf("0.05"), mpmath.pi)]], subdivisions=32, refine=8,
                              detail="det M_r for alpha in [0.05, pi]"),
                QuadratureCheck(_antipodal_gram_det, lambda p: [mpmath.mpf(0)], [{}], dps=30,
                                tolerance=1e-25, scale=lambda p: mpmath.mpf(1) / 64,
                                scale_name="1/64, the product of the Gram diagonal (Hadamard "
                                           "bound)",
                                detail="Gram determinant of +-e_1, +-e_2, +-(e_1+e_2)/sqrt2 by "
                                       "quadrature vs 0"),
            ),
            derived=det_mr,
            stated=(pi - f) * (pi + f),
        ),
    )
    steps = (
        Step(sympy.Eq(sympy.Symbol("L"),
                      sympy.Symbol("M*_off") - sympy.Symbol("M_off M_r^-1 M*_r")),
             "Solve the diagonal rows for ‖w‖ and substitute into the off-diagonal rows.",
             claims=("separable-L",)),
        Step(sympy.Eq(sympy.Symbol("det_M_r"), det_mr),
             "K = 2: M_r = [[π, f], [f, π]] is 2π times the kernel Gram matrix.",
             claims=("m-r-singular",)),
        Step(sympy.Eq(sympy.Symbol("L_12"), stated_l[0]), "Invert M_r in closed form.",
             claims=("two-relu-L-closed-form",)),
        Step(sympy.Eq(sympy.Symbol("L_21"), stated_l[1]),
             "Swapping the students (reflection across their bisector) exchanges L_12 and L_21."),
    )
    return Derivation(
        title="Separable form L of the normal equations",
        paper_reference="Tian (2017), Section 5 (in-plane critical points, two ReLUs)",
        summary=__doc__.strip().splitlines()[0],
        steps=steps,
        claims=claims,
        exports={"L12": stated_l[0], "L21": stated_l[1], "student_angle": ALPHA,
                 "teacher_angle_1": THETA_1, "teacher_angle_2": THETA_2},
    )
