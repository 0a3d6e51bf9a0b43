"""Discovering, ordering, running and caching derivations.

A derivation module (one file in the ``derivations`` package) defines

* ``REQUIRES``: the names of the derivation modules whose exports it consumes, and
* ``derive(inputs) -> Derivation``, where ``inputs[name]`` is the ``exports`` mapping of each
  required derivation.

The runner orders modules so that every derivation runs after those it requires (ties broken by
name, so the order is deterministic), checks every claim and caches the result.  The cache key of a
derivation is a hash of its source, the sources of the engine and of the derivations' private helper
modules (``derivations/_*.py``), the versions of SymPy, mpmath and NumPy, and the keys of the
derivations it requires (so a change upstream reruns everything below it).
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import pkgutil
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType

import mpmath
import numpy
import sympy

from symderive.engine.cache import ResultCache
from symderive.engine.model import Derivation, DerivationResult, check_claims

DERIVATIONS_PACKAGE = "derivations"
ENGINE_DIR = Path(__file__).resolve().parent


class DerivationError(RuntimeError):
    """A derivation module is malformed (missing REQUIRES/derive, unknown or cyclic
    requirements)."""


def discover(package: str = DERIVATIONS_PACKAGE) -> dict[str, ModuleType]:
    """All derivation modules of the package, by module name."""
    root = importlib.import_module(package)
    modules = {}
    for info in pkgutil.iter_modules(root.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        if not hasattr(module, "derive") or not hasattr(module, "REQUIRES"):
            raise DerivationError(f"{module.__name__} must define REQUIRES and derive(inputs)")
        modules[info.name] = module
    return modules


def dependency_order(modules: dict[str, ModuleType]) -> list[str]:
    """Names in an order where each derivation follows what it requires (Kahn's algorithm)."""
    requires = {name: tuple(module.REQUIRES) for name, module in modules.items()}
    for name, needed in requires.items():
        unknown = [n for n in needed if n not in modules]
        if unknown:
            raise DerivationError(f"derivation {name!r} requires unknown {unknown}")
    ordered: list[str] = []
    remaining = dict(requires)
    while remaining:
        ready = sorted(n for n, needed in remaining.items() if all(d in ordered for d in needed))
        if not ready:
            raise DerivationError(f"cyclic requirements among {sorted(remaining)}")
        ordered.append(ready[0])
        del remaining[ready[0]]
    return ordered


def _shared_sources_fingerprint(package: str = DERIVATIONS_PACKAGE) -> bytes:
    """Hash of the engine's sources and of the derivations' private helper modules (``_*.py``;
    ``_wip_*.py`` drafts, which discovery skips, are left out)."""
    folder = Path(importlib.import_module(package).__file__).resolve().parent
    helpers = [p for p in sorted(folder.glob("_*.py")) if not p.name.startswith("_wip_")]
    digest = hashlib.sha256()
    for path in sorted(ENGINE_DIR.glob("*.py")) + helpers:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.digest()


def cache_key(module: ModuleType, upstream_keys: Iterable[str]) -> str:
    digest = hashlib.sha256()
    digest.update(inspect.getsource(module).encode())
    digest.update(_shared_sources_fingerprint())
    for version in (sympy.__version__, mpmath.__version__, numpy.__version__):
        digest.update(version.encode() + b"\0")
    for key in upstream_keys:
        digest.update(key.encode())
    return digest.hexdigest()[:32]


def run_derivation(name: str, module: ModuleType, inputs: dict) -> DerivationResult:
    """Derive, then run every check of every claim."""
    start = time.perf_counter()
    derivation = module.derive(inputs)
    if not isinstance(derivation, Derivation):
        raise DerivationError(f"{module.__name__}.derive returned {type(derivation).__name__}")
    claims = check_claims(name, derivation.claims)
    return DerivationResult(
        name=name,
        title=derivation.title,
        paper_reference=derivation.paper_reference,
        summary=derivation.summary,
        steps=derivation.steps,
        claims=claims,
        exports=dict(derivation.exports),
        seconds=time.perf_counter() - start,
    )


def run_all(
    cache: ResultCache | None = None,
    modules: dict[str, ModuleType] | None = None,
    on_result: Callable[[DerivationResult, bool], None] | None = None,
) -> dict[str, DerivationResult]:
    """Run (or load from cache) every derivation in dependency order.

    ``on_result(result, from_cache)`` is called after each derivation, e.g. to print progress.
    """
    modules = discover() if modules is None else modules
    results: dict[str, DerivationResult] = {}
    keys: dict[str, str] = {}
    for name in dependency_order(modules):
        module = modules[name]
        keys[name] = cache_key(module, (keys[n] for n in module.REQUIRES))
        result = cache.load(keys[name]) if cache is not None else None
        from_cache = result is not None
        if result is None:
            result = run_derivation(name, module, {n: results[n].exports for n in module.REQUIRES})
            if cache is not None:
                cache.store(keys[name], result)
        results[name] = result
        if on_result is not None:
            on_result(result, from_cache)
    return results
