"""Runtime API of symderive.critical against independent evaluations (population_gradient, the
derivation's closed forms, finite differences, gradient descent)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy

import symderive
from derivations.separable_l import ALPHA, THETA_1, THETA_2, _stated_l
from symderive.critical import (
    normal_equation_matrices,
    symmetric_coordinates,
    symmetric_fixed_point,
    symmetric_jacobian_eigenvalues,
    symmetric_weights,
    two_relu_L,
)

RNG_SEED = 20170301


def _split_l(M, M_star, K):
    diag = [j * K + j for j in range(K)]
    off = [j * K + jp for j in range(K) for jp in range(K) if jp != j]
    return M_star[off] - M[off] @ np.linalg.solve(M[diag], M_star[diag])


@pytest.mark.parametrize("K, K_star, d", [(2, 2, 2), (3, 3, 2), (4, 4, 2), (3, 2, 5)])
def test_normal_equations_equal_projected_gradient(K, K_star, d):
    rng = np.random.default_rng(RNG_SEED + K + d)
    W, W_star = rng.standard_normal((K, d)), rng.standard_normal((K_star, d))
    M, M_star = normal_equation_matrices(W, W_star)
    assert M.shape == (K * K, K) and M_star.shape == (K * K, K_star)
    residual = M @ np.linalg.norm(W, axis=1) - M_star @ np.linalg.norm(W_star, axis=1)
    gradient = symderive.population_gradient(W, W_star)
    e = W / np.linalg.norm(W, axis=1, keepdims=True)
    projected = 2 * np.pi * (gradient @ e.T).reshape(-1)  # row j, column j' -> index j*K + j'
    np.testing.assert_allclose(residual, projected, rtol=0, atol=1e-12 * np.abs(M).sum())


def test_normal_equations_hand_computed_orthogonal_pair():
    # e_1 ⟂ e_2: theta_12 = pi/2, so M[(1,1)] = (pi, 1), M[(1,2)] = (0, pi/2), M[(2,1)] = (pi/2, 0),
    # M[(2,2)] = (1, pi).
    M, _ = normal_equation_matrices([[2.0, 0.0], [0.0, 3.0]], [[1.0, 1.0]])
    expected = np.array([[np.pi, 1.0], [0.0, np.pi / 2], [np.pi / 2, 0.0], [1.0, np.pi]])
    np.testing.assert_allclose(M, expected, atol=1e-15)


def test_normal_equations_vanish_at_the_teacher():
    rng = np.random.default_rng(RNG_SEED)
    W_star = rng.standard_normal((3, 2))
    M, M_star = normal_equation_matrices(W_star, W_star)
    np.testing.assert_allclose(M, M_star, atol=0)
    L = _split_l(M, M_star, 3)
    np.testing.assert_allclose(L @ np.linalg.norm(W_star, axis=1), 0, atol=1e-12)


@pytest.mark.parametrize(
    "W, W_star, message",
    [
        ([[1.0, 0.0], [0.0, 0.0]], [[1.0, 0.0]], "zero row"),
        ([[1.0, 0.0]], [[0.0, 0.0]], "zero row"),
        ([[np.nan, 0.0]], [[1.0, 0.0]], "NaN"),
        ([[1.0, 0.0]], [[1.0, 0.0, 0.0]], "same d"),
        ([[[1.0, 0.0]]], [[1.0, 0.0]], "2-D"),
    ],
)
def test_normal_equations_bad_input(W, W_star, message):
    with pytest.raises(ValueError, match=message):
        normal_equation_matrices(W, W_star)


def test_two_relu_L_matches_closed_form_and_general_route():
    closed = sympy.lambdify((ALPHA, THETA_1, THETA_2), _stated_l()[0], modules="numpy")
    rng = np.random.default_rng(RNG_SEED)
    for alpha, beta in zip(rng.uniform(0.05, np.pi, 20), rng.uniform(-np.pi, np.pi, 20),
                           strict=True):
        students = np.array([[1.0, 0.0], [np.cos(alpha), np.sin(alpha)]])
        teacher = np.array([np.cos(beta), np.sin(beta)])
        theta = [math.atan2(abs(s[0] * teacher[1] - s[1] * teacher[0]), s @ teacher)
                 for s in students]
        expected = np.asarray(closed(alpha, *theta), dtype=float).ravel()
        l12, l21 = two_relu_L(alpha, beta)
        np.testing.assert_allclose([l12, l21], expected, rtol=1e-10, atol=1e-12)
        general = _split_l(*normal_equation_matrices(students, teacher[None, :]), 2)[:, 0]
        np.testing.assert_allclose([l12, l21], general, rtol=1e-10, atol=1e-12)


def test_two_relu_L_vanishes_for_a_teacher_on_a_student_and_mirrors():
    alphas = np.linspace(0.1, 3.0, 7)
    for beta in (0.0, alphas):
        l12, l21 = two_relu_L(alphas, beta)
        np.testing.assert_allclose(l12, 0, atol=1e-12)
        np.testing.assert_allclose(l21, 0, atol=1e-12)
    # Reflection across the x-axis: students (1,0), (cos(-a), sin(-a)) and teacher at -beta.
    np.testing.assert_allclose(two_relu_L(-1.1, -0.4), two_relu_L(1.1, 0.4), rtol=1e-13)
    # Swapping the students (reflection across their bisector) exchanges L_12 and L_21.
    l12, l21 = two_relu_L(1.1, 0.4)
    np.testing.assert_allclose(two_relu_L(1.1, 1.1 - 0.4), (l21, l12), rtol=1e-12)


def test_two_relu_L_broadcasts_into_the_sign_map():
    alphas, betas = np.linspace(0.2, 3.0, 5), np.linspace(-3.0, 3.0, 11)
    l12, l21 = two_relu_L(alphas[:, None], betas[None, :])
    assert l12.shape == l21.shape == (5, 11)
    inside = (betas[None, :] > 0) & (betas[None, :] < alphas[:, None])
    assert np.all((l12 > 0) == inside)


@pytest.mark.parametrize("alpha", [0.0, 2 * np.pi, -4 * np.pi, 1e-9])
def test_two_relu_L_rejects_parallel_students(alpha):
    with pytest.raises(ValueError, match="singular"):
        two_relu_L(alpha, 0.3)


@pytest.mark.parametrize("alpha, beta", [(np.nan, 0.0), (1.0, np.inf), ("a", 0.0)])
def test_two_relu_L_rejects_non_finite(alpha, beta):
    with pytest.raises(ValueError):
        two_relu_L(alpha, beta)


def _reduced_field(K: int, x: float, y: float) -> np.ndarray:
    """(dx/dt, dy/dt) from the full K-unit population gradient (W* = I_K)."""
    gradient = symderive.population_gradient(symmetric_weights(K, x, y), np.eye(K))
    return -np.array([gradient[0, 0], gradient[0, 1]])


@pytest.mark.parametrize("K", [2, 3, 7])
def test_symmetric_fixed_point_is_a_zero_of_the_full_gradient(K):
    x_s = symmetric_fixed_point(K)
    np.testing.assert_allclose(_reduced_field(K, x_s, x_s), 0, atol=1e-14)
    # Gradient descent along the symmetric line lands on it.
    weights = symmetric_weights(K, 0.3, 0.3)
    for _ in range(200):
        weights -= symderive.population_gradient(weights, np.eye(K)) / K
    np.testing.assert_allclose(symmetric_coordinates(weights), (x_s, x_s), atol=1e-12)


@pytest.mark.parametrize("K", [2, 3, 7])
def test_symmetric_jacobian_eigenvalues_against_finite_differences(K):
    # The flow contains |x - y|(x - y) terms (the student-student angle is Lipschitz, not smooth),
    # so the central difference has an O(h) error, not O(h^2): a small h balances it against
    # rounding.
    x_s, h = symmetric_fixed_point(K), 1e-8
    columns = [(_reduced_field(K, x_s + dx, x_s + dy) - _reduced_field(K, x_s - dx, x_s - dy))
               / (2 * h)
               for dx, dy in ((h, 0), (0, h))]
    numeric = np.sort(np.linalg.eigvals(np.column_stack(columns)).real)
    lower, upper = symmetric_jacobian_eigenvalues(K)
    assert lower < 0 < upper
    np.testing.assert_allclose([lower, upper], numeric, rtol=1e-6)


def test_paper_value_of_x_s_for_K_2():
    # x_s = (1 - pi/4 + pi) / (2 pi) for K = 2.
    assert symmetric_fixed_point(2) == pytest.approx((1 - np.pi / 4 + np.pi) / (2 * np.pi),
                                                     rel=1e-15)


@pytest.mark.parametrize("K", [1, 0, -3, 2.5, True, "3"])
def test_symmetric_functions_reject_bad_K(K):
    for function in (symmetric_fixed_point, symmetric_jacobian_eigenvalues):
        with pytest.raises(ValueError, match="K"):
            function(K)


def test_symmetric_coordinates_round_trip_and_shape_errors():
    x, y = symmetric_coordinates(symmetric_weights(4, 0.7, -0.2))
    assert (x, y) == pytest.approx((0.7, -0.2), rel=1e-15)
    batch = np.stack([symmetric_weights(3, 1.0, 0.0), symmetric_weights(3, 0.5, 0.5)])
    np.testing.assert_allclose(np.array(symmetric_coordinates(batch)), [[1.0, 0.5], [0.0, 0.5]])
    with pytest.raises(ValueError, match="square"):
        symmetric_coordinates(np.ones((2, 3)))
