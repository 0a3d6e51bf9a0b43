"""Single-ReLU convergence: the Lyapunov function V = ½‖w − w*‖² and the initialization probability.

Lyapunov.  By homogeneity take ‖w*‖ = 1, w* = (1, 0), w = r(cos θ, sin θ) in their plane,
θ ∈ [0, π].  With ∇J = E[F(e, w)] − E[F(e, w*)] (Theorem 1) and u = r − cos θ,

    2π (w − w*)·∇J = π u² + (θ cos θ − sin θ) u + (π − θ) sin² θ,

a quadratic form in (u, sin θ) with discriminant Δ = (sin θ − θ cos θ)² − 4π(π − θ) sin² θ.  Since
d/dθ (sin θ − θ cos θ) = θ sin θ ≥ 0, 0 ≤ sin θ − θ cos θ ≤ sin θ for θ ∈ [0, π/2], while
4π(π − θ) ≥ 2π² > 1: Δ < 0 for 0 < θ ≤ π/2, and at θ = 0 the form is π(r − 1)².  Hence
dV/dt = −(w − w*)·∇J < 0 for every w ≠ w* with θ ≤ π/2, in particular on
Ω = {‖w − w*‖ < ‖w*‖} ∖ {w*} (there r < 2 cos θ, so θ < π/2).  The region is in fact larger:
Δ < 0 up to θ_max ≈ 2.3276 (≈ 133°), where Δ first vanishes (interval-certified on [0.001, 2.3]);
the paper's Ω is a conservative convergence region.

Initialization.  For w⁰ uniform in the ball B(0, r), with R = ‖w*‖ and t = r/(2R) ≤ 1, the two
spheres meet on the hyperplane w·ŵ* = r²/(2R), so B(0, r) ∩ Ω is the cap of B(0, r) beyond it plus
the cap of Ω below it:

    P(w⁰ ∈ Ω) = q_d(t) + (2t)^(−d) q_d(1 − 2t²),   q_d(z) = ½ I_{1−z²}((d+1)/2, ½) (z ≥ 0),
                                                     q_d(z) = 1 − q_d(−z) (z < 0),

q_d(z) being the fraction of a d-ball beyond the hyperplane at signed distance z·radius and I the
regularized incomplete beta function; P = (R/r)^d for r ≥ 2R.  Since the first coordinate of a
uniform point of the ball has density at most c_d = Γ(d/2 + 1)/(√π Γ((d+1)/2)) (per radius),
P ≥ q_d(t) ≥ ½ − c_d t, and Wendel's inequality Γ(x+1)/Γ(x+½) ≤ √(x+½) gives c_d ≤ √((d+1)/(2π)).
So r ≤ ε‖w*‖/c_d, in particular r ≤ ε‖w*‖√(2π/(d+1)), guarantees P ≥ (1 − ε)/2: the paper's
"O(ε/√d)‖w*‖ radius, probability at least (1 − ε)/2", with the exact constant.
"""

from __future__ import annotations

import mpmath
import numpy as np
import sympy
from sympy import cos, pi, sin

from derivations._common import THETA, W_NORM
from derivations._critical import SimulationCheck
from symderive.engine.checks import IntervalCheck, MonteCarloCheck, QuadratureCheck, SymbolicCheck
from symderive.engine.model import Claim, Derivation, Step

REQUIRES: tuple[str, ...] = ("expected_gating",)

R_SYM = sympy.Symbol("r", positive=True)
U_SYM = sympy.Symbol("u", real=True)
PROBABILITY_CASES = ((2, "0.5"), (3, "1.2"), (5, "1.7"), (10, "0.3"))  # (d, r/‖w*‖)


def _lyapunov_derivative(c_w, c_e) -> sympy.Expr:
    """2π (w − w*)·∇J with w* = (1, 0), w = r(cos θ, sin θ), ∇J = E[F(e, w)] − E[F(e, w*)] from
    Theorem 1's exports (e = w/r makes angle 0 with w and θ with w*)."""
    e = sympy.Matrix([cos(THETA), sin(THETA)])
    w, w_star = R_SYM * e, sympy.Matrix([1, 0])
    gradient = (c_w.subs(THETA, 0) * w + c_e.subs({THETA: 0, W_NORM: R_SYM}) * e
                - (c_w * w_star + c_e.subs(W_NORM, 1) * e))
    return 2 * pi * (w - w_star).dot(gradient)


def cap_fraction(d: int, z):
    """q_d(z): the fraction of a d-ball beyond the hyperplane at signed distance z·radius."""
    if z < 0:
        return 1 - cap_fraction(d, -z)
    return mpmath.betainc(mpmath.mpf(d + 1) / 2, mpmath.mpf(1) / 2, 0, 1 - z**2,
                          regularized=True) / 2


def init_probability(d: int, ratio) -> mpmath.mpf:
    """P(w⁰ ∈ Ω) for w⁰ uniform in B(0, r), ratio = r/‖w*‖ (closed form of the summary)."""
    t = mpmath.mpf(ratio) / 2
    if t >= 1:
        return (2 * t) ** (-d)
    return cap_fraction(d, t) + (2 * t) ** (-d) * cap_fraction(d, 1 - 2 * t**2)


def _defining_probability(d: int, ratio) -> mpmath.mpf:
    """(d/r^d) ∫_0^r ρ^(d−1) S(ρ) dρ, S(ρ) the fraction of the sphere of radius ρ inside Ω
    (cos φ > ρ/(2R), φ the polar angle from w*, surface density ∝ sin^(d−2) φ); R = 1."""
    r = mpmath.mpf(ratio)
    total = mpmath.quad(lambda phi: mpmath.sin(phi) ** (d - 2), [0, mpmath.pi])

    def sphere_fraction(rho):
        if rho >= 2:
            return mpmath.mpf(0)
        return mpmath.quad(lambda phi: mpmath.sin(phi) ** (d - 2),
                           [0, mpmath.acos(rho / 2)]) / total

    return d / r**d * mpmath.quad(lambda rho: rho ** (d - 1) * sphere_fraction(rho), [0, min(r, 2)])


def _uniform_ball(rng: np.random.Generator, n: int, d: int, radius: float) -> np.ndarray:
    directions = rng.standard_normal((n, d))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    return directions * (radius * rng.random(n) ** (1.0 / d))[:, None]


def _monte_carlo_cases() -> list:
    cases = []
    for d, ratio in PROBABILITY_CASES:
        star = np.zeros(d)
        star[0] = 1.0

        def sampler(g, n, d=d, ratio=float(ratio), star=star):
            points = _uniform_ball(g, n, d, ratio)
            return (np.linalg.norm(points - star, axis=1) < 1.0).astype(float)[:, None]

        cases.append((sampler, [float(init_probability(d, ratio))]))
    return cases


def admissible_radius(d: int, epsilon) -> mpmath.mpf:
    """ε √(2π/(d+1)) (times ‖w*‖): the simple admissible radius."""
    return epsilon * mpmath.sqrt(2 * mpmath.pi / (d + 1))


def _gradient_descent_case(case: dict) -> float:
    """Uniform starts in the admissible ball; gradient descent (η = 1) on the single-ReLU loss.

    Returns the largest final ‖w − w*‖ of the runs started in Ω, or inf if V failed to decrease at
    some step of such a run or the fraction of starts in Ω is more than 5 standard errors from the
    exact probability.
    """
    # Imported here: the runtime uses generated code that `symderive build` may be regenerating.
    from symderive import population_gradient

    d, epsilon, count = case["d"], case["epsilon"], case["count"]
    rng = np.random.default_rng(case["seed"])
    radius = admissible_radius(d, epsilon)
    star = np.zeros(d)
    star[0] = 1.0
    weights = _uniform_ball(rng, count, d, float(radius))[:, None, :]
    inside = np.linalg.norm(weights[:, 0] - star, axis=1) < 1.0
    lyapunov = 0.5 * np.sum((weights[:, 0] - star) ** 2, axis=1)
    monotone = np.ones(count, dtype=bool)
    for _ in range(case["steps"]):
        weights = weights - population_gradient(weights, star[None, :])
        updated = 0.5 * np.sum((weights[:, 0] - star) ** 2, axis=1)
        monotone &= updated <= lyapunov
        lyapunov = updated
    exact = float(init_probability(d, radius))
    z = abs(inside.mean() - exact) / np.sqrt(exact * (1 - exact) / count)
    if z > 5 or not monotone[inside].all():
        return float("inf")
    return float(np.max(np.sqrt(2 * lyapunov[inside])))


def derive(inputs: dict) -> Derivation:
    c_w = inputs["expected_gating"]["gating_w_coefficient"]
    c_e = inputs["expected_gating"]["gating_e_coefficient"]
    derived = _lyapunov_derivative(c_w, c_e)
    c, s = cos(THETA), sin(THETA)
    stated = (pi * U_SYM**2 + (THETA * c - s) * U_SYM + (pi - THETA) * s**2).subs(U_SYM, R_SYM - c)
    iv = mpmath.iv

    def form(theta, r):
        cc, ss = iv.cos(theta), iv.sin(theta)
        u = r - cc
        return iv.pi * u * u + (theta * cc - ss) * u + (iv.pi - theta) * ss * ss

    def discriminant_margin(theta):
        ss = iv.sin(theta)
        return 4 * iv.pi * (iv.pi - theta) * ss * ss - (ss - theta * iv.cos(theta)) ** 2

    half_pi = mpmath.pi / 2
    lyapunov = Claim(
        id="single-relu-lyapunov",
        statement=("V = ||w - w*||^2/2 decreases along the gradient flow, dV/dt = -(w - w*).grad J "
                   "< 0, on Omega = {||w - w*|| < ||w*||} minus {w*}; more generally wherever "
                   "angle(w, w*) <= pi/2 (certified up to 2.3; the discriminant vanishes at "
                   "2.3276) and w != w*"),
        assumptions=("K = K* = 1", "||w|| > 0"),
        checks=(
            SymbolicCheck(
                sympy.Matrix([derived, sympy.diff(s - THETA * c, THETA),
                              (R_SYM * c - 1) ** 2 + (R_SYM * s) ** 2 - 1]),
                sympy.Matrix([stated, THETA * s, R_SYM * (R_SYM - 2 * c)]),
                detail="2 pi (w - w*).grad J (from Theorem 1's exports) = the quadratic form in "
                       "u = r - cos; d/dtheta (sin - theta cos) = theta sin; "
                       "||w - w*||^2 - ||w*||^2 = r (r - 2 cos)",
            ),
            IntervalCheck(form, [[(0, half_pi), (0, mpmath.mpf("0.95"))],
                                 [(0, half_pi), (mpmath.mpf("1.05"), 2)],
                                 [(mpmath.mpf("0.05"), half_pi),
                                  (mpmath.mpf("0.95"), mpmath.mpf("1.05"))]],
                          subdivisions=6, refine=5,
                          detail="2 pi (w - w*).grad J over theta in [0, pi/2], r in [0, 2] "
                                 "(contains the reduced Omega) minus the box |r - 1| < 0.05, "
                                 "theta < 0.05 around w*"),
            IntervalCheck(discriminant_margin, [[(mpmath.mpf("0.001"), mpmath.mpf("2.3"))]],
                          subdivisions=16, refine=8,
                          detail="-discriminant 4 pi (pi - theta) sin^2 - (sin - theta cos)^2 for "
                                 "theta in [0.001, 2.3] (covers the box around w*; theta < 0.001 "
                                 "by the symbolic bound 0 <= sin - theta cos <= sin)"),
        ),
        derived=derived,
        stated=stated,
    )
    probability_points = [{"d": d, "ratio": ratio} for d, ratio in PROBABILITY_CASES]
    bound_points = [{"d": d, "epsilon": epsilon} for d in (2, 3, 10, 100, 1000)
                    for epsilon in ("0.5", "0.1", "0.01")]

    def bound_slack(point: dict) -> list:
        """P at the admissible radius minus (1 − ε)/2 (must be ≥ 0), and √((d+1)/(2π)) − c_d
        (≥ 0)."""
        d, epsilon = point["d"], mpmath.mpf(point["epsilon"])
        c_d = mpmath.gamma(mpmath.mpf(d) / 2 + 1) / (
            mpmath.sqrt(mpmath.pi) * mpmath.gamma(mpmath.mpf(d + 1) / 2))
        slack = init_probability(d, admissible_radius(d, epsilon)) - (1 - epsilon) / 2
        wendel = mpmath.sqrt(mpmath.mpf(d + 1) / (2 * mpmath.pi)) - c_d
        return [min(slack, 0), min(wendel, 0)]

    probability = Claim(
        id="single-relu-init-probability",
        statement=("w0 uniform in B(0, r): P(w0 in Omega) = q_d(t) + (2t)^-d q_d(1 - 2t^2), "
                   "t = r/(2||w*||), q_d(z) = I_{1-z^2}((d+1)/2, 1/2)/2; P >= (1 - eps)/2 for "
                   "r <= eps ||w*|| sqrt(2 pi/(d+1)); gradient descent from such starts in Omega "
                   "converges to w* with V decreasing"),
        assumptions=("K = K* = 1", "r <= 2 ||w*|| (else P = (||w*||/r)^d)", "d >= 2"),
        checks=(
            QuadratureCheck(lambda p: [_defining_probability(p["d"], p["ratio"])],
                            lambda p: [init_probability(p["d"], p["ratio"])], probability_points,
                            dps=30, tolerance=1e-25, scale=lambda p: mpmath.mpf(1), scale_name="1",
                            detail="volume fraction by nested quadrature in spherical coordinates "
                                   "vs the incomplete-beta closed form, (d, r/||w*||) = (2, .5), "
                                   "(3, 1.2), (5, 1.7), (10, .3)"),
            MonteCarloCheck(_monte_carlo_cases(), samples=200_000, seed=53,
                            detail="fraction of uniform points of the ball inside Omega"),
            QuadratureCheck(bound_slack, lambda p: [0, 0], bound_points, dps=30, tolerance=0.0,
                            scale=lambda p: mpmath.mpf(1), scale_name="1", method="numeric",
                            detail="shortfall of P at r = eps sqrt(2 pi/(d+1)) below (1 - eps)/2 "
                                   "and of Wendel's bound below c_d, d in {2, 3, 10, 100, 1000}, "
                                   "eps in {.5, .1, .01}"),
            SimulationCheck(_gradient_descent_case,
                            [{"d": 10, "epsilon": 0.2, "count": 400, "steps": 120, "seed": 59}],
                            tolerance=1e-10, error_unit="max ||w - w*|| of runs started in Omega",
                            detail="d = 10, eps = 0.2, 400 uniform starts, eta = 1, 120 steps: "
                                   "runs started in Omega reach w* with V decreasing at every "
                                   "step; the fraction of starts in Omega is within 5 standard "
                                   "errors of P"),
        ),
    )
    steps = (
        Step(sympy.Eq(sympy.Symbol("2 pi dV"), stated),
             "Theorem 1 for one student and one teacher; u = r − cos θ.",
             claims=("single-relu-lyapunov",)),
        Step(sympy.Eq(sympy.Symbol("P"), sympy.Symbol("q_d(t) + (2t)^{-d} q_d(1 - 2t^2)")),
             "The two caps of the lens B(0, r) ∩ Ω.", claims=("single-relu-init-probability",)),
    )
    return Derivation(
        title="Single-ReLU convergence region and initialization",
        paper_reference="Tian (2017), Section 4 (single ReLU: Lyapunov argument, random "
                        "initialization)",
        summary=__doc__.strip().splitlines()[0],
        steps=steps,
        claims=(lyapunov, probability),
    )
