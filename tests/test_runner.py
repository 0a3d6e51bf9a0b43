"""Runner ordering, cache keys, corrupted cache entries, and failing claims."""

from __future__ import annotations

import types

import pytest
import sympy

from symderive.engine import runner
from symderive.engine.cache import CACHE_ENV, ResultCache, default_cache_dir
from symderive.engine.checks import SymbolicCheck
from symderive.engine.model import Claim, Derivation

x = sympy.Symbol("x")


def _module(name: str, requires=(), true: bool = True, calls: list | None = None):
    """A derivation module made on the fly: one claim, true or false."""
    source = f"# derivation {name} {true}\n"

    def derive(inputs):
        if calls is not None:
            calls.append(name)
        stated = x**2 if true else x**3
        claim = Claim(f"{name}-claim", "x*x = x^2", (), (SymbolicCheck(x * x, stated),))
        return Derivation(name, "test", "test", (), (claim,), {"value": x * len(inputs)})

    module = types.ModuleType(f"fake_{name}")
    module.REQUIRES = tuple(requires)
    module.derive = derive
    module.__source__ = source
    return module


@pytest.fixture(autouse=True)
def _source_of_fake_modules(monkeypatch):
    real = runner.inspect.getsource
    monkeypatch.setattr(runner.inspect, "getsource",
                        lambda m: m.__source__ if hasattr(m, "__source__") else real(m))


def test_dependency_order_puts_requirements_first_and_is_deterministic():
    modules = {"c": _module("c", ["b"]), "b": _module("b", ["a"]), "a": _module("a"),
               "z": _module("z")}
    assert runner.dependency_order(modules) == ["a", "b", "c", "z"]


def test_unknown_and_cyclic_requirements_are_errors():
    with pytest.raises(runner.DerivationError, match="unknown"):
        runner.dependency_order({"a": _module("a", ["missing"])})
    with pytest.raises(runner.DerivationError, match="cyclic"):
        runner.dependency_order({"a": _module("a", ["b"]), "b": _module("b", ["a"])})


def test_exports_flow_to_dependants():
    results = runner.run_all(None, {"a": _module("a"), "b": _module("b", ["a"])})
    assert results["b"].exports["value"] == x  # b saw one input


def test_cache_hit_miss_and_corruption(tmp_path):
    calls: list = []
    modules = {"a": _module("a", calls=calls)}
    cache = ResultCache(tmp_path)
    runner.run_all(cache, modules)
    runner.run_all(cache, modules)
    assert calls == ["a"]  # second run came from the cache
    for entry in tmp_path.glob("*.pickle"):
        entry.write_bytes(b"\x80\x04garbage")
    results = runner.run_all(cache, modules)
    assert calls == ["a", "a"] and results["a"].verified  # corrupted entry rebuilt, not fatal


def test_cache_key_changes_with_source_and_upstream():
    a1, a2 = _module("a"), _module("a")
    a2.__source__ += "# edited\n"
    assert runner.cache_key(a1, []) != runner.cache_key(a2, [])
    assert runner.cache_key(a1, ["k1"]) != runner.cache_key(a1, ["k2"])
    assert runner.cache_key(a1, []) == runner.cache_key(_module("a"), [])


def test_failing_claim_is_reported_not_hidden():
    results = runner.run_all(None, {"a": _module("a", true=False)})
    claim = results["a"].claims[0]
    assert claim.status == "failed" and not results["a"].verified


def test_cache_dir_environment_override(monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "elsewhere"))
    assert default_cache_dir(tmp_path) == tmp_path / "elsewhere"
    monkeypatch.delenv(CACHE_ENV)
    assert default_cache_dir(tmp_path) == tmp_path / ".symderive-cache"


def test_claims_need_checks_and_unique_ids():
    claim = Claim("c", "s", (), (SymbolicCheck(x, x),))
    with pytest.raises(ValueError, match="duplicate"):
        Derivation("t", "p", "s", (), (claim, claim))
    with pytest.raises(ValueError, match="no checks"):
        Derivation("t", "p", "s", (), (Claim("c", "s", (), ()),))
