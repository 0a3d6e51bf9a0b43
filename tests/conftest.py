"""Shared fixtures: the derivation results (from the project's cache after the first run)."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

from derivations._common import A_NORM, B_NORM, THETA, W_NORM, mp_function
from symderive.build import derive_all


@pytest.fixture(scope="session")
def results():
    """Every derivation, verified (loaded from the cache when its sources are unchanged)."""
    return derive_all()


@pytest.fixture(scope="session")
def reference(results):
    """The derived pairwise terms as mpmath functions (an evaluation independent of the runtime):
    the kernel k(‖a‖, ‖b‖, θ) and the gating coefficients c_w(θ, ‖u‖), c_e(θ, ‖u‖)."""
    gating = results["expected_gating"].exports
    return {
        "kernel": mp_function(results["arccos_kernel"].exports["kernel"], A_NORM, B_NORM, THETA),
        "c_w": mp_function(gating["gating_w_coefficient"], THETA, W_NORM),
        "c_e": mp_function(gating["gating_e_coefficient"], THETA, W_NORM),
    }


def as_mp_rows(rows: np.ndarray) -> list:
    """float rows as lists of mpf (exact conversions)."""
    return [[mpmath.mpf(float(v)) for v in row] for row in rows]
