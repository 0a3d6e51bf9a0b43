"""single-relu: how often gradient descent from a random start of radius r reaches w* (PAPER.md 5).

For one ReLU (K = K* = 1), gradient descent on the population loss converges to w* from every w⁰ in
Ω = {w : ‖w − w*‖ < ‖w*‖} (Lyapunov function V = ½‖w − w*‖²), and a start uniform in the ball
B(0, r) lies in Ω with probability P(r) ≥ (1 − ε)/2 once r ≤ ε‖w*‖√(2π/(d+1)).  Both the exact P(r)
and the admissible radius come from the verified derivation
``derivations/single_relu_convergence.py`` (``init_probability``, ``admissible_radius``); the bound
drawn is (1 − ε(r))/2 with ε(r) the ε whose admissible radius is r.

Starts are uniform in B(0, r); w* = ‖w*‖·e₁ loses no generality, because the dynamics commute with
rotations and scale with ‖w*‖ (∇J(cw; cw*) = c·∇J(w; w*)), so only r·√d/‖w*‖ and d matter.  For each
radius: the fraction of starts in Ω (a Monte Carlo estimate of P(r)), the fraction that converged
(‖w − w*‖ ≤ tol·‖w*‖ after the given steps), and the theorem checked on every start in Ω: it must
converge with V non-increasing at every checkpoint.  Ω is sufficient, not necessary: starts outside
it converge too, which the figure shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from symderive.simulate.dynamics import checkpoints, observe_descent
from symderive.simulate.options import option, require_integer_at_least, require_positive
from symderive.simulate.registry import Experiment
from symderive.simulate.sweep import Sweep

NAME = "single-relu"


@dataclass(frozen=True)
class Options:
    dim: int = option(10, "input dimension d", "-d", "--dim")
    radius_max: float = option(4.0, "largest scaled radius r·√d/‖w*‖ (radii evenly spaced up "
                                    "to it)")
    radii: int = option(16, "number of radii")
    samples: int = option(1000, "gradient-descent runs per radius")
    steps: int = option(2000, "gradient-descent steps")
    lr: float = option(0.5, "step size")
    tol: float = option(1e-6, "converged when ‖w − w*‖ ≤ tol·‖w*‖")

    def __post_init__(self) -> None:
        require_integer_at_least("dim", self.dim, 1)
        require_positive("radius_max", self.radius_max)
        for name in ("radii", "samples", "steps"):
            require_integer_at_least(name, getattr(self, name), 1)
        require_positive("lr", self.lr)
        require_positive("tol", self.tol)


def uniform_ball(rng: np.random.Generator, count: int, dim: int, radius: float) -> np.ndarray:
    """count points uniform in the ball of radius ``radius`` of R^dim
    (direction × radius·U^(1/d))."""
    directions = rng.standard_normal((count, dim))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    return directions * (radius * rng.random(count) ** (1.0 / dim))[:, None]


def run_radius(dim: int, radius: float, samples: int, steps: int, lr: float, tol: float,
               seed: tuple[int, ...]) -> dict:
    """Counts for one radius r (‖w*‖ = 1): starts in Ω, converged, and the theorem's check."""
    w_star = np.zeros(dim)
    w_star[0] = 1.0
    starts = uniform_ball(np.random.default_rng(seed), samples, dim, radius)
    in_omega = np.linalg.norm(starts - w_star, axis=1) < 1.0  # the definition of Ω
    final, lyapunov = observe_descent(
        starts[:, None, :], w_star[None, :], lr, checkpoints(steps, 40),
        lambda W: 0.5 * np.sum((W[:, 0, :] - w_star) ** 2, axis=-1),
    )
    converged = np.linalg.norm(final[:, 0, :] - w_star, axis=-1) <= tol
    monotone = np.all(np.diff(np.stack(lyapunov), axis=0) <= 0, axis=0)
    return {
        "in_omega": int(in_omega.sum()),
        "converged": int(converged.sum()),
        "in_omega_converged_monotone": int(np.sum(in_omega & converged & monotone)),
    }


def theory(dim: int, radii: np.ndarray) -> dict:
    """Exact P(w⁰ ∈ Ω) and the bound (1 − ε)/2 at each radius r (‖w*‖ = 1), from the derivation."""
    from derivations.single_relu_convergence import admissible_radius, init_probability

    unit = float(admissible_radius(dim, 1))  # admissible radius per unit ε (linear in ε)
    return {
        "exact_probability": [float(init_probability(dim, float(r))) for r in radii],
        "bound": [(1 - r / unit) / 2 for r in radii],
    }


def run(options: Options, sweep: Sweep) -> dict:
    scaled = options.radius_max * np.arange(1, options.radii + 1) / options.radii
    radii = scaled / np.sqrt(options.dim)
    counts = sweep.map(NAME, run_radius, [
        {"dim": options.dim, "radius": float(r), "samples": options.samples, "steps": options.steps,
         "lr": options.lr, "tol": options.tol, "seed": seed}
        for r, seed in zip(radii, sweep.seeds(NAME, options.radii), strict=True)
    ])
    column = {key: [c[key] for c in counts] for key in counts[0]}
    return {
        "dim": options.dim,
        "scaled_radius": scaled.tolist(),
        "samples": options.samples,
        **column,
        "converged_fraction": (np.array(column["converged"]) / options.samples).tolist(),
        "in_omega_fraction": (np.array(column["in_omega"]) / options.samples).tolist(),
        **theory(options.dim, radii),
        "theorem_holds": column["in_omega_converged_monotone"] == column["in_omega"],
    }


def plot(data: dict, new_figure) -> dict:
    figure = new_figure(4.8, 3.2)
    axes = figure.subplots()
    x = data["scaled_radius"]
    axes.plot(x, data["converged_fraction"], "o-", label="gradient descent reached w*")
    axes.plot(x, data["in_omega_fraction"], "s", mfc="none", label="start in Ω (same runs)")
    axes.plot(x, data["exact_probability"], "k-", lw=0.9, label="P(w⁰ ∈ Ω), exact")
    bound = np.asarray(data["bound"])
    axes.plot(np.asarray(x)[bound > 0], bound[bound > 0], "k--", lw=0.9,
              label="bound (1 − ε)/2 (where positive)")
    axes.set_xlabel("r·√d / ‖w*‖   (w⁰ uniform in the ball of radius r)")
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
