"""The interval certificate of the critical-point-free region on the α-ranges the build leaves out
(α ∈ [0.12, 0.5] and [2.9, 3.12]; the build certifies [0.5, 2.9]); see
derivations/critical_point_free_region.py."""

from __future__ import annotations

import pytest
import sympy

from derivations.critical_point_free_region import BUILD_RANGE, TEST_RANGES, certificate_checks

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
