"""The population Hessian of J, obtained by differentiating the derived gradient.

The gradient is ∇_{w_j} J = Σ_a s_a G(w_j, u_a) with the pair term G(a, b) = E[F(a/‖a‖, b)] =
c_w(θ, ‖b‖) b + c_e(θ, ‖b‖) a/‖a‖ (Theorem 1; u_a the signed units, s = +1 student, −1 teacher, and
G(w_j, w_j) = w_j/2).  Hence the (unit, coordinate) blocks of the Hessian are

    ∂²J/∂w_j∂w_l = C(w_j, w_l)                          (j ≠ l, C = ∂G/∂b),
    ∂²J/∂w_j²    = I/2 + Σ_{a ≠ j} s_a S(w_j, u_a)      (S = ∂G/∂a).

G is equivariant under rotations (G(Ra, Rb) = R G(a, b)), so each Jacobian is R·M·Rᵀ with M its
value in the frame a = ‖a‖ e_1, b = ‖b‖(cos θ e_1 + sin θ e_2).  Written in the basis I, e eᵀ,
e nᵀ, n eᵀ, n nᵀ (e = a/‖a‖, n the unit vector of b − (b·e)e), the frame values give the
coefficients:

    C = (π − θ)/(2π) I + sin 2θ/(4π) (e eᵀ − n nᵀ) + sin²θ/(2π) (e nᵀ + n eᵀ)
      = E[x xᵀ 1[a·x>0] 1[b·x>0]],
    S = ‖b‖ sin θ / (2π ‖a‖) (I − e eᵀ + n nᵀ).

Limits: as θ → 0, C → I/2 and S → 0; as θ → π, C → 0 and S → 0.  The coefficients of the n-terms
vanish at θ ∈ {0, π}, where n is undefined, so the Hessian extends continuously to parallel and
antiparallel pairs: J is C² wherever every student row is non-zero (its third derivatives do not
exist at θ ∈ {0, π}, since k(a, b) − a·b/2 = ‖a‖‖b‖ θ³/(6π) + O(θ⁴)).  At a zero student row the
Hessian does not exist: S grows like ‖b‖/‖a‖ as ‖a‖ → 0.
"""

from __future__ import annotations

import random

import mpmath
import numpy as np
import sympy
from sympy import acos, cos, pi, sin, sqrt

from derivations._common import (
    A_NORM,
    B_NORM,
    THETA,
    W_NORM,
    mp_angle,
    mp_function,
    mp_norm,
    mp_population_gradient,
    np_network_output,
    random_vectors,
    signed_units,
)
from symderive.engine.checks import FiniteDifferenceCheck, MonteCarloCheck, SymbolicCheck
from symderive.engine.defining import standard_normal
from symderive.engine.gaussian import AngleDomain, PlaneVector, gated_expectation
from symderive.engine.model import Claim, Derivation, Step
from symderive.latex.notation import Equation, Gradient, Terms, vectors

REQUIRES: tuple[str, ...] = ("arccos_kernel", "expected_gating")

#: the frame basis of a pair term: name -> (row factor, column factor) of the outer product
BASIS = ("identity", "ee", "en", "ne", "nn")
DIMENSION = 3


def _pair_jacobians(c_w: sympy.Expr, c_e: sympy.Expr) -> tuple[sympy.Matrix, sympy.Matrix]:
    """∂G/∂a and ∂G/∂b in the frame a = ‖a‖e_1, b = ‖b‖(cos θ e_1 + sin θ e_2), from the
    derived G."""
    a = sympy.Matrix(sympy.symbols(f"a_1:{DIMENSION + 1}", real=True))
    b = sympy.Matrix(sympy.symbols(f"b_1:{DIMENSION + 1}", real=True))
    norm_a, norm_b = sqrt(a.dot(a)), sqrt(b.dot(b))
    angle = acos(a.dot(b) / (norm_a * norm_b))
    pair = (c_w.subs({THETA: angle, W_NORM: norm_b}) * b
            + c_e.subs({THETA: angle, W_NORM: norm_b}) * a / norm_a)
    frame = {a[0]: A_NORM, a[1]: 0, a[2]: 0,
             b[0]: B_NORM * cos(THETA), b[1]: B_NORM * sin(THETA), b[2]: 0}

    radicand = B_NORM**2 * sin(THETA) ** 2 + B_NORM**2 * cos(THETA) ** 2

    def in_frame(matrix: sympy.Matrix) -> sympy.Matrix:
        # On 0 ≤ θ ≤ π: √(‖b‖²(sin²θ + cos²θ)) = ‖b‖, acos(cos θ) = θ and √(1 − cos²θ) = sin θ.
        matrix = matrix.subs(frame)
        matrix = matrix.replace(lambda e: e.is_Pow and e.base == radicand,
                                lambda e: B_NORM ** (2 * e.exp))
        matrix = matrix.replace(acos(cos(THETA)), THETA)
        matrix = matrix.replace(lambda e: e.is_Pow and e.base == 1 - cos(THETA) ** 2,
                                lambda e: sin(THETA) ** (2 * e.exp))
        return matrix.applyfunc(sympy.simplify)

    return in_frame(pair.jacobian(a)), in_frame(pair.jacobian(b))


def _frame_coefficients(frame_matrix: sympy.Matrix) -> dict[str, sympy.Expr]:
    """Coefficients of I, e eᵀ, e nᵀ, n eᵀ, n nᵀ: in the frame e = e_1, n = e_2, the third
    axis is I's."""
    identity = frame_matrix[2, 2]
    return {
        "identity": identity,
        "ee": sympy.simplify(frame_matrix[0, 0] - identity),
        "en": frame_matrix[0, 1],
        "ne": frame_matrix[1, 0],
        "nn": sympy.simplify(frame_matrix[1, 1] - identity),
    }


def _plane_moment_matrix() -> sympy.Matrix:
    """E[x xᵀ 1[a·x > 0] 1[b·x > 0]] in the same frame, by the engine's Gaussian-plane integrals."""
    domain = AngleDomain({THETA: (0, pi)})
    gates = [PlaneVector(A_NORM, sympy.Integer(0)), PlaneVector(B_NORM, THETA)]
    axes = [PlaneVector(sympy.Integer(1), sympy.Integer(0)), PlaneVector(sympy.Integer(1), pi / 2)]
    matrix = sympy.zeros(DIMENSION, DIMENSION)
    for i, u in enumerate(axes):
        for j, v in enumerate(axes):
            matrix[i, j] = gated_expectation([u, v], gates, domain)
    # x_3 is independent of the plane and E[x_3²] = 1: the out-of-plane entry is P(both gates).
    matrix[2, 2] = gated_expectation([], gates, domain)
    return matrix


def _mp_pair_block(coefficients: dict, a: list, b: list, with_norms: bool = False) -> mpmath.matrix:
    """Σ coefficient · basis matrix for the pair (a, b) in mpmath (n = 0 where b ∥ a)."""
    theta = mp_angle(a, b)
    e = [ai / mp_norm(a) for ai in a]
    f = [bi / mp_norm(b) for bi in b]
    p = [fi - mpmath.cos(theta) * ei for fi, ei in zip(f, e, strict=True)]
    p_norm = mp_norm(p)
    n = [pi_ / p_norm for pi_ in p] if p_norm > 0 else [mpmath.mpf(0)] * len(a)
    args = (theta, mp_norm(a), mp_norm(b)) if with_norms else (theta,)
    c = {name: function(*args) for name, function in coefficients.items()}
    d = len(a)
    block = mpmath.matrix(d, d)
    for r in range(d):
        for s in range(d):
            block[r, s] = (c["identity"] * (r == s) + c["ee"] * e[r] * e[s] + c["en"] * e[r] * n[s]
                           + c["ne"] * n[r] * e[s] + c["nn"] * n[r] * n[s])
    return block


def mp_population_hessian(student: list, teacher: list, cross: dict,
                          self_terms: dict) -> mpmath.matrix:
    """The (K·d, K·d) Hessian assembled from the pair blocks C and S (see the module doc)."""
    count, d = len(student), len(student[0])
    hessian = mpmath.matrix(count * d, count * d)
    for j, w in enumerate(student):
        for l_index, v in enumerate(student):
            if l_index == j:
                block = mpmath.eye(d) / 2
                for u, s in signed_units(student, teacher):
                    if u is not w and mp_norm(u) > 0:
                        block += s * _mp_pair_block(self_terms, w, u, True)
            else:
                block = _mp_pair_block(cross, w, v)
            for r in range(d):
                for c in range(d):
                    hessian[j * d + r, l_index * d + c] = block[r, c]
    return hessian


def _monte_carlo_cases(hessian, seed: int = 31) -> list:
    """H = E[∇g ∇gᵀ] + E[(g − g*) ∇²g]: the second term's Dirac δ(w_j·x) integrated over
    w_j·x = 0."""
    generator = np.random.default_rng(seed)
    cases = []
    for _ in range(2):
        student, teacher = generator.standard_normal((2, 3)), generator.standard_normal((2, 3))
        exact = [float(v) for v in hessian(student.tolist(), teacher.tolist())]

        def sampler(g, n, student=student, teacher=teacher):
            x = standard_normal(g, n, 3)
            gates = (x @ student.T > 0).astype(float)  # (n, K)
            outer = x[:, :, None] * x[:, None, :]
            blocks = (gates[:, :, None, None, None] * gates[:, None, :, None, None]
                      * outer[:, None, None])
            for j, w in enumerate(student):
                e = w / np.linalg.norm(w)
                y = x - np.outer(x @ e, e)  # x conditioned on e·x = 0
                residual = np_network_output(student, y) - np_network_output(teacher, y)
                density = 1.0 / (np.linalg.norm(w) * np.sqrt(2 * np.pi))
                blocks[:, j, j] += ((density * residual)[:, None, None]
                                    * y[:, :, None] * y[:, None, :])
            return blocks.transpose(0, 1, 3, 2, 4).reshape(n, -1)

        cases.append((sampler, exact))
    return cases


def _outer(left: str, right: str) -> sympy.Symbol:
    """The basis matrix left rightᵀ, for display."""
    return sympy.Symbol(rf"\mathbf{{{left}}}\mathbf{{{right}}}^{{\top}}", commutative=False)


def _in_basis(coefficients: dict) -> Terms:
    """Σ coefficient · basis matrix, zero terms left out, for display."""
    basis = {"identity": sympy.Symbol(r"\mathbf{I}", commutative=False), "ee": _outer("e", "e"),
             "en": _outer("e", "n"), "ne": _outer("n", "e"), "nn": _outer("n", "n")}
    return Terms(*(coefficients[name] * basis[name] for name in BASIS if coefficients[name] != 0))


def _steps(self_frame, cross_frame, self_coefficients, cross_coefficients) -> tuple[Step, ...]:
    """The derivation as displayed in the appendix."""
    w_j, w_l, u_a, e, n, u_hat = vectors("w_j w_l u_a e n uhat")
    a_index = sympy.Symbol("a", integer=True, positive=True)
    units = sympy.Symbol("M", integer=True, positive=True)
    pair, cross, self_ = sympy.Function("G"), sympy.Function("C"), sympy.Function("S")
    identity = sympy.Symbol(r"\mathbf{I}", commutative=False)
    gradient = sympy.Sum(sympy.Symbol("s_a") * pair(w_j, u_a), (a_index, 1, units))
    diagonal = Terms(identity / 2,
                     sympy.Sum(sympy.Symbol("s_a") * self_(w_j, u_a), (a_index, 1, units)))
    normal = (u_hat - sympy.cos(THETA) * e) / sympy.sin(THETA)

    def limit_0(f):
        return sympy.Limit(f, THETA, 0, "+")

    def limit_pi(f):
        return sympy.Limit(f, THETA, pi, "-")

    c, s = sympy.Symbol("C"), sympy.Symbol("S")
    return (
        Step(Equation(Gradient(sympy.Function("J")(sympy.Symbol("W")), w_j), gradient),
             "The derived gradient (multi-relu-gradient) over the M = K + K* signed units u_a "
             "(s = +1 student, −1 teacher), with the pair term G(a, b) = E[F(a/‖a‖, b)] = "
             "c_w(θ, ‖b‖) b + c_e(θ, ‖b‖) a/‖a‖ of Theorem 1; G(w, w) = w/2."),
        Step(Equation(sympy.Symbol("H_jl"), cross(w_j, w_l)),
             "For l ≠ j only the term a = l depends on w_l: the block is C(a, b) = ∂G/∂b."),
        Step(Equation(sympy.Symbol("H_jj"), diagonal),
             "In w_j the term G(w_j, w_j) = w_j/2 gives I/2 and every other term (a ≠ j; the sum "
             "leaves a = j out) gives S(a, b) = ∂G/∂a."),
        Step(Equation(s, self_frame),
             "∂G/∂a of the derived G in the coordinates of R³, then the frame a = ‖a‖e₁, "
             "b = ‖b‖(cos θ e₁ + sin θ e₂); on [0, π], acos(cos θ) = θ and √(1 − cos²θ) = sin θ.",
             claims=("hessian-pair-blocks",)),
        Step(Equation(c, cross_frame),
             "∂G/∂b in the same frame; it equals E[x xᵀ 1[aᵀx > 0] 1[bᵀx > 0]] by the "
             "Gaussian-plane integrals.", claims=("hessian-pair-blocks",)),
        Step(Equation(n, normal),
             "G is rotation-equivariant, so each block is R M Rᵀ: the frame values are the "
             "coefficients of the basis I, e eᵀ, e nᵀ, n eᵀ, n nᵀ with e = a/‖a‖ and n the unit "
             "vector of the rejection of b̂ from e."),
        Step(Equation(c, _in_basis(cross_coefficients)), "The cross block in that basis.",
             claims=("population-hessian",)),
        Step(Equation(s, _in_basis(self_coefficients)), "The self block in that basis.",
             claims=("population-hessian",)),
        Step(Equation(limit_0(c), identity / 2),
             "As θ → 0 (b parallel to a) the cross block tends to I/2.",
             claims=("hessian-limits",)),
        Step(Equation(limit_0(s), limit_pi(c), limit_pi(s), sympy.Integer(0)),
             "The n-coefficients vanish at θ ∈ {0, π}, where n is undefined, so the Hessian is "
             "continuous at parallel and antiparallel pairs (J is C² while every student row is "
             "non-zero; its third derivatives do not exist there, since k(a, b) − aᵀb/2 = "
             "‖a‖‖b‖θ³/(6π) + O(θ⁴)).  S grows like ‖b‖/‖a‖ as ‖a‖ → 0: no Hessian at a zero "
             "student row.", claims=("hessian-limits",)),
    )


def derive(inputs: dict) -> Derivation:
    c_w = inputs["expected_gating"]["gating_w_coefficient"]
    c_e = inputs["expected_gating"]["gating_e_coefficient"]
    self_frame, cross_frame = _pair_jacobians(c_w, c_e)
    self_coefficients = _frame_coefficients(self_frame)
    cross_coefficients = _frame_coefficients(cross_frame)

    cross_stated = {
        "identity": (pi - THETA) / (2 * pi), "ee": sin(2 * THETA) / (4 * pi),
        "en": sin(THETA) ** 2 / (2 * pi), "ne": sin(THETA) ** 2 / (2 * pi),
        "nn": -sin(2 * THETA) / (4 * pi),
    }
    self_scale = B_NORM * sin(THETA) / (2 * pi * A_NORM)
    self_stated = {"identity": self_scale, "ee": -self_scale, "en": sympy.Integer(0),
                   "ne": sympy.Integer(0), "nn": self_scale}
    limits = {
        (name, side): sympy.limit(expr, THETA, point, dir=direction)
        for kind, table in (("cross", cross_coefficients), ("self", self_coefficients))
        for name, expr in ((f"{kind}_{n}", e) for n, e in table.items())
        for side, point, direction in (("0", 0, "+"), ("pi", pi, "-"))
    }
    limits_stated = {
        (f"{kind}_{n}", side): (sympy.Rational(1, 2)
                                if (kind, n, side) == ("cross", "identity", "0")
                                else sympy.Integer(0))
        for kind in ("cross", "self") for n in BASIS for side in ("0", "pi")
    }
    order = sorted(limits)

    # Third order at θ → 0 and θ → π (φ = π − θ): the kernel's cusp, why Newton loses a derivative
    # there.
    angular = inputs["arccos_kernel"]["kernel"] / (A_NORM * B_NORM)
    phi = sympy.Symbol("phi", positive=True)
    cusps = sympy.Matrix([sympy.series(angular - cos(THETA) / 2, THETA, 0, 4).removeO(),
                          sympy.series(angular.subs(THETA, pi - phi), phi, 0, 4).removeO()])
    c_w_mp, c_e_mp = mp_function(c_w, THETA, W_NORM), mp_function(c_e, THETA, W_NORM)
    cross_mp = {n: mp_function(e, THETA) for n, e in cross_coefficients.items()}
    self_mp = {n: mp_function(e, THETA, A_NORM, B_NORM) for n, e in self_coefficients.items()}

    def hessian_at(student: list, teacher: list) -> mpmath.matrix:
        student = [[mpmath.mpf(v) for v in row] for row in student]
        teacher = [[mpmath.mpf(v) for v in row] for row in teacher]
        return mp_population_hessian(student, teacher, cross_mp, self_mp)

    gradients: dict = {}  # one gradient per perturbed point serves every row of the Jacobian

    def gradient_entry(point: dict, coordinates: list) -> mpmath.mpf:
        key = (id(point["teacher"]), mpmath.mp.dps, tuple(coordinates))
        if key not in gradients:
            d = len(point["teacher"][0])
            student = [coordinates[i * d:(i + 1) * d] for i in range(len(point["student"]))]
            gradients[key] = mp_population_gradient(student, point["teacher"], c_w_mp, c_e_mp)
        return gradients[key][point["row"]]

    def hessian_row(point: dict) -> list:
        return list(hessian_at(point["student"], point["teacher"]).tolist()[point["row"]])

    def flat_student(point: dict) -> list:
        return [c for row in point["student"] for c in row]

    def row_points(configurations: list) -> list:
        return [dict(configuration, row=r) for configuration in configurations
                for r in range(len(configuration["student"]) * len(configuration["student"][0]))]

    rng = random.Random(37)
    generic = [{"student": random_vectors(rng, 3, 4), "teacher": random_vectors(rng, 2, 4)}
               for _ in range(2)]
    teacher = random_vectors(rng, 2, 3)
    parallel = [{"student": [[2 * t for t in teacher[0]], [-v / 3 for v in teacher[1]],
                             [mpmath.mpf(1), mpmath.mpf(-1), mpmath.mpf(1) / 2]],
                 "teacher": teacher}]

    claims = (
        Claim(
            id="hessian-pair-blocks",
            statement=("d^2J/dw_j dw_l = C(w_j, w_l) (j != l), d^2J/dw_j^2 = I/2 + "
                       "sum_{a != j} s_a S(w_j, u_a); C = (pi-theta)/(2pi) I + sin(2theta)/(4pi) "
                       "(ee' - nn') + sin^2(theta)/(2pi) (en' + ne'), "
                       "S = |b| sin(theta)/(2pi |a|) (I - ee' + nn')"),
            assumptions=("x ~ N(0, I_d)", "||a||, ||b|| > 0",
                         "0 < theta < pi (limits: claim hessian-limits)",
                         "n = unit vector of b - (b.e)e"),
            checks=(
                SymbolicCheck(cross_frame, _plane_moment_matrix(),
                              detail="C from differentiating G equals E[x x' 1[a.x>0] 1[b.x>0]] by "
                                     "the Gaussian-plane integrals (frame of a, b, in R^3)"),
                SymbolicCheck(sympy.Matrix([self_coefficients[n] for n in BASIS]
                                           + [cross_coefficients[n] for n in BASIS]),
                              sympy.Matrix([self_stated[n] for n in BASIS]
                                           + [cross_stated[n] for n in BASIS]),
                              detail="frame coefficients of S and C vs the stated forms"),
            ),
            derived=sympy.Matrix([self_coefficients[n] for n in BASIS]),
            stated=sympy.Matrix([self_stated[n] for n in BASIS]),
        ),
        Claim(
            id="population-hessian",
            statement=("the assembled (K d) x (K d) Hessian is the Jacobian of the population "
                       "gradient"),
            assumptions=("x ~ N(0, I_d)", "every student row non-zero", "K and K* arbitrary"),
            checks=(
                FiniteDifferenceCheck(gradient_entry, hessian_row, flat_student,
                                      row_points(generic),
                                      detail="K = 3, K* = 2, d = 4: central differences of each "
                                             "gradient entry vs the Hessian row"),
                MonteCarloCheck(_monte_carlo_cases(lambda s, t: hessian_at(s, t)),
                                samples=100_000,
                                detail="K = 2, K* = 2, d = 3: E[grad g grad g'] + the Dirac term "
                                       "sampled on the hyperplane w_j.x = 0"),
            ),
        ),
        Claim(
            id="hessian-limits",
            statement=("theta -> 0: C -> I/2, S -> 0; theta -> pi: C -> 0, S -> 0; the Hessian is "
                       "continuous at parallel and antiparallel pairs (third derivatives are not: "
                       "the kernel has a theta^3 cusp) and absent at a zero row"),
            assumptions=("||a||, ||b|| > 0",),
            checks=(
                SymbolicCheck(sympy.Matrix([limits[key] for key in order]),
                              sympy.Matrix([limits_stated[key] for key in order]),
                              detail="one-sided limits of the ten frame coefficients at 0 and pi"),
                SymbolicCheck(cusps, sympy.Matrix([THETA**3, phi**3]) / (6 * pi),
                              detail="kernel series: k/(|a||b|) - cos(theta)/2 = theta^3/(6 pi) + "
                                     "O(theta^4), k/(|a||b|) = phi^3/(6 pi) + O(phi^4) at theta = "
                                     "pi - phi: C^2 but not C^3 at parallel pairs"),
                FiniteDifferenceCheck(gradient_entry, hessian_row, flat_student,
                                      row_points(parallel), tolerance=1e-14,
                                      detail="K = 3, K* = 2, d = 3 with a student row parallel to "
                                             "a teacher row and one antiparallel: the Jacobian "
                                             "exists there; tolerance 1e-14 because the central "
                                             "difference error is O(h) = 1e-16 without third "
                                             "derivatives"),
            ),
        ),
    )
    steps = _steps(self_frame, cross_frame, self_coefficients, cross_coefficients)
    exports = {f"hessian_cross_{n}": cross_coefficients[n] for n in BASIS}
    exports.update({f"hessian_self_{n}": self_coefficients[n] for n in BASIS})
    return Derivation(
        title="Population Hessian",
        paper_reference="Extends Tian (2017), Theorem 1 and Section 4, to second order",
        summary=__doc__.strip().splitlines()[0],
        steps=steps,
        claims=claims,
        exports=exports,
    )
