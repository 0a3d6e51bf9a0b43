"""population_hessian (NumPy) and the mpmath/interval evaluations against independent references."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from conftest import as_mp_rows
from mpmath import iv

import symderive
from derivations._common import A_NORM, B_NORM, THETA, W_NORM, mp_function, mp_population_gradient
from derivations.hessian import mp_population_hessian
from symderive.kernels.c_backend import KernelUnavailableError, compiler
from symderive.second_order import exact


@pytest.fixture(scope="module")
def symbolic(results):
    """mpmath functions of the derived expressions: gradient coefficients and Hessian frame
    terms."""
    gating = results["expected_gating"].exports
    hessian = results["hessian"].exports
    basis = [name.removeprefix("hessian_cross_") for name in hessian
             if name.startswith("hessian_cross_")]
    return {
        "c_w": mp_function(gating["gating_w_coefficient"], THETA, W_NORM),
        "c_e": mp_function(gating["gating_e_coefficient"], THETA, W_NORM),
        "cross": {n: mp_function(hessian[f"hessian_cross_{n}"], THETA) for n in basis},
        "self": {n: mp_function(hessian[f"hessian_self_{n}"], THETA, A_NORM, B_NORM)
                 for n in basis},
    }


def _reference_hessian(symbolic, student: np.ndarray, teacher: np.ndarray) -> np.ndarray:
    """The derived blocks evaluated in mpmath at 50 digits (derivations.hessian)."""
    with mpmath.workdps(50):
        matrix = mp_population_hessian(as_mp_rows(student), as_mp_rows(teacher), symbolic["cross"],
                                       symbolic["self"])
        return np.array(matrix.tolist(), dtype=float)


def _compiler_or_skip():
    try:
        compiler()
    except KernelUnavailableError as error:
        pytest.skip(str(error))


@pytest.mark.parametrize("backend", ["numpy", "c"])
@pytest.mark.parametrize("shape", [(3, 2, 4), (2, 3, 3), (4, 4, 5)])
def test_matches_the_derived_expression_in_mpmath(symbolic, shape, backend):
    if backend == "c":
        _compiler_or_skip()
    student_count, teacher_count, d = shape
    rng = np.random.default_rng(sum(shape))
    student = rng.standard_normal((student_count, d))
    teacher = rng.standard_normal((teacher_count, d))
    hessian = symderive.population_hessian(student, teacher, backend=backend)
    reference = _reference_hessian(symbolic, student, teacher)
    assert hessian.shape == (student_count * d, student_count * d)
    assert np.max(np.abs(hessian - reference)) <= 1e-13 * np.max(np.abs(reference))


def test_is_the_jacobian_of_the_mpmath_gradient(symbolic):
    """Central differences (step 1e-20, 50 digits) of the derived gradient, independent of the
    blocks."""
    rng = np.random.default_rng(5)
    student, teacher = rng.standard_normal((3, 3)), rng.standard_normal((2, 3))
    hessian = symderive.population_hessian(student, teacher)
    with mpmath.workdps(50):
        rows, teacher_rows = as_mp_rows(student), as_mp_rows(teacher)
        step = mpmath.mpf(10) ** -20
        columns = []
        for j in range(3):
            for r in range(3):
                plus = [list(row) for row in rows]
                minus = [list(row) for row in rows]
                plus[j][r] += step
                minus[j][r] -= step
                columns.append([(p - m) / (2 * step) for p, m in zip(
                    mp_population_gradient(plus, teacher_rows, symbolic["c_w"], symbolic["c_e"]),
                    mp_population_gradient(minus, teacher_rows, symbolic["c_w"], symbolic["c_e"]),
                    strict=True)])
        numeric = np.array(columns, dtype=float).T
    assert np.max(np.abs(hessian - numeric)) <= 1e-13 * np.max(np.abs(numeric))


def test_symmetric_batched_and_scale_free():
    rng = np.random.default_rng(8)
    students, teacher = rng.standard_normal((4, 3, 5)), rng.standard_normal((3, 5))
    batched = symderive.population_hessian(students, teacher)
    assert batched.shape == (4, 15, 15)
    for index in range(4):
        single = symderive.population_hessian(students[index], teacher)
        assert np.array_equal(batched[index], single)
        assert np.max(np.abs(single - single.T)) <= 1e-15 * np.max(np.abs(single))
    # J is homogeneous of degree 2 in (W, W*), so the Hessian is invariant under joint scaling.
    for scale in (1e-150, 1e150):
        scaled = symderive.population_hessian(scale * students[0], scale * teacher)
        assert np.allclose(scaled, batched[0], rtol=1e-12, atol=1e-14)


def test_continuous_at_parallel_and_antiparallel_pairs():
    """At θ ∈ {0, π} the n-terms vanish; nearby configurations converge to the value there."""
    teacher = np.array([[1.0, 0.5, -0.2], [0.3, -1.0, 0.4]])
    exact_point = np.array([2.0 * teacher[0], -0.5 * teacher[1]])
    at = symderive.population_hessian(exact_point, teacher)
    assert np.all(np.isfinite(at))
    for epsilon in (1e-6, 1e-9):
        nearby = exact_point + epsilon * np.array([[0.0, 0.3, 1.0], [1.0, 0.0, -0.7]])
        assert np.max(np.abs(symderive.population_hessian(nearby, teacher) - at)) <= 10 * epsilon


@pytest.mark.parametrize("backend", ["numpy", "c"])
@pytest.mark.parametrize("bad, message", [
    (np.array([[0.0, 0.0], [1.0, 2.0]]), "zero row"),
    (np.array([[np.nan, 0.0], [1.0, 2.0]]), "NaN"),
    (np.ones((2, 3)), "dimension"),
])
def test_bad_input_raises(bad, message, backend):
    if backend == "c":
        _compiler_or_skip()
    with pytest.raises(ValueError, match=message):
        symderive.population_hessian(bad, np.eye(2), backend=backend)


def test_c_backend_matches_numpy_on_batches_and_parallel_pairs():
    _compiler_or_skip()
    rng = np.random.default_rng(21)
    students, teachers = rng.standard_normal((3, 5, 6)), rng.standard_normal((3, 4, 6))
    students[0, 1] = 2.5 * teachers[0, 2]  # an exactly parallel student-teacher pair
    students[1, 2] = -0.5 * students[1, 0]  # an antiparallel student pair
    numpy_hessian = symderive.population_hessian(students, teachers)
    c_hessian = symderive.population_hessian(students, teachers, backend="c")
    assert c_hessian.shape == (3, 30, 30)
    assert np.max(np.abs(c_hessian - numpy_hessian)) <= 1e-14 * np.max(np.abs(numpy_hessian))
    with pytest.raises(ValueError, match="unknown backend"):
        symderive.population_hessian(students, teachers, backend="fortran")


def test_mpmath_and_interval_evaluations_agree_with_numpy():
    rng = np.random.default_rng(13)
    student, teacher = rng.standard_normal((3, 4)), rng.standard_normal((2, 4))
    with mpmath.workdps(30):
        rows, teacher_rows = as_mp_rows(student), as_mp_rows(teacher)
        loss = float(exact.loss(mpmath.mp, rows, teacher_rows))
        gradient = np.array(exact.gradient(mpmath.mp, rows, teacher_rows), dtype=float)
        hessian = np.array(exact.hessian(mpmath.mp, rows, teacher_rows), dtype=float)
    assert loss == pytest.approx(float(symderive.population_loss(student, teacher)), rel=1e-14)
    assert np.allclose(gradient, symderive.population_gradient(student, teacher).ravel(),
                       atol=1e-14)
    assert np.allclose(hessian, symderive.population_hessian(student, teacher), atol=1e-14)
    boxes = [[iv.mpf([x - 1e-9, x + 1e-9]) for x in row] for row in student]
    teacher_points = [[iv.mpf(x) for x in row] for row in teacher]
    enclosure = exact.hessian(iv, boxes, teacher_points)
    inside = student + 0.7e-9 * rng.uniform(-1, 1, student.shape)
    value = symderive.population_hessian(inside, teacher)
    for r, row in enumerate(enclosure):
        for c, entry in enumerate(row):
            assert value[r, c] in entry
