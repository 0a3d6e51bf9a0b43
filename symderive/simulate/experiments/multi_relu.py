"""multi-relu: K-ReLU gradient descent from near W* and from small random starts (PAPER.md 7).

The teacher's K rows are independent uniform unit vectors of R^d (a new teacher for every run).  Two
kinds of start:

* ``near``: W⁰ = W* + noise, the noise rows Gaussian with expected norm ``near_scale`` (the paper's
  "random initialisations near W*", after the author's script with d = 100, K = 50);
* ``small``: W⁰ Gaussian with expected row norm ``small_scale``.

Recorded at geometrically spaced iterations: the relative distance to W* up to a permutation of the
units, min_P ‖W − P·W*‖_F / ‖W*‖_F (Hungarian algorithm), and the population loss at the end.  The
loss is a difference of sums of size about K²/4, so at W* it is rounding noise of order 1e-13 (it
can be slightly negative); the distance is the accurate measure of convergence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import symderive
from symderive.simulate.dynamics import checkpoints, observe_descent
from symderive.simulate.matching import distance_up_to_permutation
from symderive.simulate.options import (
    option,
    require_integer_at_least,
    require_nonnegative,
    require_positive,
)
from symderive.simulate.registry import Experiment
from symderive.simulate.sweep import Sweep

NAME = "multi-relu"
STARTS = ("near", "small")


@dataclass(frozen=True)
class Options:
    units: int = option(50, "hidden units K of student and teacher", "-K", "--units")
    dim: int = option(100, "input dimension d", "-d", "--dim")
    runs: int = option(4, "runs per kind of start")
    steps: int = option(8000, "gradient-descent steps")
    lr: float = option(0.1, "step size; stable below 2/λ_max of the Hessian, which grows with K "
                            "(λ_max ≈ 13.2 at W* for K = 50, d = 100)")
    near_scale: float = option(0.1, "expected row norm of the noise added to W* (near starts)")
    small_scale: float = option(1e-3, "expected row norm of the small random starts")
    records: int = option(60, "iterations recorded (geometrically spaced)")

    def __post_init__(self) -> None:
        require_integer_at_least("K (units)", self.units, 1)
        require_integer_at_least("d (dim)", self.dim, 1)
        for name in ("runs", "steps", "records"):
            require_integer_at_least(name, getattr(self, name), 1)
        require_positive("lr", self.lr)
        require_nonnegative("near_scale", self.near_scale)
        require_positive("small_scale", self.small_scale)


def run_one(units: int, dim: int, start: str, scale: float, steps: int, lr: float, records: int,
            seed: tuple[int, ...]) -> dict:
    """One run: a random teacher, a start of the given kind, the distance curve and the final
    loss."""
    rng = np.random.default_rng(seed)
    teacher = rng.standard_normal((units, dim))
    teacher /= np.linalg.norm(teacher, axis=1, keepdims=True)
    noise = scale * rng.standard_normal((units, dim)) / np.sqrt(dim)
    W0 = teacher + noise if start == "near" else noise
    at = checkpoints(steps, records)
    final, distances = observe_descent(
        W0, teacher, lr, at,
        lambda W: distance_up_to_permutation(W, teacher) / np.sqrt(units),
    )
    return {"start": start, "iterations": at, "relative_distance": distances,
            "final_loss": float(symderive.population_loss(final, teacher))}


def run(options: Options, sweep: Sweep) -> dict:
    tasks = [
        {"units": options.units, "dim": options.dim, "start": start,
         "scale": options.near_scale if start == "near" else options.small_scale,
         "steps": options.steps, "lr": options.lr, "records": options.records, "seed": seed}
        for start in STARTS for seed in sweep.seeds(f"{NAME}/{start}", options.runs)
    ]
    return {"units": options.units, "dim": options.dim, "runs": sweep.map(NAME, run_one, tasks)}


def plot(data: dict, new_figure) -> dict:
    figure = new_figure(4.8, 3.2)
    axes = figure.subplots()
    colours = {"near": "C0", "small": "C1"}
    labelled = set()
    for run_data in data["runs"]:
        start = run_data["start"]
        iterations = np.asarray(run_data["iterations"], dtype=float)
        axes.loglog(iterations + 1, run_data["relative_distance"], color=colours[start],
                    alpha=0.8, label=None if start in labelled else f"{start} start")
        labelled.add(start)
    axes.set_xlabel("iteration + 1")
    axes.set_ylabel("min_P ‖W − P W*‖ / ‖W*‖")
    axes.set_title(f"K = {data['units']} ReLUs, d = {data['dim']}")
    axes.legend()
    return {"": figure}


EXPERIMENT = Experiment(
    name=NAME,
    summary="K-ReLU gradient descent from near W* and from small random starts: distance to W*",
    options=Options,
    run=run,
    plot=plot,
)
