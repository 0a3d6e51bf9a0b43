"""Midpoint-radius arithmetic (symderive.second_order.midrad): every exact result of operands inside
the input enclosures lies inside the output enclosure, checked in exact rational arithmetic."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from mpmath import iv
from mpmath.libmp import to_rational

from symderive.second_order.midrad import MidRad


def _inside(value: Fraction, enclosure: MidRad, index) -> bool:
    mid, rad = Fraction(float(enclosure.mid[index])), Fraction(float(enclosure.rad[index]))
    return mid - rad <= value <= mid + rad


def _points(enclosure: MidRad, rng: np.random.Generator) -> list[np.ndarray]:
    """The ends and random interior points of the enclosure, as exact fractions."""
    picks = [np.full(enclosure.mid.shape, -1.0), np.full(enclosure.mid.shape, 1.0),
             rng.uniform(-1, 1, enclosure.mid.shape)]
    def exact(m, r, t):
        return Fraction(float(m)) + Fraction(float(t)) * Fraction(float(r))

    return [np.vectorize(exact, otypes=[object])(enclosure.mid, enclosure.rad, pick)
            for pick in picks]


@pytest.mark.parametrize("scale", [1e-300, 1e-8, 1.0, 1e150])
def test_sums_products_and_outer_products_enclose_the_exact_results(scale):
    rng = np.random.default_rng(3)
    x = MidRad(scale * rng.standard_normal(6), scale * 1e-9 * rng.uniform(0, 1, 6))
    y = MidRad(rng.standard_normal(6), rng.uniform(0, 1e-3, 6))
    for xs in _points(x, rng):
        for ys in _points(y, rng):
            for i in range(6):
                assert _inside(xs[i] + ys[i], x + y, i)
                assert _inside(xs[i] * ys[i], x * y, i)
            outer = x.outer(y)
            for i, j in [(0, 0), (2, 5), (5, 1)]:
                assert _inside(xs[i] * ys[j], outer, (i, j))


def test_cancellation_is_enclosed_where_round_to_nearest_loses_the_result():
    # 1 + 2^-60 - 1: the float sum drops 2^-60, the radius must not.
    x = MidRad(np.array([1.0]), np.array([0.0]))
    tiny = MidRad(np.array([2.0**-60]), np.array([0.0]))
    minus_one = MidRad(np.array([-1.0]), np.array([0.0]))
    result = (x + tiny) + minus_one
    assert _inside(Fraction(2) ** -60, result, 0)


def test_intervals_convert_outward_unbounded_ones_to_infinite_radius_and_nan_propagates():
    values = [iv.mpf(["0.1", "0.3"]), iv.mpf(1) / 3]
    enclosure = MidRad.from_intervals(values)
    for value, (mid, rad) in zip(values, zip(enclosure.mid, enclosure.rad, strict=True),
                                 strict=True):
        lo, hi = (Fraction(*to_rational(end)) for end in value._mpi_)
        assert Fraction(float(mid)) - Fraction(float(rad)) <= lo
        assert Fraction(float(mid)) + Fraction(float(rad)) >= hi
    unbounded = MidRad.from_intervals([iv.mpf(1) / iv.mpf([0, 1])])
    assert unbounded.rad[0] == np.inf
    broken = MidRad(np.array([np.nan]), np.array([0.0])) * MidRad(np.array([1.0]), np.array([0.0]))
    assert np.isnan(broken.mid[0]) and not np.all(broken.rad < np.inf)


def test_bounds_stay_outward_in_gradual_underflow():
    from fractions import Fraction as F

    from symderive.second_order.midrad import SMALLEST_SUBNORMAL, bounds

    for factor in ("0.4", "1.7", "-1.7"):
        value = iv.mpf(factor) * iv.mpf(SMALLEST_SUBNORMAL)
        low, high = bounds(value)
        exact_low, exact_high = (F(*to_rational(end)) for end in value._mpi_)
        assert F(low) <= exact_low and exact_high <= F(high)
