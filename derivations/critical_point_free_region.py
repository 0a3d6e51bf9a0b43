"""Critical-point-free regions for two ReLUs: where L_12 keeps a strict sign.

Theorem (sign pattern). Let the students be e_1 = (1, 0), e_2 = (cos α, sin α) with 0 < α < π, and a
unit teacher at polar angle β. Then L_12 > 0 for 0 < β < α (teacher strictly inside the cone of the
students), L_12 < 0 for α < β < 2π (strictly outside), and L_12 = 0 for β ∈ {0, α} (teacher on a
student). Since L_21(α, β) = L_12(α, α − β) (swapping the students), L_21 has the same sign pattern.
Consequently, if every teacher lies strictly inside the cone, or every teacher strictly outside it,
Σ_k ‖w*_k‖ L_12(e*_k) ≠ 0: no in-plane critical point has these student directions.

What is proved, and where. L_12 has the sign of N = det(M_r) L_12, since det M_r = π² − f² > 0 on
(0, π] (claim m-r-singular).  Every piece below is an IntervalCheck (outward-rounded mpmath.iv), so
together they prove the theorem for every α ∈ (0, π) and β ∈ (0, 2π), β ≠ α:
(a) α ∈ [0.5, 2.9] (build) and [0.12, 0.5], [2.9, 3.12] (tests/test_critical_region.py, about 50 s):
    bisection of the four arcs with mean-value enclosures (see "Proof strategy of (a)" below).
(b) α ∈ (0, 0.125] and π − α ∈ (0, 0.0216] (build, CORNERS): N is a tiny difference of O(1) terms
    there (O(α⁴) outside the cone, O(α⁵) inside, O(π − α) or O((π − α)²) near π), so it is expanded:
    on each arc, N = Σ_k c_k(τ) x^k with x = α or x = π − α, c_k ≡ 0 below the leading order
    (exact, SymPy), the leading coefficients kept exactly and the rest bounded by Cauchy's estimate
    (a majorant of N for complex |x| <= 1, τ real); next to the zeros β = α, β = 2π the same for
    ∂_τN on a strip.  Where the leading coefficient itself vanishes the corner is blown up: local
    coordinates u, v >= 0, N = u^a v^b F with F entire (the vanishing orders proved exactly), F's
    homogeneous terms up to degree 7 or 9 exact and a Cauchy bound of the rest on |u| = |v| = 1.
    The wedges: inside the cone (θ_1 = u, θ_2 = v); at β → π (N/α⁴ ≈ −π²(π − β) − π²α/3), on
    [π, π + α] (N ≈ (π²/3)(2τ³ − 6τ² + 3τ − 1) α⁵) and at β → π + α as α → 0; and as α → π at
    β → α (N ≈ π² s t (2s + t), s = π − α, t = α − β), on [α, π], at β → π⁺ (N ≈ −π² s (s² + y²),
    y = β − π), at β → π + α and on [π + α, 2π] (N ≈ −π³ s (2π − β)).  Each wedge's local
    coordinates are proved to give its arc's angles and u + v is bounded by intervals
    (wedge_radius); the τ-ranges tile every arc and the α-ranges overlap
    (test_all_pieces_cover_the_whole_domain).
(c) The edges are exact (SymPy): L_12 = 0 at β = 0, β = α and, for every β, at α = π.
The numeric grids (a float grid of the closed form, a 50-digit grid of L_12 from the M matrices
crowding the edges) and the leading-order expansions of critical-region-edges are independent
evidence, not part of the proof.

The paper (Tian 2017, Section 5) gives the region only graphically (the sign map of L_12 over
(teacher angle, student angle) and L_12, L_21 at α = 3π/8, 7π/8); the theorem above is our reading
of that picture, and nothing we computed contradicts it.

At α = π (antiparallel students) L_12 ≡ L_21 ≡ 0 for every teacher: there is no critical-point-free
region. α → 0: M_r is singular (see m-r-singular) and L_12 = O(α²) (O(α³) inside the cone).

Proof strategy of (a). det M_r = π² − f² > 0 on (0, π], so L_12 has the sign of the normalized N =
det(M_r) L_12 = A m_12 + B h(θ_1) + C h(θ_2) with A = π² − f², B = g f − π² cos α, C = π(f cos α −
g), m_12 = (π − θ_1) cos θ_2 + sin θ_1 cos α, h(t) = (π − t) cos t + sin t. On each of the four arcs
β ∈ [0, α], [α, π], [π, π + α], [π + α, 2π] the angles θ_i are affine in β, so with β affine in τ ∈
[0, 1] each arc is a box in (α, τ). N vanishes on the arc ends β = 0 and β = α (symbolic); next to
them the sign follows from the sign of ∂_τN on a strip (N = τ ∂_τN(ξ)), away from them from N
itself. Both are certified by interval arithmetic with the mean-value enclosure N(box) ⊂ N(mid) +
∇N(box)·(box − mid).
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import numpy as np
import sympy
from sympy import cos, pi, sin

from derivations._critical import SimulationCheck, mp_paper_matrices, mp_separable_l, plane_vector
from derivations._region_taylor import (
    TAU,
    U,
    V,
    interval_function,
    low_order_terms,
    mean_value_enclosure,
    series_sign_check,
    vanishes_identically,
    wedge_sign_check,
)
from symderive.engine.checks import IntervalCheck, SymbolicCheck
from symderive.engine.model import Claim, Derivation, Step

REQUIRES: tuple[str, ...] = ("separable_l",)

STRIP = "0.1"
BUILD_RANGE = ("0.5", "2.9")
TEST_RANGES = (("0.12", "0.25"), ("0.25", "0.5"), ("2.9", "3.05"), ("3.05", "3.12"))


def normalized_l12(alpha, theta_1, theta_2) -> sympy.Expr:
    """N = det(M_r) L_12 written with A, B, C (functions of α) and the teacher terms."""
    f = (pi - alpha) * cos(alpha) + sin(alpha)
    g = pi - alpha + sin(alpha) * cos(alpha)

    def h(t):
        return (pi - t) * cos(t) + sin(t)

    m_12 = (pi - theta_1) * cos(theta_2) + sin(theta_1) * cos(alpha)
    return (
        (pi**2 - f**2) * m_12
        + (g * f - pi**2 * cos(alpha)) * h(theta_1)
        + pi * (f * cos(alpha) - g) * h(theta_2)
    )


def arcs(alpha) -> dict:
    """(θ_1, θ_2) on the four arcs of β, each affine in τ ∈ [0, 1], and the sign of L_12 there."""
    return {
        "inside, beta in [0, alpha]": (TAU * alpha, alpha - TAU * alpha, 1),
        "beta in [alpha, pi]": (alpha + TAU * (pi - alpha), TAU * (pi - alpha), -1),
        "beta in [pi, pi + alpha]": (pi - TAU * alpha, pi - alpha + TAU * alpha, -1),
        "beta in [pi + alpha, 2 pi]": (
            pi - alpha - TAU * (pi - alpha),
            pi - TAU * (pi - alpha),
            -1,
        ),
    }


def certificate_checks(
    alpha: sympy.Symbol, alpha_range: tuple, subdivisions: int, refine: int
) -> list:
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
            checks.append(
                IntervalCheck(
                    mean_value_enclosure(expr, alpha),
                    [[(low, high), (mpmath.mpf(t_low), mpmath.mpf(t_high))]],
                    subdivisions=subdivisions,
                    refine=refine,
                    sign=piece_sign,
                    dps=15,
                    detail=f"{name}: sign of {what} for alpha in "
                    f"[{alpha_range[0]}, {alpha_range[1]}], tau in "
                    f"[{mpmath.nstr(t_low, 3)}, {mpmath.nstr(t_high, 3)}] (mean-value enclosure)",
                )
            )
    return checks


WEDGE = sympy.Symbol("t", positive=True)


def wedges() -> dict:
    """Corners of the domain at alpha -> 0 in local coordinates u, v >= 0: (alpha, beta, theta_1,
    theta_2) and the stated leading term of L_12 (degree 3 in (u, v))."""
    return {
        "inside the cone (theta_1 = u, theta_2 = v)": (
            (U + V, U, U, V),
            sympy.Rational(2, 3) * U * V * (U + 2 * V),
        ),
        "outside, next to e_2 (alpha = u, beta = alpha + v)": (
            (U, U + V, U + V, V),
            -sympy.Rational(2, 3) * U**2 * V,
        ),
        "outside, next to e_1 (alpha = u, beta = 2 pi - v)": (
            (U, 2 * pi - V, V, U + V),
            -sympy.Rational(4, 3) * U**2 * V,
        ),
    }


# The corner ranges overlap the subdivision's ends (0.12, 3.12) by far more than a rounding error,
# so no gap opens between boxes whose ends are rounded at different precisions.
SMALL_ALPHA = "0.125"
NEAR_PI = "0.0216"  # s = pi - alpha <= 0.0216 covers [3.12, pi): pi - 3.12 = 0.02159...
SLICE = "0.05"
SMALL = {"small alpha": sympy.Symbol("alpha", positive=True),
         "alpha near pi": sympy.Symbol("s", positive=True)}  # the series variable: α or s = π − α


@dataclass(frozen=True)
class CornerPiece:
    """One certificate at a corner of the α range: the arc and τ-range it covers, and how.

    ``wedge`` = (α, θ_1, θ_2) in local coordinates u, v >= 0 for a two-variable certificate
    (wedge_sign_check), N = u^a v^b F with ``divisor`` (a, b), and ``local`` = (u, v) in terms of
    the series variable x and τ on this piece (checked to reproduce the arc's angles, and bounding
    u + v); otherwise a series in x (series_sign_check) of N, or of ∂_τN on a strip whose end
    τ ∈ {0, 1} is a zero of N.
    """

    arc: str
    tau: tuple[str, str]
    degree: int
    wedge: tuple | None = None
    divisor: tuple[int, int] = (0, 0)
    local: tuple | None = None
    derivative: bool = False


_INSIDE, _AFTER_E2, _BACK, _BEFORE_E1 = tuple(arcs(TAU))  # the four arc names, in β order
_ONE_MINUS_SLICE = "0.95"
_ONE_MINUS_STRIP = "0.9"
_A, _S = SMALL["small alpha"], SMALL["alpha near pi"]
INSIDE_CORNER = (U + V, U, V)  # α → 0 inside the cone: θ_1 = u, θ_2 = v

CORNERS = {
    # α = x ∈ (0, SMALL_ALPHA]: N = O(α⁴) outside the cone (O(α⁵) on [π, π + α]), O(α⁵) inside.
    "small alpha": (SMALL_ALPHA, 4, (
        CornerPiece(_INSIDE, ("0", "1"), 8, wedge=INSIDE_CORNER, divisor=(1, 1),
                    local=(TAU * _A, (1 - TAU) * _A)),
        CornerPiece(_AFTER_E2, ("0", STRIP), 10, derivative=True),
        CornerPiece(_AFTER_E2, (STRIP, _ONE_MINUS_SLICE), 10),
        # α = u, β = π − v
        CornerPiece(_AFTER_E2, (_ONE_MINUS_SLICE, "1"), 8, wedge=(U, pi - V, pi - U - V),
                    divisor=(4, 0), local=(_A, (1 - TAU) * (pi - _A))),
        # β = π + u, α = u + v
        CornerPiece(_BACK, ("0", "1"), 10, wedge=(U + V, pi - U, pi - V),
                    local=(TAU * _A, (1 - TAU) * _A)),
        # α = u, β = π + α + v
        CornerPiece(_BEFORE_E1, ("0", SLICE), 8, wedge=(U, pi - U - V, pi - V), divisor=(4, 0),
                    local=(_A, TAU * (pi - _A))),
        CornerPiece(_BEFORE_E1, (SLICE, _ONE_MINUS_STRIP), 10),
        CornerPiece(_BEFORE_E1, (_ONE_MINUS_STRIP, "1"), 10, derivative=True),
    )),
    # s = π − α = x ∈ (0, NEAR_PI]: N = O(s), O(s²) on the two shrinking arcs.
    "alpha near pi": (NEAR_PI, 1, (
        CornerPiece(_INSIDE, ("0", STRIP), 5, derivative=True),
        CornerPiece(_INSIDE, (STRIP, _ONE_MINUS_SLICE), 5),
        # α = π − u, β = α − v
        CornerPiece(_INSIDE, (_ONE_MINUS_SLICE, "1"), 8, wedge=(pi - U, pi - U - V, V),
                    divisor=(1, 1), local=(_S, (1 - TAU) * (pi - _S))),
        # β = α + u, α = π − u − v
        CornerPiece(_AFTER_E2, ("0", "1"), 8, wedge=(pi - U - V, pi - V, U), divisor=(1, 0),
                    local=(TAU * _S, (1 - TAU) * _S)),
        # α = π − u, β = π + v
        CornerPiece(_BACK, ("0", SLICE), 8, wedge=(pi - U, pi - V, U + V), divisor=(1, 0),
                    local=(_S, TAU * (pi - _S))),
        CornerPiece(_BACK, (SLICE, _ONE_MINUS_SLICE), 5),
        # α = π − u, β = π + α − v
        CornerPiece(_BACK, (_ONE_MINUS_SLICE, "1"), 8, wedge=(pi - U, U + V, pi - V),
                    divisor=(1, 0), local=(_S, (1 - TAU) * (pi - _S))),
        # β = 2π − u, α = π − u − v
        CornerPiece(_BEFORE_E1, ("0", "1"), 8, wedge=(pi - U - V, U, pi - V), divisor=(1, 0),
                    local=((1 - TAU) * _S, TAU * _S)),
    )),
}


def wedge_radius(piece: CornerPiece, alpha: sympy.Expr, x: sympy.Symbol, x_max: str) -> str:
    """The r_max of a wedge piece: proves that its local (u, v) reproduce the arc's (α, θ_1, θ_2)
    (SymPy) and bounds u + v over x ∈ [0, x_max], τ ∈ piece.tau by interval arithmetic (u, v >= 0
    checked too), rounded up to 3 decimals with one unit to spare for the decimal-to-binary
    conversion; ValueError if the piece is inconsistent."""
    theta_1, theta_2, _ = arcs(alpha)[piece.arc]
    u, v = piece.local
    mapped = [c.subs({U: u, V: v}, simultaneous=True) for c in piece.wedge]
    if any(sympy.simplify(a - b) != 0 for a, b in zip(mapped, (alpha, theta_1, theta_2),
                                                       strict=True)):
        raise ValueError(f"corner piece on {piece.arc}: local coordinates do not give its angles")
    iv = mpmath.iv
    box = {x: iv.mpf(["0", x_max]), TAU: iv.mpf(list(piece.tau))}
    low_u, low_v, total = interval_function([u, v, sympy.expand(u + v)], (x, TAU))(box[x], box[TAU])
    if low_u.a < 0 or low_v.a < 0:
        raise ValueError(f"corner piece on {piece.arc}: u or v can be negative")
    return mpmath.nstr((mpmath.ceil(mpmath.mpf(total.b) * 1000) + 1) / 1000, 4)


def small_alpha_inside_check(alpha_max: str = SMALL_ALPHA, degree: int = 8) -> IntervalCheck:
    """L_12 > 0 inside the cone for 0 < α <= alpha_max: the wedge θ_1 = u, θ_2 = v (α = u + v),
    where N = uv F vanishes on both axes (the teacher on a student)."""
    return wedge_sign_check(INSIDE_CORNER, divisor=(1, 1), degree=degree, sign=1, r_max=alpha_max,
                            expression=normalized_l12,
                            detail=f"inside the cone, alpha in (0, {alpha_max}]")


def corner_checks(side: str) -> list[IntervalCheck]:
    """The certificates of one corner side of CORNERS ("small alpha" or "alpha near pi").

    Small α: the series are in α (N = Σ_{k>=4} c_k(τ) α^k); near π in s = π − α, with α = π − s
    substituted (N = Σ_{k>=1} d_k(τ) s^k; N ≡ 0 at α = π).  The wedges blow up the points where
    the leading coefficient vanishes: (α, β) → (0, π) and (0, π + α) at small α, (π, π) and
    (π, 2π) near π, and the cone's edges.
    """
    x_max, lowest, pieces = CORNERS[side]
    x = SMALL[side]
    alpha = x if side == "small alpha" else pi - x
    checks = []
    for piece in pieces:
        theta_1, theta_2, sign = arcs(alpha)[piece.arc]
        where = f"{side}, {piece.arc}, tau in [{piece.tau[0]}, {piece.tau[1]}]"
        if piece.wedge is not None:
            r_max = wedge_radius(piece, alpha, x, x_max)
            coordinates = ", ".join(sympy.sstr(c) for c in piece.wedge)
            checks.append(wedge_sign_check(piece.wedge, divisor=piece.divisor, degree=piece.degree,
                                           sign=sign, r_max=r_max, expression=normalized_l12,
                                           detail=f"{where}, (alpha, theta_1, theta_2) = "
                                                  f"({coordinates})"))
            continue
        n = normalized_l12(alpha, theta_1, theta_2)
        if piece.derivative:
            end = 0 if piece.tau[0] == "0" else 1
            if not vanishes_identically(n.subs(TAU, end)):
                raise ValueError(f"corner strip on {piece.arc}: N is not 0 at tau = {end}")
            n, sign = sympy.diff(n, TAU), (sign if end == 0 else -sign)
            where += ", d/d tau (N = 0 at the strip's end)"
        checks.append(series_sign_check(n, x, x_max, piece.tau, lowest=lowest, degree=piece.degree,
                                        sign=sign, detail=where))
    return checks


def mp_l12(alpha, beta) -> mpmath.mpf:
    """L_12 from the paper's M, M* entries and mpmath linear algebra (not from the closed form)."""
    students = [plane_vector(1, 0), plane_vector(1, alpha)]
    M, M_star = mp_paper_matrices(students, [plane_vector(1, beta)])
    return mp_separable_l(M, M_star, 2)[0]


def _edge_points() -> list[dict]:
    """(alpha, beta, stated leading term of L_12) at distance ~1e-6 from the corners at alpha = 0
    (three rays per wedge) and from alpha = pi (six teacher angles off the shrinking arcs)."""
    eps = mpmath.mpf("1e-6")
    points = []
    with mpmath.workdps(60):
        for (alpha, beta, _, _), lead in wedges().values():
            corner = sympy.lambdify((U, V), [alpha, beta, lead], modules="mpmath")
            for u, v in ((1, 1), (1, 3), (3, 1)):
                a, b, value = corner(u * eps, v * eps)
                points.append({"alpha": a, "beta": b, "lead": value})
        for beta in ("0.3", "1.5", "2.9", "3.4", "4.7", "6.0"):
            beta = mpmath.mpf(beta)
            # L_12 = (pi - alpha) |pi - beta| sin(beta) + O((pi - alpha)^2)
            points.append({"alpha": mpmath.pi - eps, "beta": beta,
                           "lead": eps * abs(mpmath.pi - beta) * mpmath.sin(beta)})
    return points


def _edge_relative_error(point: dict) -> float:
    """|L_12 (M matrices, 60 digits) / stated leading term - 1| at one point."""
    with mpmath.workdps(60):
        return float(abs(mp_l12(point["alpha"], point["beta"]) / point["lead"] - 1))


def _edge_grid_mismatches(case: dict) -> float:
    """Sign mismatches of L_12 (M matrices, 50 digits) on a grid that crowds the edges."""
    mismatches = 0
    with mpmath.workdps(50):
        alphas = [mpmath.mpf(a) for a in case["alphas"]]
        alphas += [mpmath.pi - mpmath.mpf(d) for d in case["distances_to_pi"]]
        for alpha in alphas:
            for lo, hi, sign in (
                (0, alpha, 1),
                (alpha, mpmath.pi, -1),
                (mpmath.pi, mpmath.pi + alpha, -1),
                (mpmath.pi + alpha, 2 * mpmath.pi, -1),
            ):
                for tau in case["taus"]:
                    value = mp_l12(alpha, lo + mpmath.mpf(tau) * (hi - lo))
                    mismatches += int(mpmath.sign(value) != sign)
    return float(mismatches)


EDGE_GRID = {
    "alphas": ["1e-4", "1e-3", "1e-2", "0.05", "0.12"],
    "distances_to_pi": ["0.02", "1e-3", "1e-5"],
    "taus": ["1e-6", "1e-3", "0.05", "0.25", "0.5", "0.75", "0.95", "0.999", "0.999999"],
}


KAPPA = sympy.Function("kappa")
_ANGLE = sympy.Wild("angle", properties=[lambda e: bool(e.free_symbols)])


def with_kappa(expr: sympy.Expr) -> sympy.Expr:
    """expr with every (π − x) cos x + sin x written κ(x), for display (expr is unchanged)."""
    return expr.replace((pi - _ANGLE) * sympy.cos(_ANGLE) + sympy.sin(_ANGLE), KAPPA(_ANGLE))


def derive(inputs: dict) -> Derivation:
    exports = inputs["separable_l"]
    alpha, theta_1, theta_2 = (
        exports[k] for k in ("student_angle", "teacher_angle_1", "teacher_angle_2")
    )
    l12, l21 = exports["L12"], exports["L21"]
    f = (pi - alpha) * cos(alpha) + sin(alpha)
    n = normalized_l12(alpha, theta_1, theta_2)
    inside = arcs(alpha)["inside, beta in [0, alpha]"]
    n_inside = n.subs({theta_1: inside[0], theta_2: inside[1]})
    symbolic = SymbolicCheck(
        sympy.Matrix(
            [
                n,
                n_inside.subs(TAU, 0),
                n_inside.subs(TAU, 1),
                l12.subs(alpha, pi).subs(theta_2, pi - theta_1),
                l21.subs(alpha, pi).subs(theta_2, pi - theta_1),
                l21 - l12.subs({theta_1: theta_2, theta_2: theta_1}, simultaneous=True),
            ]
        ),
        sympy.Matrix([(pi**2 - f**2) * l12, 0, 0, 0, 0, 0]),
        reduce=lambda e: sympy.simplify(sympy.expand(sympy.cancel(e))),
        detail="N = det(M_r) L_12; N = 0 at beta = 0 and beta = alpha; L_12 = L_21 = 0 at "
        "alpha = pi "
        "(theta_2 = pi - theta_1); L_21 is L_12 with the students swapped",
    )
    l12_np = sympy.lambdify((alpha, theta_1, theta_2), l12, modules="numpy")

    def grid_case(case: dict) -> float:
        """Number of grid points where the sign of L_12 differs from the theorem's."""
        alphas = np.linspace(case["alpha_low"], case["alpha_high"], case["count"])
        betas = np.linspace(0.0, 2 * np.pi, 2 * case["count"] + 1)[1:-1]
        a, b = np.meshgrid(alphas, betas, indexing="ij")
        keep = np.abs(b - a) > 1e-6
        theta_1 = np.arctan2(np.abs(np.sin(b)), np.cos(b))
        theta_2 = np.arctan2(np.abs(np.sin(b - a)), np.cos(b - a))
        values = l12_np(a, theta_1, theta_2)
        expected = np.where(b < a, 1.0, -1.0)
        return float(np.sum((np.sign(values) != expected) & keep))

    edge_grid = SimulationCheck(
        _edge_grid_mismatches,
        [EDGE_GRID],
        tolerance=0.0,
        error_unit="grid points with the wrong sign",
        method="numeric",
        detail=(
            "sign of L_12 from the M matrices (50 digits, not the closed form) at alpha in "
            "{1e-4, 1e-3, 1e-2, 0.05, 0.12, pi - 0.02, pi - 1e-3, pi - 1e-5} and 9 teacher angles "
            "per arc crowding "
            "the arc ends (relative position 1e-6 ... 1 - 1e-6)"
        ),
    )
    claim = Claim(
        id="critical-point-free-region",
        statement=(
            "K = 2, students at angle alpha, unit teacher at beta: L_12 > 0 for 0 < beta < alpha, "
            "L_12 < 0 for alpha < beta < 2 pi; the same for L_21 (L_21(alpha, beta) = L_12(alpha, "
            "alpha - beta)). If all teachers are strictly inside (or all strictly outside) the "
            "students' cone, no in-plane critical point has these student directions. Proved "
            "for every alpha in (0, pi) and beta in (0, 2 pi), beta != alpha, by certificates: "
            "interval arithmetic on a subdivision for alpha in "
            f"[{BUILD_RANGE[0]}, {BUILD_RANGE[1]}] (build) and [{TEST_RANGES[0][0]}, "
            f"{BUILD_RANGE[0]}], [{BUILD_RANGE[1]}, {TEST_RANGES[-1][1]}] (tests); exact Taylor "
            "terms plus Cauchy tail bounds for "
            f"alpha in (0, {SMALL_ALPHA}] and pi - alpha in (0, {NEAR_PI}] (build)"
        ),
        assumptions=(
            "teachers with positive norms",
            "det M_r = pi^2 - f^2 > 0 for 0 < alpha <= pi (claim m-r-singular), so L_12 has the "
            "sign of N = det(M_r) L_12",
            (
                f"corners: N as a series in alpha (alpha <= {SMALL_ALPHA}) or pi - alpha (<= "
                f"{NEAR_PI}) with coefficients in the arc parameter tau, and two-variable wedges "
                "u, v >= 0 where the leading coefficient vanishes (inside the cone and at "
                "beta -> pi, pi + alpha as alpha -> 0; at beta -> alpha, pi, 2 pi as alpha -> pi): "
                "N = u^a v^b F with F entire, F's exact low-order terms minus a Cauchy bound of "
                "the rest"
            ),
            (
                f"the test certificates (alpha in [{TEST_RANGES[0][0]}, {BUILD_RANGE[0]}] and "
                f"[{BUILD_RANGE[1]}, {TEST_RANGES[-1][1]}]) are part of the proof; the grids are "
                "independent evidence"
            ),
        ),
        checks=(
            symbolic,
            *certificate_checks(alpha, BUILD_RANGE, subdivisions=6, refine=5),
            *corner_checks("small alpha"),
            *corner_checks("alpha near pi"),
            SimulationCheck(
                grid_case,
                [{"alpha_low": 1e-3, "alpha_high": float(np.pi) - 1e-3, "count": 300}],
                tolerance=0.0,
                error_unit="grid points with the wrong sign",
                method="numeric",
                detail="sign of L_12 (closed form, float) on a 300 x 599 grid of alpha in "
                "[0.001, pi - 0.001], beta in (0, 2 pi)",
            ),
            edge_grid,
        ),
        derived=with_kappa(n),
        stated=(pi**2 - f**2) * l12,
    )
    det = pi**2 - f**2
    derived_edges, stated_edges = [], []
    for (a_w, _, t1_w, t2_w), lead in wedges().values():
        scaled = normalized_l12(a_w, t1_w, t2_w).subs(
            {U: WEDGE * U, V: WEDGE * V}, simultaneous=True
        )
        derived_edges.append(low_order_terms(scaled, WEDGE, 5))
        stated_edges.append(WEDGE**5 * pi**2 * a_w**2 * lead)
    derived_edges.append(sympy.series(det, alpha, 0, 3).removeO())
    stated_edges.append(pi**2 * alpha**2)
    for name, lead in (
        ("inside, beta in [0, alpha]", pi**3 * (TAU - 1) * sin(pi * TAU)),
        ("beta in [alpha, pi]", 0),
        ("beta in [pi, pi + alpha]", pi**3 * TAU * sin(pi * TAU)),
        ("beta in [pi + alpha, 2 pi]", 0),
    ):
        theta_a, theta_b, _ = arcs(alpha)[name]
        n_arc = normalized_l12(alpha, theta_a, theta_b)
        derived_edges += [n_arc.subs(alpha, pi), sympy.diff(n_arc, alpha).subs(alpha, pi)]
        stated_edges += [0, lead]
    derived_edges.append(det.subs(alpha, pi))
    stated_edges.append(pi**2)
    edges = Claim(
        id="critical-region-edges",
        statement=(
            "On the edges L_12 = 0: beta = 0 or beta = alpha (teacher on a student) and alpha = pi "
            "(every beta). Near the corners at alpha -> 0, along each ray (u, v) = t (u_0, v_0), "
            "u_0, v_0 > 0, t -> 0+: inside the cone, theta_1 = u, theta_2 = v: "
            "L_12 = (2/3) u v (u + 2v) + O(t^4); outside next to e_2, alpha = u, beta = alpha + v: "
            "L_12 = -(2/3) u^2 v + O(t^4); outside next to e_1, alpha = u, beta = 2 pi - v: "
            "L_12 = -(4/3) u^2 v + O(t^4). As alpha -> pi, for beta off the shrinking arcs "
            "[alpha, pi] and [pi + alpha, 2 pi]: "
            "L_12 = (pi - alpha) |pi - beta| sin(beta) + O((pi - alpha)^2)"
        ),
        assumptions=(
            "L_12 = N / det M_r with det M_r = pi^2 alpha^2 + O(alpha^3) and = pi^2 at alpha = pi",
        ),
        checks=(
            SymbolicCheck(
                sympy.Matrix(derived_edges),
                sympy.Matrix(stated_edges),
                reduce=lambda e: sympy.simplify(sympy.expand(e)),
                detail=(
                    "Taylor terms of degree <= 5 of N in the three corner wedges (those below 5 "
                    "vanish), "
                    "det M_r = pi^2 alpha^2 + O(alpha^3), N and dN/dalpha at alpha = pi on the "
                    "four arcs, "
                    "det M_r at pi"
                ),
            ),
            SimulationCheck(
                _edge_relative_error,
                _edge_points(),
                tolerance=1e-4,
                error_unit="relative deviation from the leading term",
                method="numeric",
                detail=(
                    "L_12 from the M matrices (60 digits) at distance ~1e-6 from the corners "
                    "(3 points per wedge) and from alpha = pi (6 teacher angles) vs the "
                    "stated leading terms"
                ),
            ),
        ),
    )
    steps = (
        Step(
            sympy.Eq(sympy.Symbol("N"), with_kappa(n)),
            "Multiply L_12 by det M_r > 0; on each arc of β the angles are affine in τ.  Written "
            "with κ(x) = (π − x) cos x + sin x, 2π times the angular factor of the arc-cosine "
            "kernel.",
            claims=("critical-point-free-region",),
        ),
    )
    return Derivation(
        title="Critical-point-free regions (two ReLUs)",
        paper_reference="Tian (2017), Section 5 (two ReLUs: signs of L_12 and L_21)",
        summary=__doc__.strip().splitlines()[0],
        steps=steps,
        claims=(claim, edges),
        exports={"normalized_L12": n},
    )
