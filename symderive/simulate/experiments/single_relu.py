"""single-relu: how often gradient descent from a random start of radius r reaches w* (PAPER.md 5).

For one ReLU (K = K* = 1), Tian's Lyapunov argument (V = ½‖w − w*‖²) shows that gradient descent on the
population loss converges to w* from every w⁰ in Ω = {w : ‖w − w*‖ < ‖w*‖}, and that a random start of
scale O(ε/√d)·‖w*‖ lies in Ω with probability at least (1 − ε)/2.  Here w⁰ = r·u with u uniform on the
unit sphere of R^d (a normalised Gaussian); w* = ‖w*‖·e₁ loses no generality, because the dynamics
commute with rotations and scale with ‖w*‖ (∇J(cw; cw*) = c·∇J(w; w*)), so only r·√d/‖w*‖ and d matter.

For each radius the experiment records the fraction of starts in Ω (a Monte Carlo estimate of P(w⁰ ∈ Ω),
from a separate larger sample as well), the fraction that converged (‖w − w*‖ ≤ tol·‖w*‖ after the
given steps), and checks the theorem on every start in Ω: it must converge, with V non-increasing at
every checkpoint.  Ω is sufficient, not necessary: starts outside it converge too, which the figure shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from symderive.simulate.dynamics import checkpoints, observe_descent
from symderive.simulate.options import option, require_integer_at_least, require_positive
from symderive.simulate.registry import Experiment
from symderive.simulate.sweep import Sweep

NAME = "single-relu"
REFERENCE_CHUNK = 50_000


@dataclass(frozen=True)
class Options:
    dim: int = option(10, "input dimension d", "-d", "--dim")
    radius_max: float = option(4.0, "largest scaled radius r·√d/‖w*‖ (radii are evenly spaced up to it)")
    radii: int = option(16, "number of radii")
    samples: int = option(1000, "gradient-descent runs per radius")
    reference_samples: int = option(200_000, "extra samples per radius for the Monte Carlo P(w⁰ ∈ Ω)")
    steps: int = option(2000, "gradient-descent steps")
    lr: float = option(0.5, "step size")
    tol: float = option(1e-6, "converged when ‖w − w*‖ ≤ tol·‖w*‖")

    def __post_init__(self) -> None:
        require_integer_at_least("dim", self.dim, 1)
        require_positive("radius_max", self.radius_max)
        for name in ("radii", "samples", "reference_samples", "steps"):
            require_integer_at_least(name, getattr(self, name), 1)
        require_positive("lr", self.lr)
        require_positive("tol", self.tol)


def _sphere(rng: np.random.Generator, count: int, dim: int) -> np.ndarray:
    """count points uniform on the unit sphere of R^dim."""
    gaussian = rng.standard_normal((count, dim))
    return gaussian / np.linalg.norm(gaussian, axis=1, keepdims=True)


def _in_omega(w: np.ndarray, w_star: np.ndarray) -> np.ndarray:
    """‖w − w*‖ < ‖w*‖, row by row (the definition of Ω)."""
    return np.linalg.norm(w - w_star, axis=-1) < np.linalg.norm(w_star)


def run_radius(dim: int, radius: float, samples: int, reference_samples: int, steps: int,
               lr: float, tol: float, seed: tuple[int, ...]) -> dict:
    """Counts for one radius r (‖w*‖ = 1): starts in Ω, converged, and the theorem's check."""
    rng = np.random.default_rng(seed)
    w_star = np.zeros(dim)
    w_star[0] = 1.0
    starts = radius * _sphere(rng, samples, dim)
    in_omega = _in_omega(starts, w_star)
    reference_hits = sum(
        int(_in_omega(radius * _sphere(rng, min(REFERENCE_CHUNK, reference_samples - begin), dim),
                      w_star).sum())
        for begin in range(0, reference_samples, REFERENCE_CHUNK)
    )
    final, lyapunov = observe_descent(
        starts[:, None, :], w_star[None, :], lr, checkpoints(steps, 40),
        lambda W: 0.5 * np.sum((W[:, 0, :] - w_star) ** 2, axis=-1),
    )
    converged = np.linalg.norm(final[:, 0, :] - w_star, axis=-1) <= tol
    monotone = np.all(np.diff(np.stack(lyapunov), axis=0) <= 0, axis=0)
    return {
        "in_omega": int(in_omega.sum()),
        "reference_in_omega": reference_hits,
        "converged": int(converged.sum()),
        "in_omega_converged_monotone": int(np.sum(in_omega & converged & monotone)),
    }


def run(options: Options, sweep: Sweep) -> dict:
    scaled = options.radius_max * np.arange(1, options.radii + 1) / options.radii
    seeds = sweep.seeds(NAME, options.radii)
    counts = sweep.map(NAME, run_radius, [
        {"dim": options.dim, "radius": float(x / np.sqrt(options.dim)), "samples": options.samples,
         "reference_samples": options.reference_samples, "steps": options.steps, "lr": options.lr,
         "tol": options.tol, "seed": seed}
        for x, seed in zip(scaled, seeds)
    ])
    column = {key: [c[key] for c in counts] for key in counts[0]}
    omega_fraction = np.array(column["reference_in_omega"]) / options.reference_samples
    return {
        "dim": options.dim,
        "scaled_radius": scaled.tolist(),
        "samples": options.samples,
        **column,
        "converged_fraction": (np.array(column["converged"]) / options.samples).tolist(),
        "in_omega_fraction": (np.array(column["in_omega"]) / options.samples).tolist(),
        "omega_probability": {
            "method": f"Monte Carlo, {options.reference_samples} samples per radius",
            "value": omega_fraction.tolist(),
            "standard_error": np.sqrt(omega_fraction * (1 - omega_fraction)
                                      / options.reference_samples).tolist(),
        },
        "theorem_holds": column["in_omega_converged_monotone"] == column["in_omega"],
    }


def plot(data: dict, new_figure) -> dict:
    figure = new_figure(4.8, 3.2)
    axes = figure.subplots()
    x = data["scaled_radius"]
    axes.plot(x, data["converged_fraction"], "o-", label="gradient descent reached w*")
    axes.plot(x, data["in_omega_fraction"], "s", mfc="none", label="start in Ω (same runs)")
    probability = data["omega_probability"]
    axes.plot(x, probability["value"], "k--", label=f"P(w⁰ ∈ Ω) ({probability['method']})")
    axes.set_xlabel("r·√d / ‖w*‖")
    axes.set_ylabel("fraction of random starts")
    axes.set_ylim(-0.02, 1.05)
    axes.set_title(f"single ReLU, d = {data['dim']}, {data['samples']} runs per radius")
    axes.legend(loc="center right")
    return {"": figure}


EXPERIMENT = Experiment(
    name=NAME,
    summary="single ReLU: fraction of random starts of radius r that converge to w*, vs P(w⁰ ∈ Ω)",
    options=Options,
    run=run,
    plot=plot,
)
