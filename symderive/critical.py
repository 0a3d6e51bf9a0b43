"""Critical points and symmetric dynamics (Tian 2017, Sections 5 and 6), NumPy runtime.

Weights are (K, d) arrays whose rows are hidden units (the paper stacks columns).  What the
functions return is derived and verified in derivations/normal_equations_matrix.py, separable_l.py
and symmetric_dynamics.py:

* normal equations (paper's normalization, no 1/(2π)): 2π e_j′·∇_{w_j}J = (M‖w‖ − M*‖w*‖)_{(j, j′)},
  M[(j, j′), k] = (π − θ_jk) cos∠(u_k, e_j′) + sin θ_jk cos∠(e_j, e_j′),
  rows (1, 1), (1, 2), ..., (K, K);
* L = M*_off − M_off M_r⁻¹ M*_r (rows (j, j) form M_r), for K = 2 students e_1 = (1, 0),
  e_2 = (cos α, sin α) and one unit teacher (cos β, sin β): (L_12, L_21);
* the symmetric family w_j = x e_j + y Σ_{k≠j} e_k with W* = I_K: the saddle (x_s, x_s),
  x_s = (√(K−1) − arccos(1/√K) + π)/(πK), and its Jacobian eigenvalues −K/2 and
  K²/(2√(K−1)(√(K−1) − arccos(1/√K) + π)).
"""

from __future__ import annotations

import math
from numbers import Integral

import numpy as np

from symderive.geometry import pairwise_angles, row_norms, unit_rows
from symderive.validation import as_float_array

#: det(M_r)/π² below this is treated as singular (students parallel to working precision).
SINGULARITY_TOLERANCE = 1e-12


def _directions(rows: np.ndarray, name: str) -> np.ndarray:
    norms = row_norms(rows)
    if np.any(norms == 0):
        raise ValueError(f"{name} has a zero row: the normal equations need every unit's direction")
    return unit_rows(rows, norms)


def _entries(theta: np.ndarray, cos_u: np.ndarray, cos_e: np.ndarray) -> np.ndarray:
    """The paper's entry (π − θ) cos∠(u, e_j′) + sin θ cos∠(e_j, e_j′) (broadcast)."""
    return (np.pi - theta) * cos_u + np.sin(theta) * cos_e


def normal_equation_matrices(W, W_star) -> tuple[np.ndarray, np.ndarray]:
    """(M, M*) of the normal equations M‖w‖ = M*‖w*‖, shapes (K², K) and (K², K*).

    W is (K, d), W_star is (K*, d); row (j, j′) is row index j·K + j′ (0-based), column k is unit k.
    Every row of W and W_star must be non-zero (the entries use directions only).
    """
    student = as_float_array(W, "W", 2)
    teacher = as_float_array(W_star, "W_star", 2)
    if student.ndim != 2 or teacher.ndim != 2:
        raise ValueError(f"W and W_star must be 2-D (K, d) arrays, got {student.shape}, "
                         f"{teacher.shape}")
    if student.shape[1] != teacher.shape[1]:
        raise ValueError(f"W and W_star must have the same d: {student.shape[1]} != "
                         f"{teacher.shape[1]}")
    e = _directions(student, "W")
    K = e.shape[0]
    cos_e = e @ e.T  # (j, j′)

    def matrix(u: np.ndarray) -> np.ndarray:
        theta = pairwise_angles(e, u)[0]  # (j, k)
        cos_u = (u @ e.T).T  # (j′, k)
        return _entries(theta[:, None, :], cos_u[None, :, :], cos_e[:, :, None]).reshape(K * K, -1)

    return matrix(e), matrix(_directions(teacher, "W_star"))


def two_relu_L(alpha, beta) -> tuple[np.ndarray, np.ndarray]:
    """(L_12, L_21) for students e_1 = (1, 0), e_2 = (cos α, sin α) and the teacher (cos β, sin β).

    alpha and beta broadcast (radians, any real value).  M_r is singular exactly when the students
    are parallel (α ≡ 0 mod 2π); a ValueError is raised there (and where det M_r/π² < 1e-12, i.e.
    |α mod 2π| ≲ 1e-6, where L is not numerically meaningful).  The sign of L_12 over a grid of
    (α, β) is the paper's sign map: ``np.sign(two_relu_L(A[:, None], B[None, :])[0])``.
    """
    alpha = as_float_array(alpha, "alpha", 0)
    beta = as_float_array(beta, "beta", 0)
    alpha, beta = np.broadcast_arrays(alpha, beta)
    student_angle = np.arctan2(np.abs(np.sin(alpha)), np.cos(alpha))
    theta_1 = np.arctan2(np.abs(np.sin(beta)), np.cos(beta))
    theta_2 = np.arctan2(np.abs(np.sin(beta - alpha)), np.cos(beta - alpha))
    cos_a = np.cos(alpha)
    f = _entries(student_angle, cos_a, 1.0)  # M_r off-diagonal
    g = _entries(student_angle, 1.0, cos_a)  # M[(1, 2), 2] = M[(2, 1), 1]
    det = np.pi**2 - f**2
    if np.any(det < SINGULARITY_TOLERANCE * np.pi**2):
        raise ValueError("M_r is singular at alpha ≡ 0 (mod 2π): the two students are parallel")
    h_1 = _entries(theta_1, np.cos(theta_1), 1.0)  # M*[(1, 1)]
    h_2 = _entries(theta_2, np.cos(theta_2), 1.0)  # M*[(2, 2)]
    r_1 = (np.pi * h_1 - f * h_2) / det  # (M_r⁻¹ M*_r)_1
    r_2 = (np.pi * h_2 - f * h_1) / det
    l_12 = _entries(theta_1, np.cos(theta_2), cos_a) - (np.pi * cos_a * r_1 + g * r_2)
    l_21 = _entries(theta_2, np.cos(theta_1), cos_a) - (g * r_1 + np.pi * cos_a * r_2)
    return l_12[()], l_21[()]


def _width(K) -> int:
    if isinstance(K, bool) or not isinstance(K, Integral):
        raise ValueError(f"K must be an integer number of units, got {K!r}")  # noqa: TRY004 (API: ValueError)
    if K < 2:
        raise ValueError(f"the symmetric family needs K >= 2 units, got K = {K}")
    return int(K)


def symmetric_fixed_point(K) -> float:
    """x_s = (√(K−1) − arccos(1/√K) + π)/(πK): the saddle (x_s, x_s) of the symmetric dynamics."""
    K = _width(K)
    root = math.sqrt(K - 1)
    return (root - math.atan2(root, 1.0) + math.pi) / (math.pi * K)


def symmetric_jacobian_eigenvalues(K) -> tuple[float, float]:
    """Eigenvalues of the symmetric flow's Jacobian at (x_s, x_s), ascending: −K/2 (along x = y) and
    K²/(2√(K−1)(√(K−1) − arccos(1/√K) + π)) > 0 (a saddle)."""
    K = _width(K)
    root = math.sqrt(K - 1)
    return -K / 2, K**2 / (2 * root * (root - math.atan2(root, 1.0) + math.pi))


def symmetric_weights(K, x, y) -> np.ndarray:
    """The (K, K) student matrix with rows w_j = x e_j + y Σ_{k≠j} e_k (teacher W* = I_K)."""
    K = _width(K)
    x = float(as_float_array(x, "x", 0))
    y = float(as_float_array(y, "y", 0))
    return np.full((K, K), y) + (x - y) * np.eye(K)


def symmetric_coordinates(W) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) of a (..., K, K) student matrix: the means of its diagonal and off-diagonal entries.

    Exact on the symmetric family; the least-squares projection onto it otherwise (for plotting
    gradient-descent paths in the (x, y) plane).
    """
    weights = as_float_array(W, "W", 2)
    K = _width(weights.shape[-1])
    if weights.shape[-2] != K:
        raise ValueError(f"W must be square (K, K) with W* = I_K, got shape {weights.shape}")
    diagonal = np.trace(weights, axis1=-2, axis2=-1)
    x = diagonal / K
    y = (weights.sum(axis=(-2, -1)) - diagonal) / (K * (K - 1))
    return x[()], y[()]
