"""Running experiments: options → data (through a sweep) → JSON record and figures → files.

Every experiment writes ``<name>.json`` (the options, the seed and the data; no timings or paths, so
regenerating it gives the same bytes), the experiment's ``extra_files`` if it has any, and, unless
figures are turned off, ``<name>[-<suffix>].png``
and ``.pdf`` drawn from that JSON alone.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from symderive import __version__
from symderive.emit.outputs import write_outputs
from symderive.simulate import registry
from symderive.simulate.figures import render_figures, require_matplotlib
from symderive.simulate.sweep import Sweep


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def json_bytes(record: Mapping[str, Any]) -> bytes:
    """Deterministic JSON; NaN or infinity is an error, never written silently."""
    return (json.dumps(record, indent=1, allow_nan=False, default=_plain) + "\n").encode()


def run(
    name: str,
    options: Any = None,
    *,
    sweep: Sweep | None = None,
    out: Path | None = None,
    figures: bool = True,
) -> dict[str, bytes]:
    """Run experiment ``name`` and return {file name: bytes}; also write them below ``out`` if
    given.

    ``options`` defaults to the experiment's defaults; ``sweep`` (executor, seed, progress) to
    serial, seed 0, with progress bars.
    """
    experiment = registry.get(name)
    options = experiment.options() if options is None else options
    if not isinstance(options, experiment.options):
        raise TypeError(f"options for {name!r} must be {experiment.options.__name__}, "
                         f"got {type(options).__name__}")
    sweep = Sweep() if sweep is None else sweep
    if figures:
        require_matplotlib()  # fail before the long work, not after it
    record = {
        "experiment": name,
        "generator": f"symderive {__version__}: symderive simulate {name}",
        "seed": sweep.seed,
        "options": dataclasses.asdict(options),
        "data": experiment.run(options, sweep),
    }
    files = {f"{name}.json": json_bytes(record)}
    data = json.loads(files[f"{name}.json"])["data"]
    if experiment.extra_files is not None:
        files.update(experiment.extra_files(data))
    if figures:
        files.update(render_figures(name, experiment.plot, data))
    if out is not None:
        write_outputs(Path(out), files)
    return files
