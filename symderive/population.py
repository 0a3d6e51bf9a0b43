"""The runtime API: expected gating, population loss and population gradient (NumPy).

Conventions (see the README): weights are arrays of shape (..., K, d) whose *rows* are hidden units
(the paper stacks them as columns); the teacher W* has shape (..., K*, d) with K* possibly ≠ K; leading
batch dimensions broadcast.  Everything is per sample: the paper's factor N is dropped.

With signed units u_a (student rows, s = +1; teacher rows, s = −1) and the derived pairwise terms of
:mod:`symderive._generated.terms` (κ = k/(‖a‖‖b‖), c_u, c_e):

* J(W) = ½ Σ_a Σ_b s_a s_b ‖u_a‖‖u_b‖ κ(θ_ab)                         (claim population-loss);
* ∇_{w_j} J = Σ_a s_a E[F(e_j, u_a)],  E[F(e, u)] = c_u(θ) u + ‖u‖ c_e(θ) e  (multi-relu-gradient).

Zero rows: a zero student row has no direction.  It contributes nothing to g (relu(0·x) = 0) and we
define its gradient to be zero, which is what automatic differentiation of sampled losses returns
(relu′(0) = 0).  Consequently a zero row stays zero under gradient descent: re-initialise it if that
is not wanted.  Zero teacher rows contribute nothing.
"""

from __future__ import annotations

import numpy as np

from symderive._generated import terms
from symderive.geometry import pairwise_angles, row_norms, unit_rows
from symderive.validation import as_float_array, weights_pair


def _signed_units(student: np.ndarray, teacher: np.ndarray):
    """Broadcast batch shapes; return U = [W; W*] (..., K+K*, d), its norms, unit rows and signs."""
    batch = np.broadcast_shapes(student.shape[:-2], teacher.shape[:-2])
    student = np.broadcast_to(student, batch + student.shape[-2:])
    teacher = np.broadcast_to(teacher, batch + teacher.shape[-2:])
    units = np.concatenate([student, teacher], axis=-2)
    norms = row_norms(units)
    signs = np.concatenate([np.ones(student.shape[-2]), -np.ones(teacher.shape[-2])])
    return units, norms, unit_rows(units, norms), signs


def population_loss(W, W_star) -> np.ndarray | float:
    """J(W) = ½ E[(g(x; W) − g(x; W*))²] for x ~ N(0, I_d), shape W.shape[:-2] (broadcast).

    Closed form: the double sum of the arc-cosine kernel over signed units (see the module doc).
    """
    student, teacher = weights_pair(W, W_star)
    _, norms, directions, signs = _signed_units(student, teacher)
    theta, cosine, sine = pairwise_angles(directions, directions)
    weighted = (signs * norms)[..., :, None] * (signs * norms)[..., None, :]
    loss = 0.5 * np.sum(weighted * terms.kernel_angular(theta, cosine, sine), axis=(-2, -1))
    return loss[()] if loss.ndim == 0 else loss


def population_gradient(W, W_star) -> np.ndarray:
    """dJ/dW, the same shape as W broadcast against W_star's batch shape (gradient descent subtracts it).

    Row j: Σ_a s_a (c_u(θ_ja) u_a + ‖u_a‖ c_e(θ_ja) e_j) (Theorem 1 summed over units); zero for a zero
    row of W (see the module doc).
    """
    student, teacher = weights_pair(W, W_star)
    units, norms, directions, signs = _signed_units(student, teacher)
    student_count = student.shape[-2]
    student_directions = directions[..., :student_count, :]
    theta, cosine, sine = pairwise_angles(student_directions, directions)
    u_coefficients = signs * terms.gating_u_coefficient(theta, cosine, sine)
    e_coefficients = np.sum(signs * norms[..., None, :] * terms.gating_e_coefficient(theta, cosine, sine),
                            axis=-1)
    gradient = u_coefficients @ units + e_coefficients[..., None] * student_directions
    return np.where((norms[..., :student_count] > 0)[..., None], gradient, 0.0)


def expected_gating(e, w) -> np.ndarray:
    """E[F(e, w)] = ((π − θ) w + ‖w‖ sin θ ê) / (2π) per sample (Theorem 1), θ = angle(e, w).

    Only the direction of e matters (the paper takes e a unit vector); e must be non-zero.  e and w
    have shape (..., d) and broadcast.  A zero w gives zero.
    """
    e = as_float_array(e, "e", 1)
    w = as_float_array(w, "w", 1)
    if e.shape[-1] != w.shape[-1]:
        raise ValueError(f"e and w must have the same dimension: {e.shape[-1]} != {w.shape[-1]}")
    e_norm = row_norms(e)
    if np.any(e_norm == 0):
        raise ValueError("e must be non-zero: the gating needs a direction")
    batch = np.broadcast_shapes(e.shape[:-1], w.shape[:-1])
    e_hat = np.broadcast_to(unit_rows(e, e_norm), batch + e.shape[-1:])[..., None, :]
    w = np.broadcast_to(w, batch + w.shape[-1:])[..., None, :]
    w_norm = row_norms(w)
    theta, cosine, sine = pairwise_angles(e_hat, unit_rows(w, w_norm))
    gating = (terms.gating_u_coefficient(theta, cosine, sine) * w
              + (w_norm[..., None] * terms.gating_e_coefficient(theta, cosine, sine)) * e_hat)
    return gating[..., 0, :]
