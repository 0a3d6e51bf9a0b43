"""Every claim of the foundation is verified, by at least two independent methods."""

from __future__ import annotations

import pytest

FOUNDATION_CLAIMS = {
    "expected-gating",
    "arccos-kernel",
    "kernel-gradient-identity",
    "population-loss",
    "single-relu-gradient",
    "multi-relu-gradient",
}


def _claims(results):
    return {claim.id: claim for result in results.values() for claim in result.claims}


def test_foundation_claims_exist(results):
    assert FOUNDATION_CLAIMS <= set(_claims(results))


@pytest.mark.parametrize("claim_id", sorted(FOUNDATION_CLAIMS))
def test_claim_verified_by_two_independent_methods(results, claim_id):
    claim = _claims(results)[claim_id]
    assert claim.verified, [r for r in claim.records if not r.passed]
    assert len({record.method for record in claim.records}) >= 2
    for record in claim.records:
        if record.method == "quadrature":
            assert record.max_error <= 1e-30  # 30+ digits against the defining integral
        if record.method == "monte-carlo":
            assert record.max_error <= 5.0 and record.error_unit == "standard errors"


def test_every_claim_of_every_derivation_is_verified(results):
    failed = [claim.id for claim in _claims(results).values() if not claim.verified]
    assert failed == []
