"""Numerical evaluation of the *defining* Gaussian integrals, independent of the symbolic machinery.

Nothing here knows an arc, a closed form or a radial moment: the integrand is evaluated as written
(ReLUs, indicators) at sample or quadrature points.

Quadrature: for an integrand f on R² that is positively homogeneous of degree m (f(r·u) = r^m f(u)
for r > 0, true of every product of ReLUs, indicators and linear forms), polar coordinates separate

    E[f(x)] = (1/2π) ∫_0^{2π} f(cos φ, sin φ) dφ · ∫_0^∞ r^{m+1} e^{-r²/2} dr,

and both one-dimensional integrals are done by mpmath's tanh-sinh quadrature.  The angular integrand
is only piecewise smooth; its kinks are where some gate u·x changes sign, so the angular interval is
split there (the angles perpendicular to each gate direction) to keep full precision.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import mpmath
import numpy as np


def relu(z):
    """max(z, 0) for mpmath numbers."""
    return z if z > 0 else mpmath.mpf(0)


def gate(z) -> int:
    """The indicator 1[z > 0]."""
    return 1 if z > 0 else 0


def dot(u: Sequence, x: Sequence):
    return mpmath.fsum(a * b for a, b in zip(u, x, strict=True))


def _kink_angles(gate_directions: Sequence[Sequence]) -> list:
    """Angles in [0, 2π] at which some gate u·(cos φ, sin φ) changes sign, plus the end points."""
    two_pi = 2 * mpmath.pi
    kinks = {mpmath.mpf(0), two_pi}
    for u in gate_directions:
        alpha = mpmath.atan2(u[1], u[0])
        for offset in (mpmath.pi / 2, -mpmath.pi / 2):
            kinks.add((alpha + offset) % two_pi)
    return sorted(kinks)


def polar_quadrature(
    integrand: Callable[[Sequence], Sequence],
    degree: int,
    gate_directions: Sequence[Sequence],
    components: int,
) -> list:
    """E[f(x)] for x ~ N(0, I_2), f homogeneous of degree ``degree`` with ``components`` outputs."""
    radial = mpmath.quad(lambda r: r ** (degree + 1) * mpmath.exp(-(r**2) / 2), [0, mpmath.inf])
    kinks = _kink_angles(gate_directions)
    values = []
    for k in range(components):
        angular = mpmath.quad(
            lambda phi, k=k: integrand((mpmath.cos(phi), mpmath.sin(phi)))[k], kinks
        )
        values.append(angular * radial / (2 * mpmath.pi))
    return values


def standard_normal(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    """n samples of x ~ N(0, I_d) as an (n, d) array."""
    return rng.standard_normal((n, d))
