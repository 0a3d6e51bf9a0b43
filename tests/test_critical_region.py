"""The interval certificate of the critical-point-free region over alpha in [0.5, 2.9] (heavier than
the build's sub-box; see derivations/critical_point_free_region.py)."""

from __future__ import annotations

import pytest
import sympy

from derivations.critical_point_free_region import certificate_checks

ALPHA = sympy.Symbol("alpha", real=True)
CHECKS = certificate_checks(ALPHA, ("0.5", "2.9"), subdivisions=12, refine=5)


@pytest.mark.parametrize("check", CHECKS, ids=[c.detail.split(" (")[0] for c in CHECKS])
def test_sign_of_L12_is_certified(check):
    record = check.run()
    assert record.passed, record.detail
    assert record.method == "interval" and record.points >= 144
