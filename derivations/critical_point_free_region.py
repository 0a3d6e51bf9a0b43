"""Critical-point-free regions for two ReLUs: where L_12 keeps a strict sign.

Theorem.  Let the students be e_1 = (1, 0), e_2 = (cos α, sin α) with 0 < α < π, and a unit teacher
at polar angle β.  Then L_12 > 0 for 0 < β < α (teacher strictly inside the cone of the students),
L_12 < 0 for α < β < 2π (strictly outside), and L_12 = 0 for β ∈ {0, α} (teacher on a student).
Since L_21(α, β) = L_12(α, α − β) (swapping the students), L_21 has the same sign pattern.
Consequently, if every teacher lies strictly inside the cone, or every teacher strictly outside it,
Σ_k ‖w*_k‖ L_12(e*_k) ≠ 0: no in-plane critical point has these student directions.

Boundary cases.  α = π (antiparallel students): L_12 ≡ L_21 ≡ 0 for every teacher, so there is no
critical-point-free region.  α → 0: M_r is singular (see m-r-singular) and L_12 = O(α²).

Proof strategy.  det M_r = π² − f² > 0 on (0, π], so L_12 has the sign of the normalized
N = det(M_r) L_12 = A m_12 + B h(θ_1) + C h(θ_2) with A = π² − f², B = g f − π² cos α,
C = π(f cos α − g), m_12 = (π − θ_1) cos θ_2 + sin θ_1 cos α, h(t) = (π − t) cos t + sin t.  On each of
the four arcs β ∈ [0, α], [α, π], [π, π + α], [π + α, 2π] the angles θ_i are affine in β, so with
β affine in τ ∈ [0, 1] each arc is a box in (α, τ).  N vanishes on the arc ends β = 0 and β = α
(symbolic); next to them the sign follows from the sign of ∂_τN on a strip (N = τ ∂_τN(ξ)), away
from them from N itself.  Both are certified by interval arithmetic with the mean-value enclosure
N(box) ⊂ N(mid) + ∇N(box)·(box − mid).  N is tiny for small α and near α = π (O(α⁴) and
O((π − α)²)), so the interval certificate covers α ∈ [0.5, 2.9] in the test suite
(tests/test_critical_region.py) and α ∈ [1.0, 2.3] in the build; the rest of (0, π) is covered by a
dense numeric grid (not a proof).
"""

from __future__ import annotations

import mpmath
import numpy as np
import sympy
from sympy import cos, pi, sin

from derivations._critical import SimulationCheck
from symderive.engine.checks import IntervalCheck, SymbolicCheck
from symderive.engine.model import Claim, Derivation, Step

REQUIRES: tuple[str, ...] = ("separable_l",)

TAU = sympy.Symbol("tau", real=True)
STRIP = "0.1"


def normalized_l12(alpha, theta_1, theta_2) -> sympy.Expr:
    """N = det(M_r) L_12 written with A, B, C (functions of α) and the teacher terms."""
    f = (pi - alpha) * cos(alpha) + sin(alpha)
    g = pi - alpha + sin(alpha) * cos(alpha)

    def h(t):
        return (pi - t) * cos(t) + sin(t)

    m_12 = (pi - theta_1) * cos(theta_2) + sin(theta_1) * cos(alpha)
    return ((pi**2 - f**2) * m_12 + (g * f - pi**2 * cos(alpha)) * h(theta_1)
            + pi * (f * cos(alpha) - g) * h(theta_2))


def arcs(alpha) -> dict:
    """(θ_1, θ_2) on the four arcs of β, each affine in τ ∈ [0, 1], and the sign of L_12 there."""
    return {
        "inside, beta in [0, alpha]": (TAU * alpha, alpha - TAU * alpha, 1),
        "beta in [alpha, pi]": (alpha + TAU * (pi - alpha), TAU * (pi - alpha), -1),
        "beta in [pi, pi + alpha]": (pi - TAU * alpha, pi - alpha + TAU * alpha, -1),
        "beta in [pi + alpha, 2 pi]": (pi - alpha - TAU * (pi - alpha), pi - TAU * (pi - alpha), -1),
    }


def _mean_value_enclosure(expr: sympy.Expr, alpha: sympy.Symbol):
    """An interval function of (α, τ): expr(mid) + ∇expr(box)·(box − mid)."""
    iv = mpmath.iv
    namespace = [{"sin": iv.sin, "cos": iv.cos, "pi": iv.pi}]
    value = sympy.lambdify((alpha, TAU), expr, modules=namespace, cse=True)
    gradient = sympy.lambdify((alpha, TAU), [sympy.diff(expr, alpha), sympy.diff(expr, TAU)],
                              modules=namespace, cse=True)

    def enclosure(a, t):
        a_mid, t_mid = iv.mpf(a.mid), iv.mpf(t.mid)
        d_a, d_t = gradient(a, t)
        return value(a_mid, t_mid) + d_a * (a - a_mid) + d_t * (t - t_mid)

    return enclosure


def certificate_checks(alpha: sympy.Symbol, alpha_range: tuple, subdivisions: int, refine: int) -> list:
    """IntervalChecks of the sign of N (interior of each arc) and of ∂_τN (strips at the zeros)."""
    low, high = (mpmath.mpf(v) for v in alpha_range)
    strip = mpmath.mpf(STRIP)
    checks = []
    for name, (theta_1, theta_2, sign) in arcs(alpha).items():
        n = normalized_l12(alpha, theta_1, theta_2)
        derivative = sympy.diff(n, TAU)
        pieces = []
        start, end = mpmath.mpf(0), mpmath.mpf(1)
        if name.startswith("inside"):
            pieces += [(derivative, (0, strip), 1), (derivative, (1 - strip, 1), -1)]
            start, end = strip, 1 - strip
        elif name == "beta in [alpha, pi]":
            pieces.append((derivative, (0, strip), -1))
            start = strip
        elif name == "beta in [pi + alpha, 2 pi]":
            pieces.append((derivative, (1 - strip, 1), 1))
            end = 1 - strip
        pieces.append((n, (start, end), sign))
        for expr, (t_low, t_high), piece_sign in pieces:
            what = "d N/d tau" if expr is derivative else "N"
            checks.append(IntervalCheck(
                _mean_value_enclosure(expr, alpha),
                [[(low, high), (mpmath.mpf(t_low), mpmath.mpf(t_high))]],
                subdivisions=subdivisions, refine=refine, sign=piece_sign, dps=15,
                detail=f"{name}: sign of {what} for alpha in [{alpha_range[0]}, {alpha_range[1]}], "
                       f"tau in [{mpmath.nstr(t_low, 3)}, {mpmath.nstr(t_high, 3)}] (mean-value enclosure)",
            ))
    return checks


def derive(inputs: dict) -> Derivation:
    exports = inputs["separable_l"]
    alpha, theta_1, theta_2 = (exports[k] for k in ("student_angle", "teacher_angle_1", "teacher_angle_2"))
    l12, l21 = exports["L12"], exports["L21"]
    f = (pi - alpha) * cos(alpha) + sin(alpha)
    n = normalized_l12(alpha, theta_1, theta_2)
    inside = arcs(alpha)["inside, beta in [0, alpha]"]
    n_inside = n.subs({theta_1: inside[0], theta_2: inside[1]})
    symbolic = SymbolicCheck(
        sympy.Matrix([n, n_inside.subs(TAU, 0), n_inside.subs(TAU, 1),
                      l12.subs(alpha, pi).subs(theta_2, pi - theta_1),
                      l21.subs(alpha, pi).subs(theta_2, pi - theta_1),
                      l21 - l12.subs({theta_1: theta_2, theta_2: theta_1}, simultaneous=True)]),
        sympy.Matrix([(pi**2 - f**2) * l12, 0, 0, 0, 0, 0]),
        reduce=lambda e: sympy.simplify(sympy.expand(sympy.cancel(e))),
        detail="N = det(M_r) L_12; N = 0 at beta = 0 and beta = alpha; L_12 = L_21 = 0 at alpha = pi "
               "(theta_2 = pi - theta_1); L_21 is L_12 with the students swapped",
    )
    l12_np = sympy.lambdify((alpha, theta_1, theta_2), l12, modules="numpy")

    def grid_case(case: dict) -> float:
        """Number of grid points where the sign of L_12 differs from the theorem's."""
        alphas = np.linspace(case["alpha_low"], case["alpha_high"], case["count"])
        betas = np.linspace(0.0, 2 * np.pi, 2 * case["count"] + 1)[1:-1]
        a, b = np.meshgrid(alphas, betas, indexing="ij")
        keep = (np.abs(b - a) > 1e-6)
        theta_1 = np.arctan2(np.abs(np.sin(b)), np.cos(b))
        theta_2 = np.arctan2(np.abs(np.sin(b - a)), np.cos(b - a))
        values = l12_np(a, theta_1, theta_2)
        expected = np.where(b < a, 1.0, -1.0)
        return float(np.sum((np.sign(values) != expected) & keep))

    claim = Claim(
        id="critical-point-free-region",
        statement=("K = 2, students at angle 0 < alpha < pi, unit teacher at beta: L_12 > 0 for 0 < beta < "
                   "alpha, L_12 < 0 for alpha < beta < 2 pi, 0 at beta in {0, alpha}; the same for L_21. "
                   "If all teachers are strictly inside (or all strictly outside) the students' cone, no "
                   "in-plane critical point has these student directions. At alpha = pi, L = 0 identically"),
        assumptions=("0 < alpha < pi (alpha = pi: L = 0)", "teachers with positive norms",
                     ("interval certificate: alpha in [1.0, 2.3] in the build, [0.5, 2.9] in the tests; "
                      "elsewhere a numeric grid")),
        checks=(
            symbolic,
            *certificate_checks(alpha, ("1.0", "2.3"), subdivisions=3, refine=4),
            SimulationCheck(grid_case, [{"alpha_low": 1e-3, "alpha_high": float(np.pi) - 1e-3, "count": 300}],
                            tolerance=0.0, error_unit="grid points with the wrong sign", method="numeric",
                            detail="sign of L_12 (closed form, float) on a 300 x 599 grid of alpha in "
                                   "[0.001, pi - 0.001], beta in (0, 2 pi)"),
        ),
        derived=n,
        stated=(pi**2 - f**2) * l12,
    )
    steps = (
        Step(sympy.Eq(sympy.Symbol("N"), n),
             "Multiply L_12 by det M_r > 0; on each arc of β the angles are affine in τ.",
             claims=("critical-point-free-region",)),
    )
    return Derivation(
        title="Critical-point-free regions (two ReLUs)",
        paper_reference="Tian (2017), Section 5 (two ReLUs: signs of L_12 and L_21)",
        summary=__doc__.strip().splitlines()[0],
        steps=steps,
        claims=(claim,),
        exports={"normalized_L12": n},
    )
