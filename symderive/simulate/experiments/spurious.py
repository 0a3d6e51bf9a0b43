"""spurious: the census of spurious local minima of Safran & Shamir (ICML 2018), certified.

For every k: teacher W* = I_k (d = k), student width n = k + extra_units, ``runs`` Xavier starts,
gradient descent to ‖∇J‖_F ≤ tol, Newton refinement, classification (global / spurious / other,
with the reason), families of spurious minima up to permutations of units and coordinates, and an
interval certificate for one representative per family (see symderive.second_order.census).  The
data is the census: ``{"k": {"6": {"n", "runs", "spurious_fraction", "families": [{"loss", "count",
"certified", ...}], ...}}}``.
"""

from __future__ import annotations

from dataclasses import dataclass

from symderive.simulate.options import option, require_integer_at_least, require_positive
from symderive.simulate.registry import Experiment
from symderive.simulate.sweep import Sweep

NAME = "spurious"
#: runs per task; fixed, so the split (and the seeds) never depend on the executor
CHUNK = 250


@dataclass(frozen=True)
class Options:
    k: tuple[int, ...] = option(tuple(range(6, 21)), "teacher sizes k (W* = I_k, d = k)", "--k")
    runs: int = option(1000, "Xavier starts per k")
    extra_units: int = option(0, "student width n = k + extra_units (0 or 1)")
    lr: float = option(0.1, "gradient-descent step (halved if a batch diverges)")
    tol: float = option(1e-9, "stop when the gradient norm ||dJ/dW||_F <= tol")
    max_steps: int = option(1_000_000, "gradient-descent step limit per run")

    def __post_init__(self) -> None:
        if not self.k:
            raise ValueError("k needs at least one value")
        for value in self.k:
            require_integer_at_least("k", value, 1)
        if len(set(self.k)) != len(self.k):
            raise ValueError(f"k has repeated values: {self.k}")
        require_integer_at_least("runs", self.runs, 1)
        if self.extra_units not in (0, 1):
            raise ValueError(f"extra_units must be 0 or 1, got {self.extra_units!r}")
        require_positive("lr", self.lr)
        require_positive("tol", self.tol)
        require_integer_at_least("max_steps", self.max_steps, 1)


def run(options: Options, sweep: Sweep) -> dict:
    """One k after the other (so the progress lines time each k): its descent chunks, then the
    certificates of its families, each mapped over the sweep's executor."""
    return {"k": {str(k): census_of(k, options, sweep) for k in options.k}}


def census_of(k: int, options: Options, sweep: Sweep) -> dict:
    # The runtime is imported here, not at module level: building the CLI parser must not load it.
    from symderive.second_order.census import census_chunk, certify_family, merge_chunks

    units = k + options.extra_units
    sizes = [min(CHUNK, options.runs - begin) for begin in range(0, options.runs, CHUNK)]
    seeds = sweep.seeds(f"{NAME}/k={k}/n={units}", len(sizes))
    tasks = [{"k": k, "units": units, "runs": size, "lr": options.lr, "tol": options.tol,
              "max_steps": options.max_steps, "seed": seed}
             for size, seed in zip(sizes, seeds, strict=True)]
    chunks = sweep.map(f"{NAME} k={k} descent", census_chunk, tasks)
    counts, families, lr_used = merge_chunks(chunks)
    certificates = sweep.map(f"{NAME} k={k} certify", certify_family,
                             [{"k": k, "weights": family["weights"]} for family in families])
    return {
        "n": units,
        "runs": options.runs,
        "spurious_fraction": counts["spurious"] / options.runs,
        "global_fraction": counts["global"] / options.runs,
        "outcomes": counts,
        "lr": lr_used,
        "families": [
            {"loss": family["loss"], "count": family["count"], **certificate,
             "representative": family["weights"]}
            for family, certificate in zip(families, certificates, strict=True)
        ],
    }


def plot(data: dict, new_figure) -> dict:
    figure = new_figure(6.4, 2.8)
    fractions, losses = figure.subplots(1, 2)
    ks = [int(k) for k in data["k"]]
    entries = list(data["k"].values())
    fractions.plot(ks, [entry["spurious_fraction"] for entry in entries], "o-")
    fractions.set_xlabel("k (W* = I_k, d = k)")
    fractions.set_ylabel("fraction of runs in a spurious minimum")
    fractions.set_ylim(bottom=0)
    for k, entry in zip(ks, entries, strict=True):
        for family in entry["families"]:
            losses.scatter([k], [family["loss"]], s=8 + 60 * family["count"] / entry["runs"],
                           c="C0" if family["certified"] else "none", edgecolors="C0")
    for axes in (fractions, losses):
        axes.set_xticks(ks)
        axes.set_xlim(ks[0] - 0.5, ks[-1] + 0.5)
    losses.set_xlabel("k")
    losses.set_ylabel("loss of the family (filled: certified)")
    n = entries[0]["n"] - ks[0] if entries else 0
    figure.suptitle(f"spurious local minima, student width n = k + {n}, "
                    f"{entries[0]['runs'] if entries else 0} Xavier starts per k")
    return {"": figure}


def census_files(data: dict) -> dict[str, bytes]:
    """census.json (the census alone, in the documented shape) and census.tex (the LaTeX table of
    the appendix, a booktabs longtable)."""
    from symderive.latex.census import census_table
    from symderive.simulate.execute import json_bytes

    return {"census.json": json_bytes(data), "census.tex": census_table(data).encode()}


EXPERIMENT = Experiment(
    name=NAME,
    summary="census of spurious local minima for W* = I_k (Safran & Shamir 2018), certified",
    options=Options,
    run=run,
    plot=plot,
    # The defaults (k = 6..20, 1000 runs each) take most of an hour: run it by name, not in `all`.
    in_all=False,
    extra_files=census_files,
)
