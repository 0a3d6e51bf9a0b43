"""The certificates of the critical-point-free region that the build leaves out (α in [0.12, 0.5]
and [2.9, 3.12]; the build certifies [0.5, 2.9] and the corners α <= 0.125, π − α <= 0.0216), the
coverage of (0, π) × (0, 2π) by all pieces together, and certificates refusing false statements;
see derivations/critical_point_free_region.py."""

from __future__ import annotations

import dataclasses

import mpmath
import pytest
import sympy

from derivations._region_taylor import (
    TAU,
    U,
    V,
    majorant,
    series_sign_check,
    taylor_coefficients,
    wedge_sign_check,
)
from derivations.critical_point_free_region import (
    BUILD_RANGE,
    CORNERS,
    NEAR_PI,
    SMALL_ALPHA,
    TEST_RANGES,
    arcs,
    certificate_checks,
    corner_checks,
    normalized_l12,
    small_alpha_inside_check,
    wedge_radius,
)

ALPHA = sympy.Symbol("alpha", real=True)
CHECKS = [check for alpha_range in TEST_RANGES
          for check in certificate_checks(ALPHA, alpha_range, subdivisions=8, refine=6)]


def test_test_ranges_and_build_range_cover_one_interval():
    ends = sorted(TEST_RANGES + (BUILD_RANGE,), key=lambda r: float(r[0]))
    assert all(left[1] == right[0] for left, right in zip(ends, ends[1:], strict=False))


def test_all_pieces_cover_the_whole_domain():
    # alpha: (0, SMALL_ALPHA] (corner series and wedges), [SMALL_ALPHA, 3.12] (subdivision, build
    # and tests), [pi - NEAR_PI, pi) (corner series and wedges).
    ends = sorted(TEST_RANGES + (BUILD_RANGE,), key=lambda r: float(r[0]))
    # The overlaps exceed any rounding of the box ends (the checks round them at 15 or 20 digits).
    assert CORNERS["small alpha"][0] == SMALL_ALPHA and CORNERS["alpha near pi"][0] == NEAR_PI
    assert mpmath.mpf(SMALL_ALPHA) - mpmath.mpf(ends[0][0]) > mpmath.mpf("1e-6")
    assert mpmath.mpf(ends[-1][1]) - (mpmath.pi - mpmath.mpf(NEAR_PI)) > mpmath.mpf("1e-6")
    # beta: each corner side tiles tau in [0, 1] on each of the four arcs of (0, 2 pi).
    for side, (_, _, pieces) in CORNERS.items():
        for arc in arcs(TAU):
            ranges = sorted((p.tau for p in pieces if p.arc == arc), key=lambda r: float(r[0]))
            assert ranges[0][0] == "0" and ranges[-1][1] == "1", (side, arc)
            assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:], strict=False)), (side, arc)
        for piece in pieces:
            # A wedge names its local coordinates (corner_checks proves they give the arc's angles
            # and bounds u + v); a strip of dN/dtau starts or ends at an arc end, a zero of N.
            assert (piece.wedge is None) == (piece.local is None)
            if piece.derivative:
                assert piece.tau[0] == "0" or piece.tau[1] == "1"


def test_a_wedge_with_the_wrong_local_coordinates_is_refused():
    _, _, pieces = CORNERS["alpha near pi"]
    s = sympy.Symbol("s", positive=True)
    piece = next(p for p in pieces if p.wedge is not None and p.tau == ("0", "1"))
    swapped = dataclasses.replace(piece, local=piece.local[::-1])
    with pytest.raises(ValueError, match="do not give its angles"):
        wedge_radius(swapped, sympy.pi - s, s, NEAR_PI)
    assert mpmath.mpf(wedge_radius(piece, sympy.pi - s, s, NEAR_PI)) > mpmath.mpf(NEAR_PI)


def test_corner_certificates_pass():
    for side in CORNERS:
        for check in corner_checks(side):
            record = check.run()
            assert record.passed and record.method == "interval", record.detail


@pytest.mark.parametrize("check", CHECKS, ids=[c.detail.split(" (")[0] for c in CHECKS])
def test_sign_of_L12_is_certified(check):
    record = check.run()
    assert record.passed, record.detail
    assert record.method == "interval" and record.points >= 64


def test_the_small_alpha_certificate_refuses_a_too_large_range():
    # The Cauchy tail grows like alpha^(degree - 3): at alpha up to 0.9 it swamps the leading term.
    check = dataclasses.replace(small_alpha_inside_check(alpha_max="0.9"), refine=0)
    assert not check.run().passed


def test_corner_certificates_refuse_the_wrong_sign_and_a_too_large_range():
    # Near (alpha, beta) = (pi, pi) on [pi, pi + alpha]: L_12 < 0 is true, L_12 > 0 is refused.
    corner = (sympy.pi - U, sympy.pi - V, U + V)
    assert not wedge_sign_check(corner, divisor=(1, 0), degree=8, sign=1, r_max="0.18",
                                expression=normalized_l12, detail="wrong sign").run().passed
    # The s-series on the back arc is certified for pi - alpha <= 0.0216, not up to 1.5.
    s = sympy.Symbol("s", positive=True)
    theta_1, theta_2, sign = arcs(sympy.pi - s)["beta in [pi, pi + alpha]"]
    n = normalized_l12(sympy.pi - s, theta_1, theta_2)
    check = series_sign_check(n, s, "1.5", ("0.05", "0.95"), lowest=1, degree=5, sign=sign,
                              detail="too large", refine=2)
    assert not check.run().passed


def test_certificates_refuse_false_factorizations():
    # N does not vanish on beta = pi (v = 0 of this corner), so N/(u v) is not entire.
    with pytest.raises(ValueError, match="not 0 on the axis"):
        wedge_sign_check((sympy.pi - U, sympy.pi - V, U + V), divisor=(1, 1), degree=6, sign=-1,
                         r_max="0.1", expression=normalized_l12, detail="false divisor")
    # Outside the cone N = O(alpha^4), not O(alpha^5).
    a = sympy.Symbol("alpha", positive=True)
    theta_1, theta_2, _ = arcs(a)["beta in [alpha, pi]"]
    with pytest.raises(ValueError, match="not identically 0"):
        series_sign_check(normalized_l12(a, theta_1, theta_2), a, "0.1", ("0.1", "0.9"),
                          lowest=5, degree=8, sign=-1, detail="false order")


def test_taylor_coefficients_match_sympy_series():
    x, t = sympy.symbols("x t")
    expr = sympy.sin(2 * x + t) * sympy.cos(sympy.pi - x) ** 2 * (x - 3) + x**3 * t
    ours = taylor_coefficients(expr, x, 6)
    reference = sympy.series(expr, x, 0, 7).removeO()
    for k in range(7):
        assert sympy.simplify(ours[k] - reference.coeff(x, k)) == 0


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


def test_majorant_with_a_real_parameter():
    # sin(pi tau + u (1 - tau)) for tau in [0, 1] real, |u| <= 1: |Im| <= |u| |1 - tau| <= 1, so
    # the bound is at most cosh(2) (|1 - tau| is bounded by 1 + 1 term by term) and at least the
    # value at tau = 0, u = i: |sin i| = sinh 1.
    u = sympy.Symbol("u")
    bound = majorant(sympy.sin(sympy.pi * TAU + u * (1 - TAU)), 1, {TAU: ("0", "1")})
    assert mpmath.sinh(1) <= bound.b <= mpmath.cosh(2) + 1e-15
    for tau in ("0", "0.3", "1"):
        for angle in range(8):
            w = mpmath.expjpi(mpmath.mpf(angle) / 4)
            tau = mpmath.mpf(tau)
            assert abs(mpmath.sin(mpmath.pi * tau + w * (1 - tau))) <= bound.b
