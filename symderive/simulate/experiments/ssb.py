"""ssb: spontaneous symmetry breaking in the K-ReLU gradient flow (PAPER.md item 6).

Teacher W* = I_K (d = K, orthonormal teacher units); students in the symmetric family
w_j = x·e_j + y·Σ_{k≠j} e_k.  The full K-unit gradient descent (not the reduced 2-D flow) is
run from

* ``symmetric``: x = y = scale, which stays on the line x = y and is drawn to the symmetric fixed
  point (x_s, x_s);
* ``perturbed``: x = scale·(1 + perturbation), y = scale, an infinitesimal break of the symmetry,
  which ends at W* (x, y) = (1, 0) instead;
* ``paper``: (x, y) = (scale, 0), the start of the paper's figure.

(x, y) are read off the iterate as the mean diagonal and mean off-diagonal entry
(``symderive.critical.symmetric_coordinates``); the largest deviation of the iterate from the family
is recorded, as is the error (x − 1)² + (K − 1)·y² = ‖w_j − e_j‖².  The fixed point x_s and the
Jacobian eigenvalues there come from ``symderive.critical`` (derived and verified in
derivations/symmetric_dynamics.py); the symmetric run's end point is recorded beside x_s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from symderive.simulate.dynamics import observe_descent
from symderive.simulate.options import (
    option,
    require_integer_at_least,
    require_nonnegative,
    require_positive,
)
from symderive.simulate.registry import Experiment
from symderive.simulate.sweep import Sweep

NAME = "ssb"
STARTS = ("symmetric", "perturbed", "paper")


@dataclass(frozen=True)
class Options:
    units: tuple[int, ...] = option((2, 5, 10), "numbers of hidden units K (K ≥ 2)",
                                    "-K", "--units")
    steps: int = option(1000, "gradient-descent steps")
    lr: float = option(0.05, "step size")
    scale: float = option(1e-3, "initial x (and y for the symmetric start)")
    perturbation: float = option(1e-3, "relative symmetry break of the perturbed start")
    record_every: int = option(5, "record (x, y) every this many steps")

    def __post_init__(self) -> None:
        if not self.units:
            raise ValueError("units must list at least one K")
        for K in self.units:
            require_integer_at_least("K", K, 2)
        require_integer_at_least("steps", self.steps, 1)
        require_integer_at_least("record_every", self.record_every, 1)
        require_positive("lr", self.lr)
        require_positive("scale", self.scale)
        require_nonnegative("perturbation", self.perturbation)


def _coordinates(W: np.ndarray) -> np.ndarray:
    """(x, y, deviation) for a batch of (K, K) students: the family coordinates and the largest
    |entry| of W − (y·11ᵀ + (x − y)·I)."""
    from symderive.critical import symmetric_coordinates

    x, y = symmetric_coordinates(W)
    K = W.shape[-1]
    family = y[:, None, None] * np.ones((K, K)) + (x - y)[:, None, None] * np.eye(K)
    return np.stack([x, y, np.max(np.abs(W - family), axis=(-2, -1))], axis=-1)


def run_units(K: int, steps: int, lr: float, scale: float, perturbation: float,
              record_every: int) -> dict:
    """The three runs for one K: (x, y) and error at every recorded step, and checks at the end."""
    from symderive.critical import (
        symmetric_fixed_point,
        symmetric_jacobian_eigenvalues,
        symmetric_weights,
    )

    starts = np.stack([symmetric_weights(K, scale, scale),
                       symmetric_weights(K, scale * (1 + perturbation), scale),
                       symmetric_weights(K, scale, 0.0)])
    recorded = list(range(0, steps + 1, record_every))
    _, observed = observe_descent(starts, np.eye(K), lr, recorded, _coordinates)
    path = np.stack(observed, axis=1)  # (start, time, [x, y, deviation])
    x, y = path[..., 0], path[..., 1]
    return {
        "K": K,
        "iterations": recorded,
        "runs": {
            start: {"x": x[i].tolist(), "y": y[i].tolist(),
                    "error": ((x[i] - 1) ** 2 + (K - 1) * y[i] ** 2).tolist(),
                    "max_family_deviation": float(path[i, :, 2].max())}
            for i, start in enumerate(STARTS)
        },
        "x_s": symmetric_fixed_point(K),
        "jacobian_eigenvalues_at_x_s": list(symmetric_jacobian_eigenvalues(K)),
        "symmetric_end_point": float(x[0, -1]),
    }


def run(options: Options, sweep: Sweep) -> dict:
    keys = ("steps", "lr", "scale", "perturbation", "record_every")
    results = sweep.map(NAME, run_units, [
        {"K": K, **{key: getattr(options, key) for key in keys}} for K in options.units
    ])
    return {"by_units": results}


def plot(data: dict, new_figure) -> dict:
    columns = len(data["by_units"])
    errors = new_figure(3.0 * columns, 2.6)
    paths = new_figure(3.0 * columns, 3.0)
    for index, result in enumerate(data["by_units"]):
        K, runs = result["K"], result["runs"]
        error_axes = errors.add_subplot(1, columns, index + 1)
        path_axes = paths.add_subplot(1, columns, index + 1)
        for start, run_data in runs.items():
            error_axes.semilogy(result["iterations"], run_data["error"], label=start)
            path_axes.plot(run_data["x"], run_data["y"], label=start)
        x_s = result["x_s"]
        path_axes.plot([0, 1], [0, 1], "k:", lw=0.8, label="y = x")
        path_axes.axline((1.0, 0.0), (x_s, x_s), color="grey", ls="--", lw=0.8,
                         label="through (1, 0) and (x_s, x_s)")
        path_axes.plot([1.0], [0.0], "k*", ms=9, label="W* (1, 0)")
        path_axes.plot([x_s], [x_s], "ko", mfc="none", label=f"(x_s, x_s), x_s = {x_s:.4f}")
        path_axes.set_xlim(-0.05, 1.1)
        path_axes.set_ylim(-0.05, max(0.65, 1.1 * x_s))
        path_axes.set_xlabel("x")
        path_axes.set_ylabel("y")
        path_axes.set_title(f"K = {K}: (x, y) paths")
        error_axes.set_xlabel("iteration")
        error_axes.set_ylabel("(x − 1)² + (K − 1) y²")
        error_axes.set_title(f"K = {K}")
    errors.axes[0].legend()
    paths.axes[-1].legend(loc="upper right")
    return {"errors": errors, "paths": paths}


EXPERIMENT = Experiment(
    name=NAME,
    summary="K-ReLU gradient descent with teacher I_K from symmetric and perturbed starts (SSB)",
    options=Options,
    run=run,
    plot=plot,
)
