"""The committed census record results/spurious/spurious.json, which the appendix renders.

It is the output of `symderive simulate spurious --out results/spurious --no-figures` with the
defaults (k = 6..20, 1000 runs each); the build does not rerun it (half an hour).  These tests check
its bookkeeping, re-prove the certificates of a sample of families from the stored representatives,
and compare one family's loss with a Monte Carlo estimate of the defining expectation
J = ½ E[(Σ_j relu(w_j·x) − Σ_i relu(x_i))²], x ~ N(0, I), which shares no code with the closed form.
"""

from __future__ import annotations

import numpy as np
import pytest

from symderive.latex.census import load_record
from symderive.project import CENSUS_RECORD, project_root
from symderive.second_order.certify import certify_critical_point
from symderive.simulate.experiments.spurious import Options


@pytest.fixture(scope="module")
def record() -> dict:
    return load_record(project_root() / CENSUS_RECORD)


def test_the_record_is_the_full_census_with_the_default_options(record):
    defaults = Options()
    assert record["options"]["k"] == list(defaults.k)
    assert record["options"]["runs"] == defaults.runs
    assert record["options"]["extra_units"] == defaults.extra_units
    assert record["options"]["tol"] == defaults.tol


def test_bookkeeping_of_every_k(record):
    for k, entry in record["data"]["k"].items():
        runs = entry["runs"]
        assert sum(entry["outcomes"].values()) == runs, k
        assert entry["spurious_fraction"] == entry["outcomes"]["spurious"] / runs
        assert sum(family["count"] for family in entry["families"]) == entry["outcomes"]["spurious"]
        for family in entry["families"]:
            assert family["certified"], (k, family["loss"])
            assert len(family["representative"]) == entry["n"]


def _sample(record: dict) -> list[tuple[int, dict]]:
    """All families of the two smallest k that have any, and the most frequent at the largest."""
    with_families = [(int(k), e) for k, e in record["data"]["k"].items() if e["families"]]
    sample = [(k, family) for k, entry in with_families[:2] for family in entry["families"]]
    k, entry = with_families[-1]
    return sample + [(k, max(entry["families"], key=lambda family: family["count"]))]


def _float_loss_error(representative: list, k: int) -> float:
    """A priori bound of the rounding error of the stored float64 loss: J is a sum of M² terms
    s_a s_b ‖u_a‖‖u_b‖ κ(θ_ab)/(4π) over the M = n + k signed units, each at most ‖u_a‖‖u_b‖/2 in
    magnitude, so recursive summation errs by at most γ_(M² + 16) (Σ_a ‖u_a‖)²/2 (Higham §4.2,
    with 16 roundings per term to spare)."""
    norms = np.linalg.norm(np.array(representative), axis=1).sum() + k  # teacher rows: norm 1
    units = len(representative) + k
    terms = units**2 + 16
    return terms * 2.0**-53 / (1 - terms * 2.0**-53) * norms**2 / 2


def test_sampled_certificates_are_proved_again_from_the_stored_representatives(record):
    for k, family in _sample(record):
        certificate = certify_critical_point(np.array(family["representative"]), np.eye(k))
        assert certificate.is_minimum, (k, family["loss"])
        assert certificate.hessian_min_eigenvalue_lower_bound > 0
        low, high = certificate.loss_interval
        assert low - _float_loss_error(family["representative"], k) <= family["loss"]
        assert family["loss"] <= high + _float_loss_error(family["representative"], k)


def test_one_family_loss_agrees_with_monte_carlo_of_the_defining_expectation(record):
    k, family = _sample(record)[0]
    weights = np.array(family["representative"])
    rng = np.random.default_rng(2026)
    values = []
    for _ in range(8):
        x = rng.standard_normal((250_000, k))
        difference = np.maximum(x @ weights.T, 0).sum(axis=1) - np.maximum(x, 0).sum(axis=1)
        values.append(0.5 * difference**2)
    samples = np.concatenate(values)
    standard_error = samples.std(ddof=1) / np.sqrt(samples.size)
    assert abs(samples.mean() - family["loss"]) <= 5 * standard_error
    assert standard_error <= 0.02 * family["loss"]  # the test can tell this loss from zero
