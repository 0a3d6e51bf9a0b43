"""Out-of-plane critical points lie on manifolds of critical points when d ≥ K + 2.

Equivariance.  J(W) = ½ Σ_a Σ_b s_a s_b k(u_a, u_b) depends on W only through the Gram matrix of the
rows of W and W* (norms and angles), and ∇_{w_j}J = Σ_a s_a [c_w(θ_ja) u_a + c_e(θ_ja, ‖u_a‖) e_j]
is a combination of the vectors u_a with Gram-matrix coefficients.  An orthogonal
R with R w*_k = w*_k for all k (R fixes span(W*) pointwise) preserves the Gram matrix, so
J(RW) = J(W) and ∇J(RW) = R ∇J(W): if W is a critical point, so is every RW.

Such R form the group O(d − r) acting on the orthogonal complement of span(W*) (r = rank W* = K for
K* = K independent teachers).  If some student has a component outside span(W*), the orbit of W
under the connected group SO(d − r) is a manifold of critical points of positive dimension exactly
when d − r ≥ 2, i.e. d ≥ K + 2: SO(m) moves every non-zero vector of R^m for m ≥ 2, while for
d = K + 1 the complement is a line and the only such R are the identity and the reflection, which
give isolated mirror pairs.  That is why the condition is d ≥ K + 2 (with r = rank W* in general,
d ≥ rank W* + 2).

Concretely (K = 2, W* = (e_1, e_2)): the reduced equations for w_1 = (a, a, c), w_2 = (a, a, −c)
have the solution a = 0.524579222543739..., c = 0.409132475081778... (found with mpmath.findroot at
40 digits; J = 0.0736129..., a spurious critical point).  In d = 3 = K + 1 it is isolated up to the
mirror c → −c.  In d = 4 the rotations of the (e_3, e_4) plane trace the circle
w_1 = (a, a, c cos φ, c sin φ), w_2 = (a, a, −c cos φ, −c sin φ) of critical points; the gradient
norm along it is about 1e-41 at 40 digits (the record of the check gives the measured value).
"""

from __future__ import annotations

import mpmath
import numpy as np
import sympy
from sympy import cos, sin

from derivations._common import THETA, W_NORM, mp_population_gradient, np_network_output
from derivations._critical import reduce_on_circle
from symderive.engine.checks import MonteCarloCheck, QuadratureCheck, SymbolicCheck
from symderive.engine.defining import standard_normal
from symderive.engine.model import Claim, Derivation, Step

REQUIRES: tuple[str, ...] = ("expected_gating",)

PHI = sympy.Symbol("phi", real=True)
FAMILY_ANGLES = ("0", "0.7", "1.9", "3.0", "4.4")
TEACHER = [[1, 0], [0, 1]]


def _gram_invariance():
    """Gram matrix of [R W; W*] and of [W; W*] for symbolic W (K = 2, d = 4) and the rotation R(φ)
    of the (e_3, e_4) plane."""
    rotation = sympy.Matrix([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, cos(PHI), -sin(PHI)],
                             [0, 0, sin(PHI), cos(PHI)]])
    student = [sympy.Matrix(sympy.symbols(f"w{j}_1:5", real=True)) for j in range(2)]
    teacher = [sympy.Matrix(sympy.symbols(f"v{k}_1:3", real=True)).col_join(sympy.zeros(2, 1))
               for k in range(2)]
    rotated = [rotation * w for w in student]
    derived = sympy.Matrix([[a.dot(b) for b in rotated + teacher] for a in rotated + teacher])
    stated = sympy.Matrix([[a.dot(b) for b in student + teacher] for a in student + teacher])
    return derived, stated, rotation * teacher[0] - teacher[0], rotation * teacher[1] - teacher[1]


def _family(a, c, phi, d: int = 4) -> list:
    """The two students of the circle of critical points (d = 4), or the d = 3 point (phi
    unused)."""
    if d == 3:
        return [[a, a, c], [a, a, -c]]
    return [[a, a, c * mpmath.cos(phi), c * mpmath.sin(phi)],
            [a, a, -c * mpmath.cos(phi), -c * mpmath.sin(phi)]]


def _teacher(d: int) -> list:
    return [row + [0] * (d - 2) for row in TEACHER]


def derive(inputs: dict) -> Derivation:
    c_w_expr = inputs["expected_gating"]["gating_w_coefficient"]
    c_e_expr = inputs["expected_gating"]["gating_e_coefficient"]
    c_w = sympy.lambdify((THETA, W_NORM), c_w_expr, modules="mpmath")
    c_e = sympy.lambdify((THETA, W_NORM), c_e_expr, modules="mpmath")
    gram_rotated, gram, fixed_1, fixed_2 = _gram_invariance()

    def critical_point() -> tuple:
        """(a, c) at the working precision, from the d = 3 reduced equations (coordinates 1, 3
        of w_1)."""
        def equations(a, c):
            gradient = mp_population_gradient(_family(a, c, 0, d=3), _teacher(3), c_w, c_e)
            return [gradient[0], gradient[2]]

        return tuple(mpmath.findroot(equations, (mpmath.mpf("0.52"), mpmath.mpf("0.41"))))

    def gradient_along_family(point: dict) -> list:
        a, c = critical_point()
        return mp_population_gradient(_family(a, c, mpmath.mpf(point["phi"])), _teacher(4),
                                      c_w, c_e)

    with mpmath.workdps(20):
        a_value, c_value = (float(v) for v in critical_point())

    def monte_carlo_cases() -> list:
        cases = []
        for phi in (0.7, 3.0):
            student = np.array([[a_value, a_value, c_value * np.cos(phi), c_value * np.sin(phi)],
                                [a_value, a_value, -c_value * np.cos(phi), -c_value * np.sin(phi)]])
            teacher = np.array(_teacher(4), dtype=float)

            def sampler(g, n, student=student, teacher=teacher):
                x = standard_normal(g, n, 4)
                residual = np_network_output(student, x) - np_network_output(teacher, x)
                gates = (x @ student.T > 0) * residual[:, None]
                return (gates[:, :, None] * x[:, None, :]).reshape(n, -1)

            cases.append((sampler, [0.0] * 8))
        return cases

    claim = Claim(
        id="out-of-plane-manifold",
        statement=("grad J(RW) = R grad J(W) for orthogonal R fixing span(W*); for d >= K + 2 an "
                   "out-of-plane critical point lies on a manifold of critical points (its "
                   "SO(d - K) orbit). Example K = 2, d = 4: w_1 = (a, a, c cos phi, c sin phi), "
                   "w_2 = (a, a, -c cos phi, -c sin phi), a = 0.5245792225..., "
                   "c = 0.4091324750..., is critical for every phi"),
        assumptions=("K = K*", "rank W* = K", "d >= K + 2 for a continuous family"),
        checks=(
            SymbolicCheck(sympy.Matrix([*gram_rotated, *fixed_1, *fixed_2]),
                          sympy.Matrix([*gram, *([0] * 8)]),
                          reduce=lambda e: reduce_on_circle(e, [PHI]),
                          detail="K = 2, d = 4, symbolic W and W* in span(e_1, e_2), rotation "
                                 "R(phi) of the (e_3, e_4) plane: Gram matrix of [RW; W*] = that "
                                 "of [W; W*], R W* = W*"),
            QuadratureCheck(gradient_along_family, lambda p: [0] * 8,
                            [{"phi": phi} for phi in FAMILY_ANGLES], dps=40, tolerance=1e-35,
                            scale=lambda p: mpmath.mpf(1), scale_name="1", method="numeric",
                            detail="full gradient (Theorem 1 summed) along the circle, phi = "
                                   + ", ".join(FAMILY_ANGLES)
                                   + "; (a, c) by findroot at 40 digits"),
            MonteCarloCheck(monte_carlo_cases(), samples=100_000, seed=61,
                            detail="d = 4, phi = 0.7 and 3.0: sample mean of the per-sample "
                                   "gradient is 0 within 5 standard errors"),
        ),
        derived=gram_rotated,
        stated=gram,
    )
    steps = (
        Step(sympy.Eq(sympy.Symbol("G(RW)"), sympy.Symbol("G(W)")),
             "R fixes W* and preserves inner products, so the Gram matrix, J and the gradient's "
             "coefficients are unchanged; the gradient's vectors rotate.",
             claims=("out-of-plane-manifold",)),
    )
    return Derivation(
        title="Out-of-plane critical points form manifolds",
        paper_reference="Tian (2017), Section 5 (out-of-plane critical points)",
        summary=__doc__.strip().splitlines()[0],
        steps=steps,
        claims=(claim,),
    )
