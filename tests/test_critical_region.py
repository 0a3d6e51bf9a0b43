"""The interval certificates of the critical-point-free region that the build leaves out (α in
[0.12, 0.5] and [2.9, 3.12], the build certifies [0.5, 2.9]; inside the cone for 0 < α <= 0.12);
see derivations/critical_point_free_region.py."""

from __future__ import annotations

import dataclasses

import mpmath
import pytest
import sympy

from derivations.critical_point_free_region import (
    BUILD_RANGE,
    TEST_RANGES,
    certificate_checks,
    majorant,
    small_alpha_inside_check,
)

ALPHA = sympy.Symbol("alpha", real=True)
CHECKS = [check for alpha_range in TEST_RANGES
          for check in certificate_checks(ALPHA, alpha_range, subdivisions=8, refine=6)]


def test_test_ranges_and_build_range_cover_one_interval():
    ends = sorted(TEST_RANGES + (BUILD_RANGE,), key=lambda r: float(r[0]))
    assert all(left[1] == right[0] for left, right in zip(ends, ends[1:], strict=False))


@pytest.mark.parametrize("check", CHECKS, ids=[c.detail.split(" (")[0] for c in CHECKS])
def test_sign_of_L12_is_certified(check):
    record = check.run()
    assert record.passed, record.detail
    assert record.method == "interval" and record.points >= 64


def test_inside_the_cone_near_alpha_zero_is_certified():
    record = small_alpha_inside_check().run()
    assert record.passed, record.detail
    assert record.method == "interval"


def test_the_small_alpha_certificate_refuses_a_too_large_range():
    # The Cauchy tail grows like alpha^(degree - 3): at alpha up to 0.9 it swamps the leading term.
    check = dataclasses.replace(small_alpha_inside_check(alpha_max="0.9"), refine=0)
    assert not check.run().passed


def test_majorant_bounds_the_function_on_the_polydisk():
    u, v = sympy.symbols("u v")
    expr = sympy.sin(u + v) * u - 3 * sympy.cos(v)
    bound = majorant(expr, 1)
    # |sin(u + v) u - 3 cos v| <= cosh(2) + 3 cosh(1) on |u|, |v| <= 1; attained direction check:
    assert bound.a >= mpmath.cosh(2) + 3 * mpmath.cosh(1) - 1e-15
    z = mpmath.mpc(0, 1)  # u = v = i: |sin(2i) i - 3 cos i| = sinh 2 + 3 cosh 1
    assert abs(mpmath.sin(2 * z) * z - 3 * mpmath.cos(z)) <= bound.b
    with pytest.raises(ValueError, match="unsupported"):
        majorant(sympy.exp(u), 1)
