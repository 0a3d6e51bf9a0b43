"""Wall time of the spurious-minima census per k, and per stage, measured in one run.

Goals (issue 7): k = 6..20 with 1000 runs each in <= 30 min, and k = 6..10 in <= 5 min, on the
project's 2-core machine.  Prints, per k, the time of the descent, of the refinement/classification
and of the certificates, the spurious fraction and the families, then the totals against the goals.
OpenBLAS threads fight the C kernel's threads on a loaded machine: run with OPENBLAS_NUM_THREADS=1.

    OPENBLAS_NUM_THREADS=1 python benchmarks/spurious_census.py --k 6 7 8 9 10 --runs 1000
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from symderive.second_order import census

GOALS = {(6, 10): 300.0, (6, 20): 1800.0}


def timed_k(k: int, runs: int, extra_units: int, seed: int) -> dict:
    teacher, units = np.eye(k), k + extra_units
    clock = time.perf_counter()
    starts = census.xavier_starts(np.random.default_rng((seed, k)), runs, units, k)
    ends, _, _ = census.descend(starts, teacher, 0.1, 1e-9, 1_000_000)
    descent = time.perf_counter() - clock
    families: list[dict] = []
    spurious = 0
    for end in ends:
        outcome = census.classify(end, teacher, 1e-9)
        if outcome["kind"] == "spurious":
            spurious += 1
            census.add_to_families(families, outcome["loss"], outcome["weights"])
    refine = time.perf_counter() - clock - descent
    certified = [census.certify_family(k, family["weights"])["certified"] for family in families]
    certify = time.perf_counter() - clock - descent - refine
    return {"descent": descent, "refine": refine, "certify": certify, "spurious": spurious / runs,
            "families": [(round(f["loss"], 6), f["count"], c) for f, c in zip(families, certified, strict=True)]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, nargs="+", default=list(range(6, 11)))
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--extra-units", type=int, default=0, choices=(0, 1))
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    total = 0.0
    for k in arguments.k:
        result = timed_k(k, arguments.runs, arguments.extra_units, arguments.seed)
        seconds = result["descent"] + result["refine"] + result["certify"]
        total += seconds
        print(f"k = {k:2d}: {seconds:7.1f} s (descent {result['descent']:.1f}, refine+classify "
              f"{result['refine']:.1f}, certify {result['certify']:.1f}); spurious fraction "
              f"{result['spurious']:.3f}; families (loss, count, certified) {result['families']}",
              flush=True)
    print(f"total for k = {arguments.k[0]}..{arguments.k[-1]}, {arguments.runs} runs each: {total:.1f} s")
    for (low, high), goal in GOALS.items():
        if arguments.k == list(range(low, high + 1)) and arguments.runs == 1000:
            print(f"goal k = {low}..{high}: <= {goal:.0f} s, ratio measured/goal {total / goal:.2f}")


if __name__ == "__main__":
    main()
