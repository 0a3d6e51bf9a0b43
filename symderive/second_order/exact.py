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

import mpmath

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


def _rejection(ctx, a: Sequence, b: Sequence) -> tuple[list, list, object]:
    """e = a/‖a‖, p = b − (b·e)e and b·e."""
    a_norm = norm(ctx, a)
    e = [x / a_norm for x in a]
    along = _dot(b, e)
    return e, [x - along * y for x, y in zip(b, e, strict=True)], along


def pair_angle(ctx, a: Sequence, b: Sequence) -> tuple:
    """(θ, cos θ, sin θ) of the angle between non-zero a and b."""
    _, p, along = _rejection(ctx, a, b)
    across, b_norm = norm(ctx, p), norm(ctx, b)
    return ctx.atan2(across, along), along / b_norm, across / b_norm


def _signed_units(student: Rows, teacher: Rows) -> list[tuple[Sequence, int]]:
    return [(w, 1) for w in student] + [(w, -1) for w in teacher]


def loss(ctx, student: Rows, teacher: Rows):
    """J = ½ Σ_a Σ_b s_a s_b ‖u_a‖‖u_b‖ κ(θ_ab); the diagonal terms are ‖u_a‖²/2 exactly."""
    units = _signed_units(student, teacher)
    total = 0
    for i, (u, s) in enumerate(units):
        total = total + norm(ctx, u) ** 2 / 4
        for v, t in units[i + 1:]:
            theta, cosine, sine = pair_angle(ctx, u, v)
            total = total + s * t * norm(ctx, u) * norm(ctx, v) * terms.kernel_angular(
                theta, cosine, sine, ctx.pi)
    return total


def gradient(ctx, student: Rows, teacher: Rows) -> list:
    """∂J/∂W flattened row-major: row j is w_j/2 + Σ_{a≠j} s_a (c_u u_a + ‖u_a‖ c_e e_j)."""
    flat = []
    for j, w in enumerate(student):
        w_norm = norm(ctx, w)
        row = [x / 2 for x in w]
        for a, (u, s) in enumerate(_signed_units(student, teacher)):
            if a == j:
                continue
            theta, cosine, sine = pair_angle(ctx, w, u)
            c_u = s * terms.gating_u_coefficient(theta, cosine, sine, ctx.pi)
            c_e = s * norm(ctx, u) * terms.gating_e_coefficient(theta, cosine, sine, ctx.pi) / w_norm
            row = [r + c_u * ui + c_e * wi for r, ui, wi in zip(row, u, w, strict=True)]
        flat.extend(row)
    return flat


def _frame(ctx, w: Sequence, u: Sequence) -> tuple:
    """e = w/‖w‖, n = p/‖p‖ (zero for an exactly parallel pair in mpmath) and (θ, cos θ, sin θ)."""
    e, p, along = _rejection(ctx, w, u)
    across, u_norm = norm(ctx, p), norm(ctx, u)
    n = [x / across for x in p] if ctx is not _mp or across != 0 else [0] * len(p)
    return e, n, (ctx.atan2(across, along), along / u_norm, across / u_norm)


def _add_block(block: list, coefficients: dict, e: Sequence, n: Sequence) -> None:
    """block += Σ coefficient · basis matrix (basis I, e eᵀ, e nᵀ, n eᵀ, n nᵀ)."""
    left_e = [coefficients["ee"] * x + coefficients["en"] * y for x, y in zip(e, n, strict=True)]
    left_n = [coefficients["ne"] * x + coefficients["nn"] * y for x, y in zip(e, n, strict=True)]
    for r in range(len(e)):
        row = block[r]
        for c in range(len(e)):
            row[c] = row[c] + e[r] * left_e[c] + n[r] * left_n[c]
        row[r] = row[r] + coefficients["identity"]


def hessian(ctx, student: Rows, teacher: Rows) -> list[list]:
    """∂²J/∂W² as a (K·d) × (K·d) list of rows, row-major over (unit, coordinate) (see hessian.py)."""
    count, d = len(student), len(student[0])
    size = count * d
    matrix = [[0] * size for _ in range(size)]
    units = _signed_units(student, teacher)
    for j, w in enumerate(student):
        w_norm = norm(ctx, w)
        diagonal = [[0] * d for _ in range(d)]
        for r in range(d):
            diagonal[r][r] = ctx.mpf(1) / 2
        for a, (u, s) in enumerate(units):
            if a == j:
                continue
            e, n, angle = _frame(ctx, w, u)
            weight = s * norm(ctx, u) / w_norm
            _add_block(diagonal, {name: weight * getattr(terms, f"hessian_self_{name}")(*angle, ctx.pi)
                                  for name in BASIS}, e, n)
            if a < count:
                block = [[0] * d for _ in range(d)]
                _add_block(block, {name: getattr(terms, f"hessian_cross_{name}")(*angle, ctx.pi)
                                   for name in BASIS}, e, n)
                _place(matrix, block, j, a)
        _place(matrix, diagonal, j, j)
    return matrix


def _place(matrix: list, block: list, j: int, l_index: int) -> None:
    d = len(block)
    for r in range(d):
        matrix[j * d + r][l_index * d:(l_index + 1) * d] = block[r]
