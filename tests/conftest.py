"""Shared fixtures: the derivation results (from the project's cache after the first run)."""

from __future__ import annotations

import pytest

from symderive.build import derive_all


@pytest.fixture(scope="session")
def results():
    """Every derivation, verified (loaded from the cache when its sources are unchanged)."""
    return derive_all()
