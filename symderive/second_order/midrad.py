"""Rigorous midpoint-radius interval arithmetic on float64 NumPy arrays.

A :class:`MidRad` (m, r) stands for the set of arrays x with |x − m| ≤ r elementwise.  The results
of the operations below enclose every exact result for operands in the inputs' sets, although the
arithmetic runs in round-to-nearest: each rounding error is bounded a priori (IEEE 754, unit
roundoff u = 2⁻⁵³, underflow adds at most the smallest subnormal η) and added to the radius,
which is itself raised past its own rounding error (Rump, "Fast and parallel interval arithmetic",
BIT 39 (1999); Higham, *Accuracy and Stability of Numerical Algorithms*, §3.1 and §3.5):

* sum:     m = fl(m_x + m_y),  r ≥ r_x + r_y + 2u|m|;
* product: m = fl(m_x m_y),    r ≥ |m_x| r_y + r_x (|m_y| + r_y) + 2u|m| + η.

NaN or infinity anywhere propagates to the result and makes every test built on it fail.  The
certificates (symderive.second_order.certify) use it to assemble the Hessian enclosure from
interval coefficients and frame vectors computed with mpmath.iv, which is far faster than doing
the d × d outer products in mpmath.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from mpmath.libmp import round_ceiling, round_floor, to_float

UNIT_ROUNDOFF = 2.0**-53
SMALLEST_SUBNORMAL = 2.0**-1074
SMALLEST_NORMAL = 2.0**-1022


def gamma(n: int) -> float:
    """γ_n = n u/(1 − n u), rounded up: the relative error bound of n floating-point operations."""
    return n * UNIT_ROUNDOFF / (1 - n * UNIT_ROUNDOFF) * (1 + 4 * UNIT_ROUNDOFF)


def upper(value, n: int):
    """value (≥ 0, computed with at most n roundings) raised past its rounding error."""
    return value * (1 + 2 * gamma(n + 2)) + SMALLEST_SUBNORMAL


def bounds(x) -> tuple[float, float]:
    """Outward-rounded float bounds of an mpmath interval.

    mpmath's to_float loses the rounding direction in gradual underflow, so an end that lands
    below the smallest normal number is stepped one subnormal further out.
    """
    lo, hi = x._mpi_
    low, high = to_float(lo, rnd=round_floor), to_float(hi, rnd=round_ceiling)
    if abs(low) < SMALLEST_NORMAL:
        low = float(np.nextafter(low, -np.inf))
    if abs(high) < SMALLEST_NORMAL:
        high = float(np.nextafter(high, np.inf))
    return low, high


@dataclass(frozen=True)
class MidRad:
    """The arrays within ``rad`` of ``mid`` (elementwise); shapes broadcast like NumPy's."""

    mid: np.ndarray
    rad: np.ndarray

    @classmethod
    def from_intervals(cls, values) -> MidRad:
        """An enclosure of mpmath.iv intervals (any nesting of sequences)."""
        flat = [bounds(x) for x in np.asarray(values, dtype=object).ravel()]
        shape = np.shape(np.asarray(values, dtype=object))
        lo = np.array([b[0] for b in flat]).reshape(shape)
        hi = np.array([b[1] for b in flat]).reshape(shape)
        bounded = np.isfinite(lo) & np.isfinite(hi)
        with np.errstate(invalid="ignore"):  # an unbounded interval becomes (0, inf) just below
            mid = np.where(bounded, lo / 2 + hi / 2, 0.0)
            # mid is within [lo, hi]; hi − mid and mid − lo are rounded, so raise them.
            rad = np.where(bounded, upper(np.maximum(hi - mid, mid - lo), 1), np.inf)
        return cls(mid, rad)

    def __add__(self, other: MidRad) -> MidRad:
        mid = self.mid + other.mid
        return MidRad(mid, upper(self.rad + other.rad + 2 * UNIT_ROUNDOFF * np.abs(mid), 3))

    def __mul__(self, other: MidRad) -> MidRad:
        mid = self.mid * other.mid
        with np.errstate(invalid="ignore"):  # 0 × an infinite radius: unbounded, not NaN
            rad = (np.abs(self.mid) * other.rad + self.rad * (np.abs(other.mid) + other.rad)
                   + 2 * UNIT_ROUNDOFF * np.abs(mid) + SMALLEST_SUBNORMAL)
        return MidRad(mid, upper(np.where(np.isnan(rad), np.inf, rad), 7))

    def outer(self, other: MidRad) -> MidRad:
        """The enclosure of the outer product x yᵀ of two enclosed vectors."""
        return MidRad(self.mid[:, None], self.rad[:, None]) * MidRad(other.mid[None, :],
                                                                     other.rad[None, :])
