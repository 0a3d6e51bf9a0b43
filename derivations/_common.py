"""Notation and numeric helpers shared by the derivation modules.

Symbols carry the names the LaTeX emitter prints; numeric helpers evaluate *defining* integrands
(ReLUs and indicators as written) and closed forms in mpmath or NumPy.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import mpmath
import numpy as np
import sympy

from symderive.engine.defining import dot, gate, relu

THETA = sympy.Symbol("theta", real=True)
W_NORM = sympy.Symbol("n_w", positive=True)
A_NORM = sympy.Symbol("n_a", positive=True)
B_NORM = sympy.Symbol("n_b", positive=True)


def mp_function(expr: sympy.Basic, *symbols: sympy.Symbol):
    """expr as an mpmath function of the given symbols (evaluated at the working precision)."""
    return sympy.lambdify(symbols, expr, modules="mpmath")


def np_function(expr: sympy.Basic, *symbols: sympy.Symbol):
    """expr as a NumPy function of the given symbols."""
    return sympy.lambdify(symbols, expr, modules="numpy")


def mp_norm(u: Sequence) -> mpmath.mpf:
    return mpmath.sqrt(dot(u, u))


def mp_angle(u: Sequence, v: Sequence) -> mpmath.mpf:
    """The angle between u and v as atan2(‖u ∧ v‖, u·v), with ‖u ∧ v‖² = ‖u‖²‖v‖² − (u·v)²."""
    uv = dot(u, v)
    wedge = mpmath.sqrt(max(dot(u, u) * dot(v, v) - uv**2, mpmath.mpf(0)))
    return mpmath.atan2(wedge, uv)


def np_angle(u: np.ndarray, v: np.ndarray) -> float:
    """The angle between u and v as atan2(‖û − v̂‖, ‖û + v̂‖)·2 (Kahan), accurate near 0 and π."""
    u_hat, v_hat = u / np.linalg.norm(u), v / np.linalg.norm(v)
    return 2.0 * float(np.arctan2(np.linalg.norm(u_hat - v_hat), np.linalg.norm(u_hat + v_hat)))


def random_vectors(rng: random.Random, count: int, dimension: int, scale: float = 1.0) -> list:
    """``count`` random vectors (lists of mpf) with independent uniform(−scale, scale)
    coordinates."""
    return [
        [mpmath.mpf(rng.uniform(-scale, scale)) for _ in range(dimension)] for _ in range(count)
    ]


def network_output(weights: Sequence[Sequence], x: Sequence) -> mpmath.mpf:
    """g(x; W) = Σ_j relu(w_j·x) in mpmath."""
    return mpmath.fsum(relu(dot(w, x)) for w in weights)


def np_network_output(weights: np.ndarray, x: np.ndarray) -> np.ndarray:
    """g(x; W) for samples x of shape (n, d): Σ_j relu(x·w_j), shape (n,)."""
    return np.maximum(x @ np.asarray(weights, dtype=float).T, 0.0).sum(axis=1)




def signed_units(student: Sequence, teacher: Sequence) -> list[tuple[Sequence, int]]:
    """The student rows with sign +1 and the teacher rows with sign −1:
    g − g* = Σ s_a relu(u_a·x)."""
    return [(w, 1) for w in student] + [(w, -1) for w in teacher]


def mp_population_loss(student: Sequence, teacher: Sequence, kernel) -> mpmath.mpf:
    """J = ½ Σ_a Σ_b s_a s_b k(u_a, u_b) with kernel(‖a‖, ‖b‖, angle) (zero rows contribute 0)."""
    units = [(u, s) for u, s in signed_units(student, teacher) if mp_norm(u) > 0]
    return mpmath.fsum(
        s * t * kernel(mp_norm(u), mp_norm(v), mp_angle(u, v)) for u, s in units for v, t in units
    ) / 2


def mp_population_gradient(student: Sequence, teacher: Sequence, c_w, c_e) -> list:
    """∇_{w_j} J = Σ_a s_a E[F(e_j, u_a)], E[F(e, u)] = c_w(θ, ‖u‖) u + c_e(θ, ‖u‖) e; flat list."""
    gradient = []
    for w in student:
        norm = mp_norm(w)
        e = [wi / norm for wi in w]
        row = [mpmath.mpf(0)] * len(w)
        for u, s in signed_units(student, teacher):
            if mp_norm(u) == 0:
                continue
            theta, u_norm = mp_angle(e, u), mp_norm(u)
            row = [r + s * (c_w(theta, u_norm) * ui + c_e(theta, u_norm) * ei)
                   for r, ui, ei in zip(row, u, e, strict=True)]
        gradient.extend(row)
    return gradient


__all__ = [
    "A_NORM",
    "B_NORM",
    "THETA",
    "W_NORM",
    "dot",
    "gate",
    "mp_angle",
    "mp_function",
    "mp_norm",
    "mp_population_gradient",
    "mp_population_loss",
    "np_angle",
    "np_function",
    "np_network_output",
    "network_output",
    "random_vectors",
    "relu",
    "signed_units",
]
