"""Coefficients of the branch-free arctangent of the C kernel, fitted with mpmath at build time.

glibc's atan2 is a scalar call of some 40 cycles; a kernel that needs one arctangent per pair of
units spends most of its time there.  The C kernel therefore uses a polynomial arctangent that the
compiler can vectorize: with t = min(y, |x|)/max(y, |x|) ∈ [0, 1], reduced to
r = (t − 1)/(t + 1) when t > tan(π/8) (adding π/4), atan(r) = r + r·z·q(z), z = r² ≤ tan²(π/8), and
q is the Chebyshev fit of (atan(√z)/√z − 1)/z on [0, tan²(π/8)] computed here at 40 digits.  The fit
error (below 1e-18 relative to r) is far under the rounding of the double evaluation, so the
arctangent is accurate to a few ulps; tests/test_kernels.py checks it against mpmath.
"""

from __future__ import annotations

from functools import cache

import mpmath

DEGREE = 11
DIGITS = 40


def _quotient(z: mpmath.mpf) -> mpmath.mpf:
    """(atan(√z)/√z − 1)/z, continued by its limit −1/3 at z = 0."""
    if z == 0:
        return mpmath.mpf(-1) / 3
    root = mpmath.sqrt(z)
    return (mpmath.atan(root) / root - 1) / z


@cache
def quotient_coefficients() -> tuple[float, ...]:
    """Coefficients of q, highest degree first (for Horner's rule)."""
    with mpmath.workdps(DIGITS):
        bound = mpmath.tan(mpmath.pi / 8) ** 2
        coefficients, error = mpmath.chebyfit(_quotient, [0, bound], DEGREE + 1, error=True)
        if error * bound > mpmath.mpf(2) ** -60:
            raise ArithmeticError(f"arctangent fit error {mpmath.nstr(error, 3)} is too large")
        return tuple(float(c) for c in coefficients)
