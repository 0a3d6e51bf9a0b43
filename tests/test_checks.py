"""The checkers pass on true claims and fail on false ones, recording what they measured."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import sympy

from symderive.engine.checks import (
    FiniteDifferenceCheck,
    MonteCarloCheck,
    QuadratureCheck,
    SymbolicCheck,
)
from symderive.engine.defining import gate, polar_quadrature

x = sympy.Symbol("x", real=True)


def test_symbolic_check_passes_and_fails():
    good = SymbolicCheck(sympy.sin(x) ** 2 + sympy.cos(x) ** 2, sympy.Integer(1)).run()
    bad = SymbolicCheck(sympy.sin(x), sympy.cos(x)).run()
    assert good.passed and good.max_error == 0.0 and good.method == "symbolic"
    assert not bad.passed and math.isinf(bad.max_error)


def _half_plane_probability(point):
    u = [mpmath.cos(point["a"]), mpmath.sin(point["a"])]
    return polar_quadrature(lambda v: [gate(u[0] * v[0] + u[1] * v[1])], 0, [u], 1)


def test_quadrature_of_a_known_probability():
    points = [{"a": mpmath.mpf(k) / 3} for k in range(3)]
    good = QuadratureCheck(_half_plane_probability, lambda p: [mpmath.mpf(1) / 2], points).run()
    bad = QuadratureCheck(_half_plane_probability, lambda p: [mpmath.mpf(1) / 2 + 1e-20],
                          points).run()
    assert good.passed and good.max_error < 1e-35 and good.points == 3
    assert not bad.passed and bad.max_error > 1e-21


def test_finite_difference_check():
    def function(point, c):
        return mpmath.sin(c[0]) * c[1] ** 2

    def gradient(point):
        return [mpmath.cos(point["x"]) * point["y"] ** 2,
                2 * mpmath.sin(point["x"]) * point["y"]]

    def wrong_gradient(point):
        return [mpmath.cos(point["x"]) * point["y"] ** 2, mpmath.sin(point["x"]) * point["y"]]

    def coordinates(point):
        return [point["x"], point["y"]]

    points = [{"x": mpmath.mpf("0.3"), "y": mpmath.mpf("1.7")}]
    assert FiniteDifferenceCheck(function, gradient, coordinates, points).run().passed
    assert not FiniteDifferenceCheck(function, wrong_gradient, coordinates, points).run().passed


def test_monte_carlo_check_detects_a_wrong_mean():
    def sampler(rng, n):
        return rng.standard_normal((n, 1)) ** 2

    good = MonteCarloCheck([(sampler, [1.0])], samples=100_000).run()
    bad = MonteCarloCheck([(sampler, [1.05])], samples=100_000).run()
    assert good.passed and good.error_unit == "standard errors"
    assert not bad.passed and bad.max_error > 5


def test_monte_carlo_zero_variance_component_must_match_exactly():
    def sampler(rng, n):
        return np.zeros((n, 1))

    assert MonteCarloCheck([(sampler, [0.0])], samples=1000).run().passed
    assert not MonteCarloCheck([(sampler, [1.0])], samples=1000).run().passed


def test_nan_never_passes():
    def nan_closed_form(point):
        return [mpmath.nan]

    points = [{"a": mpmath.mpf(0)}, {"a": mpmath.mpf(1)}]
    quadrature = QuadratureCheck(_half_plane_probability, nan_closed_form, points).run()
    assert not quadrature.passed and math.isinf(quadrature.max_error)

    def half(point):
        return [mpmath.mpf(1) / 2]

    def partly_nan(point):
        return [mpmath.nan] if point["a"] == 1 else half(point)

    assert not QuadratureCheck(_half_plane_probability, partly_nan, points).run().passed

    def sampler(rng, n):
        return rng.standard_normal((n, 1))

    assert not MonteCarloCheck([(sampler, [float("nan")])], samples=1000).run().passed

    def square(point, c):
        return c[0] ** 2

    def nan_gradient(point):
        return [mpmath.nan]

    assert not FiniteDifferenceCheck(square, nan_gradient, lambda p: [p["x"]],
                                     [{"x": mpmath.mpf(1)}]).run().passed
