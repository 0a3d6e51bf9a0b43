"""The population Hessian ∂²J/∂W² in NumPy (derivation hessian).

With the signed units u_a (student rows s = +1, teacher rows s = −1), e_j = w_j/‖w_j‖ and, for each
pair, n the unit vector of û_a − (û_a·e_j)e_j, the (unit, coordinate) blocks are

    H_jl = C(θ_jl) = c_I I + c_ee e_j e_jᵀ + c_en e_j nᵀ + c_ne n e_jᵀ + c_nn n nᵀ (j ≠ l),
    H_jj = I/2 + Σ_{a≠j} s_a ‖u_a‖/‖w_j‖ · S(θ_ja),   S likewise with the self coefficients,

every coefficient printed by ``symderive build`` from the derivation (symderive._generated.
second_order_terms).  n is undefined where u_a ∥ w_j, but every n-coefficient vanishes there (θ ∈
{0, π}), so n = 0 is used: the Hessian is continuous at parallel and antiparallel pairs.  It does
not exist at a zero student row, which raises ValueError.
"""

from __future__ import annotations

import numpy as np

from symderive._generated import second_order_terms as terms
from symderive.geometry import pairwise_angles, row_norms, unit_rows
from symderive.second_order import c_hessian
from symderive.validation import check_option, weights_pair

BASIS = ("identity", "ee", "en", "ne", "nn")


def _coefficients(kind: str, theta, cosine, sine) -> dict[str, np.ndarray]:
    """The five frame coefficients of C (kind "cross") or S/(‖b‖/‖a‖) (kind "self"), shape of
    theta."""
    return {
        name: np.broadcast_to(
            getattr(terms, f"hessian_{kind}_{name}")(theta, cosine, sine, np.pi), theta.shape)
        for name in BASIS
    }


def _normals(directions: np.ndarray, others: np.ndarray, cosine: np.ndarray) -> np.ndarray:
    """n for every pair: the unit vector of o − (o·e)e, zero where o ∥ e.  Shape (..., K, M, d)."""
    rejection = others[..., None, :, :] - cosine[..., None] * directions[..., :, None, :]
    return unit_rows(rejection, row_norms(rejection))


def _pair_blocks(coefficients: dict, e: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Σ coefficient · basis matrix for every pair: (..., K, M, d, d) from e (..., K, 1, d),
    n (..., K, M, d)."""
    e = np.broadcast_to(e, n.shape)
    identity = np.eye(n.shape[-1])
    return (coefficients["identity"][..., None, None] * identity
            + coefficients["ee"][..., None, None] * e[..., :, None] * e[..., None, :]
            + coefficients["en"][..., None, None] * e[..., :, None] * n[..., None, :]
            + coefficients["ne"][..., None, None] * n[..., :, None] * e[..., None, :]
            + coefficients["nn"][..., None, None] * n[..., :, None] * n[..., None, :])


def _summed_blocks(coefficients: dict, e: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Σ_a of the pair blocks of row j, (..., K, d, d), without forming every (d, d) block."""
    identity = np.eye(n.shape[-1])
    along_e = coefficients["en"][..., None] * n  # Σ_a c_en n_a, then its outer product with e
    return (coefficients["identity"].sum(axis=-1)[..., None, None] * identity
            + coefficients["ee"].sum(axis=-1)[..., None, None] * e[..., :, None] * e[..., None, :]
            + e[..., :, None] * along_e.sum(axis=-2)[..., None, :]
            + (coefficients["ne"][..., None] * n).sum(axis=-2)[..., :, None] * e[..., None, :]
            + np.swapaxes(coefficients["nn"][..., None] * n, -1, -2) @ n)


def population_hessian(W, W_star, backend: str = "numpy") -> np.ndarray:
    """∂²J/∂W², shape (..., K·d, K·d), row-major over (unit, coordinate): entry (j·d + r, l·d + c)
    is ∂²J/∂W[j, r]∂W[l, c].  W has shape (..., K, d) (rows are units), W_star (..., K*, d).

    Raises ValueError at a zero student row, where the Hessian does not exist (its self block grows
    like 1/‖w_j‖).  Memory is O(K² d² + K (K + K*) d) per network.  ``backend`` "numpy" (default) or
    "c" (the generated C kernel, compiled at first use; the same formulas).
    """
    check_option("backend", backend, ("numpy", "c"))
    student, teacher = weights_pair(W, W_star)
    batch = np.broadcast_shapes(student.shape[:-2], teacher.shape[:-2])
    student = np.broadcast_to(student, batch + student.shape[-2:])
    teacher = np.broadcast_to(teacher, batch + teacher.shape[-2:])
    count, d = student.shape[-2:]
    if backend == "c":
        flat = np.ascontiguousarray(student).reshape((-1, count, d))
        teachers = np.ascontiguousarray(teacher).reshape((-1,) + teacher.shape[-2:])
        return c_hessian.hessian(flat, teachers).reshape(batch + (count * d, count * d))
    student_norms = row_norms(student)
    if np.any(student_norms == 0):
        raise ValueError("W has a zero row: the Hessian does not exist at a zero student unit")
    units = np.concatenate([student, teacher], axis=-2)
    norms = row_norms(units)
    directions = unit_rows(units, norms)
    signs = np.concatenate([np.ones(count), -np.ones(teacher.shape[-2])])
    e = directions[..., :count, :]
    theta, cosine, sine = pairwise_angles(e, directions)
    normals = _normals(e, directions, cosine)

    cross = _pair_blocks(_coefficients("cross", theta[..., :count], cosine[..., :count],
                                       sine[..., :count]),
                         e[..., :, None, :], normals[..., :count, :])
    # Self blocks: Σ_a s_a ‖u_a‖/‖w_j‖ S(θ_ja) over a ≠ j (the pair (j, j) is the I/2 of
    # G(w, w) = w/2).
    weights = signs * norms[..., None, :] / student_norms[..., :, None]
    weights[..., np.arange(count), np.arange(count)] = 0.0
    self_coefficients = {name: weights * value for name, value in
                         _coefficients("self", theta, cosine, sine).items()}
    self_blocks = _summed_blocks(self_coefficients, e, normals)
    cross[..., np.arange(count), np.arange(count), :, :] = self_blocks + np.eye(d) / 2
    return np.swapaxes(cross, -3, -2).reshape(batch + (count * d, count * d))
