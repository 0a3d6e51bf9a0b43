"""The Gaussian-plane machinery against facts it must reproduce and inputs it must refuse."""

from __future__ import annotations

import pytest
import sympy
from sympy import pi

from symderive.engine.gaussian import (
    AngleDomain,
    PlaneVector,
    UndecidedComparison,
    arc_intersection,
    gated_expectation,
    radial_moment,
)

THETA = sympy.Symbol("theta", real=True)
ONE = sympy.Integer(1)
ZERO = sympy.Integer(0)
E1 = PlaneVector(ONE, ZERO)


def test_radial_moments_are_the_half_gaussian_moments():
    # ∫ r^{m+1} e^{-r²/2} dr = 2^{m/2} Γ(m/2 + 1): the known chi moments, independently of
    # integrate().
    for m in range(5):
        assert sympy.simplify(radial_moment(m) - 2 ** sympy.Rational(m, 2)
                              * sympy.gamma(sympy.Rational(m, 2) + 1)) == 0


def test_probability_of_two_gates_is_one_minus_angle_over_two_pi():
    # P(e·x > 0, w·x > 0) = (π − θ)/(2π) (Grothendieck's identity), a classical independent fact.
    domain = AngleDomain({THETA: (0, pi)})
    probability = gated_expectation([], [E1, PlaneVector(ONE, THETA)], domain)
    assert sympy.simplify(probability - (pi - THETA) / (2 * pi)) == 0


def test_ungated_second_moment_is_the_dot_product():
    # E[(a·x)(b·x)] = a·b = |a||b| cos θ.
    domain = AngleDomain({THETA: (0, pi)})
    a, b = sympy.symbols("a b", positive=True)
    value = gated_expectation([PlaneVector(a, ZERO), PlaneVector(b, THETA)], [], domain)
    assert sympy.simplify(value - a * b * sympy.cos(THETA)) == 0


def test_relu_mean_is_norm_over_root_two_pi():
    # E[relu(w·x)] = ‖w‖/√(2π).
    n = sympy.Symbol("n", positive=True)
    value = gated_expectation([PlaneVector(n, THETA)], [PlaneVector(n, THETA)],
                              AngleDomain({THETA: (0, pi)}))
    assert sympy.simplify(value - n / sympy.sqrt(2 * pi)) == 0


def test_arc_intersection_of_two_gates():
    low, high = arc_intersection([E1, PlaneVector(ONE, THETA)], AngleDomain({THETA: (0, pi)}))
    assert sympy.simplify(low - (THETA - pi / 2)) == 0
    assert sympy.simplify(high - pi / 2) == 0


def test_opposite_gates_leave_a_null_arc_and_zero_expectation():
    low, high = arc_intersection([E1, PlaneVector(ONE, pi)], AngleDomain({}))
    assert high - low == 0
    assert gated_expectation([E1], [E1, PlaneVector(ONE, pi)], AngleDomain({})) == 0


def test_undecided_order_is_refused_not_guessed():
    # With θ ∈ [0, π] and a third direction at π/2, the order of θ and π/2 is unknown.
    domain = AngleDomain({THETA: (0, pi)})
    with pytest.raises(UndecidedComparison, match="split the domain"):
        arc_intersection([E1, PlaneVector(ONE, THETA), PlaneVector(ONE, pi / 2)], domain)


def test_symbols_outside_the_domain_are_refused():
    other = sympy.Symbol("alpha", real=True)
    with pytest.raises(UndecidedComparison, match="not in the domain"):
        arc_intersection([E1, PlaneVector(ONE, other)], AngleDomain({THETA: (0, pi)}))


def test_gates_more_than_pi_apart_are_refused():
    domain = AngleDomain({THETA: (0, 2 * pi)})
    with pytest.raises(UndecidedComparison):
        arc_intersection([E1, PlaneVector(ONE, THETA)], domain)
