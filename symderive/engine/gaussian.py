"""Symbolic Gaussian expectations of gated linear forms, reduced to a plane.

We need expectations of the form

    E_x[ (v_1·x)(v_2·x)···(v_m·x) · 1[u_1·x > 0]···1[u_n·x > 0] ],   x ~ N(0, I_d),

with all vectors v_k, u_i in one plane P.  Write x = x_P + x_⊥.  The component x_⊥ is independent of
x_P and never enters the integrand, so only x_P ~ N(0, I_2) matters (this is the reduction of Tian's
Theorem 1 proof: "only the plane of e and w matters").  In polar coordinates x_P = r(cos φ, sin φ)
with density e^{-r²/2} r dr dφ / (2π), every linear form is v·x = ‖v‖ r cos(φ − α_v) and every
indicator depends on φ alone: 1[u·x > 0] = 1[cos(φ − α_u) > 0], the arc (α_u − π/2, α_u + π/2).
Hence

    E = (1/2π) · R_m · ∫_{arcs} Π_k ‖v_k‖ cos(φ − α_k) dφ,   R_m = ∫_0^∞ r^{m+1} e^{-r²/2} dr.

The arcs are intersected symbolically: their end points are linear in the angle symbols, and every
comparison is decided exactly over the box of angles the caller declares (an :class:`AngleDomain`).
A comparison that is not decided over the whole box raises :class:`UndecidedComparison` instead of
guessing; the caller then splits the domain.

SymPy's own ``sympy.stats`` cannot do these expectations (it times out or factors P(A ∧ B) as
P(A)P(B)); that is why this module exists.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sympy
from sympy import cos, pi

PHI = sympy.Symbol("phi", real=True)
RADIUS = sympy.Symbol("r", positive=True)


class UndecidedComparison(ValueError):
    """Raised when the sign of an arc end-point difference is not fixed over the declared domain."""


@dataclass(frozen=True)
class PlaneVector:
    """A vector of the plane P given by its norm and its polar angle (measured from the first
    axis)."""

    norm: sympy.Expr
    angle: sympy.Expr


@dataclass(frozen=True)
class AngleDomain:
    """A box of angle values: each symbol lies in a closed interval [lo, hi]
    (numbers or π-multiples).

    Used to decide the sign of expressions that are linear in these symbols.  For a linear form the
    minimum and maximum over a box are attained at the corners, so the decision is exact.
    """

    bounds: Mapping[sympy.Symbol, tuple[sympy.Expr, sympy.Expr]]

    def range_of(self, expr: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
        """Exact [min, max] of a linear expression over the box."""
        expr = sympy.expand(expr)
        symbols = [s for s in expr.free_symbols if s in self.bounds]
        unknown = expr.free_symbols - set(symbols)
        if unknown:
            raise UndecidedComparison(
                f"{expr} involves {sorted(map(str, unknown))}, not in the domain")
        poly = sympy.Poly(expr, *symbols) if symbols else None
        if poly is not None and poly.total_degree() > 1:
            raise UndecidedComparison(f"{expr} is not linear in the angle symbols")
        low = high = expr.subs({s: 0 for s in symbols})
        for symbol in symbols:
            coefficient = expr.coeff(symbol)
            lo, hi = self.bounds[symbol]
            low += coefficient * (lo if coefficient >= 0 else hi)
            high += coefficient * (hi if coefficient >= 0 else lo)
        return sympy.nsimplify(low), sympy.nsimplify(high)

    def is_nonnegative(self, expr: sympy.Expr) -> bool:
        """True if expr ≥ 0 on the whole box, False if expr ≤ 0 on it, else raise."""
        low, high = self.range_of(expr)
        if low >= 0:
            return True
        if high <= 0:
            return False
        raise UndecidedComparison(
            f"the sign of {expr} changes over the domain (range [{low}, {high}]); split the domain"
        )


def halfplane_arc(direction: PlaneVector) -> tuple[sympy.Expr, sympy.Expr]:
    """The angles φ with cos(φ − α) > 0: the open arc (α − π/2, α + π/2) of the gate 1[u·x > 0]."""
    return direction.angle - pi / 2, direction.angle + pi / 2


def arc_intersection(
    gates: Sequence[PlaneVector], domain: AngleDomain
) -> tuple[sympy.Expr, sympy.Expr] | None:
    """The arc on which every gate is open, or None when it is empty (up to a null set).

    Arcs are taken as intervals of the real line [α − π/2, α + π/2].  This is exact on the circle
    when all gate directions lie within an angular range of at most π (checked here): two such arcs
    could only also meet "around the back" if their centres were more than π apart.
    """
    if not gates:
        return sympy.Integer(0), 2 * pi
    angles = [gate.angle for gate in gates]
    for a in angles:
        for b in angles:
            if not domain.is_nonnegative(pi - (a - b)):
                raise UndecidedComparison(f"gate directions {a} and {b} are more than π apart")
    low, high = halfplane_arc(gates[0])
    for gate in gates[1:]:
        lo, hi = halfplane_arc(gate)
        low = low if domain.is_nonnegative(low - lo) else lo
        high = high if domain.is_nonnegative(hi - high) else hi
    if not domain.is_nonnegative(high - low):
        return None
    return low, high


def radial_moment(degree: int) -> sympy.Expr:
    """R_m = ∫_0^∞ r^{m+1} e^{-r²/2} dr: the radial factor of a degree-m integrand in polar form."""
    return sympy.integrate(RADIUS ** (degree + 1) * sympy.exp(-(RADIUS**2) / 2),
                           (RADIUS, 0, sympy.oo))


def gated_expectation(
    linear_forms: Sequence[PlaneVector], gates: Sequence[PlaneVector], domain: AngleDomain
) -> sympy.Expr:
    """E[Π_k (v_k·x) · Π_i 1[u_i·x > 0]] for x ~ N(0, I_d), all vectors in one plane
    (see module doc)."""
    arc = arc_intersection(gates, domain)
    if arc is None:
        return sympy.Integer(0)
    angular = sympy.Integer(1)
    for form in linear_forms:
        angular *= form.norm * cos(PHI - form.angle)
    angular = sympy.expand(sympy.expand_trig(angular))
    angular_integral = sympy.integrate(angular, (PHI, arc[0], arc[1]))
    return sympy.simplify(radial_moment(len(linear_forms)) * angular_integral / (2 * pi))


def gated_vector_expectation(
    linear_forms: Sequence[PlaneVector], gates: Sequence[PlaneVector], domain: AngleDomain
) -> sympy.Matrix:
    """E[x · Π_k (v_k·x) · Π_i 1[u_i·x > 0]] as its two coordinates in the plane.

    The coordinate along a unit vector c is E[(c·x) · ...], a scalar expectation of one more linear
    form; the component orthogonal to P vanishes because x_⊥ has mean zero and is independent of
    x_P.
    """
    axes = (PlaneVector(sympy.Integer(1), sympy.Integer(0)), PlaneVector(sympy.Integer(1), pi / 2))
    return sympy.Matrix(
        [gated_expectation([axis, *linear_forms], gates, domain) for axis in axes]
    )
