"""generated/verification.json: what was checked, by which method, with what worst error.

Deterministic: sorted keys, errors rounded to three significant digits, no timings, timestamps or
machine details.  An infinite error (a failed symbolic proof) is written as null.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

from symderive.engine.model import CheckRecord, DerivationResult

PATH = "generated/verification.json"


def _rounded(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(f"{value:.3g}")


def _method(record: CheckRecord) -> dict:
    return {
        "method": record.method,
        "points": record.points,
        "max_error": _rounded(record.max_error),
        "tolerance": _rounded(record.tolerance),
        "error_unit": record.error_unit,
        "detail": record.detail,
        "passed": record.passed,
    }


def verification_document(results: Mapping[str, DerivationResult]) -> dict:
    claims = [
        {
            "id": claim.id,
            "derivation": claim.derivation,
            "status": claim.status,
            "statement": claim.statement,
            "assumptions": list(claim.assumptions),
            "methods": [_method(record) for record in claim.records],
        }
        for result in results.values()
        for claim in result.claims
    ]
    claims.sort(key=lambda claim: claim["id"])
    return {
        "generator": "symderive build (generated, do not edit)",
        "claims": claims,
        "summary": {
            "claims": len(claims),
            "verified": sum(claim["status"] == "verified" for claim in claims),
        },
    }


def emit(results: Mapping[str, DerivationResult]) -> dict[str, bytes]:
    text = json.dumps(verification_document(results), indent=2, sort_keys=True, ensure_ascii=False)
    return {PATH: (text + "\n").encode()}
