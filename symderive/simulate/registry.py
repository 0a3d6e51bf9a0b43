"""The experiment registry: every module in :mod:`symderive.simulate.experiments` is one experiment.

A module registers itself by defining ``EXPERIMENT = Experiment(...)``; :func:`registered` finds it
(modules whose name starts with ``_`` are skipped).  Nothing else needs editing: the command line,
``symderive simulate all`` and :func:`symderive.simulate.run` pick it up.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from symderive.simulate.sweep import Sweep

EXPERIMENTS_PACKAGE = "symderive.simulate.experiments"
#: the name that means "every experiment"; no experiment may take it
ALL = "all"


@dataclass(frozen=True)
class Experiment:
    """One experiment of the paper.

    * ``options``: a frozen dataclass of parameters (see :mod:`symderive.simulate.options`), whose
      defaults reproduce the paper's figure;
    * ``run(options, sweep) -> data``: the computation; ``data`` is JSON-serialisable (lists,
      numbers, strings) and holds everything the figures show; heavy work goes through
      ``sweep.map``;
    * ``plot(data, new_figure) -> {suffix: Figure}``: the figures, drawn from ``data`` alone;
      ``new_figure(width, height)`` returns an empty matplotlib Figure in the house style.  Files
      are named ``<name>.png``/``.pdf`` for the suffix ``""``, ``<name>-<suffix>.png``/``.pdf``
      otherwise;
    * ``in_all``: whether ``symderive simulate all`` runs it; set False for a study whose defaults
      take far longer than the 5-minute goal of ``all`` (it then runs only by name);
    * ``extra_files(data) -> {file name: bytes}``: further files made from ``data`` alone (for
      example the data in a documented shape of its own, or a LaTeX table), written beside the JSON
      record.
    """

    name: str
    summary: str
    options: type
    run: Callable[[Any, Sweep], Mapping[str, Any]]
    plot: Callable[[Mapping[str, Any], Callable], Mapping[str, Any]]
    in_all: bool = True
    extra_files: Callable[[Mapping[str, Any]], Mapping[str, bytes]] | None = None


@cache
def registered() -> dict[str, Experiment]:
    """Every registered experiment, by name, in name order."""
    package = importlib.import_module(EXPERIMENTS_PACKAGE)
    found: dict[str, Experiment] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{EXPERIMENTS_PACKAGE}.{info.name}")
        experiment = getattr(module, "EXPERIMENT", None)
        if not isinstance(experiment, Experiment):
            raise TypeError(f"{module.__name__} must define EXPERIMENT = Experiment(...)")
        if experiment.name == ALL or experiment.name in found:
            raise ValueError(f"experiment name {experiment.name!r} is reserved or already taken")
        found[experiment.name] = experiment
    return dict(sorted(found.items()))


def get(name: str) -> Experiment:
    """The experiment called ``name`` (ValueError naming the known ones otherwise)."""
    known = registered()
    if name not in known:
        raise ValueError(f"unknown experiment {name!r}; expected one of {sorted(known)} or {ALL!r}")
    return known[name]
