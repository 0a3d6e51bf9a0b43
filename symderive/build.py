"""The main job: run every derivation, verify every claim, render every output.

``symderive build`` writes the render into the project; ``symderive check`` renders into memory and
compares with the files on disk, so both use exactly the same code path (:func:`render`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from symderive.emit import kernels, second_order_terms, terms, verification
from symderive.emit.outputs import Outputs
from symderive.engine.cache import ResultCache, default_cache_dir
from symderive.engine.model import DerivationResult
from symderive.engine.runner import run_all
from symderive.latex import document as latex_document
from symderive.project import project_root

Emitter = Callable[[Mapping[str, DerivationResult]], Outputs]

#: Every emitter of the build, in order; each returns {relative path: bytes}.
EMITTERS: tuple[Emitter, ...] = (verification.emit, terms.emit, kernels.emit,
                                 second_order_terms.emit, latex_document.emit)


def derive_all(
    cache_dir: Path | None = None,
    on_result: Callable[[DerivationResult, bool], None] | None = None,
) -> dict[str, DerivationResult]:
    """Run (or load from the cache) every derivation; cache_dir None means the default location."""
    cache = ResultCache(cache_dir if cache_dir is not None else default_cache_dir(project_root()))
    return run_all(cache, on_result=on_result)


def render(results: Mapping[str, DerivationResult]) -> dict[str, bytes]:
    outputs: dict[str, bytes] = {}
    for emitter in EMITTERS:
        produced = emitter(results)
        clash = outputs.keys() & produced.keys()
        if clash:
            raise RuntimeError(f"two emitters write {sorted(clash)}")
        outputs.update(produced)
    return outputs
