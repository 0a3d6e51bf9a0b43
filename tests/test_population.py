"""The runtime API against the derived expressions evaluated in mpmath, and its contract."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from conftest import as_mp_rows
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import symderive
from derivations._common import (
    mp_population_gradient,
    mp_population_loss,
)


def _reference_loss(reference, W, W_star) -> float:
    with mpmath.workdps(50):
        return float(mp_population_loss(as_mp_rows(W), as_mp_rows(W_star), reference["kernel"]))


def _reference_gradient(reference, W, W_star) -> np.ndarray:
    with mpmath.workdps(50):
        flat = mp_population_gradient(as_mp_rows(W), as_mp_rows(W_star), reference["c_w"],
                                      reference["c_e"])
        return np.array([float(v) for v in flat]).reshape(W.shape)


def _term_scale(W, W_star) -> float:
    """Sum of term magnitudes: the gradient and loss are sums of terms of size ‖u_a‖
    (‖u_a‖‖u_b‖)."""
    norms = np.linalg.norm(np.concatenate([W, W_star]), axis=1)
    return float(norms.sum())


def test_loss_and_gradient_against_mpmath(reference):
    rng = np.random.default_rng(0)
    for K, K_star, d in [(1, 1, 2), (3, 2, 5), (4, 6, 3), (5, 5, 8)]:
        W, W_star = rng.standard_normal((K, d)), rng.standard_normal((K_star, d))
        scale = _term_scale(W, W_star)
        assert abs(symderive.population_loss(W, W_star) - _reference_loss(reference, W, W_star)) \
            <= 1e-14 * scale**2
        error = np.max(np.abs(symderive.population_gradient(W, W_star)
                              - _reference_gradient(reference, W, W_star)))
        assert error <= 1e-14 * scale


@pytest.mark.parametrize("angle", [0.0, 1e-12, 1e-7, np.pi - 1e-7, np.pi - 1e-12, np.pi])
def test_gating_near_parallel_and_antiparallel(reference, angle):
    e = np.array([1.0, 0.0, 0.0])
    w = 2.5 * np.array([np.cos(angle), np.sin(angle), 0.0])
    with mpmath.workdps(50):
        theta = mpmath.mpf(angle)
        expected = [reference["c_w"](theta, mpmath.mpf(2.5)) * float(wi)
                    + reference["c_e"](theta, mpmath.mpf(2.5)) * float(ei)
                    for wi, ei in zip(w, e, strict=True)]
    error = np.max(np.abs(symderive.expected_gating(e, w) - np.array([float(v) for v in expected])))
    assert error <= 1e-15 * 2.5


@pytest.mark.parametrize("scale", [1e-150, 1e-20, 1e20, 1e150])
def test_extreme_norms(reference, scale):
    rng = np.random.default_rng(1)
    W, W_star = rng.standard_normal((3, 4)), rng.standard_normal((2, 4))
    expected = _reference_gradient(reference, W, W_star)
    gradient = symderive.population_gradient(scale * W, scale * W_star)
    assert np.all(np.isfinite(gradient))
    assert np.max(np.abs(gradient / scale - expected)) <= 1e-14 * _term_scale(W, W_star)
    loss = symderive.population_loss(scale * W, scale * W_star)
    assert (abs(loss / scale**2 - _reference_loss(reference, W, W_star))
            <= 1e-13 * _term_scale(W, W_star) ** 2)


def test_teacher_is_a_global_minimum():
    W_star = np.random.default_rng(2).standard_normal((3, 5))
    assert symderive.population_loss(W_star, W_star) <= 1e-15 * np.sum(W_star**2)
    assert (np.max(np.abs(symderive.population_gradient(W_star, W_star)))
            <= 1e-15 * _term_scale(W_star, W_star))


def test_batches_broadcast():
    rng = np.random.default_rng(3)
    W, W_star = rng.standard_normal((4, 3, 5)), rng.standard_normal((2, 5))
    batched = symderive.population_gradient(W, W_star)
    assert batched.shape == (4, 3, 5)
    for b in range(4):
        assert np.array_equal(batched[b], symderive.population_gradient(W[b], W_star))
    assert symderive.population_loss(W, W_star).shape == (4,)


def test_zero_student_row_has_zero_gradient_and_contributes_nothing():
    rng = np.random.default_rng(4)
    W, W_star = rng.standard_normal((3, 4)), rng.standard_normal((2, 4))
    with_zero = np.vstack([W, np.zeros(4)])
    gradient = symderive.population_gradient(with_zero, W_star)
    assert np.all(gradient[-1] == 0)
    assert np.allclose(gradient[:-1], symderive.population_gradient(W, W_star), rtol=0, atol=1e-15)
    assert symderive.population_loss(with_zero, W_star) == pytest.approx(
        symderive.population_loss(W, W_star), rel=1e-15)


@pytest.mark.parametrize(
    ("W", "W_star", "message"),
    [
        (np.ones((2, 3)) * np.nan, np.ones((2, 3)), "NaN or infinite"),
        (np.ones((2, 3)), np.full((2, 3), np.inf), "NaN or infinite"),
        (np.ones((2, 3)), np.ones((2, 4)), "same input dimension"),
        (np.ones(3), np.ones((2, 3)), "at least 2 dimensions"),
        (np.ones((0, 3)), np.ones((2, 3)), "empty"),
        (np.ones((2, 2, 3)), np.ones((3, 2, 3)), "do not broadcast"),
        ([["a"]], np.ones((1, 1)), "real numbers"),
    ],
)
def test_bad_input_is_named(W, W_star, message):
    with pytest.raises(ValueError, match=message):
        symderive.population_gradient(W, W_star)
    with pytest.raises(ValueError, match=message):
        symderive.population_loss(W, W_star)


@pytest.mark.parametrize("backend", ["numpy", "c"])
@pytest.mark.parametrize("teacher_batch", [1, 3])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", ["W", "W_star"])
def test_non_finite_entries_are_named_by_both_backends(backend, teacher_batch, bad, where):
    """Each backend checks finiteness its own way (NumPy from the row norms, C in the kernel):
    a non-finite entry anywhere, also in an otherwise zero row or a row of huge entries, is
    named."""
    rng = np.random.default_rng(4)
    weights = {"W": rng.standard_normal((3, 4, 5)),
               "W_star": rng.standard_normal((teacher_batch, 2, 5))}
    for row in ([bad, 0, 0, 0, 0], [0, 0, 0, 0, bad], [1e300, 1e300, 1e300, 1e300, bad]):
        corrupted = {name: array.copy() for name, array in weights.items()}
        corrupted[where][-1, -1] = row
        for function in (symderive.population_gradient, symderive.population_loss):
            with pytest.raises(ValueError, match=f"^{where} contains NaN or infinite"):
                function(corrupted["W"], corrupted["W_star"], backend=backend)


def test_expected_gating_needs_a_direction():
    with pytest.raises(ValueError, match="non-zero"):
        symderive.expected_gating([0.0, 0.0], [1.0, 2.0])
    assert np.all(symderive.expected_gating([1.0, 0.0], [0.0, 0.0]) == 0)


def test_expected_gating_depends_only_on_the_direction_of_e():
    e, w = np.array([0.3, -1.2, 0.5]), np.array([1.0, 0.2, -0.7])
    assert np.allclose(symderive.expected_gating(e, w), symderive.expected_gating(7.5 * e, w),
                       rtol=1e-15, atol=1e-16)


# Subnormal entries are excluded: scaling them (the homogeneity test) is itself inexact, and a
# rounded direction changes the gradient by O(1) of the term scale; tiny norms are covered by
# test_extreme_norms.
FINITE_ENTRIES = st.floats(-3, 3, allow_subnormal=False)

networks = st.integers(1, 4).flatmap(
    lambda d: st.tuples(
        arrays(np.float64, st.tuples(st.integers(1, 4), st.just(d)), elements=FINITE_ENTRIES),
        arrays(np.float64, st.tuples(st.integers(1, 4), st.just(d)), elements=FINITE_ENTRIES),
    )
)


def _rows_are_generic(W, W_star) -> bool:
    """Away from the non-smooth set: no tiny rows, no (anti)parallel pairs."""
    U = np.concatenate([W, W_star])
    norms = np.linalg.norm(U, axis=1)
    if np.min(norms) < 0.1:
        return False
    unit = U / norms[:, None]
    cosine = unit @ unit.T - np.eye(len(U))
    return bool(np.max(np.abs(cosine)) < 0.99)


@settings(max_examples=40, deadline=None)
@given(networks, st.randoms(use_true_random=False))
def test_loss_is_invariant_under_permutations_of_units(pair, random):
    W, W_star = pair
    student_order, teacher_order = list(range(len(W))), list(range(len(W_star)))
    random.shuffle(student_order)
    random.shuffle(teacher_order)
    scale = _term_scale(W, W_star) ** 2 + 1e-300
    assert abs(symderive.population_loss(W, W_star)
               - symderive.population_loss(W[student_order], W_star[teacher_order])) \
        <= 1e-14 * scale


@settings(max_examples=40, deadline=None)
@given(networks, st.floats(1e-3, 1e3))
def test_homogeneity_in_the_norms(pair, c):
    W, W_star = pair
    scale = _term_scale(W, W_star) + 1e-300
    assert abs(symderive.population_loss(c * W, c * W_star)
               - c**2 * symderive.population_loss(W, W_star)) <= 1e-13 * (c * scale) ** 2
    assert np.max(np.abs(symderive.population_gradient(c * W, c * W_star)
                         - c * symderive.population_gradient(W, W_star)),
                  initial=0.0) <= 1e-13 * c * scale


@settings(max_examples=30, deadline=None)
@given(networks)
def test_gradient_is_the_derivative_of_the_loss(pair):
    W, W_star = pair
    assume(_rows_are_generic(W, W_star))
    h = 1e-6
    numeric = np.zeros_like(W)
    for index in np.ndindex(W.shape):
        step = np.zeros_like(W)
        step[index] = h
        numeric[index] = (symderive.population_loss(W + step, W_star)
                          - symderive.population_loss(W - step, W_star)) / (2 * h)
    # central difference: truncation O(h²) plus rounding O(eps·J/h)
    assert (np.max(np.abs(numeric - symderive.population_gradient(W, W_star)))
            <= 1e-7 * _term_scale(W, W_star) ** 2)


@pytest.mark.parametrize("scale", [1e-200, 1.0, 1e200])
def test_teacher_pairs_for_big_networks_match_the_distance_rule(scale):
    """Above PAIR_SEARCH_ELEMENTS student k is paired with teacher k iff ‖w_k − w*_k‖ ≤ D‖w_k‖ (D =
    PAIRING_DISTANCE), checked against distances in exact rationals; the cheap dot-product test in
    front of the distances must not drop a close student (rows at the edge, tiny and huge norms)."""
    from fractions import Fraction

    from symderive import geometry

    rng = np.random.default_rng(11)
    teacher = rng.standard_normal((1, 40, 5))
    steps = rng.standard_normal((1, 40, 5))
    steps /= np.linalg.norm(steps, axis=-1, keepdims=True)
    relative = np.concatenate([np.linspace(0.0, 0.3, 30), [0.2499999, 0.25, 0.2500001] * 3,
                               [0.9]]) * np.linalg.norm(teacher[0], axis=-1)
    student = (teacher + relative[None, :, None] * steps) * scale
    teacher = teacher * scale
    student[0, 5] = 0.0
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(geometry, "PAIR_SEARCH_ELEMENTS", 0)
        pairs = geometry.teacher_pairs(student, teacher)
    pairs = np.full(40, -1) if pairs is None else pairs[0]

    def squared(row):
        return sum(Fraction(float(x)) ** 2 for x in row)

    for k in range(40):
        distance, norm = squared(student[0, k] - teacher[0, k]), squared(student[0, k])
        expected = norm > 0 and distance <= Fraction(geometry.PAIRING_DISTANCE) ** 2 * norm
        assert (pairs[k] == k) == expected, k


def test_exact_multiples_are_decided_exactly():
    """u = c·v for any real c (representable or not), and a one-ulp change anywhere breaks it."""
    from fractions import Fraction

    from symderive.geometry import exact_multiples

    rng = np.random.default_rng(3)
    factors = [2.0, -0.5, 3.0, 1.0, -6.0, 0.75, 0.1, -3.0 * 2.0**121]
    v = np.ldexp(rng.integers(-2**20, 2**20, (len(factors), 5)).astype(float), -20)
    v[-2:] = rng.standard_normal((2, 5))  # full mantissas: times 0.1 or 3, the product rounds
    u = v * np.array(factors)[:, None]
    exact = np.array([all(Fraction(float(a)) == Fraction(float(b)) * Fraction(c)
                          for a, b in zip(row_u, row_v, strict=True))
                      for row_u, row_v, c in zip(u, v, factors, strict=True)])
    assert exact[:6].all() and not exact[6:].all()
    assert np.array_equal(exact_multiples(u, v), exact)
    assert np.array_equal(exact_multiples(v, u), exact)
    nudged = u.copy()
    nudged[:, 2] = np.nextafter(nudged[:, 2], np.inf)
    assert not np.any(exact_multiples(nudged, v))
    assert np.all(exact_multiples(u[:, :1], v[:, :1]))  # one dimension: always


@pytest.mark.parametrize("backend", ["numpy", "c"])
@pytest.mark.parametrize("where", ["W", "W_star"])
def test_rows_whose_norm_overflows_are_named(backend, where):
    """Finite entries whose row norm exceeds the float64 range: a ValueError naming the array (not
    a silent NaN); entries of 1e154 (squares overflow, the norm does not) are fine."""
    weights = {"W": np.ones((3, 4)), "W_star": np.full((2, 4), 0.5)}
    weights[where][-1] = 1e308
    for function in (symderive.population_gradient, symderive.population_loss):
        with pytest.raises(ValueError, match=f"^{where} has a row whose norm overflows"):
            function(weights["W"], weights["W_star"], backend=backend)
    weights[where][-1] = 1e154
    assert np.all(np.isfinite(symderive.population_gradient(weights["W"], weights["W_star"],
                                                            backend=backend)))
