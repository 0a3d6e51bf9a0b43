"""Newton refinement and interval certificates, on a spurious minimum of Safran & Shamir's k = 6
case."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

import symderive
from derivations._common import A_NORM, B_NORM, THETA, mp_function, mp_population_loss
from symderive.second_order.census import xavier_starts
from symderive.second_order.certify import CertificationError

K = 6
#: start 187 of 400 Xavier starts (seed 2018) ends, by gradient descent, in a spurious minimum
SEED, STARTS, SPURIOUS_START = 2018, 400, 187


@pytest.fixture(scope="module")
def spurious_end_point() -> np.ndarray:
    start = xavier_starts(np.random.default_rng(SEED), STARTS, K, K)[SPURIOUS_START]
    return symderive.gradient_descent(start, np.eye(K), lr=0.1, steps=100_000, tol=1e-6).weights


@pytest.fixture(scope="module")
def refined(spurious_end_point):
    return symderive.refine_critical_point(spurious_end_point, np.eye(K), digits=40)


@pytest.fixture(scope="module")
def certificate(refined):
    return symderive.certify_critical_point(refined.weights, np.eye(K))


def test_newton_reaches_the_tolerance_and_mpmath_continues(refined):
    assert refined.converged and refined.gradient_norm <= 1e-14
    assert refined.exact_gradient_norm <= mpmath.mpf(10) ** -40
    # spurious, not global
    assert float(symderive.population_loss(refined.weights, np.eye(K))) >= 1e-3


def test_certificate_proves_a_strict_minimum(certificate, refined):
    assert certificate.is_minimum
    assert 0 < certificate.radius <= 1e-10
    eigenvalues = np.linalg.eigvalsh(symderive.population_hessian(refined.weights, np.eye(K)))
    assert 0 < certificate.hessian_min_eigenvalue_lower_bound <= eigenvalues[0]
    assert certificate.hessian_min_eigenvalue_lower_bound >= 0.99 * eigenvalues[0]
    assert certificate.min_row_norm_lower_bound > 0 and certificate.min_pair_sine_lower_bound > 0
    low, high = certificate.loss_interval
    assert 0 < high - low <= 1e-12
    assert np.array_equal(certificate.centre, refined.weights)


def test_the_40_digit_critical_point_lies_in_the_ball(certificate, refined, results):
    """The chord iteration in mpmath (independent of the interval proof) lands inside the ball, and
    its loss, from the derived kernel at 40 digits, inside the loss enclosure."""
    kernel = mp_function(results["arccos_kernel"].exports["kernel"], A_NORM, B_NORM, THETA)
    with mpmath.workdps(50):
        offsets = [abs(x - mpmath.mpf(float(c))) for row, centre_row in
                   zip(refined.exact_weights, certificate.centre, strict=True)
                   for x, c in zip(row, centre_row, strict=True)]
        assert max(offsets) <= certificate.radius
        teacher = [[mpmath.mpf(int(i == j)) for j in range(K)] for i in range(K)]
        loss = mp_population_loss(refined.exact_weights, teacher, kernel)
    low, high = certificate.loss_interval
    assert low <= loss <= high


def test_as_dict_is_json_ready(certificate):
    fields = certificate.as_dict()
    assert fields["is_minimum"] is True and len(fields["centre"]) == K
    assert fields["loss_interval"] == list(certificate.loss_interval)


def test_global_minimum_has_parallel_rows_and_is_refused():
    """At W = W* every student row is parallel to a teacher row: the ball is not certified."""
    teacher = np.array([[1.0, 0.2, 0.0], [0.1, -1.0, 0.5]])
    with pytest.raises(CertificationError, match="parallel"):
        symderive.certify_critical_point(teacher, teacher)


def test_non_critical_point_is_refused():
    rng = np.random.default_rng(3)
    with pytest.raises(CertificationError, match="Newton step"):
        symderive.certify_critical_point(rng.standard_normal((3, 4)), rng.standard_normal((2, 4)))


@pytest.mark.parametrize("call",
                         [symderive.refine_critical_point, symderive.certify_critical_point])
def test_bad_input_raises(call):
    with pytest.raises(ValueError, match="NaN"):
        call(np.array([[np.nan, 1.0]]), np.eye(2))
    with pytest.raises(ValueError, match="one network"):
        call(np.ones((2, 2, 2)), np.eye(2))


def test_refine_rejects_bad_options():
    with pytest.raises(ValueError, match="tol"):
        symderive.refine_critical_point(np.eye(2), np.eye(2), tol=-1.0)
    with pytest.raises(ValueError, match="digits"):
        symderive.refine_critical_point(np.eye(2), np.eye(2), digits=0)


def test_a_saddle_is_certified_as_a_critical_point_but_not_a_minimum():
    """Newton (merit ‖∇J‖) from the 4th of four seeded starts (k = 3) lands on a saddle."""
    rng = np.random.default_rng(0)
    start = [rng.standard_normal((3, 3)) / np.sqrt(3) for _ in range(4)][3]
    point = symderive.refine_critical_point(start, np.eye(3), max_iterations=100)
    assert point.converged
    certificate = symderive.certify_critical_point(point.weights, np.eye(3))
    smallest = np.linalg.eigvalsh(symderive.population_hessian(point.weights, np.eye(3)))[0]
    assert smallest < 0 and not certificate.is_minimum
    assert smallest - 1e-6 <= certificate.hessian_min_eigenvalue_lower_bound <= smallest


def test_rumps_test_refuses_non_finite_matrices():
    from symderive.second_order.certify import _cholesky_proves_positive

    assert not _cholesky_proves_positive(np.array([[1.0, np.nan], [np.nan, 1.0]]))
    assert not _cholesky_proves_positive(np.full((2, 2), np.nan))
    assert _cholesky_proves_positive(np.eye(3))
