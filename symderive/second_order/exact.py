"""Loss, gradient and Hessian in arbitrary precision (mpmath.mp) or interval arithmetic (mpmath.iv).

The same code serves both: ``ctx`` is ``mpmath.mp`` or ``mpmath.iv``, weights are lists of rows of
that context's numbers, and the pair terms are the generated ones (symderive._generated.
second_order_terms), which use only +, −, ×, / and integer powers.  Evaluated on intervals, every
function is an interval extension: it encloses the range of the exact quantity over the box.

The pair geometry: e = a/‖a‖, the rejection p = b − (b·e)e, θ = atan2(‖p‖, b·e), cos θ = b·e/‖b‖,
sin θ = ‖p‖/‖b‖ and n = p/‖p‖.  ‖p‖ is a root of a sum of squares, so its interval never dips below
0; an interval for sin θ that contains 0 (a pair that may be parallel) makes n unbounded, and a
certificate built on it fails, as it should.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import mpmath
import numpy

from symderive._generated import second_order_terms as terms
from symderive.second_order.hessian import BASIS

Rows = Sequence[Sequence]
_mp = mpmath.mp


def _dot(u: Sequence, v: Sequence):
    total = u[0] * v[0]
    for a, b in zip(u[1:], v[1:], strict=True):
        total = total + a * b
    return total


def norm(ctx, u: Sequence):
    """‖u‖ (an interval under ctx = mpmath.iv; squares, not products, keep its radicand ≥ 0)."""
    total = u[0] ** 2
    for x in u[1:]:
        total = total + x**2
    return ctx.sqrt(total)


@dataclass(frozen=True)
class Unit:
    """A signed unit u_a (s = +1 for a student row, −1 for a teacher row), its norm and
    direction."""

    vector: Sequence
    sign: int
    norm: object
    direction: list


def units(ctx, student: Rows, teacher: Rows) -> list[Unit]:
    """The students, then the teachers, each norm and direction computed once."""
    signed = [(w, 1) for w in student] + [(w, -1) for w in teacher]
    result = []
    for vector, sign in signed:
        size = norm(ctx, vector)
        result.append(Unit(vector, sign, size, [x / size for x in vector]))
    return result


def pair_frame(ctx, a: Unit, b: Unit) -> tuple[list, tuple]:
    """n, the unit vector of p = b − (b·e)e with e = a's direction (zero for an exactly parallel
    pair in mpmath), and (θ, cos θ, sin θ) of the angle between a and b."""
    along = _dot(b.vector, a.direction)
    p = [x - along * y for x, y in zip(b.vector, a.direction, strict=True)]
    across = norm(ctx, p)
    n = [x / across for x in p] if ctx is not _mp or across != 0 else [0] * len(p)
    return n, (ctx.atan2(across, along), along / b.norm, across / b.norm)


def loss(ctx, student: Rows, teacher: Rows):
    """J = ½ Σ_a Σ_b s_a s_b ‖u_a‖‖u_b‖ κ(θ_ab); the diagonal terms are ‖u_a‖²/2 exactly."""
    signed = units(ctx, student, teacher)
    total = 0
    for i, a in enumerate(signed):
        total = total + a.norm**2 / 4
        for b in signed[i + 1:]:
            _, angle = pair_frame(ctx, a, b)
            total = total + a.sign * b.sign * a.norm * b.norm * terms.kernel_angular(*angle, ctx.pi)
    return total


def gradient(ctx, student: Rows, teacher: Rows) -> list:
    """∂J/∂W flattened row-major: row j is w_j/2 + Σ_{a≠j} s_a (c_u u_a + ‖u_a‖ c_e e_j)."""
    signed = units(ctx, student, teacher)
    flat = []
    for j, w in enumerate(signed[:len(student)]):
        row = [x / 2 for x in w.vector]
        for a, u in enumerate(signed):
            if a == j:
                continue
            _, angle = pair_frame(ctx, w, u)
            c_u = u.sign * terms.gating_u_coefficient(*angle, ctx.pi)
            c_e = u.sign * u.norm * terms.gating_e_coefficient(*angle, ctx.pi) / w.norm
            row = [r + c_u * ui + c_e * wi
                   for r, ui, wi in zip(row, u.vector, w.vector, strict=True)]
        flat.extend(row)
    return flat


@dataclass(frozen=True)
class PairTerm:
    """The Hessian contribution of the pair (student j, unit a ≠ j) in the frame (e_j, n):
    ``self_coefficients`` (weighted by s_a ‖u_a‖/‖w_j‖) add to block (j, j), ``cross_coefficients``
    (None unless a is a student) form block (j, a); keys are hessian.BASIS."""

    j: int
    a: int
    e: list
    n: list
    sine: object
    self_coefficients: dict
    cross_coefficients: dict | None


def hessian_terms(ctx, student: Rows, teacher: Rows) -> list[PairTerm]:
    """Every pair's frame and coefficients (see symderive.second_order.hessian for the blocks)."""
    signed = units(ctx, student, teacher)
    result = []
    for j, w in enumerate(signed[:len(student)]):
        for a, u in enumerate(signed):
            if a == j:
                continue
            n, angle = pair_frame(ctx, w, u)
            weight = u.sign * u.norm / w.norm
            result.append(PairTerm(
                j, a, w.direction, n, angle[2],
                {name: weight * getattr(terms, f"hessian_self_{name}")(*angle, ctx.pi)
                 for name in BASIS},
                {name: getattr(terms, f"hessian_cross_{name}")(*angle, ctx.pi) for name in BASIS}
                if a < len(student) else None,
            ))
    return result


def frame_block(coefficients: dict, e, n, outer, identity):
    """c_I I + c_ee e eᵀ + c_en e nᵀ + c_ne n eᵀ + c_nn n nᵀ (keys of hessian.BASIS), as
    e (c_ee e + c_en n)ᵀ + n (c_ne e + c_nn n)ᵀ + c_I I in any arithmetic with +, × and ``outer``:
    object arrays of mpmath numbers in :func:`hessian`, midpoint-radius enclosures in the
    certificates (symderive.second_order.certify)."""
    left_e = e * coefficients["ee"] + n * coefficients["en"]
    left_n = e * coefficients["ne"] + n * coefficients["nn"]
    return outer(e, left_e) + outer(n, left_n) + identity * coefficients["identity"]


def hessian(ctx, student: Rows, teacher: Rows) -> list[list]:
    """∂²J/∂W² as a (K·d) × (K·d) list of rows, row-major over (unit, coordinate) (see
    hessian.py)."""
    count, d = len(student), len(student[0])
    identity = numpy.eye(d, dtype=object)
    blocks = {(j, a): identity * (ctx.mpf(1) / 2) if j == a else numpy.zeros((d, d), dtype=object)
              for j in range(count) for a in range(count)}
    for term in hessian_terms(ctx, student, teacher):
        e, n = numpy.array(term.e, dtype=object), numpy.array(term.n, dtype=object)
        blocks[term.j, term.j] = blocks[term.j, term.j] + frame_block(
            term.self_coefficients, e, n, numpy.outer, identity)
        if term.cross_coefficients is not None:
            blocks[term.j, term.a] = frame_block(term.cross_coefficients, e, n, numpy.outer,
                                                 identity)
    return numpy.block([[blocks[j, a] for a in range(count)] for j in range(count)]).tolist()
